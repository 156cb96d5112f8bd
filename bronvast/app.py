"""The application object every face (CLI, UI, eval) calls: it wires the pipeline stages to one settings object.

Models are loaded on first use, so `bronvast status` does not pay for loading an LLM.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from assistant.answer import Assistant
from assistant.retrieve import Retriever
from bronvast import factories
from bronvast.schema import Answer, CollectionSpec, CollectionStats, SearchFilter, Turn
from bronvast.sparse import SparseEncoder
from bronvast.settings import RetrievalSettings, Settings
from bronvast.schema import redaction_kinds
from bronvast.store import ChunkStore
from ingest.chunking import make_splitter
from ingest.documents import delete_document, list_documents
from ingest.pipeline import Indexer, ingest_paths
from ingest.report import DocumentInfo, FileOutcome, IngestReport


class Bronvast:
    def __init__(self, settings: Settings):
        self.settings = settings
        # llama.cpp and qdrant-client's local mode are not safe for concurrent use, and the UI serves several
        # users from threads: one piece of work at a time (both are CPU-bound on a 2-core machine anyway).
        self._busy = threading.Lock()

    @cached_property
    def store(self) -> ChunkStore:
        return factories.make_store(self.settings)

    @cached_property
    def embedder(self):
        return factories.make_embedder(self.settings)

    @cached_property
    def llm(self):
        return factories.make_llm(self.settings)

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
        return Retriever(self.store, self.embedder, self.encoder, config, self.spec, reranker)

    @cached_property
    def splitter(self):
        return make_splitter(self.settings.chunking, factories.make_tokenizer(self.settings).tokenize)

    @cached_property
    def assistant(self) -> Assistant:
        return Assistant(self.retriever, lambda: self.llm, self.settings)

    def ingest(
        self,
        paths: Iterable[Path],
        collection: str | None = None,
        on_start: Callable[[int], None] | None = None,
        on_file: Callable[[FileOutcome], None] | None = None,
        sync: bool = False,
        redact: Sequence[str] | None = None,
    ) -> IngestReport:
        """With `sync`, each folder named is mirrored: documents under it whose file is gone are removed.
        `redact`: the personal-data kinds to redact, where they are not the settings' (a CLI beside `serve`)."""
        indexer = self.indexer(collection, redact)
        with self._busy:
            return ingest_paths(
                paths, indexer, on_file=on_file, on_start=on_start, exclude=self.settings.data_dir, sync=sync
            )

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        """The collection's documents, one per file name (after repairing what a crash may have left)."""
        with self._busy:
            return list_documents(self.indexer(collection))

    def delete_document(self, target: str, collection: str | None = None) -> list[str]:
        """Removes a document by path or file name; returns the paths removed. Raises DocumentNotFound (a
        StoreError) when nothing matches or a file name is ambiguous."""
        with self._busy:
            return delete_document(self.indexer(collection), target)

    def indexer(self, collection: str | None = None, redact: Sequence[str] | None = None) -> Indexer:
        spec = self.spec if redact is None else replace(self.spec, redact=tuple(redaction_kinds(list(redact))))
        return Indexer(
            self.store, self.embedder, self.encoder, self.splitter, collection or self.settings.collection, spec,
            reading=self.settings.ingest,
        )

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (),
    ) -> Iterator[str | Answer]:
        with self._busy:
            yield from self.assistant.stream(question, collection, where, history)

    def ask(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (),
    ) -> Answer:
        with self._busy:
            return self.assistant.ask(question, collection, where, history)

    def status(self) -> list[CollectionStats]:
        with self._busy:
            return [self.store.stats(name) for name in self.store.collections()]

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
