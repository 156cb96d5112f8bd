"""Retrieval metrics against values computed by hand."""

import math

import pytest

from eval.metrics import mrr_at_k, ndcg_at_k, percentile, recall_at_k

QRELS = {"d1": 1, "d3": 2}


def test_ndcg_by_hand():
    # ranking d3 (grade 2) at rank 2, d1 (grade 1) at rank 3
    dcg = (2**2 - 1) / math.log2(3) + (2**1 - 1) / math.log2(4)
    idcg = (2**2 - 1) / math.log2(2) + (2**1 - 1) / math.log2(3)
    assert ndcg_at_k(["d2", "d3", "d1"], QRELS, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["d3", "d1"], QRELS, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["d2", "d3", "d1"], QRELS, 1) == 0.0
    assert ndcg_at_k(["d1"], {}, 10) == 0.0


def test_recall_by_hand():
    assert recall_at_k(["d2", "d3", "d9"], QRELS, 100) == 0.5
    assert recall_at_k(["d2", "d3", "d1"], QRELS, 2) == 0.5
    assert recall_at_k(["d1", "d3"], QRELS, 2) == 1.0


def test_mrr_by_hand():
    assert mrr_at_k(["d2", "d5", "d1"], QRELS, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["d2", "d5", "d1"], QRELS, 2) == 0.0
    assert mrr_at_k(["d2", "d5", "d1"], {"d2": 0, "d1": 1}, 10) == pytest.approx(1 / 3)  # grade 0 is not relevant


def test_percentile_interpolates():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([7], 95) == 7
    assert percentile([], 50) == 0.0
