"""Retrieval: dense + lexical signals, language-aware fusion, and the answer/abstain decision."""

from bot.retrieval.base import Retriever
from bot.retrieval.hybrid import HybridRetriever

__all__ = ["HybridRetriever", "Retriever"]
