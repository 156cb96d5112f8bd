"""The contract every face calls: `Bronvast` (assistant/app.py) runs the pipeline in this process,
`RemoteBronvast` (assistant/remote.py) sends the same calls to a running `bronvast serve`. Faces type against this,
so the two cannot drift apart unnoticed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from bronvast.schema import (
    Answer,
    Caller,
    CollectionStats,
    Dossier,
    FirstAnswer,
    ObjectionOptions,
    SearchFilter,
    SourceView,
    Turn,
)
from bronvast.settings import Settings
from eval.dataset import Case
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

    def feedback(
        self, answer: Answer, liked: bool, comment: str = "", collection: str | None = None,
        caller: Caller | None = None,
    ) -> None:
        """Records the caller's thumb up (`liked`) or down on an answer they were given, with their comment, in
        <data_dir>/feedback/feedback.jsonl (assistant/feedback.py), redacted as the audit log is."""

    def export_feedback(self, out: Path, caller: Caller | None = None) -> int:
        """Writes the feedback as evaluation cases (JSONL, eval/case.schema.json) to `out`; returns how many (0:
        none, and nothing written). A caller exports their own feedback; an admin and the machine's user all."""

    def evaluate(
        self, dataset: Path, collection: str | None = None, caller: Caller | None = None,
        on_start: Callable[[int], None] | None = None, on_case: Callable[[Case], None] | None = None,
    ) -> tuple[Path, dict]:
        """Runs an evaluation set as `bronvast eval run` does, searching with what the caller may see, into
        <data_dir>/eval/<dataset>-<time>; returns that folder and its metrics.json content. Raises EvaluationError
        (a StoreError) for a bad dataset, and beside a running `bronvast serve` (evaluation needs the index)."""

    def eval_runs(self) -> list[dict]:
        """The evaluation runs in <data_dir>/eval, newest first: name, dataset, collection, started, cases and a
        few headline `metrics` (assistant/evaluation.py)."""

    def compare_runs(self, run_a: str, run_b: str) -> tuple[dict, Path]:
        """Run B against run A (both names of runs in <data_dir>/eval), as `bronvast eval compare`: the comparison
        and the path of its HTML report. A name with a path in it, or of no run, raises EvaluationError."""

    def source(
        self, source: str, page: int | None = None, passage: str = "", collection: str | None = None,
        caller: Caller | None = None, sha256: str = "",
    ) -> SourceView:
        """A cited source as a face shows it (assistant/sources.py): `source` the file name, `page` and `passage`
        as cited, `sha256` the cited version (else the latest). A PDF on disk as indexed comes with a picture of
        the page, the passage highlighted. Raises DocumentNotFound, with the same message, for a document that is
        not there and for one the caller (None: the application's own) may not see."""

    def status(self) -> list[CollectionStats]: ...

    def collections(self) -> list[str]:
        """The names of the collections there are."""

    def close(self) -> None: ...
