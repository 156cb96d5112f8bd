"""The *Evaluatie* tab: run an evaluation set as the logged-in user, see its figures and HTML report, compare two
runs, and export the answers' ratings as evaluation cases."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import gradio as gr

from assistant.application import Application
from assistant.ui.labels import DUTCH, headers, word
from assistant.ui.shared import Identify, Translation, caller_of
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Caller
from eval.dataset import DatasetError


def dataset_choices(app: Application) -> list[tuple[str, str]]:
    """The evaluation sets in the configured folder: (file name, path)."""
    folder = app.settings.resolve(app.settings.evaluation.datasets)
    return [(path.name, str(path)) for path in sorted(folder.glob("*.jsonl"))] if folder.is_dir() else []


def metric_rows(summary: dict) -> list[list]:
    rows = []
    for name, entry in summary["metrics"].items():
        value = "—" if entry["value"] is None else f"{entry['value']:.3f}"
        interval = "—" if entry["ci"] is None else f"{entry['ci'][0]:.3f} – {entry['ci'][1]:.3f}"
        rows.append([entry["group"], name, value, interval, entry["n"]])
    return rows


def report_frame(report: Path) -> str:
    """The report inline: in a sandboxed frame (no scripts, no access to the page), from its own HTML."""
    return (f'<iframe sandbox="" style="width: 100%; height: 40em; border: 1px solid #ccc" '
            f'srcdoc="{html.escape(report.read_text(encoding="utf-8"))}"></iframe>')


def run_set(app: Application, chosen: str | None, uploaded: str | None, collection: str,
                   caller: Caller | None, progress: gr.Progress | None = None) -> tuple:
    """Message, figures, report file and inline report. An uploaded set goes before a chosen one."""
    dataset = uploaded or chosen
    if not dataset:
        return "Kies of upload eerst een evaluatieset.", [], None, ""
    counted = {"total": 0, "done": 0}

    def started(total: int) -> None:
        counted["total"] = total

    def advanced(case) -> None:
        counted["done"] += 1
        if progress is not None:
            progress((counted["done"], counted["total"]), desc=case.id, unit="vragen")

    try:
        folder, summary = app.evaluate(Path(dataset), collection or None, caller, on_start=started, on_case=advanced)
    except (DatasetError, StoreError, AccessDenied, ValueError) as exc:
        return f"Fout: {html.escape(str(exc))}", [], None, ""
    report = folder / "report.html"
    run = summary["run"]
    message = (f"Run **{html.escape(folder.name)}**: {html.escape(Path(dataset).name)} op collectie "
               f"'{html.escape(run['collection'])}'.")
    return message, metric_rows(summary), str(report), report_frame(report)


def run_rows(runs: list[dict]) -> list[list]:
    """A row per run (Application.eval_runs), with its headline figures that were measured."""
    return [[run["name"], run["dataset"], run["collection"], run["started"],
             ", ".join(f"{name} {value:.2f}" for name, value in run["metrics"].items() if value is not None)]
            for run in runs]


def comparison_rows(comparison: dict) -> list[list]:
    rows = []
    for name, entry in comparison["metrics"].items():
        improved = entry["delta"] > 0 if entry["better"] == "higher" else entry["delta"] < 0
        verdict = ("beter" if improved else "slechter") if entry["significant"] else ""
        p_value = "—" if entry["p_value"] is None else f"{entry['p_value']:.3f}"
        rows.append([name, f"{entry['a']:.3f}", f"{entry['b']:.3f}", f"{entry['delta']:+.3f}", p_value, verdict])
    return rows


def compare(app: Application, run_a: str | None, run_b: str | None) -> tuple:
    """Message, the table, the comparison report file and the report inline."""
    if not run_a or not run_b:
        return "Kies twee runs.", [], None, ""
    try:
        comparison, report = app.compare_runs(run_a, run_b)
    except (DatasetError, StoreError, ValueError) as exc:
        return f"Fout: {html.escape(str(exc))}", [], None, ""
    paired = comparison["cases"]["paired"]
    return (f"{html.escape(run_a)} (A) → {html.escape(run_b)} (B), {paired} gepaarde cases; p: gepaarde "
            "permutatietoets, een oordeel bij p < 0,05.", comparison_rows(comparison), str(report),
            report_frame(report))


def export_ratings(app: Application, caller: Caller | None) -> tuple:
    """The ratings as evaluation cases, in a fresh folder Gradio serves the file from."""
    out = Path(tempfile.mkdtemp(prefix="bronvast-beoordelingen-")) / "beoordelingen.jsonl"
    try:
        count = app.export_feedback(out, caller)
    except (StoreError, AccessDenied) as exc:
        return f"Fout: {html.escape(str(exc))}", None
    if not count:
        return "Er zijn nog geen beoordelingen.", None
    return f"{count} beoordelingen geëxporteerd als evaluatiecases.", str(out)


def build_evaluation_tab(app: Application, identify: Identify | None, collection: gr.Dropdown, tab: gr.Tab,
                         words: Translation) -> None:
    """The tab's components and events, inside the current gr.Tab."""
    with gr.Row():
        chosen = words.add(gr.Dropdown(dataset_choices(app), label=word(DUTCH, "dataset"), elem_id="evaluatie-set"),
                           "dataset")
        uploaded = words.add(gr.File(label=word(DUTCH, "dataset_upload"), file_types=[".jsonl"], type="filepath",
                                     elem_id="evaluatie-upload"), "dataset_upload")
    start = words.add(gr.Button(word(DUTCH, "run"), variant="primary", elem_id="evaluatie-starten"), "run", "value")
    message = gr.Markdown(elem_id="evaluatie-status")
    figures = words.add(gr.Dataframe(headers=headers(DUTCH, "metrics"), label=word(DUTCH, "metrics"),
                                     interactive=False, elem_id="evaluatie-uitkomsten"), "metrics")
    words.add(figures, "metrics", "headers")
    report = words.add(gr.File(label=word(DUTCH, "report"), interactive=False, elem_id="evaluatie-rapport"), "report")
    with words.add(gr.Accordion(word(DUTCH, "report_inline"), open=False, elem_id="evaluatie-rapport-open"),
                   "report_inline"):
        shown_report = gr.HTML(elem_id="evaluatie-rapport-inline")
    runs = words.add(gr.Dataframe(headers=headers(DUTCH, "runs"), label=word(DUTCH, "runs"), interactive=False,
                                  elem_id="evaluatie-runs"), "runs")
    words.add(runs, "runs", "headers")
    with gr.Row():
        run_a = words.add(gr.Dropdown([], label=word(DUTCH, "run_a"), elem_id="evaluatie-a"), "run_a")
        run_b = words.add(gr.Dropdown([], label=word(DUTCH, "run_b"), elem_id="evaluatie-b"), "run_b")
        compare_button = words.add(gr.Button(word(DUTCH, "compare"), elem_id="evaluatie-vergelijken"),
                                   "compare", "value")
    compared = words.add(gr.Dataframe(headers=headers(DUTCH, "comparison"), label=word(DUTCH, "comparison"),
                                      interactive=False, elem_id="evaluatie-vergelijking"), "comparison")
    words.add(compared, "comparison", "headers")
    export = words.add(gr.Button(word(DUTCH, "export_feedback"), elem_id="beoordelingen-exporteren"),
                       "export_feedback", "value")
    export_message = gr.Markdown(elem_id="beoordelingen-status")
    exported = words.add(gr.File(label=word(DUTCH, "feedback_file"), interactive=False,
                                 elem_id="beoordelingen-bestand"), "feedback_file")

    def listed() -> tuple:
        runs = app.eval_runs()  # read once: the table and both run choices
        names = [run["name"] for run in runs]
        return run_rows(runs), gr.Dropdown(choices=names), gr.Dropdown(choices=names)

    def evaluated(dataset, upload, collection_name, request: gr.Request,
                  progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's way to ask for progress)
        try:
            caller = caller_of(identify, request)
        except AccessDenied as exc:
            return f"Fout: {html.escape(str(exc))}", [], None, ""
        return run_set(app, dataset, upload, collection_name, caller, progress)

    def ratings(request: gr.Request) -> tuple:
        try:
            return export_ratings(app, caller_of(identify, request))
        except AccessDenied as exc:
            return f"Fout: {html.escape(str(exc))}", None

    start.click(evaluated, [chosen, uploaded, collection], [message, figures, report, shown_report],
                api_visibility="private").then(listed, None, [runs, run_a, run_b], api_visibility="private")
    compare_button.click(lambda a, b: compare(app, a, b), [run_a, run_b], [message, compared, report, shown_report],
                         api_visibility="private")
    export.click(ratings, None, [export_message, exported], api_visibility="private")
    tab.select(listed, None, [runs, run_a, run_b], api_visibility="private")
