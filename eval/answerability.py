"""Answerable or not: how well the refusal gate and its signals tell the two apart, on real data rather than the
demo's own questions.

Any BEIR-format dataset gives both kinds (leave gold out): each query is asked once as it is (answerable: its
relevant documents are in the collection) and once with those documents left out of the search, not out of the
index (unanswerable, as far as the collection goes; a neighbouring document may still answer it, so these labels
are noisy). vac-nl thus gives 180 real Dutch questions of each kind.

Reported: the ROC AUC of each signal the gate decides on (the best cosine and the best relative BM25 score of the
first k hits), and how often the gate as configured answers the answerable and refuses the unanswerable cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sklearn.metrics import roc_auc_score

from bronvast.schema import GateReading, SearchFilter
from eval.beir import indexed
from eval.target import EvalTarget

SIGNALS = ("best_cosine", "best_relative_bm25")
NOTHING_FOUND = -1.0  # a side that found nothing scores below any cosine and any BM25 score


@dataclass(frozen=True)
class AnswerabilityResult:
    dataset: str
    k: int
    answerable: int
    unanswerable: int
    roc_auc: dict[str, float]  # signal -> ROC AUC (0.5: no better than chance)
    answered_answerable: int  # by the gate as configured
    refused_unanswerable: int

    def to_json(self) -> dict:
        return asdict(self)


def leave_gold_out(
    target: EvalTarget, directory: Path, k: int = 5, on_total: Callable[[str, int], None] | None = None,
    on_advance: Callable[[int], None] | None = None,
) -> AnswerabilityResult:
    """Indexes the dataset (once per index configuration, as `eval beir` does) and reads the gate for every query
    with and without its relevant documents. `on_total(label, n)` and `on_advance(n)` drive a progress bar."""
    dataset, collection = indexed(target, directory, on_total, on_advance)
    queries = {query: tuple(doc for doc, grade in judged.items() if grade > 0) for query, judged in dataset.qrels.items()}
    queries = {query: gold for query, gold in queries.items() if gold}
    if on_total:
        on_total("vragen met en zonder gold", len(queries))
    with_gold, without_gold = [], []
    for query, gold in queries.items():
        question = dataset.queries[query]
        with_gold.append(target.gate(question, collection, k))
        without_gold.append(target.gate(question, collection, k, SearchFilter(without_sources=gold)))
        if on_advance:
            on_advance(1)
    return summarise(dataset.name, k, with_gold, without_gold)


def summarise(name: str, k: int, answerable: list[GateReading], unanswerable: list[GateReading]) -> AnswerabilityResult:
    labels = [1] * len(answerable) + [0] * len(unanswerable)
    readings = answerable + unanswerable
    auc = {}
    for signal in SIGNALS:
        values = [NOTHING_FOUND if getattr(r, signal) is None else getattr(r, signal) for r in readings]
        auc[signal] = round(float(roc_auc_score(labels, values)), 3)
    return AnswerabilityResult(
        name, k, len(answerable), len(unanswerable), auc,
        answered_answerable=sum(r.answered for r in answerable),
        refused_unanswerable=sum(not r.answered for r in unanswerable),
    )
