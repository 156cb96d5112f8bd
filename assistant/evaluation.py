"""Evaluation runs as the faces call them (the Application's evaluate, eval_runs and compare_runs): a dataset run
into `<data_dir>/eval/<dataset>-<time>`, the runs there listed, and two of them compared by name. eval/ does the work
(eval/run.py, eval/compare.py); this module picks the folders and turns its errors into plain messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bronvast.errors import StoreError
from eval.dataset import DatasetError

NEEDS_INDEX = "stop `bronvast serve` voor een evaluatie: die heeft de index nodig"
HEADLINE = ("citation_recall", "correct_refusal", "false_refusal", "faithfulness", "latency_total_s_p50")


class EvaluationError(StoreError):
    """A dataset, run or comparison that cannot be used; the message says which and why."""


def eval_dir(settings) -> Path:
    return settings.data_dir / "eval"


def run_evaluation(
    target, dataset: Path, collection: str | None = None, on_start: Callable[[int], None] | None = None,
    on_case: Callable | None = None,
) -> tuple[Path, dict]:
    """eval.run.evaluate into the default folder; `target` (an EvalTarget) searches as whoever it acts for."""
    from eval.run import evaluate

    try:
        return evaluate(target, Path(dataset), collection, None, None, on_start=on_start, on_case=on_case)
    except DatasetError as exc:
        raise EvaluationError(str(exc)) from exc


def eval_runs(settings) -> list[dict]:
    """The runs under <data_dir>/eval, newest first: name, dataset (file name), collection, started, cases, and
    the headline metrics (hit@k, citations, refusals, faithfulness, median latency; None where not measured).
    A folder without a readable metrics.json is no run and is skipped."""
    root = eval_dir(settings)
    runs, written = [], {}
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            summary = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
            written[folder.name] = (folder / "metrics.json").stat().st_mtime_ns  # two runs started in one second
            run, metrics = summary["run"], summary["metrics"]
            names = (f"hit@{run['k']}", *HEADLINE)
            runs.append({
                "name": folder.name, "dataset": Path(str(run["dataset"])).name, "collection": run["collection"],
                "started": str(run["started"]), "cases": run["cases"],
                "metrics": {name: (metrics.get(name) or {}).get("value") for name in names},
            })
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return sorted(runs, key=lambda run: (run["started"], written[run["name"]]), reverse=True)


def run_folder(settings, name: str) -> Path:
    """The folder of the run called `name` under <data_dir>/eval; a path, or a name that is no run, is refused."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise EvaluationError(f"ongeldige runnaam {name!r}: geef de naam van een run in {eval_dir(settings)}, "
                              "zonder pad")
    folder = eval_dir(settings) / name
    if not (folder / "metrics.json").is_file():
        raise EvaluationError(f"geen evaluatierun {name!r} in {eval_dir(settings)}")
    return folder


def compare_runs(settings, run_a: str, run_b: str) -> tuple[dict, Path]:
    """Run B against run A (the base), as `bronvast eval compare`: the comparison, and its HTML report's path in
    <data_dir>/eval/<a>-vs-<b>."""
    from eval.compare import compare, write_comparison

    folder_a, folder_b = run_folder(settings, run_a), run_folder(settings, run_b)
    try:
        comparison = compare(folder_a, folder_b, settings.evaluation.permutations, settings.evaluation.seed)
    except DatasetError as exc:
        raise EvaluationError(str(exc)) from exc
    return comparison, write_comparison(comparison, eval_dir(settings) / f"{run_a}-vs-{run_b}")
