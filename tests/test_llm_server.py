"""The OpenAI-compatible LLM backend (Ollama, vLLM, llama.cpp server), against a local fake of the protocol.

A real server is used instead when LLM_SERVER_URL and LLM_SERVER_MODEL are set.
"""

from __future__ import annotations

import os

import pytest
from fake_openai import FakeOpenAI

from assistant.answer import LLMUnavailable
from bronvast.app import Bronvast
from bronvast.settings import load_settings

REPLY = "In zone A kost parkeren 3,20 euro per uur [1]."
QUESTION = "Wat kost parkeren in zone A van het centrum per uur?"


def server_app(settings, base_url: str, model: str) -> Bronvast:
    overrides = [f"data_dir={settings.data_dir}", "llm.backend=openai-compatible", f"llm.base_url={base_url}",
                 f"llm.model={model}", "llm.max_retries=0", "llm.timeout_s=5"]
    return Bronvast(load_settings(overrides=overrides))


@pytest.fixture
def shared_store_app(app, demo):
    """The session app's store is the only one that may open the embedded data dir in this process."""
    def make(base_url: str, model: str) -> Bronvast:
        server = server_app(app.settings, base_url, model)
        server.store, server.embedder = app.store, app.embedder
        return server
    return make


def test_streamed_answer_from_an_openai_compatible_server(shared_store_app, demo):
    with FakeOpenAI(REPLY) as fake:
        pieces = list(shared_store_app(fake.base_url, "fake-eurollm").stream(QUESTION, demo))
    answer = pieces[-1]
    assert answer.answer == REPLY and not answer.refused
    assert "".join(pieces[:-1]) == REPLY and len(pieces) > 3  # streamed word by word
    request = fake.requests[0]
    assert request["model"] == "fake-eurollm" and request["stream"] is True
    system, user = request["messages"]
    assert system["role"] == "system" and "bronnen" in system["content"]
    assert "[1] beleidsnota-duurzame-mobiliteit-2025.pdf, pagina 3" in user["content"]
    assert answer.citations[0].source == "beleidsnota-duurzame-mobiliteit-2025.pdf"


def test_a_server_that_is_down_gives_a_clear_error(shared_store_app, demo):
    with FakeOpenAI(REPLY) as fake:
        base_url = fake.base_url
    with pytest.raises(LLMUnavailable, match="gaf geen antwoord"):
        shared_store_app(base_url, "fake").ask(QUESTION, demo)


@pytest.mark.skipif(not os.environ.get("LLM_SERVER_URL"), reason="LLM_SERVER_URL not set")
def test_a_real_openai_compatible_server(shared_store_app, demo):
    app = shared_store_app(os.environ["LLM_SERVER_URL"], os.environ["LLM_SERVER_MODEL"])
    answer = app.ask(QUESTION, demo)
    assert answer.answer and answer.citations
