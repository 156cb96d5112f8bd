"""Two runs of the same dataset side by side: per metric the values over the cases both ran, the delta (B - A) and
a paired permutation test's p-value, and the cases that got better or worse."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bronvast.atomic import write_atomically
from eval.dataset import DatasetError
from eval.metrics import paired_p_value, statistic
from eval.report import write_comparison_report
from eval.summary import Metric, definitions

SIGNIFICANCE = 0.05
CASE_CHANGE = 1e-6  # a per-case score counts as changed above this


def load_run(folder: Path) -> tuple[dict, list[dict]]:
    """A run folder's metrics.json and results.jsonl; DatasetError names what is missing."""
    try:
        summary = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        with (folder / "results.jsonl").open(encoding="utf-8") as handle:
            results = [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError as exc:
        raise DatasetError(f"{folder}: geen evaluatierun ({Path(exc.filename).name} ontbreekt)") from exc
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{folder}: beschadigde evaluatierun ({exc.msg})") from exc
    return summary, results


def compare(folder_a: Path, folder_b: Path, resamples: int = 9999, seed: int = 0) -> dict:
    (summary_a, results_a), (summary_b, results_b) = load_run(folder_a), load_run(folder_b)
    by_id_b = {r["id"]: r for r in results_b}
    pairs = [(a, by_id_b[a["id"]]) for a in results_a if a["id"] in by_id_b]
    if not pairs:
        raise DatasetError(f"{folder_a} en {folder_b} hebben geen enkele case gemeen")
    k_a, k_b = summary_a["run"]["k"], summary_b["run"]["k"]
    shared = [m for m in definitions(k_a) if k_a == k_b or m.group != "retrieval"]
    metrics = {m.name: entry for m in shared if (entry := compare_metric(m, pairs, resamples, seed))}
    better, worse = changed_cases(pairs, [m for m in shared if m.group != "cost"])
    return {
        "a": {**summary_a["run"], "name": folder_a.name}, "b": {**summary_b["run"], "name": folder_b.name},
        "cases": {"paired": len(pairs), "only_a": len(results_a) - len(pairs),
                  "only_b": len(results_b) - len(pairs)},
        "metrics": metrics, "better": better, "worse": worse,
    }


def write_comparison(comparison: dict, folder: Path) -> Path:
    """comparison.json (written whole or not at all) and comparison.html in `folder`; returns the report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "comparison.json", json.dumps(comparison, ensure_ascii=False, indent=2))
    return write_comparison_report(comparison, folder)


def compare_metric(metric: Metric, pairs: Sequence[tuple[dict, dict]], resamples: int, seed: int) -> dict | None:
    values = [(va, vb) for a, b in pairs if (va := metric.value(a)) is not None and (vb := metric.value(b)) is not None]
    if not values:
        return None
    a, b = [v for v, _ in values], [v for _, v in values]
    value_a, value_b = (float(statistic(metric.aggregate)(values)) for values in (a, b))
    p_value = paired_p_value(a, b, metric.aggregate, resamples, seed)
    return {
        "a": round(value_a, 4), "b": round(value_b, 4), "delta": round(value_b - value_a, 4),
        "p_value": None if p_value is None else round(p_value, 4),
        "significant": p_value is not None and p_value < SIGNIFICANCE,
        "n": len(values), "better": metric.better, "group": metric.group,
    }


def changed_cases(pairs: Sequence[tuple[dict, dict]], quality: Sequence[Metric]) -> tuple[list[dict], list[dict]]:
    """Cases whose scores moved, by the sum of their changes (each counted in its metric's better direction),
    largest change first."""
    better, worse = [], []
    for a, b in pairs:
        changes, gain = {}, 0.0
        for metric in quality:
            va, vb = metric.value(a), metric.value(b)
            if va is None or vb is None or abs(vb - va) <= CASE_CHANGE:
                continue
            changes[metric.name] = [va, vb]
            gain += (vb - va) if metric.better == "higher" else (va - vb)
        if not changes or abs(gain) <= CASE_CHANGE:
            continue
        entry = {"id": a["id"], "question": a["question"], "gain": round(gain, 4), "changes": changes,
                 "answer_a": a["answer"], "answer_b": b["answer"]}
        (better if gain > 0 else worse).append(entry)
    return sorted(better, key=lambda e: -e["gain"]), sorted(worse, key=lambda e: e["gain"])
