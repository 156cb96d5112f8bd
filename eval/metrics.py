"""Metric functions, each a formula over one case (or one ranked list), plus the statistics over cases.

Retrieval over BEIR qrels (graded, document ids):
- nDCG@k = DCG@k / IDCG@k, DCG@k = sum over ranks i<=k of (2^rel_i - 1) / log2(i + 1), IDCG the DCG of the ideal order
  (as BEIR / pytrec_eval compute it);
- recall@k = |relevant among the first k| / |relevant|;
- MRR@k = 1 / rank of the first relevant document within the first k, else 0.
A document counts as relevant when its grade is > 0.

Retrieval and citations against an evaluation case's gold list ({source, page}): a passage matches a gold entry when
its file name is the gold source and, when the gold gives a page, its page is that page. In a ranking each gold entry
is found once (a second passage of the same gold page is not relevant again), so recall and nDCG stay within 0..1.

Answers against the reference answer, over word tokens (lower-cased, accents folded, punctuation dropped):
- contains-reference = 1 when the reference's tokens occur, in order and adjacent, in the answer's tokens, else 0;
- token F1 = 2PR / (P + R), P = shared tokens / answer tokens, R = shared tokens / reference tokens (multiset
  overlap, as SQuAD computes it);
- ROUGE-L = the F1 of the longest common token subsequence: P = LCS / answer tokens, R = LCS / reference tokens.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy import stats

from bronvast.sparse import fold

Unit = tuple[str, int | None]  # (file name, page) of a passage or a gold entry; page None: the whole file


def dcg(gains: Sequence[float]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at_k(ranking: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    ideal = sorted((grade for grade in qrels.values() if grade > 0), reverse=True)[:k]
    idcg = dcg([2**grade - 1 for grade in ideal])
    return dcg([2 ** qrels.get(doc, 0) - 1 for doc in ranking[:k]]) / idcg if idcg else 0.0


def recall_at_k(ranking: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    relevant = {doc for doc, grade in qrels.items() if grade > 0}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def mrr_at_k(ranking: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    return next((1.0 / rank for rank, doc in enumerate(ranking[:k], start=1) if qrels.get(doc, 0) > 0), 0.0)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- against gold {source, page} ---------------------------------------------------------------------------------

def matches(unit: Unit, gold: Unit) -> bool:
    source, page = unit
    return source == gold[0] and (gold[1] is None or page == gold[1])


def relevance(ranking: Sequence[Unit], gold: Sequence[Unit]) -> list[bool]:
    """Per ranked passage: does it find a gold entry not found by an earlier one."""
    unfound = list(gold)
    found = []
    for unit in ranking:
        entry = next((g for g in unfound if matches(unit, g)), None)
        if entry is not None:
            unfound.remove(entry)
        found.append(entry is not None)
    return found


def hit_at_k(ranking: Sequence[Unit], gold: Sequence[Unit], k: int) -> float:
    return float(any(relevance(ranking[:k], gold)))


def gold_recall_at_k(ranking: Sequence[Unit], gold: Sequence[Unit], k: int) -> float:
    return sum(relevance(ranking[:k], gold)) / len(gold)


def gold_mrr_at_k(ranking: Sequence[Unit], gold: Sequence[Unit], k: int) -> float:
    return next((1.0 / rank for rank, found in enumerate(relevance(ranking[:k], gold), start=1) if found), 0.0)


def gold_ndcg_at_k(ranking: Sequence[Unit], gold: Sequence[Unit], k: int) -> float:
    """Binary gains: 1 for a passage that finds a gold entry; the ideal ranking puts all gold entries first."""
    return dcg([float(found) for found in relevance(ranking[:k], gold)]) / dcg([1.0] * min(len(gold), k))


def citation_precision(cited: Sequence[Unit], gold: Sequence[Unit]) -> float:
    """Share of the cited passages that match a gold entry (two passages of one gold file both count)."""
    return sum(any(matches(unit, g) for g in gold) for unit in cited) / len(cited)


def citation_recall(cited: Sequence[Unit], gold: Sequence[Unit]) -> float:
    """Share of the gold entries that some cited passage matches."""
    return sum(any(matches(unit, g) for unit in cited) for g in gold) / len(gold)


# --- against the reference answer --------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def words(text: str) -> str:
    """The text's words, folded and space-separated with a space on either side, so that `in` matches whole words."""
    return f" {' '.join(tokens(text))} "


def contains_reference(answer: str, reference: str) -> float:
    return float(bool(tokens(reference)) and words(reference) in words(answer))


def contains_facts(answer: str, facts: list[str | list[str]]) -> float:
    """1 when the answer holds every fact (a fact given as a list: any of its phrases), else 0."""
    said = words(answer)
    return float(all(any(words(phrase) in said for phrase in ([fact] if isinstance(fact, str) else fact))
                     for fact in facts))


def token_f1(answer: str, reference: str) -> float:
    said, wanted = tokens(answer), tokens(reference)
    shared = sum((Counter(said) & Counter(wanted)).values())
    if not shared:
        return 0.0
    precision, recall = shared / len(said), shared / len(wanted)
    return 2 * precision * recall / (precision + recall)


def rouge_l(answer: str, reference: str) -> float:
    said, wanted = tokens(answer), tokens(reference)
    common = longest_common_subsequence(said, wanted)
    if not common:
        return 0.0
    precision, recall = common / len(said), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


def longest_common_subsequence(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


# --- statistics over cases ---------------------------------------------------------------------------------------

Statistic = Callable[..., np.ndarray]  # values, axis -> the statistic along that axis (vectorised, as scipy wants)


def statistic(aggregate: str) -> Statistic:
    """"mean", or a percentile such as "p50" / "p95"."""
    if aggregate == "mean":
        return lambda values, axis=-1: np.mean(values, axis=axis)
    q = float(aggregate.removeprefix("p"))
    return lambda values, axis=-1: np.percentile(values, q, axis=axis)


def bootstrap_ci(values: Sequence[float], aggregate: str, resamples: int, seed: int) -> tuple[float, float]:
    """The 95% percentile-bootstrap confidence interval of the aggregate over cases (cases resampled with
    replacement). One value, or all equal: the interval is that value."""
    data = np.asarray(values, dtype=float)
    if len(data) < 2 or np.all(data == data[0]):
        value = float(statistic(aggregate)(data)) if len(data) else math.nan
        return value, value
    result = stats.bootstrap(
        (data,), statistic(aggregate), n_resamples=resamples, confidence_level=0.95, method="percentile",
        random_state=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def paired_p_value(a: Sequence[float], b: Sequence[float], aggregate: str, resamples: int, seed: int) -> float | None:
    """Two-sided p-value of a paired permutation test (each case's two values swapped at random) on the difference
    of the aggregates; exact for up to 13 pairs. None with fewer than 2 pairs."""
    if len(a) < 2:
        return None
    if np.array_equal(a, b):
        return 1.0
    aggregate_of = statistic(aggregate)
    result = stats.permutation_test(
        (np.asarray(a, dtype=float), np.asarray(b, dtype=float)),
        lambda x, y, axis=-1: aggregate_of(y, axis=axis) - aggregate_of(x, axis=axis),
        permutation_type="samples", vectorized=True, n_resamples=resamples, alternative="two-sided",
        random_state=np.random.default_rng(seed),
    )
    return float(result.pvalue)
