"""Standalone HTML reports: one evaluation run (`report.html`) and the comparison of two runs (`comparison.html`).

Each page is one self-contained file (inline CSS and SVG, no JavaScript, nothing fetched), so it can be archived or
mailed and read without bronvast. Questions, answers and file names are untrusted document text: jinja2 autoescapes
the pages and the SVG builders below escape every attribute and text they place.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from eval.metrics import percentile

GROUPS = {"retrieval": "Ophalen", "citations": "Bronvermelding", "answers": "Antwoorden",
          "faithfulness": "Getrouwheid aan de bronnen", "refusal": "Weigeren", "cost": "Kosten"}
STAGES = {"retrieve_s": "ophalen", "rerank_s": "herordenen", "extract_s": "uittreksel",
          "first_token_s": "eerste token", "generate_s": "genereren", "check_s": "controle", "total_s": "totaal"}
RUN_FIELDS = {"dataset": "Dataset", "collection": "Collectie", "config": "Configuratieprofiel", "cases": "Cases",
              "started": "Datum", "seconds": "Duur (s)", "judge": "Beoordelaar (judge)", "k": "k",
              "bootstrap": "Bootstrap-steekproeven"}
PER_RUN = {"started", "seconds"}  # differ between any two runs: not highlighted in a comparison
TAG_METRICS = ("citation_recall", "contains_facts", "cited_facts", "token_f1", "faithfulness", "correct_refusal",
               "false_refusal")  # after hit@*
# with hit@*: a case's mean ranks the worst cases
CASE_SCORES = ("contains_facts", "cited_facts", "token_f1", "citation_recall", "faithfulness")
WORST_CASES = 10
SIGNIFICANCE = 0.05
LABEL_W, PLOT_W, NOTE_W, ROW_H, STRIP_H, AXIS_H = 190, 380, 190, 24, 50, 24  # SVG layout, in pixels


class ReportError(Exception):
    """A run folder that cannot be reported; the message names the file and the reason."""


# --- numbers and texts as the pages show them ---------------------------------------------------------------------

def number(value: float | None) -> str:
    if value is None:
        return "—"
    size = abs(value)
    return f"{value:.0f}" if size >= 100 else f"{value:.1f}" if size >= 10 else f"{value:.3f}"


def signed(value: float | None) -> str:
    return "+" + number(value) if value is not None and value > 0 else number(value)


def interval(ci: list[float] | None) -> str:
    return "—" if ci is None else f"[{number(ci[0])} – {number(ci[1])}]"


def p_value(p: float | None) -> str:
    return "—" if p is None else "< 0.001" if p < 0.001 else f"{p:.3f}"


def location(entry: dict) -> str:
    """A passage's or gold entry's file name (and a citation's identical copies), with its page when it has one."""
    page, also = entry.get("page"), entry.get("also")
    name = f"{entry['source']} (ook: {', '.join(also)})" if also else entry["source"]
    return name if page is None else f"{name}, p. {page}"


def text(value: object) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def timestamp(started: str | None) -> str:
    try:
        return datetime.fromisoformat(started).strftime("%Y-%m-%d %H:%M %Z").strip()
    except (TypeError, ValueError):
        return text(started)


def run_facts(run: dict) -> dict[str, str]:
    """The run's header fields (keys of RUN_FIELDS) as text."""
    facts = {key: text(run.get(key)) for key in RUN_FIELDS}
    judge = text(run["judge"]) if run.get("judge") else "geen"
    return facts | {"started": timestamp(run.get("started")), "judge": judge}


def settings_texts(run: dict) -> dict[str, str]:
    return {key: text(value) for key, value in (run.get("settings") or {}).items()}


# --- what the tables list -----------------------------------------------------------------------------------------

def grouped_metrics(metrics: dict[str, dict]) -> list[tuple[str, list[tuple[str, dict]]]]:
    """(group label, [(name, metric)]) in the order of GROUPS; groups not known there follow under their own name."""
    groups: dict[str, list[tuple[str, dict]]] = {}
    for name, metric in metrics.items():
        groups.setdefault(metric.get("group", ""), []).append((name, metric))
    order = [*[group for group in GROUPS if group in groups], *sorted(set(groups) - set(GROUPS))]
    return [(GROUPS.get(group, group), groups[group]) for group in order]


def tag_columns(per_tag: dict[str, dict]) -> list[str]:
    present = {name for metrics in per_tag.values() for name in metrics}
    return sorted(name for name in present if name.startswith("hit@")) + [m for m in TAG_METRICS if m in present]


def mean_score(case: dict) -> float | None:
    scores = [value for name, value in (case.get("scores") or {}).items()
              if value is not None and (name in CASE_SCORES or name.startswith("hit@"))]
    return sum(scores) / len(scores) if scores else None


def worst_cases(results: list[dict]) -> list[tuple[str, dict]]:
    """(why, case): answerable cases refused, unanswerable ones answered, then answerable ones by lowest mean score."""
    refused = [("ten onrechte geweigerd", case) for case in results if case["answerable"] and case["refused"]]
    answered = [("ten onrechte beantwoord", case) for case in results if not case["answerable"] and not case["refused"]]
    scored = [(mean, case) for case in results if case["answerable"] and not case["refused"]
              and (mean := mean_score(case)) is not None and mean < 1]
    lowest = [(f"lage scores (gemiddeld {number(mean)})", case) for mean, case in sorted(scored, key=lambda s: s[0])]
    return (refused + answered + lowest)[:WORST_CASES]


def paired_rows(a: dict[str, str], b: dict[str, str], labels: dict[str, str]) -> list[dict]:
    """Rows {label, a, b, differs} over the keys of both runs."""
    return [{"label": labels.get(key, key), "a": a.get(key, "—"), "b": b.get(key, "—"),
             "differs": key not in PER_RUN and a.get(key) != b.get(key)} for key in {**a, **b}]


def verdict(metric: dict) -> str:
    """"better", "worse" or "" (no change) for B against A, in the metric's own direction."""
    delta = metric.get("delta")
    if not delta:
        return ""
    return "better" if (delta > 0) == (metric.get("better", "higher") == "higher") else "worse"


def judged(metric: dict) -> dict:
    p = metric.get("p_value")
    return metric | {"verdict": verdict(metric), "significant": p is not None and p < SIGNIFICANCE}


def change_rows(changes: dict[str, list]) -> list[tuple[str, float | None, float | None, float | None]]:
    return [(name, a, b, None if a is None or b is None else b - a) for name, (a, b) in changes.items()]


# --- plots: inline SVG written here (matplotlib is no dependency, and two chart types do not warrant one) ----------

def element(tag: str, content: str = "", **attributes: object) -> Markup:
    """One SVG element; attributes in Python spelling (class_, text_anchor); every value and text escaped."""
    values = {name.rstrip("_").replace("_", "-"): round(value, 1) if isinstance(value, float) else value
              for name, value in attributes.items()}
    attrs = "".join(f' {name}="{escape(value)}"' for name, value in values.items())
    return Markup(f"<{tag}{attrs}>{escape(content)}</{tag}>")


def svg(height: float, parts: list[Markup], label: str) -> Markup:
    width = LABEL_W + PLOT_W + NOTE_W
    return Markup(f'<svg viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" role="img" '
                  f'aria-label="{escape(label)}">{"".join(parts)}</svg>')


def x_of(value: float, low: float, high: float) -> float:
    return LABEL_W + (value - low) / (high - low) * PLOT_W


def axis(ticks: list[float], low: float, high: float, bottom: float, label=number) -> list[Markup]:
    parts = []
    for tick in ticks:
        x = x_of(tick, low, high)
        parts += [element("line", x1=x, x2=x, y1=0, y2=bottom, class_="grid"),
                  element("text", label(tick), x=x, y=bottom + 15, text_anchor="middle", class_="tick")]
    return parts


def is_share(metric: dict) -> bool:
    value = metric.get("value")
    return metric.get("group") != "cost" and value is not None and 0 <= value <= 1


def metric_bar(y: float, name: str, metric: dict) -> list[Markup]:
    value, ci = metric["value"], metric.get("ci")
    summary = f"{number(value)} {interval(ci)}"
    parts = [element("text", f"{name} ↓" if metric.get("better") == "lower" else name,
                     x=LABEL_W - 8, y=y + 16, text_anchor="end"),
             element("rect", element("title", f"{name}: {summary}"), x=LABEL_W, y=y + 5, width=value * PLOT_W,
                     height=14, class_="bar"),
             element("text", summary, x=LABEL_W + PLOT_W + 16, y=y + 16)]
    if ci:
        low, high = x_of(ci[0], 0, 1), x_of(ci[1], 0, 1)
        parts += [element("line", x1=low, x2=high, y1=y + 12, y2=y + 12, class_="whisker"),
                  *(element("line", x1=x, x2=x, y1=y + 7, y2=y + 17, class_="whisker") for x in (low, high))]
    return parts


def metric_chart(metrics: dict[str, dict]) -> Markup | None:
    """Bars with 95% interval whiskers for every metric on a 0..1 scale."""
    shares = [(name, metric) for name, metric in metrics.items() if is_share(metric)]
    if not shares:
        return None
    bottom = len(shares) * ROW_H
    parts = axis([0, 0.25, 0.5, 0.75, 1], 0, 1, bottom, label=lambda tick: f"{tick:g}")
    for row, (name, metric) in enumerate(shares):
        parts += metric_bar(row * ROW_H, name, metric)
    return svg(bottom + AXIS_H, parts, "Metrieken op een schaal van 0 tot 1 met 95%-betrouwbaarheidsinterval")


def stage_seconds(results: list[dict]) -> dict[str, list[float]]:
    """Per timed stage the seconds of every case; stages that are zero throughout are left out."""
    seconds = {stage: [(case.get("timings") or {}).get(stage) or 0.0 for case in results] for stage in STAGES}
    return {stage: values for stage, values in seconds.items() if any(values)}


def latency_strip(y: float, stage: str, values: list[float]) -> list[Markup]:
    top = max(values)
    p50, p95 = percentile(values, 50), percentile(values, 95)
    parts = [element("text", STAGES[stage], x=LABEL_W - 8, y=y + 24, text_anchor="end"),
             element("line", x1=LABEL_W, x2=LABEL_W + PLOT_W, y1=y + 34, y2=y + 34, class_="baseline"),
             element("text", "0", x=LABEL_W, y=y + 46, class_="tick", text_anchor="middle"),
             element("text", f"{number(top)} s", x=LABEL_W + PLOT_W, y=y + 46, class_="tick", text_anchor="middle"),
             element("text", f"p50 {number(p50)} s · p95 {number(p95)} s", x=LABEL_W + PLOT_W + 16, y=y + 24)]
    parts += [element("circle", element("title", f"{number(value)} s"), cx=x_of(value, 0, top),
                      cy=y + 20 + (index % 5 - 2) * 3.0, r=3.5, class_="dot") for index, value in enumerate(values)]
    parts += [element("line", element("title", f"{name} {number(value)} s"), x1=x_of(value, 0, top),
                      x2=x_of(value, 0, top), y1=y + 6, y2=y + 34, class_=name)
              for name, value in (("p50", p50), ("p95", p95))]
    return parts


def latency_chart(results: list[dict]) -> Markup | None:
    """Per stage a strip of the cases' seconds (own scale per stage) with p50 (solid) and p95 (dashed)."""
    stages = stage_seconds(results)
    if not stages:
        return None
    parts = [part for row, (stage, values) in enumerate(stages.items())
             for part in latency_strip(row * STRIP_H, stage, values)]
    return svg(len(stages) * STRIP_H, parts, "Latentie per fase: seconden per case met p50 en p95")


def delta_bar(y: float, name: str, metric: dict, reach: float) -> list[Markup]:
    delta, weight = metric["delta"], "significant" if metric["significant"] else "faded"
    start, end = sorted((x_of(0, -reach, reach), x_of(delta, -reach, reach)))
    return [element("text", name, x=LABEL_W - 8, y=y + 16, text_anchor="end", class_=weight),
            element("rect", element("title", f"{name}: {signed(delta)}, p = {p_value(metric.get('p_value'))}"),
                    x=start, y=y + 5, width=max(end - start, 1.0), height=14,
                    class_=f"{metric['verdict'] or 'neutral'} {weight}"),
            element("text", f"{signed(delta)}  (p = {p_value(metric.get('p_value'))})", x=LABEL_W + PLOT_W + 16,
                    y=y + 16, class_=weight)]


def delta_chart(metrics: dict[str, dict]) -> Markup | None:
    """B − A for every metric outside cost (cost metrics have their own units: they are only in the table)."""
    rows = [(name, metric) for name, metric in metrics.items()
            if metric.get("group") != "cost" and metric.get("delta") is not None]
    if not rows:
        return None
    reach = max(abs(metric["delta"]) for _, metric in rows) or 1.0
    bottom = len(rows) * ROW_H
    parts = axis([-reach, 0, reach], -reach, reach, bottom, label=signed)
    for row, (name, metric) in enumerate(rows):
        parts += delta_bar(row * ROW_H, name, metric, reach)
    return svg(bottom + AXIS_H, parts, "Verschil B − A per metriek; groen beter, rood slechter, vol: significant")


ROC_SIDE, ROC_MARGIN = 220, 34


def roc_chart(result: dict) -> Markup:
    """One source's ROC curve (false against true positive rate: answering an unanswerable question against
    answering an answerable one), the diagonal of chance, and the operating point as a dot."""
    def at(fpr: float, tpr: float) -> tuple[float, float]:
        return ROC_MARGIN + fpr * ROC_SIDE, ROC_SIDE - tpr * ROC_SIDE + 8

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(f, t) for f, t in result["curve"]))
    operating = at(1 - result["refused_unanswerable"] / result["unanswerable"],
                   result["answered_answerable"] / result["answerable"])
    corner, top = at(0, 0), at(1, 1)
    parts = [element("rect", x=corner[0], y=top[1], width=ROC_SIDE, height=ROC_SIDE, class_="frame"),
             element("line", x1=corner[0], y1=corner[1], x2=top[0], y2=top[1], class_="chance"),
             Markup(f'<polyline points="{escape(points)}" class="roc"/>'),
             element("circle", element("title", "werkpunt"), cx=operating[0], cy=operating[1], r=5, class_="point"),
             element("text", "beantwoord zonder antwoord →", x=corner[0], y=corner[1] + 18, class_="tick"),
             element("text", "beantwoord met antwoord →", x=12, y=corner[1], class_="tick",
                     transform=f"rotate(-90 12 {corner[1]:.0f})")]
    side = ROC_SIDE + ROC_MARGIN + 12
    return Markup(f'<svg viewBox="0 0 {side} {side}" width="{side}" height="{side}" role="img" '
                  f'aria-label="{escape("ROC-curve " + result["source"])}">{"".join(parts)}</svg>')


# --- pages --------------------------------------------------------------------------------------------------------

PAGES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
PAGES.filters.update(number=number, signed=signed, interval=interval, p_value=p_value, location=location, text=text)


def render_run_report(metrics: dict, results: list[dict]) -> str:
    run, per_tag = metrics["run"], metrics.get("per_tag", {})
    return PAGES.get_template("run.html.j2").render(
        run=run, facts=run_facts(run), labels=RUN_FIELDS, settings=settings_texts(run),
        groups=grouped_metrics(metrics["metrics"]), metric_chart=metric_chart(metrics["metrics"]),
        latency_chart=latency_chart(results), tags=metrics.get("tags", {}), per_tag=per_tag,
        tag_columns=tag_columns(per_tag), worst=worst_cases(results))


def render_comparison_report(comparison: dict) -> str:
    a, b = comparison["a"], comparison["b"]
    metrics = {name: judged(metric) for name, metric in comparison["metrics"].items()}
    return PAGES.get_template("comparison.html.j2").render(
        a=a, b=b, facts=paired_rows(run_facts(a), run_facts(b), RUN_FIELDS),
        settings=paired_rows(settings_texts(a), settings_texts(b), {}), groups=grouped_metrics(metrics),
        delta_chart=delta_chart(metrics), significance=SIGNIFICANCE,
        better=[(case, change_rows(case["changes"])) for case in comparison.get("better", [])],
        worse=[(case, change_rows(case["changes"])) for case in comparison.get("worse", [])])


def render_answerability_report(results: list[dict], decision: dict) -> str:
    return PAGES.get_template("answerability.html.j2").render(
        results=[(result, roc_chart(result)) for result in results if result["curve"]], decision=decision)


def read_json(path: Path, lines: bool = False) -> dict | list[dict]:
    """metrics.json (one object) or results.jsonl (lines=True: one object a line)."""
    if not path.is_file():
        raise ReportError(f"{path}: niet gevonden (is dit de map van een evaluatierun?)")
    content = path.read_text(encoding="utf-8")
    try:
        return [json.loads(line) for line in content.splitlines() if line.strip()] if lines else json.loads(content)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: geen geldige JSON ({exc})") from exc


def write_run_report(run_dir: Path) -> Path:
    html = render_run_report(read_json(run_dir / "metrics.json"), read_json(run_dir / "results.jsonl", lines=True))
    path = run_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def write_answerability_report(results: list[dict], decision: dict, out_dir: Path) -> Path:
    """answerability.json and answerability.html: per source the ROC AUC, its curve and the operating point."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "answerability.json").write_text(
        json.dumps({"decision": decision, "sources": results}, indent=2, ensure_ascii=False), encoding="utf-8")
    path = out_dir / "answerability.html"
    path.write_text(render_answerability_report(results, decision), encoding="utf-8")
    return path


def write_comparison_report(comparison: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "comparison.html"
    path.write_text(render_comparison_report(comparison), encoding="utf-8")
    return path
