"""The `bronvast` command as users run it: exit codes, messages, the JSON contracts."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import DEMO_DIR
from files import make_encrypted_pdf, make_random_bytes
from gradio_client import Client
from typer.testing import CliRunner

from assistant.cli import cli
from bronvast.edge_store import EdgeStore

runner = CliRunner()
PARKING = "Wat kost parkeren in zone A van het centrum per uur?"


def run(*args: str):
    return runner.invoke(cli, list(args))


def test_ingest_reports_rejected_files_by_name_and_exits_2(data_dir, tmp_path):
    (tmp_path / "goed.txt").write_text("Het gemeentehuis is op vrijdag gesloten.", encoding="utf-8")
    make_encrypted_pdf(tmp_path / "geheim.pdf")
    (tmp_path / "ruis.pdf").write_bytes(os.urandom(3000))
    result = run("ingest", str(tmp_path), "--collection", "mix")
    assert result.exit_code == 2, result.output
    assert "geheim.pdf" in result.stdout and "versleuteld" in result.stdout
    assert "ruis.pdf" in result.stdout
    assert "2 bestand(en) geweigerd" in result.stderr
    assert "Traceback" not in result.output
    status = json.loads(run("status", "--json").stdout)
    assert status == {"collections": [{"name": "mix", "documents": 1, "chunks": 1}]}


def test_ingest_refuses_random_bytes_named_txt_naming_the_file_and_why(data_dir, tmp_path):
    (tmp_path / "goed.txt").write_text("Het gemeentehuis is op vrijdag gesloten.", encoding="utf-8")
    make_random_bytes(tmp_path / "ruis.txt", size=4096, seed=11)
    result = run("ingest", str(tmp_path), "--collection", "ruis")
    assert result.exit_code == 2, result.output
    row = next(line for line in result.stdout.splitlines() if "ruis.txt" in line)
    assert "geweigerd" in row and re.search(r"bevat geen leesbare tekst: \d+% stuur- of onbekende tekens", row), row
    assert "1 bestand(en) geweigerd" in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(run("status", "--json").stdout)["collections"] == [{"name": "ruis", "documents": 1, "chunks": 1}]


def test_ask_json_contract(indexed):
    result = run("ask", PARKING, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answer", "refused", "citations", "timings", "mode", "sentences", "notice",
                           "search_question", "usage", "reason"}
    assert answer["question"] == answer["search_question"] == PARKING and answer["refused"] is False
    assert answer["answer"] and answer["mode"] in ("generative", "extractive")
    citation = answer["citations"][0]
    assert set(citation) == {"n", "source", "page", "text", "score", "also", "sha256"}
    assert len(citation["sha256"]) == 64  # the cited document version (the audit log records it)
    assert (citation["n"], citation["source"], citation["page"], citation["also"]) == (1, "parkeren.md", None, [])
    assert "3,20 euro" in citation["text"] and isinstance(citation["score"], float)
    sentence = answer["sentences"][0]
    assert set(sentence) == {"text", "citations", "supported", "support"} and sentence["citations"] == [1]
    assert set(answer["timings"]) == {"retrieve_s", "rerank_s", "extract_s", "queue_s", "first_token_s", "generate_s",
                                      "check_s"}
    assert answer["reason"] in ("", "unsupported", "unanswered")  # generated, or generated and checked out
    assert 0 < answer["timings"]["first_token_s"] <= answer["timings"]["generate_s"]
    assert answer["usage"]["prompt_tokens"] > 0 and answer["usage"]["completion_tokens"] > 0


def test_ask_json_refusal(indexed):
    answer = json.loads(run("ask", "Wie won het EK voetbal van 1988?", "--json").stdout)
    assert answer["refused"] is True
    assert answer["answer"] == "Dat staat niet in de beschikbare bronnen."
    assert answer["notice"] == "Gezocht in collectie 'default' (1 passages) naar: Wie won het EK voetbal van 1988?"
    assert answer["citations"] == []


def test_ask_extractive_needs_no_llm(indexed):
    result = run("ask", PARKING, "--set", "answer.mode=extractive", "--set", "llm.model_path=/bestaat/niet.gguf")
    assert result.exit_code == 0, result.output
    assert "Uittreksel uit de bronnen" in result.stdout
    assert "kost 3,20 euro per uur, van maandag tot en met zaterdag. [1]" in result.stdout


def test_chat_keeps_the_conversation_for_follow_up_questions(indexed):
    script = f"{PARKING}\nEn in zone B?\n/nieuw\n/stop\n"
    result = runner.invoke(cli, ["chat", "--set", "answer.mode=extractive"], input=script)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("[1] parkeren.md") == 2
    assert "(gezocht als: Wat kost parkeren in zone B van het centrum per uur?)" in result.stdout
    assert "Nieuw gesprek." in result.stdout


def test_ask_streams_answer_then_sources(indexed):
    result = run("ask", PARKING)
    assert result.exit_code == 0, result.output
    answer, _, sources = result.stdout.partition("Bronnen")
    assert answer.strip()
    assert "[1] parkeren.md" in sources


def test_an_empty_question_gets_a_plain_answer(indexed):
    answer = json.loads(run("ask", "  ", "--json").stdout)
    assert answer["refused"] is True and answer["answer"] == "Stel een vraag over de documenten."


def test_set_overrides_one_setting_for_one_command(indexed):
    # without the fitted decision, the two thresholds decide whether to answer
    strict = ["--set", "retrieval.decision_file=null", "--set", "retrieval.min_score=0.99",
              "--set", "retrieval.min_sparse_relevance=9"]
    refused = json.loads(run("ask", PARKING, "--json", *strict).stdout)
    assert refused["refused"] is True
    assert json.loads(run("ask", PARKING, "--json").stdout)["refused"] is False


def test_unknown_collection_and_bad_settings_are_plain_errors(indexed, tmp_path):
    result = run("ask", PARKING, "--collection", "bestaat-niet")
    assert result.exit_code == 1 and "bestaat niet" in result.stderr
    result = run("status", "--set", "retrieval.top_k=veel")
    assert result.exit_code == 1 and "retrieval.top_k" in result.stderr
    result = run("status", "--config", str(tmp_path / "geen.yaml"))
    assert result.exit_code == 1 and "niet gevonden" in result.stderr
    result = run("ingest", str(tmp_path), "--collection", "ongeldige naam!")
    assert result.exit_code == 1 and "ongeldige collectienaam" in result.stderr


def test_status_on_an_empty_data_dir(data_dir):
    assert json.loads(run("status", "--json").stdout) == {"collections": []}
    assert "Nog geen collecties" in run("status").stdout


def test_a_locked_data_dir_says_what_to_do(indexed):
    holder = EdgeStore.open(indexed / "edge")  # stands in for a running `bronvast serve`
    try:
        result = run("ingest", str(DEMO_DIR))
    finally:
        holder.close()
    assert result.exit_code == 1
    assert "in gebruik" in result.stderr and "Documenten toevoegen" in result.stderr
    assert "Traceback" not in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_over_http_and_the_cli_works_through_it(indexed):
    port = free_port()
    bronvast = [sys.executable, "-m", "assistant.cli"]
    server = subprocess.Popen([*bronvast, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "serve did not start within 120 s"
                time.sleep(1)
        assert "bronvast" in page
        # Without an identity configuration a caller without the token is anonymous; paths on the server need it.
        ingest = urllib.request.Request(f"http://127.0.0.1:{port}/api/ingest", data=b'{"paths": ["/etc"]}',
                                        headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError, match="403"):
            urllib.request.urlopen(ingest, timeout=5)

        beside = subprocess.run([*bronvast, "ingest", str(DEMO_DIR), "-c", "naast"], capture_output=True, text=True)
        assert beside.returncode == 0, beside.stderr
        assert "gaat via" in beside.stderr and "nieuw" in beside.stdout
        status = json.loads(subprocess.run([*bronvast, "status", "--json"], capture_output=True, text=True).stdout)
        assert {"name": "naast", "documents": 8, "chunks": status["collections"][1]["chunks"]} in status["collections"]
        asked = subprocess.run([*bronvast, "ask", PARKING, "--json"], capture_output=True, text=True)
        answer = json.loads(asked.stdout)
        assert answer["citations"][0]["source"] == "parkeren.md" and answer["refused"] is False
        shown = subprocess.run([*bronvast, "ask", PARKING], capture_output=True, text=True).stdout
        assert shown.count(answer["answer"]) == 1  # the answer once, whether generated or extracted
        letters = sorted(DEMO_DIR.glob("bezwaarschrift-*"))
        read = subprocess.run([*bronvast, "objections", "summarize", *map(str, letters), "--json"],
                              capture_output=True, text=True)
        assert read.returncode == 0 and "gaat via" in read.stderr, read.stderr  # read by the serving process
        cards = json.loads(read.stdout)["letters"]
        assert [card["file"] for card in cards] == [letter.name for letter in letters]
        assert all(card["grounds"] and card["deadline"] for card in cards)

        chat = Client(f"http://127.0.0.1:{port}/", verbose=False)  # the UI, over Gradio's own protocol
        shown, sources = chat.predict(PARKING, "default", api_name="/vraag")  # the answer and its sources table
        assert "**Bronnen**" in shown and "[1] parkeren.md" in shown and "parkeren.md" in str(sources)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not (indexed / "serve.json").exists()  # removed when the server stops


def test_a_data_dir_of_the_old_embedded_engine_is_migrated_to_edge_without_reindexing(data_dir, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "parkeren.md").write_text("Parkeren in zone A van het centrum kost 3,20 euro per uur.", encoding="utf-8")
    assert run("ingest", str(folder), "--set", "store.backend=qdrant-local").exit_code == 0

    refused = run("ask", PARKING)
    assert refused.exit_code == 1 and "bronvast migrate" in refused.stderr and "Traceback" not in refused.output

    migrated = run("migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "default: 1 stukken overgezet" in migrated.stdout
    assert not (data_dir / "edge.partial").exists()
    answer = json.loads(run("ask", PARKING, "--json").stdout)
    assert answer["citations"][0]["source"] == "parkeren.md" and "3,20 euro" in answer["citations"][0]["text"]

    again = run("migrate")
    assert again.exit_code == 1 and "bestaat al" in again.stderr


def test_migrate_without_an_old_index_says_so(data_dir):
    result = run("migrate")
    assert result.exit_code == 1 and "niets over te zetten" in result.stderr
