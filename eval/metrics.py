"""Retrieval metrics over a ranked list of document ids and graded relevance judgements (qrels).

- nDCG@k = DCG@k / IDCG@k, DCG@k = sum over ranks i<=k of (2^rel_i - 1) / log2(i + 1), IDCG the DCG of the ideal order
  (as BEIR / pytrec_eval compute it);
- recall@k = |relevant among the first k| / |relevant|;
- MRR@k = 1 / rank of the first relevant document within the first k, else 0.
A document counts as relevant when its grade is > 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def ndcg_at_k(ranking: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    dcg = sum((2 ** qrels.get(doc, 0) - 1) / math.log2(rank + 1) for rank, doc in enumerate(ranking[:k], start=1))
    ideal = sorted((grade for grade in qrels.values() if grade > 0), reverse=True)[:k]
    idcg = sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


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
