"""Any sentence-transformers model: a Hub name (for users with Hub access) or a local folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.embedders.base import Vectors, l2_normalize
from bot.errors import EmbedderError


class SentenceTransformerEmbedder:
    def __init__(self, model: str | Path, query_prompt: str = "", document_prompt: str = "") -> None:
        model = str(model)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is not installed: `pip install torch==2.13.0` then "
                "`pip install -e .[st]`"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # ST raises OSError, ValueError, HF errors...: all mean "cannot load"
            raise EmbedderError(
                f"could not load sentence-transformers model {model!r}: {exc}. Give a local folder "
                "(FAQBOT_ST_MODEL=/path/to/model) when the Hugging Face Hub is unreachable."
            ) from exc
        self._name = model
        self._query_prompt = query_prompt
        self._document_prompt = document_prompt
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise EmbedderError(f"model {model!r} does not report an embedding dimension")
        self._dim = int(dim)

    @property
    def id(self) -> str:
        return f"st/{self._name}/q={self._query_prompt!r}/d={self._document_prompt!r}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str], prompt: str) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        out = self._model.encode(
            list(texts), prompt=prompt or None, convert_to_numpy=True, normalize_embeddings=True
        )
        return l2_normalize(np.asarray(out, dtype=np.float32))

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._query_prompt)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._document_prompt)
