"""Stage 3, index: files -> documents -> chunks -> vectors -> the store, one whole file at a time.

A file is read, chunked and embedded completely in memory before anything is written, so a file that fails
leaves nothing behind. A changed file's new chunks are written before its old ones are deleted, so a question
asked meanwhile always finds one complete version.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from bronvast.schema import Chunk, CollectionSpec, SourceDocument, SparseVector
from bronvast.settings import IngestSettings
from bronvast.sparse import SparseEncoder
from bronvast.store import ChunkStore, check_collection_name
from ingest.chunking import chunk_document
from ingest.readers import UnreadableFile, document_key, file_sha256, read_documents

Status = Literal["nieuw", "vervangen", "ongewijzigd", "geweigerd"]


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    status: Status
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    collection: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "geweigerd"]

    @property
    def exit_code(self) -> int:
        """0 when every file is indexed, 2 when some were rejected."""
        return 2 if self.rejected else 0


def find_files(paths: Iterable[Path], exclude: Path | None = None) -> tuple[list[Path], list[FileOutcome]]:
    """Files named and files inside folders named, and outcomes for paths that do not exist.

    Inside folders, hidden files and the `exclude` folder (bronvast's own data dir) are skipped.
    """
    skip = exclude.resolve() if exclude else None
    files: list[Path] = []
    missing: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not (skip and p.resolve().is_relative_to(skip))
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(path, "geweigerd", reason="bestand of map bestaat niet"))
    return list(dict.fromkeys(files)), missing


class Indexer:
    """Writes whole documents into one collection; holds the stage objects, no other state."""

    def __init__(
        self, store: ChunkStore, embedder, encoder: SparseEncoder, splitter, collection: str, spec: CollectionSpec,
        reading: IngestSettings | None = None,  # how files are read (OCR); None: the defaults
    ):
        self.reading = reading
        self.store = store
        self.spec = spec
        self.embedder = embedder
        self.encoder = encoder
        self.splitter = splitter
        self.collection = check_collection_name(collection)

    def index_file(self, path: Path) -> FileOutcome:
        key = document_key(path)
        previous = self.store.indexed_sha(self.collection, key)
        try:
            if previous and previous == {file_sha256(path)}:
                return FileOutcome(path, "ongewijzigd")
            documents = read_documents(path, self.reading)  # an e-mail gives the mail and its attachments, all under `key`
        except UnreadableFile as exc:
            return FileOutcome(path, "geweigerd", reason=str(exc))
        except Exception as exc:  # a parser library tripping over a malformed file is still just a bad file
            return FileOutcome(path, "geweigerd", reason=f"kon niet gelezen worden ({type(exc).__name__}: {exc})")
        outcome = self.index_documents(documents, known={key: previous})[0]
        skipped = documents[0].metadata.get("skipped_attachments")  # attachments that could not be read
        return replace(outcome, reason=f"bijlagen overgeslagen: {skipped}") if skipped else outcome

    def index_documents(
        self, documents: list[SourceDocument], known: dict[str, set[str]] | None = None
    ) -> list[FileOutcome]:
        """Indexes documents together (one embedding batch, one write) and reports an outcome per document key.

        Documents that share a key came from one file (an e-mail and its attachments, see read_documents): they
        share its sha256, are chunked with one running chunk_index, replaced together and get one outcome, for
        the first of them. `known`: the hashes already indexed per document key, where the caller has looked them up.
        """
        known = known or {}
        files: dict[str, list[SourceDocument]] = {}
        for document in documents:
            files.setdefault(document.key, []).append(document)
        previous = {key: known[key] if key in known else self.store.indexed_sha(self.collection, key) for key in files}
        sha = {key: docs[0].sha256 for key, docs in files.items()}
        changed = [key for key in files if previous[key] != {sha[key]}]
        chunks_per_file: dict[str, list[Chunk]] = {}
        for key in changed:
            chunks_per_file[key] = []
            for document in files[key]:
                chunks_per_file[key] += chunk_document(
                    document, self.collection, self.splitter, first_index=len(chunks_per_file[key])
                )
        chunks = [chunk for key in changed for chunk in chunks_per_file[key]]
        if chunks:
            # Embedded and BM25-indexed: the document title, then the chunk (stored and cited: the chunk alone).
            # Running page headers are dropped from PDFs (ingest/pages.py); the title gives every chunk its
            # document's context back, in one form, for every kind of document.
            texts = [f"{c.title}\n\n{c.text}" if c.title else c.text for c in chunks]
            dense = self.embedder.get_text_embedding_batch(texts)
            already_there = {c.id for key in changed if sha[key] in previous[key] for c in chunks_per_file[key]}
            self._write(chunks, dense, self.encoder.documents(texts), already_there)
        for key in changed:
            self.store.delete_document(self.collection, key, keep_sha=sha[key])
        return [self._outcome(docs[0], previous[key], len(chunks_per_file.get(key, []))) for key, docs in files.items()]

    @staticmethod
    def _outcome(document: SourceDocument, previous: set[str], chunks: int) -> FileOutcome:
        if previous == {document.sha256}:
            return FileOutcome(document.path, "ongewijzigd")
        return FileOutcome(document.path, "vervangen" if previous else "nieuw", chunks=chunks)

    def _write(self, chunks: list[Chunk], dense: list, sparse: list[SparseVector], already_there: set[str]) -> None:
        self.store.ensure_collection(self.collection, self.spec)
        try:
            self.store.upsert(self.collection, chunks, dense, sparse)
        except BaseException:
            # Leave no partial copy of a new version behind (a version that was complete before stays).
            self.store.delete_points(self.collection, [c.id for c in chunks if c.id not in already_there])
            raise


def ingest_paths(
    paths: Iterable[Path],
    indexer: Indexer,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    exclude: Path | None = None,
) -> IngestReport:
    started = time.perf_counter()
    files, missing = find_files(paths, exclude)
    report = IngestReport(indexer.collection, outcomes=list(missing))
    if on_start:
        on_start(len(files))
    for path in files:
        outcome = indexer.index_file(path)
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    report.seconds = time.perf_counter() - started
    return report
