"""Stage 3, index: sources -> documents -> chunks -> vectors -> the store, one whole source at a time; the writer
(Indexer) and the two ways in: ingest_paths (files and folders, `bronvast ingest`) and ingest_documents (documents
handed in as text, a BEIR corpus). Both read through ingest/sources.py, so they share everything below.

Around it: what a source is and how it is read (ingest/sources.py, ingest/readers.py), the collection's versions
in memory (ingest/catalog.py), what an ingest reports (ingest/report.py), and listing and deleting documents
(ingest/documents.py).

A source is read, chunked and embedded completely in memory before anything is written, so one that fails
leaves nothing behind. A changed source's new chunks are written before its old ones are deleted, so a question
asked meanwhile always finds one complete version.

Crash safety (kill -9 at any moment): every point records `chunks_total`, the chunk count of its version
(path, sha256). `recover` runs before every ingest and listing: a version with fewer points than that was cut off
mid-write and goes; where a path has two complete versions (killed between writing the new and deleting the old)
the newest stays. Re-running the ingest then redoes what was cut off.

Personal data: a collection whose spec records `redact` kinds (ingest.redact) gets every document's page texts,
section headings, title and metadata values redacted (ingest/redact.py) after reading and before chunking, so no
chunk, vector or payload holds a detected value; the file is never written to and its identity hash stays the
file's own. Paths and file names are the documents' identity and citation and are not redacted.

Throughput: sources are hashed, read and chunked READ_AHEAD ahead in READERS reader threads while the embedder
works (it runs in native code without the GIL; thread readers need no pickling of the splitter and its tokenizer),
and the chunks of consecutive sources are embedded together, up to about EMBED_BATCH per call, and written together.
A reader thread has its file parsed in a worker process (ingest/isolation.py, when the indexer is given them, as
the application does), within a time and a memory limit per file, so a file that hangs or bloats its parser is
rejected and the ingest goes on; the workers are started once and kept, and only the documents come back.
Decisions (unchanged, same content as a stored file, replace) are still made in source order against the catalog
as the sources before left it, and outcomes come in that order. A changed source ends a write group, so at most one
has two stored versions at a time, as before. Each file is hashed once: its documents carry the identity hash the
reader thread computed.

Dedup: a file whose content (the identity hash: file bytes plus manifest values) is already stored under another
path is not embedded again; the second path is added to the stored version's `also_paths`, and citations name
both. Removing a name removes only that name; the points go with the last one. Documents handed in as text are not
deduplicated (ingest/sources.py says why).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from bronvast.schema import Chunk, CollectionSpec, Page, SourceDocument, SparseVector
from bronvast.settings import IngestSettings
from bronvast.sparse import SparseEncoder
from bronvast.store import ChunkStore, Version, check_collection_name
from ingest import ocr
from ingest.catalog import Catalog, StoredSnapshot
from ingest.chunking import chunk_document
from ingest.isolation import ReaderProcesses
from ingest.manifest import MANIFEST_NAMES, ManifestError, Manifests
from ingest.parsed import UnreadableFile, parser_failure
from ingest.readers import document_key
from ingest.redact import redact
from ingest.report import FileOutcome, IngestReport, Status
from ingest.sources import FileSource, Source, TextSource, find_files

# Metadata that names documents (keys and file names, like path and source) rather than saying what they hold.
UNREDACTED_METADATA = frozenset({"parent", "parent_source"})

# Sources read and chunked ahead of the ones being embedded: enough to keep the embedder fed, few enough that memory
# stays flat on a folder of any size.
READ_AHEAD = 16
READERS = 2
# The chunks of consecutive small files are embedded in one call up to about this many (a larger file goes alone):
# a call per small file pays the per-call overhead on a handful of chunks.
EMBED_BATCH = 64


@dataclass
class ReadSource:
    """A source as a reader thread left it: its identity hash and, when it had to be read, documents and chunks.
    `reason` says why it is rejected (then without sha when hashing or its manifest row failed)."""

    source: Source
    key: str
    sha: str = ""
    documents: list[SourceDocument] | None = None  # None: not read (its content was stored) or unreadable
    chunks: list[Chunk] = field(default_factory=list)
    redacted: dict[str, int] = field(default_factory=dict)
    reason: str = ""
    status: Status = "nieuw"

    @property
    def path(self) -> Path:
        return self.source.path


def read_ahead(items: Iterable, submit: Callable[..., Future], ahead: int = READ_AHEAD) -> Iterator:
    """The results of submit(item) in item order; while the caller works on one, the next `ahead` are submitted
    (and no more).

    Our own: Executor.map submits every item at once and would hold all their results in memory."""
    items = iter(items)
    futures: deque[Future] = deque(submit(item) for item in itertools.islice(items, ahead))
    try:
        while futures:
            future = futures.popleft()
            futures.extend(submit(item) for item in itertools.islice(items, 1))
            yield future.result()
    finally:
        for future in futures:
            future.cancel()


class Indexer:
    """Writes whole documents into one collection; holds the stage objects and the collection's catalog."""

    def __init__(
        self, store: ChunkStore, embedder, encoder: SparseEncoder, splitter, collection: str, spec: CollectionSpec,
        reading: IngestSettings | None = None,  # how files are read (OCR); None: the defaults
        processes: ReaderProcesses | None = None,  # where files are read, within limits; None: in reader threads
    ):
        self.reading = reading
        self.processes = processes
        self.store = store
        self.spec = spec
        self.embedder = embedder
        self.encoder = encoder
        self.splitter = splitter
        self.collection = check_collection_name(collection)
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.store.versions(self.collection))
        return self._catalog

    def check_spec(self) -> None:
        """Refuses (StoreError) before anything is read when an existing collection was made with another embedder,
        analyser or personal-data redaction: text must not go in unredacted, or redacted otherwise, by a wrong
        --config. Every write checks this again."""
        if self.collection in self.store.collections():
            self.store.check_collection(self.collection, self.spec)

    def recover(self) -> int:
        """Makes the collection consistent after a crash; returns how many versions were removed or repaired.

        Partial versions (fewer points than `chunks_total`) go. Of two complete versions of one path the newest
        stays (the older one lives on under its also-paths, if it has any). A name that is both a path of its own
        and an also-path elsewhere keeps its own version.
        """
        repaired = 0
        for version in self.store.versions(self.collection):
            if not version.complete:
                self.store.delete_version(self.collection, version.path, version.sha256)
                repaired += 1
        self._catalog = None
        by_path: dict[str, list[Version]] = defaultdict(list)
        for version in self.catalog.versions:
            by_path[version.path].append(version)
        for versions in by_path.values():
            for older in sorted(versions, key=lambda v: v.ingested_at)[:-1]:
                self._drop_name(older, older.path)
                repaired += 1
        for name in self.catalog.names():
            holders = self.catalog.named(name)
            if len(holders) > 1:
                keep = max(holders, key=lambda v: (v.path == name, v.ingested_at))
                for version in holders:
                    if version is not keep:
                        self._drop_name(version, name)
                        repaired += 1
        return repaired

    def index_sources(self, sources: Iterable[Source]) -> Iterator[FileOutcome]:
        """Indexes files (or documents handed in), yielding one outcome per source in their order, each once the
        source is settled (its points written, or nothing to write). Sources are read READ_AHEAD ahead in READERS
        threads; see the module docstring."""
        stored = StoredSnapshot.of(self.catalog)
        pending: list[ReadSource] = []
        with ThreadPoolExecutor(READERS, thread_name_prefix="bronvast-read") as pool:
            reads = read_ahead(sources, lambda source: pool.submit(self._read, source, stored))
            try:
                for read in reads:
                    if pending and (read.sha in {p.sha for p in pending} or read.key in {p.key for p in pending}
                                    or not self._to_embed(read)):
                        yield from self._embed_pending(pending)  # decide on this source after the ones before
                        pending = []
                    if self._to_embed(read) and read.documents is None:  # not read ahead: was stored, is no more
                        self._load(read)
                    outcome = self._settle(read)
                    if outcome is not None:
                        yield outcome
                        continue
                    pending.append(read)
                    if sum(len(p.chunks) for p in pending) >= EMBED_BATCH:
                        yield from self._embed_pending(pending)
                        pending = []
                yield from self._embed_pending(pending)
            finally:
                reads.close()
                pool.shutdown(cancel_futures=True)

    def _read(self, source: Source, stored: StoredSnapshot) -> ReadSource:
        """Runs in a reader thread: the source's identity hash and, unless `stored` holds that content already, its
        documents (redacted) and chunks. Touches neither the catalog nor the store."""
        read = ReadSource(source, source.key)
        try:
            read.sha = source.identity()
        except (UnreadableFile, ManifestError) as exc:
            read.reason = str(exc)
            return read
        if not stored.holds(read.key, read.sha, source.dedup):
            self._load(read)
        return read

    def _load(self, read: ReadSource) -> None:
        """The hashed source's documents, read with its identity hash (never hashed again), and their chunks; or
        the reason it is rejected."""
        try:
            documents = read.source.documents(read.sha, self.reading, self.processes)
        except UnreadableFile as exc:
            read.reason = str(exc)
            return
        except Exception as exc:  # a parser library's own, when read in this thread (without worker processes)
            read.reason = str(parser_failure(exc))
            return
        read.documents, read.redacted = self._redact(documents)
        read.chunks = self._chunks(read.documents)
        if not read.chunks:
            read.reason = "bevat geen tekst om te indexeren"

    def _to_embed(self, read: ReadSource) -> bool:
        """Whether the source is to be embedded, the catalog being as it is now: hashed, its content not stored
        under its own name nor (complete, where it allows dedup) under another, and not rejected by its reader."""
        if not read.sha or any(v.sha256 == read.sha for v in self.catalog.named(read.key)):
            return False
        if self._twins(read):
            return False
        return not read.reason

    def _settle(self, read: ReadSource) -> FileOutcome | None:
        """The outcome of a source that needs no embedding, its catalog changes made; None when it is to be
        embedded (its status then set)."""
        if not read.sha:
            return FileOutcome(read.path, "geweigerd", reason=read.reason)
        held = self.catalog.named(read.key)
        if any(v.sha256 == read.sha for v in held):
            self._forget(read.key, keep_sha=read.sha)  # after a crash a name may linger elsewhere
            return FileOutcome(read.path, "ongewijzigd")
        read.status = "vervangen" if held else "nieuw"
        twins = self._twins(read)
        if twins:
            return self._add_name(read.path, read.key, twins[0], read.status)
        if read.reason:
            return FileOutcome(read.path, "geweigerd", reason=read.reason)
        return None

    def _twins(self, read: ReadSource) -> list[Version]:
        """The complete stored versions with the source's content, where its content may stand in for it (dedup)."""
        return [v for v in self.catalog.with_sha(read.sha) if v.complete] if read.source.dedup else []

    def _embed_pending(self, pending: list[ReadSource]) -> Iterator[FileOutcome]:
        """Embeds the sources' chunks in one call, then writes them in groups that end at a changed source, whose
        old version goes right after its new one is written; yields their outcomes in order."""
        if not pending:
            return
        chunks = [chunk for read in pending for chunk in read.chunks]
        dense, sparse = self._embed(chunks)
        group: list[ReadSource] = []
        start = 0
        for read in pending:
            group.append(read)
            if read.status == "nieuw" and read is not pending[-1]:
                continue
            end = start + sum(len(r.chunks) for r in group)
            self._write(chunks[start:end], dense[start:end], sparse[start:end])
            start = end
            for done in group:
                yield self._written(done)
            group = []

    def _written(self, read: ReadSource) -> FileOutcome:
        """Records a source whose points are written in the catalog and drops its older versions."""
        documents, chunks = read.documents, read.chunks
        self.catalog.add(Version(
            path=read.key, sha256=read.sha, source=documents[0].path.name, kind=documents[0].kind,
            date=documents[0].date, access=documents[0].access, ingested_at=chunks[0].ingested_at,
            chunks_total=len(chunks), points=len(chunks),
        ))
        self._forget(read.key, keep_sha=read.sha)
        return FileOutcome(read.path, read.status, chunks=len(chunks), reason=file_warnings(documents),
                           redacted=read.redacted)

    def remove(self, name: str) -> bool:
        """Removes one name (a path) from the collection: its own version, or its place in another's also-paths."""
        held = self.catalog.named(name)
        for version in held:
            self._drop_name(version, name)
        return bool(held)

    def _redact(self, documents: list[SourceDocument]) -> tuple[list[SourceDocument], dict[str, int]]:
        """The documents with the collection's personal-data kinds replaced by markers, and how many values of each
        kind were redacted, summed over them (all kinds asked for, 0 included); unchanged and {} when the
        collection does not redact.

        A title and header metadata mostly repeat the text (a first line, a subject, the Van:/Aan: lines of a
        mail), so per document a kind counts the values in its text, or those in its title and metadata when
        they are more (a manifest's creator, say): one BSN in a one-line letter is one, not two.
        """
        kinds = self.spec.redact
        if not kinds:
            return documents, {}
        counts = dict.fromkeys(kinds, 0)
        redacted = []
        for document in documents:
            in_text = dict.fromkeys(kinds, 0)
            around = dict.fromkeys(kinds, 0)

            def clean(text: str, found: dict[str, int]) -> str:
                result = redact(text, kinds)
                for kind, n in result.counts.items():
                    found[kind] += n
                return result.text

            pages = [Page(p.number, clean(p.text, in_text), clean(p.section, around) if p.section else p.section)
                     for p in document.pages]
            title = clean(document.title, around)
            metadata = {key: value if key in UNREDACTED_METADATA or not isinstance(value, str) else clean(value, around)
                        for key, value in document.metadata.items()}
            redacted.append(replace(document, title=title, pages=pages, metadata=metadata))
            for kind in kinds:
                counts[kind] += max(in_text[kind], around[kind])
        return redacted, counts

    def _chunks(self, documents: list[SourceDocument]) -> list[Chunk]:
        """The chunks of one source's documents, numbered on across them; each records the source's chunk count."""
        chunks: list[Chunk] = []
        for document in documents:
            chunks += chunk_document(document, self.collection, self.splitter, first_index=len(chunks))
        return [replace(chunk, chunks_total=len(chunks)) for chunk in chunks]

    def _embed(self, chunks: list[Chunk]) -> tuple[list, list[SparseVector]]:
        # Embedded and BM25-indexed: the document title, then the chunk (stored and cited: the chunk alone).
        # Running page headers are dropped from PDFs (ingest/pages.py); the title gives every chunk its
        # document's context back, in one form, for every kind of document.
        texts = [f"{c.title}\n\n{c.text}" if c.title else c.text for c in chunks]
        return self.embedder.get_text_embedding_batch(texts), self.encoder.documents(texts)

    def _add_name(self, path: Path, key: str, twin: Version, status: Status) -> FileOutcome:
        """Same content as a stored version under another path: record this path on it, embed nothing."""
        twin.also_paths = (*twin.also_paths, key)
        self._set_also(twin)
        self._forget(key, keep_sha=twin.sha256)
        return FileOutcome(path, status, reason=f"zelfde inhoud als {twin.source}; niet opnieuw opgeslagen")

    def _forget(self, name: str, keep_sha: str) -> None:
        """Removes `name` from every version except the one with `keep_sha`."""
        for version in self.catalog.named(name):
            if version.sha256 != keep_sha:
                self._drop_name(version, name)

    def _drop_name(self, version: Version, name: str) -> None:
        if name != version.path:
            version.also_paths = tuple(p for p in version.also_paths if p != name)
            self._set_also(version)
        elif version.also_paths:
            # The path goes but a copy remains: the first also-path becomes the version's path.
            old_path, version.path, version.also_paths = version.path, version.also_paths[0], version.also_paths[1:]
            version.source = Path(version.path).name
            payload = {"path": version.path, "source": version.source, **_also_payload(version)}
            self.store.set_version_payload(self.collection, old_path, version.sha256, payload)
            self.catalog.changed()
        else:
            self.store.delete_version(self.collection, version.path, version.sha256)
            self.catalog.discard(version)

    def _set_also(self, version: Version) -> None:
        self.store.set_version_payload(self.collection, version.path, version.sha256, _also_payload(version))
        self.catalog.changed()

    def _write(self, chunks: list[Chunk], dense: list, sparse: list[SparseVector]) -> None:
        self.store.ensure_collection(self.collection, self.spec)
        try:
            self.store.upsert(self.collection, chunks, dense, sparse)
        except BaseException:
            # Leave no partial copy of a new version behind. A version that was complete before stays: its points
            # have other ids, a point's id being made of its path, hash and index.
            self.store.delete_points(self.collection, [c.id for c in chunks])
            raise


def _also_payload(version: Version) -> dict:
    return {"also_paths": list(version.also_paths), "also_sources": [Path(p).name for p in version.also_paths]}


def file_warnings(documents: list[SourceDocument]) -> str:
    """What an indexed file's outcome reports as its reason: what of it could not be read, from its documents'
    metadata. `skipped_attachments` (a mail's attachments), `unrendered_pages` (PDF pages neither PDFium nor
    pdftoppm could draw for OCR; an attachment's with its name in front). "" when all was read."""
    notes = []
    skipped = documents[0].metadata.get("skipped_attachments")
    if skipped:
        notes.append(f"bijlagen overgeslagen: {skipped}")
    for document in documents:
        unrendered = document.metadata.get("unrendered_pages")
        if unrendered:
            owner = "" if document is documents[0] else f"{document.path.name}: "
            notes.append(f"{owner}{ocr.UNRENDERED}: {unrendered}")
    return "; ".join(notes)


def ingest_paths(
    paths: Iterable[Path],
    indexer: Indexer,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    exclude: Path | None = None,
    sync: bool = False,
) -> IngestReport:
    """Indexes files and folders. With `sync`, documents under a folder named whose file is no longer there are
    removed ("verwijderd"); a file still there but now rejected keeps its last good version."""
    started = time.perf_counter()
    paths = list(paths)
    indexer.check_spec()
    indexer.recover()
    files, missing = find_files(paths, exclude)
    report = IngestReport(indexer.collection, outcomes=list(missing))
    if on_start:
        on_start(len(files))
    manifests = _manifests_in(paths)
    _index(indexer, (FileSource.of(path, manifests) for path in files), report, on_file)
    for manifest, message in manifests.missing_files():
        report.outcomes.append(FileOutcome(manifest, "geweigerd", reason=message))
    if sync:
        present = {document_key(path) for path in files}
        folders = [p.resolve() for p in paths if p.is_dir()]
        for name in indexer.catalog.names():
            if name not in present and any(Path(name).is_relative_to(folder) for folder in folders):
                indexer.remove(name)
                _record(report, FileOutcome(Path(name), "verwijderd"), on_file)
    report.seconds = time.perf_counter() - started
    return report


def ingest_documents(
    indexer: Indexer, documents: Iterable[TextSource], on_file: Callable[[FileOutcome], None] | None = None
) -> IngestReport:
    """Indexes documents handed in as text (a BEIR corpus) the way ingest_paths indexes files: an unchanged
    document costs a hash check, a version a crash cut off is removed and written again, and the documents are
    read ahead and embedded in batches."""
    started = time.perf_counter()
    indexer.check_spec()
    indexer.recover()
    report = IngestReport(indexer.collection)
    _index(indexer, documents, report, on_file)
    report.seconds = time.perf_counter() - started
    return report


def _manifests_in(paths: list[Path]) -> Manifests:
    """Every manifest inside the folders named, loaded up front: a row naming a file that is not there is reported
    even where no file of that folder is read."""
    manifests = Manifests()
    for folder in (p for p in paths if p.is_dir()):
        for name in MANIFEST_NAMES:
            for manifest in folder.rglob(name):
                manifests.manifest_in(manifest.parent.resolve())
    return manifests


def _index(
    indexer: Indexer, sources: Iterable[Source], report: IngestReport, on_file: Callable[[FileOutcome], None] | None
) -> None:
    for outcome in indexer.index_sources(sources):
        _record(report, outcome, on_file)


def _record(report: IngestReport, outcome: FileOutcome, on_file: Callable[[FileOutcome], None] | None) -> None:
    report.outcomes.append(outcome)
    if on_file:
        on_file(outcome)
