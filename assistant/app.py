"""The application object every face calls (the Application contract, assistant/application.py), and what
evaluation needs of an application (eval/target.py): it wires the pipeline stages to one settings object.

Models are loaded on first use, so `bronvast status` does not pay for loading an LLM.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path

from assistant import evaluation
from assistant import feedback as feedbacks
from assistant.answer import Assistant
from assistant.audit import Auditor
from assistant.letter_questions import LetterQuestions
from assistant.objections.cards import ObjectionReader
from assistant.retrieve import Retriever
from assistant.sources import source_view
from bronvast import factories
from bronvast.decision import AnswerDecision
from bronvast.errors import AccessDenied
from bronvast.identity import LOCAL_OPERATOR
from bronvast.schema import (
    Answer,
    Caller,
    Chunk,
    CollectionSpec,
    CollectionStats,
    Dossier,
    FirstAnswer,
    GateReading,
    Hit,
    ObjectionOptions,
    SearchFilter,
    SourceView,
    Turn,
    redaction_kinds,
)
from bronvast.settings import RetrievalSettings, Settings
from bronvast.sparse import SparseEncoder
from bronvast.store import ChunkStore
from eval.dataset import Case
from ingest.chunking import make_splitter
from ingest.documents import delete_document, list_documents
from ingest.isolation import ReaderProcesses
from ingest.pipeline import Indexer, ingest_documents, ingest_paths
from ingest.report import DocumentInfo, FileOutcome, IngestReport
from ingest.sources import TextSource

ROLE_NAMES = {"ingest": "documenten toevoegen", "delete": "documenten verwijderen"}


class Bronvast:
    _origin: Bronvast | None = None  # the application a copy acting as another caller was made from (acting_as)

    def __init__(self, settings: Settings, caller: Caller = LOCAL_OPERATOR):
        """`caller`: who asks when a call names nobody: the program that made this application, as the machine's
        own user (bronvast/identity.py), or the CLI's `--as USER`. A server names each request's caller."""
        self.settings = settings
        self.caller = caller
        # One change of the index at a time (an ingest, a delete). Questions and listings run beside it and beside
        # each other: Qdrant Edge and a Qdrant server take reads while a write goes on, and a question sees one whole
        # version of each document (assistant/retrieve.whole_versions). qdrant-client's local mode is not safe for
        # concurrent use: there every store access takes its turn. The embedded LLM takes turns in itself
        # (bronvast/local_llm.py).
        self._changing = threading.Lock()
        self._store_turn = threading.Lock() if settings.store.backend == "qdrant-local" else contextlib.nullcontext()
        # One upload batch at a time (assistant/uploads.py): its quarantine, journal and move into uploads/.
        self.uploading = threading.Lock()
        # The worker processes files are parsed in (ingest/isolation.py): none runs until an ingest reads a file;
        # then they serve every ingest after it, until close.
        self.reader_processes = ReaderProcesses(settings.ingest)

    @cached_property
    def store(self) -> ChunkStore:
        return factories.make_store(self.settings)

    @cached_property
    def embedder(self):
        return factories.make_embedder(self.settings)

    @cached_property
    def llm(self):
        # A copy acting as another caller (acting_as) uses its origin's model: one LLM in memory.
        return self._origin.llm if self._origin else factories.make_llm(self.settings)

    @cached_property
    def encoder(self) -> SparseEncoder:
        return factories.make_sparse_encoder(self.settings)

    @cached_property
    def spec(self) -> CollectionSpec:
        return factories.collection_spec(self.settings, self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        return self.retriever_for(self.settings.retrieval)

    @cached_property
    def reranker(self):
        return factories.make_reranker(self.settings.retrieval)

    def retriever_for(self, config: RetrievalSettings) -> Retriever:
        reranker = self.reranker if config.mode == "hybrid+rerank" else None
        decision = AnswerDecision.load(self.settings.resolve(config.decision_file), self.spec.embedder) if (
            config.decision_file) else None
        return Retriever(self.store, self.embedder, self.encoder, config, self.spec, reranker, decision)

    @property
    def decision(self) -> AnswerDecision | None:
        """The answer-or-refuse model the configured retrieval uses (None: its thresholds decide)."""
        return self.retriever.decision

    @cached_property
    def splitter(self):
        return make_splitter(self.settings.chunking, factories.make_tokenizer(self.settings).tokenize)

    @cached_property
    def assistant(self) -> Assistant:
        letters = LetterQuestions(ObjectionReader(self.settings, self.embed), self.settings, self.encoder.analyzer,
                                  self.store)
        return Assistant(self.retriever, lambda: self.llm, self.settings, letters)

    @cached_property
    def objection_reader(self) -> ObjectionReader:
        generative = self.settings.objections.summaries == "generative"
        return ObjectionReader(self.settings, self.embed, (lambda: self.llm) if generative else None)

    @cached_property
    def auditor(self) -> Auditor:
        """The audit log (assistant/audit.py): a record per answer, ingest and delete; fail closed."""
        return Auditor(self.settings)

    # The Application contract: what the faces call.

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
        self._require(caller, "ingest")
        indexer = self.indexer(collection, redact)
        change = self.auditor.change(caller or self.caller, "ingest", indexer, sync)  # no record, no change
        with self._changing, self._store_turn, change:
            return change.done(ingest_paths(
                paths, indexer, on_file=change.seen(on_file), on_start=on_start, exclude=self.settings.data_dir,
                sync=sync,
            ))

    def documents(self, collection: str | None = None, caller: Caller | None = None) -> list[DocumentInfo]:
        with self._store_turn:
            return list_documents(self.indexer(collection), caller or self.caller)

    def delete_document(self, target: str, collection: str | None = None, caller: Caller | None = None) -> list[str]:
        self._require(caller, "delete")
        indexer = self.indexer(collection)
        change = self.auditor.change(caller or self.caller, "delete", indexer)  # no record, no change
        with self._changing, self._store_turn, change:
            return change.done(delete_document(indexer, target))

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (), caller: Caller | None = None,
    ) -> Iterator[str | FirstAnswer | Answer]:
        self.auditor.ready()  # fail closed: nothing is shown unless its record can be written
        with self._store_turn:
            pieces = self.assistant.stream(question, collection, self._visible(where, caller), history)
            yield from self.auditor.streamed(caller or self.caller, collection or self.settings.collection, pieces,
                                             self.store)

    def ask(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (), caller: Caller | None = None,
    ) -> Answer:
        self.auditor.ready()  # fail closed: no answer without its record
        with self._store_turn:
            answer = self.assistant.ask(question, collection, self._visible(where, caller), history)
            self.auditor.answer(caller or self.caller, collection or self.settings.collection, answer, self.store)
            return answer

    def objections(
        self, paths: Iterable[Path], options: ObjectionOptions, on_file: Callable[[str], None] | None = None
    ) -> Dossier:
        """Objection letters read into file cards (and, with options.clusters, their grounds clustered); stores
        nothing."""
        return self.objection_reader.dossier(paths, options, on_file)

    def feedback(
        self, answer: Answer, liked: bool, comment: str = "", collection: str | None = None,
        caller: Caller | None = None,
    ) -> None:
        collection = collection or self.settings.collection
        with self._store_turn:  # the collection's redaction is read from the store
            record = feedbacks.feedback_record(self.settings, caller or self.caller, collection, answer, liked,
                                               comment, self.store)
        feedbacks.append_feedback(feedbacks.feedback_path(self.settings.data_dir), record)

    def export_feedback(self, out: Path, caller: Caller | None = None) -> int:
        return feedbacks.export_feedback(self.settings.data_dir, out, caller or self.caller)

    def evaluate(
        self, dataset: Path, collection: str | None = None, caller: Caller | None = None,
        on_start: Callable[[int], None] | None = None, on_case: Callable[[Case], None] | None = None,
    ) -> tuple[Path, dict]:
        return evaluation.run_evaluation(self.acting_as(caller or self.caller), dataset, collection, on_start, on_case)

    def eval_runs(self) -> list[dict]:
        return evaluation.eval_runs(self.settings)

    def compare_runs(self, run_a: str, run_b: str) -> tuple[dict, Path]:
        return evaluation.compare_runs(self.settings, run_a, run_b)

    def acting_as(self, caller: Caller) -> Bronvast:
        """This application with `caller` as its own caller, so that rank, gate and ask (an evaluation) search with
        what they may see. It shares the loaded models, the store and the locks; its LLM is this one's (`llm`)."""
        self.assistant  # noqa: B018 -- loaded first, so the copy shares it (and the store and models it holds)
        twin = copy.copy(self)
        twin.caller, twin._origin = caller, self._origin or self
        return twin

    def source(
        self, source: str, page: int | None = None, passage: str = "", collection: str | None = None,
        caller: Caller | None = None, sha256: str = "",
    ) -> SourceView:
        with self._store_turn:
            return source_view(self.store, collection or self.settings.collection, source,
                               self._visible(None, caller), page, passage, sha256)

    def status(self) -> list[CollectionStats]:
        with self._store_turn:
            return [self.store.stats(name) for name in self.store.collections()]

    def collections(self) -> list[str]:
        return self.store.collections()

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
        self.reader_processes.close()

    # The evaluation target (eval/target.py): what eval needs beyond the faces' calls.

    def rank(
        self, question: str, collection: str, k: int, mode: str | None = None, where: SearchFilter | None = None
    ) -> list[Hit]:
        retriever = self.retriever if mode is None else self.retriever_for(
            self.settings.retrieval.model_copy(update={"mode": mode}))
        with self._store_turn:
            return retriever.rank(question, collection, self._visible(where, None), k)

    def gate(self, question: str, collection: str, where: SearchFilter | None = None) -> GateReading:
        with self._store_turn:
            return self.retriever.gate(question, collection, self._visible(where, None))

    def _visible(self, where: SearchFilter | None, caller: Caller | None) -> SearchFilter:
        """Every search is narrowed to what its caller may see today: in the query, never after it."""
        return (caller or self.caller).restrict(where, date.today().isoformat())

    def _require(self, caller: Caller | None, role: str) -> None:
        who = caller or self.caller
        if not who.may(role):
            raise AccessDenied(f"{who.name} mag niet {ROLE_NAMES[role]}: daarvoor is de rol '{role}' nodig")

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.get_text_embedding_batch(texts)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return [self.embedder.get_query_embedding(text) for text in texts]

    def check_searchable(self, collection: str) -> None:
        self.store.check_collection(collection, self.spec, search=True)

    def passages(self, collection: str) -> Iterator[Chunk]:
        return self.store.chunks(collection)

    def terms(self, text: str) -> list[str]:
        return self.encoder.analyzer.tokens(text)

    def support(self, text: str, chunk: Chunk) -> float:
        grounding = self.assistant.grounding(self.settings.answer.default_language)
        return grounding.support(text, grounding.evidence([Hit(chunk, 1.0)]))[0]

    def index_documents(
        self, collection: str, documents: Iterable[TextSource], on_file: Callable[[FileOutcome], None] | None = None
    ) -> IngestReport:
        with self._changing, self._store_turn:
            return ingest_documents(self.indexer(collection), documents, on_file=on_file)

    def indexer(self, collection: str | None = None, redact: Sequence[str] | None = None) -> Indexer:
        spec = self.spec if redact is None else replace(self.spec, redact=tuple(redaction_kinds(list(redact))))
        return Indexer(
            self.store, self.embedder, self.encoder, self.splitter, collection or self.settings.collection, spec,
            reading=self.settings.ingest, processes=self.reader_processes,
        )
