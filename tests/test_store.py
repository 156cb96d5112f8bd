"""The store contract, on the embedded qdrant-client store and (when QDRANT_URL is set) on a Qdrant server."""

from __future__ import annotations

import os
import uuid

import pytest

from bronvast.schema import Chunk
from bronvast.store import QdrantStore, StoreError, StoreLocked, point_id


@pytest.fixture(params=["local", "server"])
def store(request, tmp_path):
    if request.param == "server":
        if not os.environ.get("QDRANT_URL"):
            pytest.skip("QDRANT_URL not set: no Qdrant server to test against")
        store = QdrantStore.server(os.environ["QDRANT_URL"], os.environ.get("QDRANT_API_KEY"), 30.0)
    else:
        store = QdrantStore.local(tmp_path / "qdrant")
    yield store
    store.close()


def chunk(path: str, sha: str, index: int, text: str) -> Chunk:
    return Chunk(point_id(path, sha, index), text, path.rsplit("/", 1)[-1], path, None, "T", sha, "c", "t", index)


def test_contract(store):
    name = f"test-{uuid.uuid4().hex[:8]}"
    store.ensure_collection(name, 3)
    old = [chunk("/d/a.txt", "a" * 64, 0, "oud")]
    new = [chunk("/d/a.txt", "b" * 64, 0, "nieuw"), chunk("/d/a.txt", "b" * 64, 1, "nieuw 2")]
    other = [chunk("/d/b.txt", "c" * 64, 0, "ander")]
    store.upsert(name, old, [[1, 0, 0]])
    store.upsert(name, new, [[0, 1, 0], [0, 1, 0.1]])
    store.upsert(name, other, [[0, 0, 1]])
    assert store.indexed_sha(name, "/d/a.txt") == {"a" * 64, "b" * 64}

    store.delete_document(name, "/d/a.txt", keep_sha="b" * 64)
    assert store.indexed_sha(name, "/d/a.txt") == {"b" * 64}
    hits = store.search(name, [0, 1, 0], top_k=2)
    assert [h.chunk.text for h in hits] == ["nieuw", "nieuw 2"] and hits[0].score > hits[1].score
    assert hits[0].chunk == new[0]
    assert (stats := store.stats(name)).documents == 2 and stats.chunks == 3

    store.delete_points(name, [new[1].id])
    store.delete_document(name, "/d/b.txt")
    assert store.stats(name).chunks == 1 and name in store.collections()


def test_writing_the_same_chunk_twice_does_not_duplicate(store):
    name = f"test-{uuid.uuid4().hex[:8]}"
    store.ensure_collection(name, 2)
    twice = [chunk("/d/a.txt", "a" * 64, 0, "een")]
    store.upsert(name, twice, [[1, 0]])
    store.upsert(name, twice, [[1, 0]])
    assert store.stats(name).chunks == 1


def test_refuses_another_embedder_dimension_and_bad_names(store):
    name = f"test-{uuid.uuid4().hex[:8]}"
    store.ensure_collection(name, 3)
    with pytest.raises(StoreError, match="ander embeddingmodel"):
        store.ensure_collection(name, 4)
    with pytest.raises(StoreError, match="ongeldige collectienaam"):
        store.ensure_collection("../etc", 3)
    with pytest.raises(StoreError, match="bestaat niet"):
        store.search("nergens", [1, 0, 0], 3)


def test_second_process_on_the_embedded_store_is_told_it_is_locked(tmp_path):
    first = QdrantStore.local(tmp_path / "qdrant")
    try:
        with pytest.raises(StoreLocked, match="in gebruik"):
            QdrantStore.local(tmp_path / "qdrant")
    finally:
        first.close()


def test_an_unreachable_server_is_a_plain_error():
    with pytest.raises(StoreError, match="niet bereikbaar"):
        QdrantStore.server("http://127.0.0.1:9", None, 2.0)
