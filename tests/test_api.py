"""The REST API that `bronvast serve` offers beside the UI (in process, on the session app)."""

from __future__ import annotations

import json
import stat

from fastapi.testclient import TestClient

from assistant.api import build_api
from assistant.server import advertised
from assistant.wire import ServerInfo

TOKEN = "geheim-token"


def client(app) -> TestClient:
    return TestClient(build_api(app, TOKEN), headers={"Authorization": f"Bearer {TOKEN}"})


def test_server_paths_need_the_token_and_a_wrong_token_is_refused(app):
    """Without an identity configuration a request without credentials is anonymous (tests/test_identity.py); the
    routes that read files on this machine still take the serve token only."""
    anonymous = TestClient(build_api(app, TOKEN))
    assert anonymous.post("/api/ingest", json={"paths": ["/etc/passwd"]}).status_code == 403
    assert anonymous.post("/api/objections", json={"paths": ["/etc/passwd"]}).status_code == 403
    wrong = anonymous.post("/api/ingest", json={"paths": ["/etc/passwd"]}, headers={"Authorization": "Bearer nee"})
    assert wrong.status_code == 401
    assert anonymous.get("/api/status", headers={"Authorization": "Bearer nee"}).status_code == 401


def test_ask_status_and_ingest(app, demo, tmp_path):
    api = client(app)
    answer = api.post("/api/ask", json={"question": "Wat kost parkeren in zone A van het centrum per uur?",
                                        "collection": demo}).json()
    assert answer["citations"][0]["source"] == "beleidsnota-duurzame-mobiliteit-2025.pdf"
    assert answer["sentences"] and answer["mode"] in ("generative", "extractive")
    follow_up = api.post("/api/ask", json={"question": "En in zone B?", "collection": demo, "history": [
        {"question": answer["question"], "search_question": answer["search_question"], "answer": answer["answer"]}]})
    assert follow_up.json()["search_question"] == "Wat kost parkeren in zone B van het centrum per uur?"
    stats = {s["name"]: s for s in api.get("/api/status").json()}
    assert stats[demo]["documents"] == 8 and stats[demo]["chunks"] > 5
    (tmp_path / "leeg.txt").write_bytes(b"")
    report = api.post("/api/ingest", json={"paths": [str(tmp_path)], "collection": "api"}).json()
    assert report["outcomes"] == [{"path": str(tmp_path / "leeg.txt"), "status": "geweigerd", "chunks": 0,
                                   "reason": "leeg bestand", "redacted": {}}]


def test_ingest_redacts_as_the_client_asks_not_as_the_server_profile_says(app, tmp_path):
    """`bronvast ingest --config config/objections.yaml` beside a `serve` with the default profile: the command's
    redaction holds, and the collection records it."""
    api = client(app)
    letter = tmp_path / "bezwaar.txt"
    letter.write_text("Bezwaar. Mijn BSN is 111222333 en mijn IBAN NL91ABNA0417164300.", encoding="utf-8")
    body = {"paths": [str(letter)], "collection": "api-bezwaren", "redact": ["iban", "bsn"]}
    report = api.post("/api/ingest", json=body).json()
    assert report["outcomes"][0]["redacted"] == {"bsn": 1, "iban": 1}
    assert "111222333" not in json.dumps(report) and app.store.collection_spec("api-bezwaren").redact == ("bsn", "iban")
    texts = [chunk.text for chunk in app.store.chunks("api-bezwaren")]
    assert texts == ["Bezwaar. Mijn BSN is [BSN] en mijn IBAN [IBAN]."]
    refused = api.post("/api/ingest", json={"paths": [str(letter)], "collection": "api-bezwaren", "redact": []})
    assert refused.status_code == 400 and "redactie" in refused.json()["detail"]
    unknown = api.post("/api/ingest", json={**body, "redact": ["naam"]})
    assert unknown.status_code == 422


def test_errors_are_plain_messages(app):
    response = client(app).post("/api/ask", json={"question": "Wat kost parkeren?", "collection": "bestaat-niet"})
    assert response.status_code == 400 and "bestaat niet" in response.json()["detail"]


def test_server_file_is_owner_only_and_removed(tmp_path):
    with advertised(tmp_path, "0.0.0.0", 7999) as info:
        path = tmp_path / "serve.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert json.loads(path.read_text()) == {"url": "http://127.0.0.1:7999", "token": info.token}
        assert ServerInfo.read(tmp_path) == info
    assert not path.exists() and ServerInfo.read(tmp_path) is None


def test_an_answer_on_the_wire_carries_only_a_known_reason():
    """`reason` is for programs: every reason is documented (ANSWER_REASONS), and an answer from a server with a
    reason this client does not know is refused rather than passed on unexplained."""
    from typing import get_args

    import pytest
    from pydantic import ValidationError

    from assistant.wire import ANSWER
    from bronvast.schema import ANSWER_REASONS, Answer, AnswerReason

    assert set(get_args(AnswerReason)) == {"", *ANSWER_REASONS}
    sent = ANSWER.dump_python(Answer("Vraag?", "Antwoord.", False, [], reason="busy"))
    assert ANSWER.validate_python(sent).reason == "busy"
    with pytest.raises(ValidationError):
        ANSWER.validate_python({**sent, "reason": "onbekend"})
