"""REST API v1, the probes, /metrics, the v1 spec and docs, and the OpenAI-compatible routes: in process with
FastAPI's TestClient, and the official `openai` package against a real server (uvicorn on a loopback port)."""

from __future__ import annotations

import json
import re
import threading
import time

import openai
import pytest
import uvicorn
from fastapi.testclient import TestClient

from assistant.api import build_api
from assistant.app import Bronvast
from bronvast.settings import load_settings

TOKEN = "geheim-token"
PARKING = "Wat kost parkeren in zone A van het centrum per uur?"
PARKING_SOURCE = "beleidsnota-duurzame-mobiliteit-2025.pdf"
UNANSWERABLE = "Wat verdient de burgemeester van Lindewaard per maand aan salaris?"  # demo-17: not in the corpus
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def extractive(app, demo) -> Bronvast:
    """The session app's index and embedder with answer.mode=extractive: answers in well under a second, no LLM
    (one process may open the data dir once, so the store is shared)."""
    fast = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", "answer.mode=extractive"]))
    fast.store, fast.embedder = app.store, app.embedder
    return fast


def client(app) -> TestClient:
    return TestClient(build_api(app, TOKEN), headers=AUTH)


def events(body: str) -> list[tuple[str, dict]]:
    """Server-sent events as (event, data) pairs."""
    found = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((fields["event"], json.loads(fields["data"])))
    return found


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_ask_answers_with_citations(extractive):
    answer = client(extractive).post("/api/v1/ask", json={"question": PARKING, "collection": "demo"}).json()
    assert answer["citations"][0]["source"] == PARKING_SOURCE and answer["citations"][0]["n"] == 1
    assert "[1]" in answer["answer"] and answer["mode"] == "extractive" and not answer["refused"]


def test_chat_streams_the_first_answer_the_tokens_then_the_answer(app, demo):
    """The session app generates (SmolLM2): the extract first, the model's text, then the finished answer."""
    response = client(app).post("/api/v1/chat", json={"question": PARKING, "collection": demo})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    names = [name for name, _ in events(response.text)]
    assert names[0] == "first" and names[-1] == "answer" and set(names[1:-1]) == {"token"}, names
    first, final = events(response.text)[0][1], events(response.text)[-1][1]
    assert first["mode"] == "extractive" and first["citations"][0]["source"] == PARKING_SOURCE
    assert final["citations"] and final["answer"]
    unknown = client(app).post("/api/v1/chat", json={"question": PARKING, "collection": "bestaat-niet"})
    assert unknown.status_code == 400 and "bestaat niet" in unknown.json()["detail"]


def test_upload_list_and_delete_a_document(extractive):
    api = client(extractive)
    note = "# Hondenbelasting\n\nDe hondenbelasting in Lindewaard bedraagt 120 euro per hond per jaar.\n"
    files = [("files", ("../../geheim/honden belasting.md", note.encode(), "text/markdown"))]
    report = api.post("/api/v1/documents", files=files, data={"collection": "v1-upload"}).json()
    stored = extractive.settings.data_dir / "uploads" / "v1-upload" / "honden belasting.md"
    assert report["outcomes"] == [{"path": str(stored), "status": "nieuw", "chunks": 1, "reason": "", "redacted": {}}]
    assert stored.read_text(encoding="utf-8") == note
    listed = api.get("/api/v1/documents", params={"collection": "v1-upload"}).json()
    assert [d["file"] for d in listed] == ["honden belasting.md"]
    removed = api.delete("/api/v1/documents/honden belasting.md", params={"collection": "v1-upload"})
    assert removed.json() == {"removed": [str(stored)]} and not stored.exists()
    assert api.get("/api/v1/documents", params={"collection": "v1-upload"}).json() == []
    assert api.delete("/api/v1/documents/honden belasting.md", params={"collection": "v1-upload"}).status_code == 404
    escape = api.post("/api/v1/documents", files=files, data={"collection": "../../buiten"})
    assert escape.status_code == 400 and "collectienaam" in escape.json()["detail"]
    assert not (extractive.settings.data_dir.parent / "buiten").exists()


def test_upload_needs_the_ingest_role_and_writes_nothing_without_it(extractive):
    reader = {**AUTH, "X-Bronvast-Caller": json.dumps({"name": "lezer", "groups": [], "roles": []})}
    files = [("files", ("brief.md", b"# Brief\n\nTekst.", "text/markdown"))]
    response = client(extractive).post("/api/v1/documents", files=files, data={"collection": "v1-lezer"},
                                       headers=reader)
    assert response.status_code == 403 and "ingest" in response.json()["detail"]
    assert not (extractive.settings.data_dir / "uploads" / "v1-lezer").exists()


def test_collections_and_probes(extractive, tmp_path):
    api = client(extractive)
    assert {"name": "demo"} in api.get("/api/v1/collections").json()
    stranger = TestClient(build_api(extractive, TOKEN), headers={"Authorization": "Bearer fout"})
    assert stranger.get("/api/v1/collections").status_code == 401
    assert stranger.get("/healthz").json() == {"status": "ok", "checks": {}}  # the probes need no caller
    ready = stranger.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"store": True, "embedder": True}
    cold = Bronvast(load_settings(overrides=[f"data_dir={tmp_path}"]))  # nothing loaded yet
    try:
        waiting = TestClient(build_api(cold, TOKEN)).get("/readyz")
        assert waiting.status_code == 503 and waiting.json()["checks"]["embedder"] is False
        assert "embedder" not in vars(cold)  # the probe never loads a model
    finally:
        cold.close()


def test_metrics_count_questions_refusals_and_ingests(extractive):
    api = client(extractive)
    before = api.get("/metrics").text
    api.post("/api/v1/ask", json={"question": PARKING, "collection": "demo"})
    api.post("/v1/chat/completions", json={"model": "bronvast-demo", "messages": [
        {"role": "user", "content": UNANSWERABLE}]})
    files = [("files", ("tarieven.md", b"# Tarieven\n\nEen parkeervergunning kost 80 euro per jaar.", "text/markdown"))]
    api.post("/api/v1/documents", files=files, data={"collection": "v1-metrics"})
    response = api.get("/metrics")
    after = response.text
    assert response.headers["content-type"].startswith("text/plain")
    extractive_count = 'bronvast_questions_total{outcome="extractive"}'
    refused_count = 'bronvast_questions_total{outcome="refused"}'
    assert metric(after, extractive_count) == metric(before, extractive_count) + 1
    assert metric(after, refused_count) == metric(before, refused_count) + 1
    assert metric(after, "bronvast_answer_seconds_count") == metric(before, "bronvast_answer_seconds_count") + 2
    assert metric(after, "bronvast_ingests_total") == metric(before, "bronvast_ingests_total") + 1
    new_files = 'bronvast_ingested_files_total{status="nieuw"}'
    assert metric(after, new_files) == metric(before, new_files) + 1
    stranger = TestClient(build_api(extractive, TOKEN), headers={"Authorization": "Bearer fout"})
    assert stranger.get("/metrics").status_code == 401  # behind the same auth as the API


def test_openapi_spec_and_docs_cover_v1_and_openai_not_the_bridge(extractive):
    api = TestClient(build_api(extractive, TOKEN))  # no token: a browser opens the docs
    spec = api.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/v1/ask", "/api/v1/chat", "/api/v1/documents", "/api/v1/documents/{target}", "/api/v1/collections",
            "/healthz", "/readyz", "/metrics", "/v1/models", "/v1/chat/completions"} <= paths
    assert not any(path.startswith("/api/") and not path.startswith("/api/v1/") for path in paths)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "multipart/form-data" in spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text  # offline
    assert api.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert api.get("/api/v1/docs/assets/index.html").status_code == 404
    assert api.get("/openapi.json").status_code == 404 and api.get("/docs").status_code == 404
    assert client(extractive).get("/api/collections").json().count("demo") == 1  # the CLI bridge still works


def test_openai_errors_have_openai_shape(extractive):
    api = client(extractive)
    unknown = api.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "model_not_found"
    assert "bronvast-demo" in unknown.json()["error"]["message"]
    no_question = api.post("/v1/chat/completions", json={"model": "bronvast-demo", "messages": [
        {"role": "system", "content": "Je bent behulpzaam."}]})
    assert no_question.status_code == 400 and no_question.json()["error"]["type"] == "invalid_request_error"
    invalid = api.post("/v1/chat/completions", json={"model": "bronvast-demo"})
    assert invalid.status_code == 400 and invalid.json()["error"]["param"] == "messages"
    wrong = TestClient(build_api(extractive, TOKEN)).get("/v1/models", headers={"Authorization": "Bearer fout"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"


@pytest.fixture(scope="module")
def server(extractive):
    """`bronvast serve`'s API on a free loopback port, as the `openai` package reaches it."""
    config = uvicorn.Config(build_api(extractive, TOKEN), host="127.0.0.1", port=0, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def openai_client(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key=TOKEN, max_retries=0, timeout=60)


def test_openai_package_lists_a_model_per_collection(openai_client):
    assert "bronvast-demo" in [model.id for model in openai_client.models.list()]
    assert openai_client.models.retrieve("bronvast-demo").owned_by == "bronvast"


def test_openai_package_chat_completion_keeps_markers_and_citations(openai_client):
    response = openai_client.chat.completions.create(
        model="bronvast-demo", messages=[{"role": "system", "content": "Antwoord kort."},
                                         {"role": "user", "content": PARKING}])
    choice = response.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant" and "[1]" in choice.message.content
    citations = response.model_extra["citations"]
    assert citations[0]["n"] == 1 and citations[0]["source"] == PARKING_SOURCE and citations[0]["text"]
    assert response.to_dict()["bronvast"]["mode"] == "extractive"
    assert response.to_dict()["bronvast"]["reason"] == "extractive"  # why, for programs: no model is configured


def test_openai_package_stream_gives_the_same_answer_and_its_citations_last(openai_client):
    messages = [{"role": "user", "content": PARKING}]
    whole = openai_client.chat.completions.create(model="bronvast-demo", messages=messages)
    chunks = list(openai_client.chat.completions.create(model="bronvast-demo", messages=messages, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole.choices[0].message.content
    assert all(len(c.choices) == 1 for c in chunks)  # naive clients read choices[0] of every chunk
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"] == whole.model_extra["citations"]
    # Open WebUI: one `source` event per citation, numbered as the markers are
    sources = [c.model_extra["event"] for c in chunks if (c.model_extra or {}).get("event", {}).get("type") == "source"]
    assert [s["data"]["source"]["id"] for s in sources] == [f"bronvast-{c['n']}" for c in whole.model_extra["citations"]]
    assert sources[0]["data"]["document"] == [whole.model_extra["citations"][0]["text"]]


def test_openai_package_follow_up_and_refusal(openai_client):
    first = openai_client.chat.completions.create(model="bronvast-demo", messages=[
        {"role": "user", "content": PARKING}])
    follow_up = openai_client.chat.completions.create(model="bronvast-demo", messages=[
        {"role": "user", "content": PARKING},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "En in zone B?"}]},
    ])
    assert follow_up.model_extra["bronvast"]["search_question"] == PARKING.replace("zone A", "zone B")
    refused = openai_client.chat.completions.create(model="demo", messages=[{"role": "user", "content": UNANSWERABLE}])
    assert refused.choices[0].finish_reason == "stop" and refused.choices[0].message.content
    assert refused.model_extra["citations"] == [] and refused.model_extra["bronvast"]["refused"] is True


def test_openai_package_raises_its_own_errors(server, openai_client):
    with pytest.raises(openai.NotFoundError, match="bestaat niet"):
        openai_client.chat.completions.create(model="bronvast-nee", messages=[{"role": "user", "content": "x"}])
    wrong = openai.OpenAI(base_url=f"{server}/v1", api_key="fout", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
