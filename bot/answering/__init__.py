"""Answer writing: extractive (default), LLM, the citation guard, and support-desk drafts."""
