"""The on-disk index: FAISS vectors per entry field, a BM25 model, and meta.json describing both."""

from bot.index.build import build_index, data_fingerprint
from bot.index.store import LoadedIndex, load_index

__all__ = ["LoadedIndex", "build_index", "data_fingerprint", "load_index"]
