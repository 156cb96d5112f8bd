"""Feedback on answers (assistant/feedback.py) and evaluation runs as the faces call them (assistant/evaluation.py):
recorded as the caller, redacted, exported as cases eval's own loader takes; a run as a named caller searches with
what they may see, is listed, and two runs compare by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api import build_api
from assistant.app import Bronvast
from assistant.cli import cli
from assistant.evaluation import EvaluationError
from assistant.feedback import append_feedback, feedback_path, feedback_record
from assistant.remote import RemoteBronvast
from assistant.wire import ServerInfo
from bronvast.identity import LOCAL_OPERATOR
from bronvast.schema import ANONYMOUS, Answer, Caller, Citation, Sentence
from bronvast.settings import PROJECT_ROOT, load_settings
from eval.dataset import load_cases

TOKEN = "geheim-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PARKING = "Wat kost parkeren in zone A van het centrum per uur?"
UNANSWERABLE = "Wat verdient de burgemeester van Lindewaard per maand aan salaris?"
READER = Caller("lezer", groups=("archief",))
ARCHIVE_COLLECTION = "feedback-toegang"
CANARY = "KANARIE7F3A19C2"


def fresh(app: Bronvast, data_dir: Path, *overrides: str) -> Bronvast:
    """The session app's index and embedder with extractive answers (no LLM) and a data dir of its own, so the
    feedback, runs and audit log of these tests are theirs alone."""
    fast = Bronvast(load_settings(overrides=[f"data_dir={data_dir}", "answer.mode=extractive", *overrides]))
    fast.store, fast.embedder = app.store, app.embedder
    return fast


@pytest.fixture
def extractive(app, demo, tmp_path) -> Bronvast:
    return fresh(app, tmp_path / "data")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_feedback_is_recorded_and_exported_as_cases_evals_loader_takes(extractive, demo, tmp_path):
    answered = extractive.ask(PARKING, demo)
    refused = extractive.ask(UNANSWERABLE, demo)
    assert not answered.refused and refused.refused
    extractive.feedback(answered, True, "Klopt, dank u.", demo)
    extractive.feedback(answered, False, "Het tarief op zondag ontbreekt.", demo, Caller("tweede"))
    extractive.feedback(refused, False, "Dit staat wel in de raadsstukken.", demo)
    extractive.feedback(refused, True, collection=demo)

    records = lines(feedback_path(extractive.settings.data_dir))
    assert [(r["user"], r["liked"], r["refused"]) for r in records] == [
        (LOCAL_OPERATOR.name, True, False), ("tweede", False, False), (LOCAL_OPERATOR.name, False, True),
        (LOCAL_OPERATOR.name, True, True)]
    first = records[0]
    assert first["time"].endswith("Z") and first["collection"] == demo and first["question"] == PARKING
    assert first["answer"] == answered.answer and first["comment"] == "Klopt, dank u."
    cited = {n for sentence in answered.sentences for n in sentence.citations}
    assert first["citations"] == [dict(pair) for pair in dict.fromkeys(
        (("source", c.source), ("page", c.page)) for c in answered.citations if c.n in cited)]

    out = tmp_path / "uit" / "cases.jsonl"
    assert extractive.export_feedback(out) == 4
    cases = load_cases(out)
    assert len({case.id for case in cases}) == 4 and all(case.id.startswith("feedback-") for case in cases)
    liked, disliked, wanted, right_refusal = cases
    assert liked.answerable and liked.tags == ["feedback", "duim-omhoog"]
    assert [(g.source, g.page) for g in liked.gold] == [(c["source"], c["page"]) for c in first["citations"]]
    assert liked.reference_answer and "[1]" not in liked.reference_answer and "3,20" in liked.reference_answer
    assert disliked.answerable and not disliked.gold and disliked.reference_answer is None
    assert disliked.tags == ["feedback", "duim-omlaag", "te-beoordelen"]
    assert wanted.answerable and not wanted.gold and wanted.tags == ["feedback", "duim-omlaag", "weigering"]
    assert not right_refusal.answerable and right_refusal.tags == ["feedback", "duim-omhoog", "weigering"]
    assert "ontbreekt" not in out.read_text(encoding="utf-8")  # comments stay in feedback.jsonl
    again = tmp_path / "opnieuw.jsonl"
    extractive.export_feedback(again)
    assert [case.id for case in load_cases(again)] == [case.id for case in cases]  # stable ids
    assert not list(out.parent.glob(".*"))  # no temporary file left behind

    # A user exports their own feedback (others' may quote what they may not see); an admin everyone's.
    assert extractive.export_feedback(tmp_path / "tweede.jsonl", Caller("tweede")) == 1
    assert extractive.export_feedback(tmp_path / "beheer.jsonl", Caller("beheer", roles=("admin",))) == 4
    assert extractive.export_feedback(tmp_path / "niemand.jsonl", ANONYMOUS) == 0
    assert not (tmp_path / "niemand.jsonl").exists()  # an empty dataset is no dataset


def test_feedback_is_redacted_when_redaction_is_on(app, tmp_path):
    redacting = fresh(app, tmp_path / "data", "audit.redact=email,iban")
    question = "Is mijn betaling van NL91ABNA0417164300 aan piet@example.nl al verwerkt?"
    answer = Answer(question, "Dat is onbekend; mail naar piet@example.nl.", False,
                    [Citation(1, "brief.pdf", 2, "Betalingen ...", 0.8)], mode="extractive",
                    sentences=[Sentence("Dat is onbekend.", [1], True, 1.0)])
    redacting.feedback(answer, False, "Stuur het naar NL91ABNA0417164300 of piet@example.nl", "demo")
    text = feedback_path(redacting.settings.data_dir).read_text(encoding="utf-8")
    assert "piet@example.nl" not in text and "NL91ABNA0417164300" not in text and "0417164300" not in text
    record = json.loads(text)
    assert record["question"] == "Is mijn betaling van [IBAN] aan [E-MAIL] al verwerkt?"
    assert record["comment"] == "Stuur het naar [IBAN] of [E-MAIL]"
    assert record["citations"] == [{"source": "brief.pdf", "page": 2}]


def test_the_rest_route_records_as_the_authenticated_caller(extractive, demo):
    answered = extractive.ask(PARKING, demo)
    api = TestClient(build_api(extractive, TOKEN), headers=AUTH)
    who = {"X-Bronvast-Caller": json.dumps({"name": "beoordelaar", "groups": ["archief"], "roles": []})}
    body = {"answer": json.loads(json.dumps(answered.to_json())), "liked": True, "comment": "Goed", "collection": demo}
    response = api.post("/api/v1/feedback", json=body, headers=who)
    assert response.status_code == 200 and response.json() == {"recorded": True}
    assert api.post("/api/v1/feedback", json={"liked": True}, headers=who).status_code == 422  # no answer
    assert "/api/v1/feedback" in api.get("/api/v1/openapi.json").json()["paths"]

    # RemoteBronvast (the CLI beside `serve`) sends it there, as its caller; what needs no index it does itself.
    remote = RemoteBronvast(extractive.settings, ServerInfo("http://testserver", TOKEN), Caller("via-cli"))
    remote.client = TestClient(build_api(extractive, TOKEN), headers=AUTH)
    remote.feedback(answered, False, "Onvolledig", demo)
    records = lines(feedback_path(extractive.settings.data_dir))
    assert [(r["user"], r["liked"], r["question"]) for r in records] == [
        ("beoordelaar", True, PARKING), ("via-cli", False, PARKING)]
    assert remote.export_feedback(extractive.settings.data_dir / "mijn.jsonl") == 1  # its caller's own
    with pytest.raises(EvaluationError, match="stop `bronvast serve`"):
        remote.evaluate(PROJECT_ROOT / "eval" / "datasets" / "demo.jsonl", demo)
    assert remote.eval_runs() == extractive.eval_runs() == []


def small_dataset(folder: Path, name: str, ids: tuple[str, ...]) -> Path:
    rows = [line for line in (PROJECT_ROOT / "eval" / "datasets" / "demo.jsonl").read_text(encoding="utf-8")
            .splitlines() if json.loads(line)["id"] in ids]
    path = folder / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_runs_as_a_caller_are_listed_and_compared_by_name(extractive, demo, tmp_path):
    seen, total = [], []
    folder, summary = extractive.evaluate(small_dataset(tmp_path, "klein-a.jsonl", ("demo-03", "demo-17")), demo,
                                          READER, on_start=total.append, on_case=lambda case: seen.append(case.id))
    assert total == [2] and seen == ["demo-03", "demo-17"]
    assert folder.parent == extractive.settings.data_dir / "eval" and folder.name.startswith("klein-a-")
    assert (folder / "report.html").is_file() and summary["run"]["collection"] == demo
    assert summary["metrics"]["hit@5"]["value"] == 1.0
    audit = lines(extractive.settings.data_dir / "audit" / "audit.jsonl")
    assert {record["user"] for record in audit if record["event"] == "answer"} == {READER.name}
    assert extractive.caller == LOCAL_OPERATOR  # the application itself is unchanged

    other, _ = extractive.evaluate(small_dataset(tmp_path, "klein-b.jsonl", ("demo-03", "demo-17")), demo)
    eval_root = extractive.settings.data_dir / "eval"
    (eval_root / "kapot").mkdir()
    (eval_root / "kapot" / "metrics.json").write_text("{niet af", encoding="utf-8")
    (eval_root / "leeg").mkdir()
    (eval_root / "losse-file.txt").write_text("x", encoding="utf-8")
    runs = extractive.eval_runs()
    assert [run["name"] for run in runs] == [other.name, folder.name]  # newest first, malformed skipped
    assert runs[1]["dataset"] == "klein-a.jsonl" and runs[1]["collection"] == demo and runs[1]["cases"] == 2
    assert runs[1]["metrics"]["hit@5"] == 1.0 and runs[1]["metrics"]["correct_refusal"] == 1.0
    assert runs[1]["started"] == summary["run"]["started"]

    comparison, report = extractive.compare_runs(folder.name, other.name)
    assert comparison["cases"]["paired"] == 2 and "hit@5" in comparison["metrics"]
    assert report == eval_root / f"{folder.name}-vs-{other.name}" / "comparison.html" and report.is_file()
    assert [run["name"] for run in extractive.eval_runs()] == [other.name, folder.name]  # a comparison is no run
    for bad in ("../" + folder.name, f"{eval_root}/{folder.name}", "..", "", "a\\b"):
        with pytest.raises(EvaluationError, match="ongeldige runnaam"):
            extractive.compare_runs(bad, other.name)
    with pytest.raises(EvaluationError, match="geen evaluatierun 'leeg'"):
        extractive.compare_runs("leeg", other.name)
    with pytest.raises(EvaluationError, match="kapot: beschadigde evaluatierun"):
        extractive.compare_runs("kapot", other.name)
    broken = tmp_path / "kapot.jsonl"
    broken.write_text('{"id": "x", "question": "Waar?", "answerable": "ja"}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match="veld 'answerable'"):
        extractive.evaluate(broken, demo)


def test_a_run_as_anonymous_never_retrieves_a_restricted_document(app, tmp_path):
    folder = tmp_path / "toegang"
    folder.mkdir()
    (folder / "openbaar.md").write_text("# Hondenbelasting\n\nDe hondenbelasting bedraagt 120 euro per hond per "
                                        "jaar. Het loket is open op werkdagen.", encoding="utf-8")
    (folder / "intern.md").write_text(f"# Hondenbelasting intern\n\nIntern dossier hondenbelasting: kenmerk {CANARY}. "
                                      "De hondenbelasting gaat in 2026 naar 135 euro per hond.", encoding="utf-8")
    (folder / "bronvast-manifest.csv").write_text("file,access\nopenbaar.md,\nintern.md,archief\n", encoding="utf-8")
    assert app.ingest([folder], ARCHIVE_COLLECTION).exit_code == 0
    fast = fresh(app, tmp_path / "data", "retrieval.decision_file=null")
    dataset = tmp_path / "honden.jsonl"
    dataset.write_text(json.dumps({"id": "h1", "question": "Hoeveel gaat de hondenbelasting in 2026 kosten?",
                                   "gold": [{"source": "intern.md"}]}) + "\n", encoding="utf-8")

    def result(caller: Caller) -> dict:
        run, _ = fast.evaluate(dataset, ARCHIVE_COLLECTION, caller)
        return lines(run / "results.jsonl")[0]

    anonymous = result(ANONYMOUS)
    assert anonymous["retrieved"] and {unit["source"] for unit in anonymous["retrieved"]} == {"openbaar.md"}
    assert all(c["source"] != "intern.md" for c in anonymous["citations"]) and CANARY not in json.dumps(anonymous)
    assert anonymous["scores"]["hit@5"] == 0.0
    archivist = result(READER)
    assert "intern.md" in {unit["source"] for unit in archivist["retrieved"]}


def test_cli_exports_feedback_as_a_dataset(data_dir, tmp_path):
    settings = load_settings(overrides=[f"data_dir={data_dir}"])
    answer = Answer(PARKING, "Parkeren in zone A kost 3,20 euro per uur [1].", False,
                    [Citation(1, "nota.pdf", 3, "In zone A kost parkeren 3,20 euro per uur.", 0.9)])
    append_feedback(feedback_path(data_dir), feedback_record(settings, LOCAL_OPERATOR, "demo", answer, True))
    out = tmp_path / "cases.jsonl"
    result = CliRunner().invoke(cli, ["eval", "feedback", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 cases geschreven" in result.stdout
    (case,) = load_cases(out)
    assert case.reference_answer == "Parkeren in zone A kost 3,20 euro per uur." and case.gold[0].page == 3
    empty = CliRunner().invoke(cli, ["eval", "feedback", "--out", str(tmp_path / "x.jsonl"),
                                     "--set", f"data_dir={tmp_path / 'leeg'}"])
    assert empty.exit_code == 0 and "Nog geen beoordelingen" in empty.stdout and not (tmp_path / "x.jsonl").exists()
