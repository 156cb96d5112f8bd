"""Answerable or not: fitting the answer-or-refuse decision (bronvast/decision.py) on labelled questions, and
measuring how well it and each of its signals tell answerable questions from unanswerable ones.

Labelled questions come from real data, not only the demo's own questions:
- any BEIR-format dataset (leave gold out): each query once as it is (answerable: its relevant documents are in
  the collection) and once with them left out of the search, not out of the index (unanswerable as far as the
  collection goes: a neighbouring document may still answer it, so these labels are noisy); vac-nl gives 180
  real Dutch questions of each kind;
- an evaluation set (JSONL) over an indexed collection: its answerable cases, their leave-gold-out twins and its
  unanswerable cases.

Every question belongs to one part, "fit" or "test", by a hash of its id (a question and its twin together): the
decision is fitted on the fit parts only, and reported on the test parts it never saw.

Twins can be read: a twin-labels file (JSONL: source, id, label "answerable", "partly" or "not_answerable") says
for each twin whether the passages left still answer it. A twin read as still answerable is a wrong label: it is
left out of fitting, and the separation is reported both over all twins and without those. `write_to_read` writes
what a reader reads: each twin's question and the passages its search leaves (eval/datasets/twin-reading.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bronvast.atomic import write_atomically
from bronvast.decision import SIGNALS, AnswerDecision
from bronvast.schema import Chunk, GateReading, SearchFilter
from eval.beir import indexed
from eval.dataset import DatasetError, load_cases
from eval.target import EvalTarget

NEAR_COPY = 0.35  # term overlap (Jaccard) from which the best passage left is taken for a copy of the gold one
TEST_SHARE = 0.4  # of the questions of every source, never fitted on
ANSWER_SHARE = 0.95  # the operating point: the threshold that answers this share of the answerable fit questions
FOLDS = 5

Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class Labelled:
    source: str  # the dataset's name
    question_id: str  # shared by a question and its leave-gold-out twin
    answerable: bool
    reading: GateReading
    # A leave-gold-out twin whose best remaining passage nearly copies the best passage of its gold documents:
    # most likely still answerable, a noisy label.
    near_copy: bool = False
    # How a reader labelled the twin (TWIN_LABELS), or "" when it was not read.
    read_as: str = ""
    question: str = ""
    # A twin's first passages as its search leaves them (retrieval.top_k, the most an answer draws on): what a
    # reader reads to label it.
    left: tuple[Chunk, ...] = ()

    @property
    def mislabelled(self) -> bool:
        """A twin a reader found the passages left still answer."""
        return not self.answerable and self.read_as == "answerable"

    @property
    def part(self) -> str:
        return part_of(self.question_id)


TWIN_LABELS = ("answerable", "partly", "not_answerable")
TwinLabels = dict[tuple[str, str], str]  # (source, question id) -> one of TWIN_LABELS


def load_twin_labels(paths: Sequence[Path]) -> TwinLabels:
    """The twins' labels from JSONL files; a bad line is a DatasetError naming the file and line."""
    labels: TwinLabels = {}
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise DatasetError(f"{path}: niet te lezen ({exc})") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key, label = (str(row["source"]), str(row["id"])), row["label"]
            except (ValueError, TypeError, KeyError) as exc:
                raise DatasetError(f"{path}, regel {number}: geen geldig label ({exc})") from None
            if label not in TWIN_LABELS:
                raise DatasetError(f"{path}, regel {number}: label {label!r} is geen van {', '.join(TWIN_LABELS)}")
            labels[key] = label
    return labels


def read_as(labelled: Sequence[Labelled], labels: TwinLabels) -> list[Labelled]:
    """The twins with their readers' labels."""
    return [item if item.answerable else replace(item, read_as=labels.get((item.source, item.question_id), ""))
            for item in labelled]


def write_to_read(path: Path, labelled: Sequence[Labelled]) -> int:
    """Every twin's question with the passages its search left, as JSONL (source, id, question, passages: source,
    page, text), the input a reader labels (eval/datasets/twin-reading.md); written whole or not at all. Returns
    how many twins it holds."""
    twins = [item for item in labelled if not item.answerable and item.left]
    lines = [json.dumps({"source": item.source, "id": item.question_id, "question": item.question,
                         "passages": [{"source": c.source, "page": c.page, "text": c.text} for c in item.left]},
                        ensure_ascii=False) for item in twins]
    write_atomically(path, "".join(line + "\n" for line in lines))
    return len(twins)


def part_of(question_id: str) -> str:
    """"fit" or "test", fixed by the id alone: the same question is in the same part in every run."""
    share = int(hashlib.sha256(question_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if share < TEST_SHARE else "fit"


def from_beir(
    target: EvalTarget, directory: Path, on_total: Callable[[str, int], None] | None = None,
    on_advance: Progress = None,
) -> list[Labelled]:
    """Indexes the dataset (once per index configuration, as `eval beir` does) and reads the decision for every
    query with and without its relevant documents."""
    dataset, collection = indexed(target, directory, on_total, on_advance)
    queries = {query: tuple(doc for doc, grade in judged.items() if grade > 0) for query, judged in dataset.qrels.items()}
    queries = {query: gold for query, gold in queries.items() if gold}
    if on_total:
        on_total("vragen met en zonder gold", len(queries))
    labelled = []
    for query, gold in queries.items():
        labelled += with_twin(target, dataset.name, query, dataset.queries[query], collection, gold)
        if on_advance:
            on_advance(1)
    return labelled


def with_twin(
    target: EvalTarget, source: str, question_id: str, question: str, collection: str, gold: Sequence[str],
) -> list[Labelled]:
    """An answerable question and its twin with the gold documents left out of the search."""
    without = SearchFilter(without_sources=tuple(gold))
    # the gold documents' best passage for the question, and the best one left without them
    best = [target.rank(question, collection, 1, where=where) for where in (SearchFilter(sources=tuple(gold)), without)]
    copied = all(best) and term_overlap(target, best[0][0].chunk.text, best[1][0].chunk.text) >= NEAR_COPY
    left = tuple(hit.chunk for hit in target.rank(question, collection, target.settings.retrieval.top_k, where=without))
    return [Labelled(source, question_id, True, target.gate(question, collection), question=question),
            Labelled(source, question_id, False, target.gate(question, collection, without), copied,
                     question=question, left=left)]


def term_overlap(target: EvalTarget, a: str, b: str) -> float:
    """Jaccard of the two texts' index terms (stop words out: every Dutch text shares "de" and "het")."""
    terms_a, terms_b = set(target.terms(a)), set(target.terms(b))
    return len(terms_a & terms_b) / len(terms_a | terms_b) if terms_a | terms_b else 0.0


def from_cases(
    target: EvalTarget, path: Path, collection: str, on_total: Callable[[str, int], None] | None = None,
    on_advance: Progress = None,
) -> list[Labelled]:
    """The decision read for every case of an evaluation set and for the leave-gold-out twin of each answerable
    one, on a collection that holds the set's documents."""
    target.check_searchable(collection)
    cases = load_cases(path)
    if on_total:
        on_total(f"vragen van {path.name}", len(cases))
    labelled = []
    for case in cases:
        if case.answerable and case.gold:
            gold = list(dict.fromkeys(g.source for g in case.gold))
            labelled += with_twin(target, path.stem, case.id, case.question, collection, gold)
        else:
            labelled.append(Labelled(path.stem, case.id, case.answerable, target.gate(case.question, collection),
                                     question=case.question))
        if on_advance:
            on_advance(1)
    return labelled


def fit(labelled: Sequence[Labelled], embedder: str, answer_share: float = ANSWER_SHARE) -> AnswerDecision:
    """A logistic regression on the fit part of every source, each source weighing the same however many
    questions it has (vac-nl's 180 must not drown a set of 20). The operating point comes from cross-validated
    probabilities (folds by question, so a question and its twin are never split): the highest threshold that
    still answers `answer_share` of the answerable questions of every source. Twins read as still answerable are
    wrong labels and stay out."""
    train = [item for item in labelled if item.part == "fit" and not item.mislabelled]
    x, y = features(train), np.array([item.answerable for item in train], dtype=int)
    if min(y.sum(), len(y) - y.sum()) < FOLDS:
        raise DatasetError(f"te weinig vragen om te fitten: het fit-deel heeft {y.sum()} beantwoordbare en "
                           f"{len(y) - y.sum()} onbeantwoordbare; er zijn er van elk minstens {FOLDS} nodig")
    sources = np.array([item.source for item in train])
    names, counts = np.unique(sources, return_counts=True)
    weight = np.array([len(train) / (len(names) * dict(zip(names, counts))[s]) for s in sources])
    groups = [f"{item.source}/{item.question_id}" for item in train]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    held_out = cross_val_predict(model, x, y, cv=GroupKFold(FOLDS), groups=groups, method="predict_proba",
                                 params={"logisticregression__sample_weight": weight})[:, 1]
    threshold = min(float(np.quantile(held_out[(y == 1) & (sources == s)], 1 - answer_share))
                    for s in names if ((y == 1) & (sources == s)).any())
    model.fit(x, y, logisticregression__sample_weight=weight)
    scaler, regression = model[0], model[1]
    return AnswerDecision(
        signals=SIGNALS, mean=tuple(scaler.mean_.round(6)), scale=tuple(scaler.scale_.round(6)),
        coef=tuple(regression.coef_[0].round(6)), intercept=round(float(regression.intercept_[0]), 6),
        threshold=round(threshold, 6), embedder=embedder,
        fitted={
            "sources": {str(s): int(n) for s, n in zip(names, counts)},
            "answerable": int(y.sum()), "unanswerable": int(len(y) - y.sum()),
            "left_out_as_mislabelled": sum(item.part == "fit" and item.mislabelled for item in labelled),
            "cross_validated_auc": round(float(roc_auc_score(y, held_out)), 3),
            "answer_share": answer_share,
        },
    )


def features(labelled: Sequence[Labelled]) -> np.ndarray:
    return np.array([[item.reading.signals[name] for name in SIGNALS] for item in labelled])


@dataclass(frozen=True)
class Separation:
    """How well one source's questions of one part are told apart: the ROC AUC of the decision's probability (with
    a 95% bootstrap interval over questions) and of each signal alone, the ROC curve, and the operating point."""

    source: str
    part: str
    answerable: int
    unanswerable: int
    auc: float
    auc_ci: tuple[float, float]
    signal_auc: dict[str, float]
    answered_answerable: int
    refused_unanswerable: int
    near_copies: int  # unanswerable twins whose best passage left nearly copies the gold one: noisy labels
    read: int  # twins a reader labelled (a twin-labels file)
    mislabelled: int  # of those, read as still answerable: wrong labels
    # The AUC (and interval) with the mislabelled twins left out; nan when no twin was read.
    auc_read: float
    auc_read_ci: tuple[float, float]
    curve: list[tuple[float, float]]  # (false positive rate, true positive rate)

    def to_json(self) -> dict:
        return asdict(self)


def separation(
    labelled: Sequence[Labelled], decision: AnswerDecision | None, part: str = "test", resamples: int = 1000,
    seed: int = 0,
) -> list[Separation]:
    """Per source, over the questions of `part` ("fit", "test" or "all"); the probability is `decision`'s, or the
    one the readings carry (the configured decision) when `decision` is None."""
    chosen = [item for item in labelled if part in ("all", item.part)]
    return [
        one_source(source, part, [item for item in chosen if item.source == source], decision, resamples, seed)
        for source in dict.fromkeys(item.source for item in chosen)
    ]


def one_source(
    source: str, part: str, items: list[Labelled], decision: AnswerDecision | None, resamples: int, seed: int,
) -> Separation:
    y = np.array([item.answerable for item in items], dtype=int)
    if decision is not None:
        answered = [decision.answers(item.reading.signals) for item in items]
        scores = [decision.probability(item.reading.signals) for item in items]
    else:
        answered = [item.reading.answered for item in items]
        scores = [item.reading.probability if item.reading.probability is not None else float(item.reading.answered)
                  for item in items]
    scores = np.array(scores)
    both = 0 < y.sum() < len(y)
    fpr, tpr, _ = roc_curve(y, scores) if both else ([], [], [])
    auc, auc_ci = area(items, y, scores, resamples, seed)
    clean = [i for i, item in enumerate(items) if not item.mislabelled]
    read = sum(bool(item.read_as) for item in items)
    auc_read, auc_read_ci = (area([items[i] for i in clean], y[clean], scores[clean], resamples, seed)
                             if read else (float("nan"), (float("nan"),) * 2))
    return Separation(
        source, part, int(y.sum()), int(len(y) - y.sum()), auc, auc_ci,
        signal_auc={name: round(float(roc_auc_score(y, features(items)[:, i])), 3) if both else float("nan")
                    for i, name in enumerate(SIGNALS)},
        answered_answerable=sum(a for a, label in zip(answered, y) if label),
        refused_unanswerable=sum(not a for a, label in zip(answered, y) if not label),
        near_copies=sum(item.near_copy for item in items),
        read=read, mislabelled=sum(item.mislabelled for item in items), auc_read=auc_read, auc_read_ci=auc_read_ci,
        curve=[(round(float(f), 4), round(float(t), 4)) for f, t in zip(fpr, tpr)],
    )


def area(items: list[Labelled], y: np.ndarray, scores: np.ndarray, resamples: int, seed: int):
    """The ROC AUC and its 95% interval; nan when one of the two kinds is missing."""
    if not 0 < y.sum() < len(y):
        return float("nan"), (float("nan"),) * 2
    return round(float(roc_auc_score(y, scores)), 3), auc_interval(items, y, scores, resamples, seed)


def auc_interval(items: list[Labelled], y: np.ndarray, scores: np.ndarray, resamples: int, seed: int):
    """95% percentile-bootstrap interval of the AUC, resampling questions (a question with its twin)."""
    groups = sorted({item.question_id for item in items})
    index = {g: [i for i, item in enumerate(items) if item.question_id == g] for g in groups}

    def auc_of(sample: Sequence[float]) -> float:
        rows = [i for g in sample for i in index[groups[int(g)]]]
        labels = y[rows]
        return roc_auc_score(labels, scores[rows]) if 0 < labels.sum() < len(labels) else np.nan

    values = [auc_of(sample) for sample in resampled(len(groups), resamples, seed)]
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return round(float(low), 3), round(float(high), 3)


def resampled(n: int, resamples: int, seed: int):
    generator = np.random.default_rng(seed)
    return (generator.integers(0, n, n) for _ in range(resamples))
