"""What an ingest reads, source by source: a file on disk (named, or found in a folder named, with the values its
manifests give it), or a document handed in as text (a BEIR corpus's). Each source says its key in the index, its
identity hash and, when it has to be read, its documents; the indexer (ingest/pipeline.py) treats them alike, so
both get the same catalog, skipping of unchanged content, crash recovery and batched writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from bronvast.digest import file_sha256
from bronvast.schema import Page, SourceDocument
from bronvast.settings import IngestSettings
from ingest.isolation import ReaderProcesses
from ingest.manifest import MANIFEST_NAMES, ManifestError, Manifests, apply, identity_sha
from ingest.readers import cannot_open, document_key, read_documents
from ingest.report import FileOutcome


class Source(Protocol):
    """One thing the indexer reads and stores as one version: a FileSource or a TextSource."""

    path: Path  # what its outcome names
    key: str  # its identity in the index (the store's `path`)
    dedup: bool  # whether content stored complete under another key stands in for it (and gets its key added)

    def identity(self) -> str:
        """Its identity hash; raises UnreadableFile or ManifestError with the reason it is rejected."""

    def documents(
        self, sha256: str, reading: IngestSettings | None, processes: ReaderProcesses | None = None
    ) -> list[SourceDocument]:
        """Its documents, carrying `sha256` (its identity hash, so nothing is hashed twice); `reading`: how files
        are read (OCR); `processes`: the worker processes a file is read in, within limits (None: read here).
        Raises UnreadableFile with the reason it is rejected."""


@dataclass(frozen=True)
class FileSource:
    """A file on disk and its manifest values; its identity hash is over both (ingest/manifest.py). A file with
    the same content as one stored under another path is stored once, under both names (dedup)."""

    path: Path
    values: dict[str, str] = field(default_factory=dict)  # its manifest values
    manifest_error: str = ""  # its manifest row, or manifest, cannot be used: the file is rejected with this
    dedup: ClassVar[bool] = True

    @classmethod
    def of(cls, path: Path, manifests: Manifests) -> FileSource:
        """The file with its manifest values, looked up in the calling thread (Manifests caches as it goes)."""
        try:
            return cls(path, manifests.values_for(path))
        except ManifestError as exc:
            return cls(path, manifest_error=str(exc))

    @property
    def key(self) -> str:
        return document_key(self.path)

    def identity(self) -> str:
        if self.manifest_error:
            raise ManifestError(self.manifest_error)
        try:
            return identity_sha(file_sha256(self.path), self.values)
        except OSError as exc:
            raise cannot_open(exc) from exc

    def documents(
        self, sha256: str, reading: IngestSettings | None, processes: ReaderProcesses | None = None
    ) -> list[SourceDocument]:
        # an e-mail gives the mail and its attachments: all stored under the file's key and identity hash
        documents = (processes.read_documents if processes else read_documents)(self.path, reading, sha256)
        # The manifest's row holds for the whole file; its title names the file's own (first) document only.
        attachment_values = {k: v for k, v in self.values.items() if k != "title"}
        return [apply(d, self.values if i == 0 else attachment_values) for i, d in enumerate(documents)]


@dataclass(frozen=True)
class TextSource:
    """A document handed in as its title and text rather than read from a file: a BEIR corpus's, keyed
    "beir:<dataset>/<doc id>" with the doc id as `path`, so its chunks' `source` is the doc id. Its identity hash is
    the hash of its title and text: an unchanged document is skipped like an unchanged file.

    No dedup: two documents of a corpus with the same text are still two documents, each scored by its own id
    (a benchmark compares `source` with its judgements), which dedup would fold into the other's also-sources."""

    key: str
    path: Path
    title: str
    text: str
    dedup: ClassVar[bool] = False

    def identity(self) -> str:
        return hashlib.sha256(f"{self.title}\n\n{self.text}".encode()).hexdigest()

    def documents(
        self, sha256: str, reading: IngestSettings | None, processes: ReaderProcesses | None = None
    ) -> list[SourceDocument]:
        # Text needs no reading (`processes` are for files). The indexer puts the title in front of every chunk it
        # embeds (ingest/pipeline.py), so the body is the text.
        return [SourceDocument(path=self.path, key=self.key, sha256=sha256, kind="text", title=self.title,
                               pages=[Page(None, self.text)])]


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
                and p.name not in MANIFEST_NAMES
                and not (skip and p.resolve().is_relative_to(skip))
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(path, "geweigerd", reason="bestand of map bestaat niet"))
    return list(dict.fromkeys(files)), missing
