"""What evaluation needs of an application, and nothing more: eval/ runs against this contract, never against the
application's insides. assistant/app.py's `Bronvast` implements it; eval imports nothing from assistant/."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from bronvast.schema import Answer, Chunk, Dossier, GateReading, Hit, ObjectionOptions, SearchFilter
from bronvast.settings import Settings
from ingest.report import FileOutcome, IngestReport
from ingest.sources import TextSource


class EvalTarget(Protocol):
    settings: Settings

    @property
    def llm(self):
        """The answering LLM (a llama-index LLM): loaded for timing's sake, and the judge when it is configured alike."""

    def ask(self, question: str, collection: str | None = None, where: SearchFilter | None = None) -> Answer:
        """The question as a user asks it: retrieval, the refusal gate, the answer and its check."""

    def rank(
        self, question: str, collection: str, k: int, mode: str | None = None, where: SearchFilter | None = None
    ) -> list[Hit]:
        """The first k hits without the refusal gate, so retrieval is measured where the assistant refused;
        `mode` another retrieval mode than the settings' (dense, sparse, hybrid, hybrid+rerank)."""

    def gate(self, question: str, collection: str, where: SearchFilter | None = None) -> GateReading:
        """The answer-or-refuse decision and the signals it read for the question, searched with `where`."""

    def objections(self, paths: Iterable[Path], options: ObjectionOptions,
                   on_file: Callable[[str], None] | None = None) -> Dossier:
        """Objection letters read into file cards, as `bronvast objections` reads them."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Passage embeddings of the texts, by the collection's embedder."""

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query embeddings of the texts (e5's "query: " side), for short labels matched against passages."""

    def check_searchable(self, collection: str) -> None:
        """Raises StoreError when the collection is missing or made with another embedder or analyser."""

    def passages(self, collection: str) -> Iterator[Chunk]:
        """Every stored chunk of the collection."""

    def terms(self, text: str) -> list[str]:
        """The index terms the sparse analyser finds in the text (stop words out, stemmed)."""

    def support(self, text: str, chunk: Chunk) -> float:
        """How well the chunk backs the text by the answer check (>= 1.0: supported)."""

    def index_documents(
        self, collection: str, documents: Iterable[TextSource], on_file: Callable[[FileOutcome], None] | None = None
    ) -> IngestReport:
        """Indexes documents that are not files (a BEIR corpus) through the one write path of `bronvast ingest`."""
