"""Retrieval benchmark on BEIR-format datasets (corpus.jsonl, queries.jsonl, qrels/test.tsv), run through the real
ingest path (chunking, embedding, sparse encoding, the store) and the real retriever.

The corpus is indexed once per dataset and index configuration (the collection name carries a hash of it), so
comparing modes or re-running costs only the queries.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bronvast.factories import embedder_name
from bronvast.settings import Settings
from eval.dataset import DatasetError
from eval.metrics import mrr_at_k, ndcg_at_k, percentile, recall_at_k
from eval.target import EvalTarget
from ingest.sources import TextSource

CANDIDATE_CHUNKS = 200  # chunks fetched per query, enough for 100 distinct documents in practice


@dataclass(frozen=True)
class BeirDataset:
    name: str
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> grade


@dataclass(frozen=True)
class BeirResult:
    dataset: str
    mode: str
    queries: int
    ndcg_10: float
    recall_100: float
    mrr_10: float
    latency_p50_ms: float
    latency_p95_ms: float

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset, "mode": self.mode, "queries": self.queries,
            "ndcg@10": self.ndcg_10, "recall@100": self.recall_100, "mrr@10": self.mrr_10,
            "latency_p50_ms": self.latency_p50_ms, "latency_p95_ms": self.latency_p95_ms,
        }


def load_beir(directory: Path, split: str = "test") -> BeirDataset:
    for required in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (directory / required).is_file():
            raise DatasetError(f"{directory}: geen BEIR-dataset, {required} ontbreekt")
    corpus = {row["_id"]: (row.get("title") or "", row["text"]) for row in _jsonl(directory / "corpus.jsonl")}
    queries = {row["_id"]: row["text"] for row in _jsonl(directory / "queries.jsonl")}
    qrels: dict[str, dict[str, int]] = {}
    with (directory / f"qrels/{split}.tsv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if number == 1 and not row[-1].lstrip("-").isdigit():
                continue  # header
            try:
                query, doc, grade = row[0], row[1], int(row[-1])
            except (IndexError, ValueError) as exc:
                raise DatasetError(f"{directory}/qrels/{split}.tsv:{number}: verwacht query-id, doc-id, score") from exc
            qrels.setdefault(query, {})[doc] = grade
    qrels = {q: docs for q, docs in qrels.items() if q in queries}
    return BeirDataset(directory.name, corpus, queries, qrels)


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                row["_id"], row["text"]  # noqa: B018  (both fields are required)
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise DatasetError(f"{path}:{number}: verwacht een JSON-object met _id en text") from exc
            yield row


def collection_name(dataset: BeirDataset, settings: Settings) -> str:
    """One collection per dataset and index configuration: change the embedder or analyser, get a new index."""
    config = json.dumps([embedder_name(settings), settings.chunking.model_dump(), settings.sparse.model_dump()],
                        sort_keys=True, default=str)
    return f"beir-{dataset.name}-{hashlib.sha256(config.encode()).hexdigest()[:10]}"


def documents(dataset: BeirDataset) -> Iterator[TextSource]:
    """The corpus as the indexer reads it: each document keyed by dataset and id, cited by its id (`source`), which
    the metrics compare with the qrels."""
    for doc_id, (title, text) in dataset.corpus.items():
        yield TextSource(key=f"beir:{dataset.name}/{doc_id}", path=Path(doc_id), title=title, text=text)


def index_corpus(
    target: EvalTarget, collection: str, dataset: BeirDataset, on_batch: Callable[[int], None] | None = None
) -> float:
    """Indexes the corpus the way `bronvast ingest` indexes files: a re-run skips unchanged documents by their
    hash, and a run that was cut off is recovered and finished. `on_batch(n)`: n more documents settled. Returns
    the seconds it took."""
    on_file = (lambda _outcome: on_batch(1)) if on_batch else None
    return target.index_documents(collection, documents(dataset), on_file=on_file).seconds


def evaluate(
    target: EvalTarget, mode: str, dataset: BeirDataset, collection: str, on_query: Callable[[], None] | None = None
) -> BeirResult:
    ndcg, recall, mrr, latencies = [], [], [], []
    for query_id, judgements in dataset.qrels.items():
        started = time.perf_counter()
        hits = target.rank(dataset.queries[query_id], collection, CANDIDATE_CHUNKS, mode)
        latencies.append((time.perf_counter() - started) * 1000)
        ranking = list(dict.fromkeys(hit.chunk.source for hit in hits))  # a document ranks by its best chunk
        ndcg.append(ndcg_at_k(ranking, judgements, 10))
        recall.append(recall_at_k(ranking, judgements, 100))
        mrr.append(mrr_at_k(ranking, judgements, 10))
        if on_query:
            on_query()
    count = len(latencies)
    return BeirResult(
        dataset.name, mode, count,
        round(sum(ndcg) / count, 4), round(sum(recall) / count, 4), round(sum(mrr) / count, 4),
        round(percentile(latencies, 50), 2), round(percentile(latencies, 95), 2),
    )


def indexed(
    target: EvalTarget, directory: Path, on_total: Callable[[str, int], None] | None = None,
    on_advance: Callable[[int], None] | None = None,
) -> tuple[BeirDataset, str]:
    """The dataset, loaded, and the collection that holds its corpus, indexed once per index configuration.
    `on_total(label, n)` and `on_advance(n)` drive a progress bar."""
    dataset = load_beir(directory)
    collection = collection_name(dataset, target.settings)
    if on_total:
        on_total("indexeren", len(dataset.corpus))
    index_corpus(target, collection, dataset, on_batch=on_advance)
    return dataset, collection


def run_beir(
    target: EvalTarget, directory: Path, modes: list[str], on_total: Callable[[str, int], None] | None = None,
    on_advance: Callable[[int], None] | None = None,
) -> list[BeirResult]:
    """Indexes the dataset and evaluates each retrieval mode on the same index (progress as `indexed`)."""
    dataset, collection = indexed(target, directory, on_total, on_advance)
    results = []
    for mode in modes:
        if on_total:
            on_total(f"zoeken ({mode})", len(dataset.qrels))
        results.append(evaluate(target, mode, dataset, collection, on_query=lambda: on_advance and on_advance(1)))
    return results
