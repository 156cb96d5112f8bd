"""The contract every face calls: `Bronvast` (assistant/app.py) runs the pipeline in this process,
`RemoteBronvast` (assistant/remote.py) sends the same calls to a running `bronvast serve`. Faces type against this,
so the two cannot drift apart unnoticed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from bronvast.schema import Answer, Caller, CollectionStats, Dossier, ObjectionOptions, SearchFilter, Turn
from bronvast.settings import Settings
from ingest.report import DocumentInfo, FileOutcome, IngestReport


class Application(Protocol):
    settings: Settings

    def ingest(
        self,
        paths: Iterable[Path],
        collection: str | None = None,
        on_start: Callable[[int], None] | None = None,
        on_file: Callable[[FileOutcome], None] | None = None,
        sync: bool = False,
        redact: Sequence[str] | None = None,
        caller: Caller | None = None,
    ) -> IngestReport:
        """Indexes files and folders. With `sync`, each folder named is mirrored: documents under it whose file
        is gone are removed. `redact`: the personal-data kinds to redact; None: the settings' own."""

    def documents(self, collection: str | None = None, caller: Caller | None = None) -> list[DocumentInfo]:
        """The collection's documents the caller may see, one per file name."""

    def delete_document(self, target: str, collection: str | None = None, caller: Caller | None = None) -> list[str]:
        """Removes a document by path or file name; returns the paths removed. Raises DocumentNotFound (a
        StoreError) when nothing matches or a file name is ambiguous."""

    def ask(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (), caller: Caller | None = None,
    ) -> Answer:
        """The answer from what the caller may see (None: the application's own caller)."""

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (), caller: Caller | None = None,
    ) -> Iterator[str | FirstAnswer | Answer]:
        """When a model will generate: the extractive answer at once (a FirstAnswer), then text pieces as the model
        writes them, then the finished Answer, which replaces the first. Otherwise the refusal's text or nothing,
        then the Answer; an extractive answer comes only as the Answer, which the faces show once, under its
        notice."""

    def objections(
        self, paths: Iterable[Path], options: ObjectionOptions, on_file: Callable[[str], None] | None = None
    ) -> Dossier:
        """Objection letters (files and folders) read into file cards, with options.clusters their grounds
        clustered; stores nothing. Unreadable files are listed in the dossier's `rejected`."""

    def status(self) -> list[CollectionStats]: ...

    def collections(self) -> list[str]:
        """The names of the collections there are."""

    def close(self) -> None: ...
