"""The ingest pipeline's read-ahead and batching (ingest/pipeline.py), on the real store and embedder: files read in
reader threads and embedded several at a time give the outcomes, in file order, and the stored points that indexing
them one by one gives."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bronvast.edge_store import EdgeStore
from bronvast.factories import make_tokenizer
from bronvast.settings import ChunkingSettings
from files import make_docx, make_pdf, make_truncated_pdf
from ingest import pipeline
from ingest.chunking import make_splitter
from ingest.pipeline import Indexer, ingest_paths, read_ahead
from ingest.sources import FileSource

SMALL_CHUNKS = ChunkingSettings(chunk_size=24, chunk_overlap=0)
WORDS = "gemeente raad besluit brug haven park plein markt zwembad station begroting tarief vergunning".split()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches and look-ahead small enough that a few dozen short chunks cross several of each."""
    monkeypatch.setattr(pipeline, "EMBED_BATCH", 5)
    monkeypatch.setattr(pipeline, "READ_AHEAD", 3)


@pytest.fixture
def stores(tmp_path):
    opened: list[EdgeStore] = []

    def open_store(name: str) -> EdgeStore:
        opened.append(EdgeStore.open(tmp_path / name))
        return opened[-1]

    yield open_store
    for store in opened:
        store.close()


def indexer(app, store) -> Indexer:
    splitter = make_splitter(SMALL_CHUNKS, make_tokenizer(app.settings).tokenize)
    return Indexer(store, app.embedder, app.encoder, splitter, "p", app.spec)


def text(n: int, version: int = 1, paragraphs: int = 2) -> str:
    return "\n\n".join(
        f"Notitie {n} versie {version} alinea {p}: "
        + " ".join(WORDS[(n * 5 + p * 3 + k) % len(WORDS)] for k in range(12)) + "."
        for p in range(paragraphs)
    )


def small_corpus(folder: Path) -> list[Path]:
    """Sixteen short notes (one a copy of another), bad files in between and a two-page PDF; in file order."""
    folder.mkdir()
    for n in range(16):
        (folder / f"n{n:02}.txt").write_text(text(n, paragraphs=1 + n % 3), encoding="utf-8")
    shutil.copy(folder / "n03.txt", folder / "n07.txt")
    (folder / "n05-leeg.txt").write_bytes(b"")
    (folder / "n09-kapot.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "n11-nep.docx").write_text("dit is geen docx", encoding="utf-8")
    make_truncated_pdf(folder / "n12-afgebroken.pdf")
    make_pdf(folder / "n13-rapport.pdf", [text(40), text(41)], title="Rapport")
    make_docx(folder / "n14-besluit.docx", "Besluit", [("Besluit", text(42))])
    return sorted(folder.iterdir())


def snapshot(store) -> set[tuple]:
    """Per stored version: its names, hash, chunk count and chunk texts (without times)."""
    chunks: dict[tuple, list] = {}
    for chunk in store.chunks("p"):
        key = (frozenset((chunk.path, *chunk.also_paths)), chunk.sha256, chunk.chunks_total)
        chunks.setdefault(key, []).append((chunk.chunk_index, chunk.text))
    return {(*key, tuple(sorted(texts))) for key, texts in chunks.items()}


def test_batched_ingest_matches_one_file_at_a_time_with_outcomes_in_file_order(app, tmp_path, stores, small_batches):
    files = small_corpus(tmp_path / "docs")
    seen = []
    report = ingest_paths([tmp_path / "docs"], indexer(app, store := stores("batched")), on_file=seen.append)

    assert [o.path for o in report.outcomes] == files == [o.path for o in seen]  # file order, as they settled
    one_by_one = indexer(app, reference := stores("one-by-one"))
    expected = [next(one_by_one.index_sources([FileSource(path)])) for path in files]
    def summary(outcomes):
        return [(o.status, o.chunks, o.reason) for o in outcomes]

    assert summary(report.outcomes) == summary(expected)
    assert snapshot(store) == snapshot(reference)
    assert sum(o.chunks for o in report.outcomes) > 3 * pipeline.EMBED_BATCH  # several batches were embedded

    reasons = {o.path.name: o.reason for o in report.rejected}
    assert set(reasons) == {"n05-leeg.txt", "n09-kapot.pdf", "n11-nep.docx", "n12-afgebroken.pdf"}
    assert "leeg" in reasons["n05-leeg.txt"] and "PDF" in reasons["n09-kapot.pdf"]
    assert reasons["n11-nep.docx"].startswith("bestand heet .docx maar is een")  # type by content
    copy = next(o for o in report.outcomes if o.path.name == "n07.txt")
    assert copy.status == "nieuw" and copy.chunks == 0 and "n03.txt" in copy.reason  # deduplicated within a batch
    assert {o.status for o in report.outcomes if o not in report.rejected} == {"nieuw"}


def test_reingest_replaces_changed_files_in_a_batch_and_reads_content_freed_by_an_earlier_file(
    app, tmp_path, stores, small_batches
):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(10):
        (folder / f"d{n}.txt").write_text(text(n), encoding="utf-8")
    store = stores("store")
    ingest_paths([folder], indexer(app, store))
    old_d2 = (folder / "d2.txt").read_text(encoding="utf-8")
    # d2 and d6 change; d8 now holds d2's old content, which was stored when reading began but is not any more once
    # d2 is replaced: d8 must then be read and embedded after all.
    (folder / "d2.txt").write_text(text(2, version=2), encoding="utf-8")
    (folder / "d6.txt").write_text(text(6, version=2), encoding="utf-8")
    (folder / "d8.txt").write_text(old_d2, encoding="utf-8")

    report = ingest_paths([folder], indexer(app, store))

    statuses = {o.path.name: (o.status, o.chunks > 0) for o in report.outcomes}
    assert statuses == {f"d{n}.txt": ("ongewijzigd", False) for n in (0, 1, 3, 4, 5, 7, 9)} | {
        "d2.txt": ("vervangen", True), "d6.txt": ("vervangen", True), "d8.txt": ("vervangen", True)}
    versions = store.versions("p")
    assert sorted(v.path for v in versions) == sorted(str(p.resolve()) for p in folder.iterdir())  # one each
    assert all(v.complete and not v.also_paths for v in versions)
    texts = {c.path: c.text for c in store.chunks("p") if c.chunk_index == 0}
    assert "versie 2" in texts[str((folder / "d2.txt").resolve())]
    assert texts[str((folder / "d8.txt").resolve())].startswith("Notitie 2 versie 1")

    reference = stores("reference")
    ingest_paths([folder], indexer(app, reference))
    assert snapshot(store) == snapshot(reference)


def test_read_ahead_keeps_order_and_submits_the_next_few_while_one_is_worked_on():
    outstanding, most = 0, 0
    lock = threading.Lock()

    def work(n: int) -> int:
        time.sleep(0.001 * (n % 3))  # later items often finish first
        return n * n

    with ThreadPoolExecutor(2) as pool:
        def submit(n: int):
            nonlocal outstanding, most
            with lock:
                outstanding += 1
                most = max(most, outstanding)
            return pool.submit(work, n)

        results = []
        for result in read_ahead(range(50), submit, ahead=4):
            with lock:
                outstanding -= 1
            results.append(result)
    assert results == [n * n for n in range(50)]
    assert most == 4 + 1  # the one being worked on and the four after it


def test_a_failing_reader_stops_the_ingest_with_its_error_and_writes_nothing_of_later_files(
    app, tmp_path, stores, monkeypatch
):
    """An error that is not a bad file (a bug) still surfaces, raised from the reader thread, as it did before."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(6):
        (folder / f"d{n}.txt").write_text(text(n), encoding="utf-8")
    chunks = Indexer._chunks

    def broken_on_d3(self, documents):
        if documents[0].path.name == "d3.txt":
            raise RuntimeError("kapotte splitter")
        return chunks(self, documents)

    monkeypatch.setattr(Indexer, "_chunks", broken_on_d3)
    store = stores("store")
    with pytest.raises(RuntimeError, match="kapotte splitter"):
        ingest_paths([folder], indexer(app, store))
    versions = store.versions("p") if "p" in store.collections() else []
    assert {v.path for v in versions} <= {str((folder / f"d{n}.txt").resolve()) for n in range(3)}
    assert all(v.complete for v in versions)
