"""The evaluation harness: metrics against hand-computed values, the dataset schema, runs through the real
pipeline, comparisons, the gate, the judge and test-set generation."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI
from typer.testing import CliRunner

from assistant.cli import cli
from assistant.app import Bronvast
from bronvast.schema import Answer, Citation
from bronvast.settings import load_settings
from eval import metrics
from eval.compare import compare
from eval.dataset import DatasetError, SCHEMA_FILE, load_cases, schema
from eval.generate import generate_cases
from eval.judge import Judge, judge_for
from eval.run import evaluate
from eval.summary import Threshold, gate, summarise

DATASETS = Path(__file__).resolve().parent.parent / "eval" / "datasets"

runner = CliRunner()
RANKING = [("a.pdf", 2), ("b.txt", None), ("a.pdf", 3), ("c.html", None)]
GOLD = [("a.pdf", 3), ("b.txt", None)]


# --- metrics by hand ----------------------------------------------------------------------------------------------

def test_retrieval_against_gold_pages_by_hand():
    # relevant at ranks 2 (b.txt, any page) and 3 (a.pdf page 3); a.pdf page 2 is not the gold page
    assert metrics.relevance(RANKING, GOLD) == [False, True, True, False]
    assert (metrics.hit_at_k(RANKING, GOLD, 1), metrics.hit_at_k(RANKING, GOLD, 2)) == (0.0, 1.0)
    assert (metrics.gold_recall_at_k(RANKING, GOLD, 2), metrics.gold_recall_at_k(RANKING, GOLD, 4)) == (0.5, 1.0)
    assert metrics.gold_mrr_at_k(RANKING, GOLD, 4) == 0.5
    assert metrics.gold_mrr_at_k(RANKING, GOLD, 1) == 0.0
    ndcg = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert metrics.gold_ndcg_at_k(RANKING, GOLD, 4) == pytest.approx(ndcg)


def test_a_gold_entry_is_found_once():
    # two pages of the gold file: the second finds nothing new, so recall and nDCG stay at 1
    ranking, gold = [("a.pdf", 1), ("a.pdf", 2)], [("a.pdf", None)]
    assert metrics.relevance(ranking, gold) == [True, False]
    assert metrics.gold_ndcg_at_k(ranking, gold, 5) == 1.0 and metrics.gold_recall_at_k(ranking, gold, 5) == 1.0


def test_citation_precision_and_recall_by_hand():
    cited = [("a.pdf", 3), ("c.html", None)]
    assert metrics.citation_precision(cited, GOLD) == 0.5  # a.pdf p3 right, c.html wrong
    assert metrics.citation_recall(cited, GOLD) == 0.5  # a.pdf p3 cited, b.txt not
    assert metrics.citation_precision([("a.pdf", 2)], GOLD) == 0.0  # the right file, the wrong page
    assert metrics.citation_precision([("b.txt", None), ("b.txt", None)], GOLD) == 1.0


def test_answer_metrics_by_hand():
    assert metrics.contains_reference("Het kost 3,20 euro per uur.", "3,20 euro") == 1.0
    assert metrics.contains_reference("De Financiële verordening", "financiele verordening") == 1.0  # accents folded
    assert metrics.contains_reference("euro 3,20", "3,20 euro") == 0.0  # order matters
    assert metrics.token_f1("de kat zit", "de kat slaapt") == pytest.approx(2 / 3)  # P = R = 2/3
    assert metrics.token_f1("de de kat", "de kat kat") == pytest.approx(2 / 3)  # multiset: de once, kat once
    assert metrics.token_f1("niets", "anders") == 0.0
    # LCS of "a b c d" and "a c d e" is "a c d": P = R = 3/4
    assert metrics.rouge_l("zone b kost euro", "zone kost euro per") == pytest.approx(0.75)
    assert metrics.longest_common_subsequence("abcbdab", "bdcaba") == 4


def test_bootstrap_interval_is_seeded_and_degenerate_cases_collapse():
    values = [0, 1] * 10
    low, high = metrics.bootstrap_ci(values, "mean", 1000, seed=1)
    assert 0.0 <= low < 0.5 < high <= 1.0
    assert metrics.bootstrap_ci(values, "mean", 1000, seed=1) == (low, high)
    assert metrics.bootstrap_ci([1, 1, 1], "mean", 1000, 0) == (1.0, 1.0)
    assert metrics.bootstrap_ci([0.7], "p95", 1000, 0) == (0.7, 0.7)


def test_paired_permutation_test_is_exact_for_small_sets():
    # every case improved by 1-3: of the 2^3 sign flips only "all +" and "all -" are as extreme, p = 2/8
    assert metrics.paired_p_value([0, 0, 0], [1, 2, 3], "mean", 9999, 0) == pytest.approx(0.25)
    assert metrics.paired_p_value([0] * 10, [1] * 10, "mean", 9999, 0) == pytest.approx(2 / 2**10)
    assert metrics.paired_p_value([0.3, 0.5], [0.3, 0.5], "mean", 9999, 0) == 1.0
    assert metrics.paired_p_value([0.3], [0.9], "mean", 9999, 0) is None


# --- summaries, gate ----------------------------------------------------------------------------------------------

RESULTS = [
    {"id": "r1", "tags": ["x"], "scores": {"hit@5": 1.0, "false_refusal": 0.0, "token_f1": 0.5},
     "timings": {"retrieve_s": 0.1, "rerank_s": 0.0, "generate_s": 2.0, "total_s": 2.2}, "usage": {"prompt_tokens": 100}},
    {"id": "r2", "tags": ["x", "y"], "scores": {"hit@5": 0.0, "false_refusal": 1.0, "token_f1": 0.0},
     "timings": {"retrieve_s": 0.3, "rerank_s": 0.0, "generate_s": 0.0, "total_s": 0.3}, "usage": {}},
    {"id": "r3", "tags": ["y"], "scores": {"correct_refusal": 1.0},
     "timings": {"retrieve_s": 0.2, "rerank_s": 0.0, "generate_s": 0.0, "total_s": 0.2}, "usage": {}},
]


def test_summary_values_counts_and_tags_by_hand():
    summary = summarise(RESULTS, k=5, resamples=1000, seed=0)
    entries = summary["metrics"]
    assert (entries["hit@5"]["value"], entries["hit@5"]["n"]) == (0.5, 2)
    assert (entries["correct_refusal"]["value"], entries["correct_refusal"]["n"]) == (1.0, 1)
    assert entries["false_refusal"]["better"] == "lower"
    assert (entries["latency_generate_s_p50"]["value"], entries["latency_generate_s_p50"]["n"]) == (2.0, 1)
    assert entries["latency_retrieve_s_p50"]["value"] == 0.2
    assert entries["latency_total_s_p95"]["value"] == pytest.approx(0.3 + 0.9 * 1.9)  # between 0.3 and 2.2
    assert "latency_rerank_s_p50" not in entries  # no case reranked
    assert entries["judge_score"] == {**entries["judge_score"], "value": None, "ci": None, "n": 0}
    assert entries["prompt_tokens"]["value"] == 100.0
    low, high = entries["hit@5"]["ci"]
    assert low <= 0.5 <= high
    assert summary["per_tag"]["x"]["hit@5"]["value"] == 0.5 and summary["per_tag"]["y"]["hit@5"]["value"] == 0.0
    assert summary["per_tag"]["y"]["correct_refusal"] == {"value": 1.0, "ci": [1.0, 1.0], "n": 1}
    assert summary["tags"] == {"x": 2, "y": 2}


def test_gate_fails_under_and_over_thresholds():
    entries = summarise(RESULTS, k=5, resamples=1000, seed=0)["metrics"]
    assert gate(entries, [Threshold.parse("hit@5=0.5", True), Threshold.parse("latency_total_s_p95=2.5", False)]) == []
    failures = gate(entries, [
        Threshold.parse("hit@5=0.6", True), Threshold.parse("latency_total_s_p95=2", False),
        Threshold.parse("judge_score=0.5", True), Threshold.parse("hit@10=0.5", True),
    ])
    assert failures[0] == "hit@5 = 0.5 ligt onder de grens 0.6"
    assert failures[1].startswith("latency_total_s_p95 = 2.01 ligt boven de grens 2.0")
    assert "judge_score: geen waarde" in failures[2]
    assert failures[3].startswith("hit@10: onbekende metriek (beschikbaar: hit@5,")
    for bad in ("hit@5", "hit@5=veel", "=0.5"):
        with pytest.raises(ValueError, match="--fail-under verwacht METRIEK=GETAL"):
            Threshold.parse(bad, True)


# --- the dataset format -------------------------------------------------------------------------------------------

def test_committed_json_schema_matches_the_model():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == schema()


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "question": "q", "answerable": false, "gold": [{"source": "x.pdf"}]}',
     "veld 'gold': een onbeantwoordbare case (answerable: false) heeft geen gold-bronnen"),
    ('{"id": "a", "question": "q", "gold": [{"source": "x.pdf", "page": 0}]}', "veld 'gold.0.page': Input should be"),
    ('{"id": "a"}', "veld 'question': Field required"),
    ('{"id": "a", "question": "q", "tag": ["x"]}', "veld 'tag': Extra inputs are not permitted"),
    ('{"id": "a", "question": "q", "answerable": "misschien"}', "veld 'answerable': Input should be a valid boolean"),
    ('{"id": "a", "question": ', "geen geldige JSON"),
    ('{"id": "a", "question": "q", "answerable": false, "must_contain": ["x"]}',
     "veld 'must_contain': een onbeantwoordbare case (answerable: false) heeft geen must_contain"),
    ('{"id": "a", "question": "q", "must_contain": ["x", []]}', "veld 'must_contain': een feit is een niet-lege"),
])
def test_dataset_errors_name_the_line_and_field(tmp_path, line, message):
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "ok", "question": "Goed?"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as error:
        load_cases(path)
    assert str(error.value).startswith(f"{path}:3: ") and message in str(error.value)


def test_duplicate_ids_missing_and_empty_files_are_named(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "question": "q"}\n{"id": "a", "question": "r"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"set.jsonl:2: veld 'id': 'a' staat al op regel 1"):
        load_cases(path)
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="bevat geen cases"):
        load_cases(path)
    with pytest.raises(DatasetError, match="bestand niet gevonden"):
        load_cases(tmp_path / "weg.jsonl")


@pytest.mark.parametrize("name", ["demo.jsonl", "archive.jsonl", "objections.jsonl"])
def test_shipped_datasets_are_valid_and_hold_unanswerable_cases(name):
    cases = load_cases(Path("eval/datasets") / name)
    assert sum(not c.answerable for c in cases) >= 3
    assert all(c.gold for c in cases if c.answerable)


# --- comparisons --------------------------------------------------------------------------------------------------

def write_run(folder: Path, scores: list[dict]) -> Path:
    folder.mkdir()
    run = {"name": folder.name, "dataset": "set.jsonl", "collection": "c", "k": 5}
    (folder / "metrics.json").write_text(json.dumps({"run": run, "metrics": {}}), encoding="utf-8")
    results = [{"id": f"c{i}", "question": f"vraag {i}", "answer": f"antwoord {folder.name}", "tags": [],
                "scores": s, "timings": {"total_s": 1.0}, "usage": {}} for i, s in enumerate(scores, start=1)]
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in results), encoding="utf-8")
    return folder


def test_compare_by_hand(tmp_path):
    a = write_run(tmp_path / "a", [{"token_f1": 0.2, "hit@5": 1.0}, {"token_f1": 0.4, "hit@5": 1.0},
                                   {"token_f1": 0.6, "hit@5": 1.0}])
    b = write_run(tmp_path / "b", [{"token_f1": 0.5, "hit@5": 1.0}, {"token_f1": 0.4, "hit@5": 0.0},
                                   {"token_f1": 0.9, "hit@5": 1.0}])
    comparison = compare(a, b, resamples=9999, seed=0)
    f1 = comparison["metrics"]["token_f1"]
    # differences 0.3, 0, 0.3: of 8 sign flips, 2 reach a mean difference of 0.2 or more, 2 of -0.2 or less
    assert (f1["a"], f1["b"], f1["delta"], f1["n"]) == (0.4, 0.6, 0.2, 3)
    assert f1["p_value"] == pytest.approx(0.5) and not f1["significant"]
    assert comparison["metrics"]["hit@5"]["delta"] == pytest.approx(-1 / 3, abs=1e-4)
    assert [(e["id"], e["changes"]) for e in comparison["better"]] == [("c1", {"token_f1": [0.2, 0.5]}),
                                                                       ("c3", {"token_f1": [0.6, 0.9]})]
    assert [(e["id"], e["changes"]) for e in comparison["worse"]] == [("c2", {"hit@5": [1.0, 0.0]})]
    assert comparison["worse"][0]["answer_b"] == "antwoord b"
    with pytest.raises(DatasetError, match="geen evaluatierun"):
        compare(a, tmp_path / "missing")


# --- runs through the real pipeline -------------------------------------------------------------------------------

def small_dataset(tmp_path: Path, ids: tuple[str, ...]) -> Path:
    lines = [line for line in Path("eval/datasets/demo.jsonl").read_text(encoding="utf-8").splitlines()
             if json.loads(line)["id"] in ids]
    path = tmp_path / "klein.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_evaluate_runs_the_real_pipeline_and_writes_results_metrics_and_report(app, demo, tmp_path):
    dataset = small_dataset(tmp_path, ("demo-03", "demo-09", "demo-17"))
    seen = []
    folder, summary = evaluate(app, dataset, demo, tmp_path / "run", None, on_case=lambda case: seen.append(case.id))
    assert seen == ["demo-03", "demo-09", "demo-17"]
    results = [json.loads(line) for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    tariff, objection, salary = results
    assert tariff["retrieved"][0] == {"source": "beleidsnota-duurzame-mobiliteit-2025.pdf", "page": 3}
    assert tariff["scores"]["hit@5"] == 1.0 and tariff["scores"]["citation_recall"] == 1.0
    assert tariff["cited"] and tariff["sentences"] and tariff["timings"]["total_s"] > 0
    assert 0 < tariff["scores"]["token_f1"] <= 1 and tariff["scores"]["contains_facts"] in (0.0, 1.0)
    # faithfulness is measured on generated answers only (SmolLM2's rarely pass the check, extractive ones do not count)
    assert ("faithfulness" in tariff["scores"]) == (tariff["mode"] == "generative")
    assert objection["retrieved"][0]["source"] == "bezwaarschrift-omgevingsvergunning-kerkstraat-12.docx"
    assert salary["refused"] and salary["scores"] == {"correct_refusal": 1.0} and salary["citations"] == []
    written = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(summary))
    assert written["run"]["cases"] == 3 and written["run"]["settings"]["retrieval.top_k"] == 4
    assert written["metrics"]["hit@5"] == {**written["metrics"]["hit@5"], "value": 1.0, "n": 2}
    assert written["metrics"]["correct_refusal"]["value"] == 1.0
    assert written["per_tag"]["bezwaar"]["hit@5"]["value"] == 1.0
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "hit@5" in report and "demo-09" in report and "<svg" in report


def test_leave_gold_out_asks_each_answerable_case_again_without_its_gold(app, demo, tmp_path):
    """The gold files are left out of the search, not out of the index: the twin is an unanswerable case of the
    same kind, and its ranking holds only other documents."""
    dataset = small_dataset(tmp_path, ("demo-03", "demo-17"))
    folder, summary = evaluate(app, dataset, demo, tmp_path / "zonder", None, leave_gold_out=True)
    results = [json.loads(line) for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["demo-03", "demo-03-zonder-gold", "demo-17"]  # unanswerable: no twin
    original, twin = results[0], results[1]
    assert twin["question"] == original["question"] and not twin["answerable"] and "zonder-gold" in twin["tags"]
    gold = original["gold"][0]["source"]
    assert original["retrieved"][0]["source"] == gold
    assert twin["retrieved"] and gold not in {unit["source"] for unit in twin["retrieved"]}
    assert gold not in {citation["source"] for citation in twin["citations"]}
    # scored as an unanswerable case (whether the decision refuses it or a neighbouring document answers it)
    assert "correct_refusal" in twin["scores"] and not set(twin["scores"]) & {"contains_facts", "citation_recall"}
    assert "zonder-gold" in summary["per_tag"]
    assert gold in {chunk.source for chunk in app.passages(demo)}  # out of the search, still in the index


@pytest.mark.slow
def test_eval_cli_gate_compare_and_bad_input(indexed, tmp_path):
    dataset = tmp_path / "parkeren.jsonl"
    dataset.write_text(
        '{"id": "p1", "question": "Wat kost parkeren in zone A van het centrum per uur?", '
        '"reference_answer": "3,20 euro per uur", "gold": [{"source": "parkeren.md"}], "tags": ["parkeren"]}\n'
        '{"id": "p2", "question": "Wat kost een nieuw paspoort?", "answerable": false, "tags": ["onbeantwoordbaar"]}\n',
        encoding="utf-8",
    )
    base = runner.invoke(cli, ["eval", "run", str(dataset), "--out", str(tmp_path / "a"),
                               "--fail-under", "hit@5=1.0", "--fail-over", "false_refusal=0"])
    assert base.exit_code == 0, base.output
    assert "hit@5" in base.stdout and "report.html" in base.stdout
    assert {p.name for p in (tmp_path / "a").iterdir()} == {"results.jsonl", "metrics.json", "report.html"}

    changed = runner.invoke(cli, ["eval", "run", str(dataset), "--out", str(tmp_path / "b"),
                                  "--set", "answer.mode=extractive", "--fail-under", "generative_answers=0.5"])
    assert changed.exit_code == 3, changed.output
    assert "Drempel niet gehaald" in changed.stderr and "generative_answers = 0.0 ligt onder de grens 0.5" in changed.stderr

    compared = runner.invoke(cli, ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert compared.exit_code == 0, compared.output
    assert "gepaarde permutatietoets" in compared.stdout and "generative_answers" in compared.stdout
    folder = tmp_path / "a-vs-b"
    comparison = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert comparison["cases"] == {"paired": 2, "only_a": 0, "only_b": 0}
    assert comparison["b"]["settings"]["answer.mode"] == "extractive"
    assert "comparison.html" in compared.stdout and (folder / "comparison.html").is_file()

    broken = tmp_path / "kapot.jsonl"
    broken.write_text('{"id": "x", "question": "Waar?", "answerable": "ja"}\n', encoding="utf-8")
    bad = runner.invoke(cli, ["eval", "run", str(broken)])
    assert bad.exit_code == 1 and f"{broken}:1: veld 'answerable'" in bad.stderr
    assert "Traceback" not in bad.output
    missing = runner.invoke(cli, ["eval", "run", str(dataset), "--collection", "bestaatniet"])
    assert missing.exit_code == 1 and "collectie 'bestaatniet' bestaat niet" in missing.stderr
    gate_typo = runner.invoke(cli, ["eval", "run", str(dataset), "--fail-under", "hit@5"])
    assert gate_typo.exit_code == 1 and "--fail-under verwacht METRIEK=GETAL" in gate_typo.stderr
    no_collection = runner.invoke(cli, ["eval", "generate", "--collection", "bestaatniet", "--out", str(tmp_path / "g.jsonl")])
    assert no_collection.exit_code == 1 and "collectie 'bestaatniet' bestaat niet" in no_collection.stderr
    assert not (tmp_path / "g.jsonl").exists()


# --- the judge ----------------------------------------------------------------------------------------------------

PARKING_ANSWER = Answer(
    "Wat kost parkeren in zone A?", "Parkeren in zone A kost 3,20 euro per uur [1].", False,
    [Citation(1, "nota.pdf", 3, "In zone A van het centrum kost parkeren vanaf 1 juli 2025 3,20 euro per uur.", 0.9)],
)


def server_settings(app, base_url: str, *extra: str):
    return load_settings(overrides=[f"data_dir={app.settings.data_dir}", *extra,
                                    "evaluation.judge.backend=openai-compatible", f"evaluation.judge.base_url={base_url}",
                                    "evaluation.judge.model=fake-judge", "evaluation.judge.max_retries=0"])


def test_judge_output_is_constrained_to_the_schema_on_a_server(app):
    with FakeOpenAI('{"score": 4, "reason": "Het bedrag staat in bron 1."}') as fake:
        settings = server_settings(app, fake.base_url)
        judgement = judge_for(sharing(app, settings)).judge(PARKING_ANSWER.question, PARKING_ANSWER)
    assert judgement.score == 0.75 and judgement.reason == "Het bedrag staat in bron 1."
    request = fake.requests[0]
    schema_sent = request["response_format"]["json_schema"]["schema"]
    assert request["response_format"]["type"] == "json_schema"
    assert schema_sent["properties"]["score"]["enum"] == [1, 2, 3, 4, 5]
    assert "3,20 euro per uur" in request["messages"][1]["content"] and "[1] nota.pdf, p. 3" in request["messages"][1]["content"]


def test_a_judge_reply_outside_the_schema_is_recorded_not_raised(app):
    for reply in ("Dit antwoord is goed.", '{"score": 9, "reason": "x"}'):
        with FakeOpenAI(reply) as fake:
            judgement = judge_for(sharing(app, server_settings(app, fake.base_url))).judge("Vraag?", PARKING_ANSWER)
        assert judgement.score is None and "ongeldige JSON van het model" in judgement.reason


def test_judge_on_the_embedded_gguf_returns_a_score_on_the_scale(app):
    judge = Judge(app.llm, app.settings.llm, app.settings.resolve(app.settings.evaluation.prompts_file))
    judgement = judge.judge(PARKING_ANSWER.question, PARKING_ANSWER)
    assert judgement.score in (0.0, 0.25, 0.5, 0.75, 1.0), judgement  # the grammar forces valid JSON


def sharing(app, settings) -> Bronvast:
    """An app with other settings on the session app's store and models (the embedded store opens once)."""
    other = Bronvast(settings)
    other.store, other.embedder = app.store, app.embedder
    if settings.llm == app.settings.llm:
        other.llm = app.llm
    return other


def test_a_run_with_a_judge_scores_answered_cases(app, demo, tmp_path):
    dataset = small_dataset(tmp_path, ("demo-03", "demo-17"))
    with FakeOpenAI('{"score": 5, "reason": "Volledig gestaafd."}') as fake:
        judged = sharing(app, server_settings(app, fake.base_url, "answer.mode=extractive"))
        folder, summary = evaluate(judged, dataset, demo, tmp_path / "run", None)
    assert summary["run"]["judge"] == f"fake-judge op {fake.base_url}"
    assert summary["metrics"]["judge_score"] == {**summary["metrics"]["judge_score"], "value": 1.0, "n": 1}
    assert len(fake.requests) == 1  # the refused case is not judged


# --- test-set generation ------------------------------------------------------------------------------------------

def draft_from_passage(body: dict) -> str:
    """A good generator: asks about the passage's first sentence and answers with it."""
    passage = body["messages"][1]["content"].split(":\n", 1)[1]
    first = passage.replace("\n", " ").split(". ")[0].strip().rstrip(".") + "."
    return json.dumps({"question": "Wat zegt deze passage precies over dit onderwerp?", "answer": first})


def test_generate_writes_reviewable_cases_whose_answers_the_passage_supports(app, demo, tmp_path):
    out = tmp_path / "concept" / "set.jsonl"
    with FakeOpenAI(draft_from_passage) as fake:
        report = generate_cases(sharing(app, server_settings(app, fake.base_url, *llm_server(fake))), demo, 3, out)
    assert report.written == 3, report
    cases = load_cases(out)
    passages = [(c.source, c.page, " ".join(c.text.split())) for c in app.store.chunks(demo)]
    for case in cases:
        assert case.tags[0] == "gegenereerd" and case.answerable
        gold = case.gold[0]
        answer = " ".join(case.reference_answer.split()).rstrip(".")
        assert any(answer in text for source, page, text in passages
                   if (source, page) == (gold.source, gold.page))
    assert len({c.gold[0].source for c in cases}) == 3  # spread over documents


def test_generate_rejects_drafts_the_passage_does_not_support(app, demo, tmp_path):
    invented = json.dumps({"question": "Wat kost een paspoort in Lindewaard?", "answer": "Een paspoort kost 99 euro."})
    with FakeOpenAI(invented) as fake:
        report = generate_cases(sharing(app, server_settings(app, fake.base_url, *llm_server(fake))), demo, 2,
                                tmp_path / "set.jsonl")
    assert report.written == 0 and report.tried == 6
    assert report.rejected == {"antwoord niet gestaafd door de passage": 6}
    assert (tmp_path / "set.jsonl").read_text(encoding="utf-8") == ""


def llm_server(fake) -> tuple[str, ...]:
    return ("llm.backend=openai-compatible", f"llm.base_url={fake.base_url}", "llm.model=fake-generator",
            "llm.max_retries=0")


def test_a_gold_entry_naming_an_identical_copy_matches_where_the_content_is_stored(app):
    """Dedup stores identical files once, under the first name; a gold entry naming the other copy is still found
    in the ranking and in the citations (both carry every name as data)."""
    from bronvast.schema import Chunk, Hit, Sentence
    from eval.dataset import Case
    from eval.run import case_result, copies_of, score

    stored = Chunk("id", "Parkeren kost 3,20 euro.", path="/d/a.txt", source="a.txt", page=None, title="t",
                   collection="c", sha256="s", chunk_index=0, ingested_at="t", also_sources=("b.txt",))
    assert copies_of([Hit(stored, 0.9)]) == {"b.txt": "a.txt"}
    case = Case(id="d", question="Wat kost parkeren?", gold=[{"source": "b.txt"}])
    answer = Answer(case.question, "Parkeren kost 3,20 euro.", False,
                    [Citation(1, "a.txt", None, stored.text, 0.9, ("b.txt",))],
                    sentences=[Sentence(stored.text, [1], True, 1.0)], mode="extractive")
    result = case_result(case, answer, [("a.txt", None)])
    scores = score(case, answer, result, app.embed, 5, copies_of([Hit(stored, 0.9)]))
    assert (scores["hit@5"], scores["citation_precision"], scores["citation_recall"]) == (1.0, 1.0, 1.0)
    unmatched = score(case, replace(answer, citations=[Citation(1, "a.txt", None, stored.text, 0.9)]), result,
                      app.embed, 5)
    assert (unmatched["hit@5"], unmatched["citation_recall"]) == (0.0, 0.0)  # without the copy's name: no match


def test_an_answer_contains_the_facts_when_it_holds_each_in_one_of_its_forms():
    from eval.metrics import contains_facts

    answer = "Parkeren kost € 3,20 per uur; inventarisnummer 18 ligt in de studiezaal. Zie ook de Kerkstraat."
    assert contains_facts(answer, ["3,20", ["nr. 18", "inventarisnummer 18"]]) == 1.0
    assert contains_facts(answer, ["3.20", "INVENTARISNUMMER 18"]) == 1.0  # words, not case or punctuation
    assert contains_facts(answer, ["3,20", "1,60"]) == 0.0  # every fact, not some
    assert contains_facts(answer, ["Kerk"]) == contains_facts(answer, ["nummer 18"]) == 0.0  # whole words only


def test_every_shipped_answerable_case_names_the_facts_its_reference_holds():
    from eval.metrics import contains_facts

    for name in ("demo", "archive", "objections"):
        for case in load_cases(DATASETS / f"{name}.jsonl"):
            if case.answerable:
                assert case.must_contain, case.id
                assert contains_facts(case.reference_answer, case.must_contain) == 1.0, case.id


def test_scores_of_one_case_by_hand(app):
    from bronvast.embedders import cosine
    from bronvast.schema import Sentence
    from eval.dataset import Case
    from eval.run import case_result, score

    case = Case(id="c", question="Wat kost parkeren?", reference_answer="de kat zit",
                gold=[{"source": "a.pdf", "page": 3}, {"source": "b.txt"}], tags=["t"])
    answer = Answer(case.question, "de kat slaapt", False, [
        Citation(1, "a.pdf", 3, "passage", 0.9), Citation(2, "c.html", None, "passage", 0.5),
        Citation(3, "b.txt", None, "passage", 0.4)])
    answer.sentences = [Sentence("een", [1], True, 1.2), Sentence("twee", [2], False, 0.3), Sentence("drie", [1], True, 1.0)]
    result = case_result(case, answer, RANKING[:3])
    assert result.cited == [1, 2]  # citation 3 was retrieved but no sentence cites it
    scores = score(case, answer, result, app.embed, k=5)
    vectors = app.embedder.get_text_embedding_batch(["de kat slaapt", "de kat zit"])
    assert scores == {
        "false_refusal": 0.0, "hit@5": 1.0, "recall@5": 1.0, "mrr@5": 0.5,
        "ndcg@5": round((1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3)), 4),
        "citation_precision": 0.5, "citation_recall": 0.5,  # a.pdf p3 right, c.html wrong; b.txt not cited
        "contains_reference": 0.0, "token_f1": round(2 / 3, 4), "rouge_l": round(2 / 3, 4),
        "semantic_similarity": round(cosine(*vectors), 4),
        "faithfulness": round(2 / 3, 4), "generative_answers": 1.0,
    }
    same = Answer(case.question, "de kat zit", False, answer.citations, sentences=answer.sentences, mode="extractive")
    same_scores = score(case, same, case_result(case, same, []), app.embed, k=5)
    assert same_scores["semantic_similarity"] == pytest.approx(1.0, abs=1e-3) and same_scores["contains_reference"] == 1.0
    assert same_scores["generative_answers"] == 0.0 and same_scores["hit@5"] == 0.0  # nothing retrieved
    assert "faithfulness" not in same_scores  # an extractive answer is supported by construction: not counted

    refused = Answer(case.question, "Dat staat niet in de documenten.", True, [])
    refused_scores = score(case, refused, case_result(case, refused, []), app.embed, k=5)
    assert refused_scores["false_refusal"] == 1.0 and refused_scores["citation_recall"] == 0.0
    assert "citation_precision" not in refused_scores and "faithfulness" not in refused_scores
    unanswerable = Case(id="u", question="Wat verdient de burgemeester?", answerable=False)
    assert score(unanswerable, refused, case_result(unanswerable, refused, []), app.embed, k=5) == {
        "correct_refusal": 1.0}


def test_a_fact_counts_as_cited_only_under_a_citation_of_its_gold_source(app):
    """'zes weken' in the answer of "how long may I object?" is right only when it comes from the Awb: another law's
    "zes weken" (the term to decide) holds the words but answers something else."""
    from bronvast.schema import Sentence
    from eval.dataset import Case
    from eval.run import case_result, score

    case = Case(id="c", question="Hoeveel tijd heb ik om bezwaar te maken?", gold=[{"source": "awb.md"}],
                must_contain=["zes weken"])
    citations = [Citation(1, "circulaire.md", None, "passage", 0.9), Citation(2, "awb.md", None, "passage", 0.8)]

    def scored(cites: int) -> dict:
        answer = Answer(case.question, f"De termijn is zes weken. [{cites}]", False, citations, mode="extractive",
                        sentences=[Sentence("De termijn is zes weken.", [cites], True, 1.0)])
        return score(case, answer, case_result(case, answer, []), app.embed, k=5)

    elsewhere, from_gold = scored(1), scored(2)
    assert elsewhere["contains_facts"] == 1.0 and elsewhere["cited_facts"] == 0.0
    assert from_gold["contains_facts"] == from_gold["cited_facts"] == 1.0
