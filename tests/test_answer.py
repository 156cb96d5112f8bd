"""Retrieval, refusal and answering against the real index, embedder and packaged GGUF model."""

from __future__ import annotations

import json

from conftest import DEMO_DATASET

from assistant.answer import TIMINGS, Prompts, format_sources, is_refusal, without_unknown_citations
from assistant.ui import build_ui
from assistant.ui.chat import UNSUPPORTED, format_answer, respond
from assistant.ui.labels import DUTCH, word
from assistant.app import Bronvast
from bronvast.language import question_language
from bronvast.schema import Answer, Chunk, Citation, FirstAnswer, Hit, Sentence, Turn
from bronvast.settings import load_settings

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


def test_every_sentence_is_checked_and_cites_a_retrieved_source(app, demo):
    """SmolLM2-135M mostly garbles Dutch sources, so the check usually sends its answer to the extractive mode:
    either way every sentence carries a citation of a retrieved source, and the mode says which path it took."""
    answer = app.ask(demo_cases()["demo-03"]["question"], demo)
    assert answer.mode in ("generative", "extractive") and answer.sentences
    assert all(s.citations and set(s.citations) <= {c.n for c in answer.citations} for s in answer.sentences)
    if answer.mode == "extractive":
        assert "te weinig door de bronnen gestaafd" in answer.notice
        assert all(s.supported for s in answer.sentences)
        assert "3,20 euro per uur" in answer.answer  # the tariff sentence is among the extracted ones
    else:
        share = sum(s.supported for s in answer.sentences) / len(answer.sentences)
        assert share >= app.settings.answer.min_supported_share


def test_timings_and_token_usage_of_the_embedded_model(app, demo):
    answer = app.ask(demo_cases()["demo-02"]["question"], demo)
    assert set(answer.timings) == set(TIMINGS)
    assert answer.timings["retrieve_s"] > 0 and answer.timings["generate_s"] >= answer.timings["first_token_s"] > 0
    assert answer.timings["rerank_s"] == 0.0  # hybrid without rerank
    assert answer.usage["prompt_tokens"] > 100 and 0 < answer.usage["completion_tokens"] <= app.settings.llm.max_tokens
    assert answer.usage["tokens_per_s"] > 0


def test_unanswerable_question_is_refused_naming_what_was_searched(app, demo):
    question = demo_cases()["demo-17"]["question"]  # the mayor's salary: not in the corpus
    answer = app.ask(question, demo)
    assert answer.refused
    assert answer.answer == REFUSAL
    assert answer.notice.startswith(f"Gezocht in collectie '{demo}' (") and question in answer.notice
    assert answer.citations == [] and answer.sentences == []
    assert answer.timings["generate_s"] == 0.0 and answer.timings["first_token_s"] == 0.0


def test_no_answerable_demo_question_is_refused(app, demo):
    answerable = [case for case in demo_cases().values() if case["answerable"]]
    refused = [case["id"] for case in answerable if app.retriever.retrieve(case["question"], demo) == []]
    assert refused == []


def test_extractive_mode_answers_without_an_llm(app, demo):
    extractive = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", "answer.mode=extractive"]))
    extractive.store, extractive.embedder = app.store, app.embedder  # one process may open the data dir once
    answer = extractive.ask(demo_cases()["demo-02"]["question"], demo)
    assert "llm" not in extractive.__dict__  # the model was never loaded
    assert answer.mode == "extractive" and answer.notice == "Uittreksel uit de bronnen (geen gegenereerd antwoord)."
    assert "19.350 personenauto's" in answer.answer
    assert 1 <= len(answer.sentences) <= extractive.settings.answer.extract_sentences
    assert all(f"[{s.citations[0]}]" in answer.answer for s in answer.sentences)
    assert answer.citations[answer.sentences[0].citations[0] - 1].source == "beleidsnota-duurzame-mobiliteit-2025.pdf"


def test_a_follow_up_question_is_rewritten_before_retrieval(app, demo):
    first = app.ask("Wat kost parkeren in zone A van het centrum per uur?", demo)
    follow_up = app.ask("En in zone B?", demo, history=[Turn(first.question, first.search_question, first.answer)])
    assert follow_up.search_question == "Wat kost parkeren in zone B van het centrum per uur?"
    assert follow_up.question == "En in zone B?"
    assert (follow_up.citations[0].source, follow_up.citations[0].page) == ("beleidsnota-duurzame-mobiliteit-2025.pdf", 3)


def test_stream_yields_the_extract_then_text_then_the_answer(app, demo):
    first, *text, answer = list(app.stream(demo_cases()["demo-09"]["question"], demo))
    assert isinstance(first, FirstAnswer) and isinstance(answer, Answer)
    assert first.answer.sentences and first.answer.citations and not first.answer.refused
    assert all(isinstance(p, str) for p in text) and len(text) > 1
    streamed = "".join(text).strip()
    # a checked generative answer is what was streamed (minus unknown citations); otherwise the extract stands
    assert (answer.mode == "extractive" and answer.answer == first.answer.answer) or (
        without_unknown_citations(streamed, 10) == answer.answer)


def test_refusal_detection():
    assert is_refusal("Dat staat niet in de beschikbare bronnen.", REFUSAL)
    assert is_refusal("  dat staat niet in de beschikbare bronnen  ", REFUSAL)
    assert is_refusal("", REFUSAL)
    assert not is_refusal("Parkeren kost 3,20 euro per uur [1].", REFUSAL)
    assert not is_refusal("Regels: antwoord anders alleen: Dat staat niet in de beschikbare bronnen. Parkeren [1].", REFUSAL)


def test_citations_of_sources_that_were_not_given_are_removed():
    assert without_unknown_citations("Zo is het [2]. En zo [1][2]. Niet [7].", available=3) == (
        "Zo is het [2]. En zo [1][2]. Niet."
    )


def test_the_answer_language_follows_the_question():
    assert question_language("Wat kost parkeren in het centrum?") == "nl"
    assert question_language("What does parking cost in the centre?") == "en"
    assert question_language("Parkeertarief 2025") == "nl"  # cannot tell: the default


def test_an_english_question_is_refused_in_english(app, demo):
    answer = app.ask("What is the salary of the mayor of Lindewaard?", demo)
    assert answer.refused and answer.answer == "The sources do not contain that."
    assert answer.notice.startswith(f"Searched collection '{demo}'")


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
    outputs = list(respond(app, demo_cases()["demo-14"]["question"], demo, []))
    assert len(outputs) > 2
    final, turns, answer = outputs[-1]
    assert word(DUTCH, "sources_heading") in final and answer.citations
    assert "notulen-raadsvergadering-2025-03-13.md" in final
    assert turns[0].question == demo_cases()["demo-14"]["question"]  # the conversation goes on from here


def test_ui_marks_unsupported_sentences():
    answer = Answer("v", "Waar [1]. Verzonnen [1].", False, [Citation(1, "nota.pdf", 3, "Waar.", 0.9)],
                    sentences=[Sentence("Waar.", [1], True, 1.2), Sentence("Verzonnen.", [1], False, 0.3)])
    shown = format_answer(answer)
    assert "Waar. [1]" in shown and f"{UNSUPPORTED} <em>Verzonnen. [1]</em>" in shown
    assert "niet gestaafd" in shown


def test_ui_refuses_and_handles_empty_input(app, demo):
    refused, turns, _ = list(respond(app, demo_cases()["demo-20"]["question"], demo, []))[-1]
    assert refused.startswith(REFUSAL) and "Gezocht in collectie" in refused
    assert list(respond(app, "   ", demo, []))[-1][0] == "Stel een vraag over de documenten."
    assert "bestaat niet" in list(respond(app, "Wat kost parkeren?", "onbekend", []))[-1][0]


def test_ui_builds(app, demo):
    ui = build_ui(app)
    assert ui.title == "bronvast"


def test_the_fitted_decision_on_the_56_shipped_evaluation_cases(app, demo):
    """The 56 demo questions under the fitted answer-or-refuse decision (config/decision-nl.json): no unanswerable
    one is answered; two answerable ones, both asking for an inventory number in a table, are refused (README,
    "Answer or refuse"). The thresholds before it separated all 56 because they were set on these questions."""
    from pathlib import Path

    from eval.dataset import load_cases

    cases = [c for name in ("demo", "archive", "objections") for c in load_cases(Path(f"eval/datasets/{name}.jsonl"))]
    refused = {c.id for c in cases if app.retriever.retrieve(c.question, demo) == []}
    assert len(cases) == 56 and app.retriever.decision is not None
    assert [c.id for c in cases if not c.answerable and c.id not in refused] == []
    assert sorted(c.id for c in cases if c.answerable and c.id in refused) == ["archief-01", "archief-08"]
