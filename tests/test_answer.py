"""Retrieval, refusal and answering against the real index, embedder and packaged GGUF model."""

from __future__ import annotations

import json

from conftest import DEMO_DATASET

from assistant.answer import Prompts, cited_numbers, format_sources, is_refusal
from assistant.ui import SOURCES_HEADING, build_ui, respond
from bronvast.schema import Answer, Chunk, Hit

REFUSAL = "Dat staat niet in de beschikbare bronnen."


def demo_cases() -> dict[str, dict]:
    cases = [json.loads(line) for line in DEMO_DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {case["id"]: case for case in cases}


def test_retrieval_ranks_the_right_document_first(app, demo):
    cases = demo_cases()
    for case_id in [c for c, case in cases.items() if case["answerable"]]:
        case = cases[case_id]
        hits = app.retriever.retrieve(case["question"], demo)
        assert hits[0].chunk.source == case["gold"][0]["source"], case_id
        assert hits == sorted(hits, key=lambda h: h.score, reverse=True)


def test_answer_cites_numbered_sources_with_file_and_page(app, demo):
    case = demo_cases()["demo-03"]  # parking tariff, policy note page 3
    answer = app.ask(case["question"], demo)
    assert not answer.refused
    assert answer.answer.strip()
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    first = answer.citations[0]
    assert (first.source, first.page) == ("beleidsnota-duurzame-mobiliteit-2025.pdf", 3)
    assert any(c.page == 3 and "3,20 euro" in c.text for c in answer.citations)
    assert answer.timings["retrieve_s"] > 0 and answer.timings["generate_s"] > 0


def test_unanswerable_question_is_refused_without_generating(app, demo):
    answer = app.ask(demo_cases()["demo-17"]["question"], demo)  # the mayor's salary: not in the corpus
    assert answer.refused
    assert answer.answer == REFUSAL
    assert answer.citations == []
    assert answer.timings["generate_s"] == 0.0 and answer.timings["first_token_s"] == 0.0


def test_stream_yields_text_then_the_answer(app, demo):
    pieces = list(app.stream(demo_cases()["demo-09"]["question"], demo))
    assert isinstance(pieces[-1], Answer)
    assert all(isinstance(p, str) for p in pieces[:-1]) and len(pieces) > 2
    assert "".join(pieces[:-1]).strip() == pieces[-1].answer


def test_refusal_detection():
    assert is_refusal("Dat staat niet in de beschikbare bronnen.", REFUSAL)
    assert is_refusal("  dat staat niet in de beschikbare bronnen  ", REFUSAL)
    assert is_refusal("", REFUSAL)
    assert not is_refusal("Parkeren kost 3,20 euro per uur [1].", REFUSAL)
    assert not is_refusal("Regels: antwoord anders alleen: Dat staat niet in de beschikbare bronnen. Parkeren [1].", REFUSAL)


def test_cited_numbers_ignore_sources_that_were_not_given():
    assert cited_numbers("Zo is het [2]. En zo [1][2]. Niet [7].", available=3) == [1, 2]


def test_sources_are_numbered_with_file_and_page_and_cut_to_budget(settings):
    prompts = Prompts.load(settings.resolve(settings.answer.prompts_file), "nl")
    chunk = Chunk("x", "Tekst van de bron.", "nota.pdf", "/n/nota.pdf", 3, "Nota", "0" * 64, "c", "t", 0)
    text = format_sources([Hit(chunk, 0.9), Hit(chunk, 0.8)], prompts, budget_chars=10_000)
    assert text.startswith("[1] nota.pdf, pagina 3:\nTekst van de bron.")
    assert "[2] nota.pdf, pagina 3:" in text
    assert len(format_sources([Hit(chunk, 0.9)] * 50, prompts, budget_chars=200)) == 200


def test_english_prompts_exist_with_the_same_fields(settings):
    path = settings.resolve(settings.answer.prompts_file)
    assert Prompts.load(path, "en").refusal != Prompts.load(path, "nl").refusal


def test_ui_answer_function_streams_and_shows_sources(app, demo):
    outputs = list(respond(app, demo_cases()["demo-14"]["question"], demo))
    assert len(outputs) > 2
    final = outputs[-1]
    assert SOURCES_HEADING in final
    assert "notulen-raadsvergadering-2025-03-13.md" in final
    assert outputs[-2] in final  # the streamed text is the answer shown above the sources


def test_ui_refuses_and_handles_empty_input(app, demo):
    assert list(respond(app, demo_cases()["demo-20"]["question"], demo))[-1] == REFUSAL
    assert list(respond(app, "   ", demo))[-1] == "Stel een vraag over de documenten."
    assert "bestaat niet" in list(respond(app, "Wat kost parkeren?", "onbekend"))[-1]


def test_ui_builds(app, demo):
    ui = build_ui(app)
    assert ui.title == "bronvast"
