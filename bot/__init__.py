"""faqbot: retrieval-augmented support chatbot for the JECC Water Standard Platform vendor FAQ."""

__version__ = "0.1.0"
