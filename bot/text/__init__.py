"""Text handling shared by indexing and querying: normalisation, synonyms, language, tokens."""
