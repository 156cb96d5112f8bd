"""The *Vragen* tab: a streaming chat over the collection, filters on document type and date, the last answer's
sources in a table, a source viewer (the cited PDF page as an image with the passage highlighted, or the text with
the passage marked) and a thumbs up or down with a comment on any answer."""

from __future__ import annotations

import html
import io
from collections.abc import Iterator

import gradio as gr
from PIL import Image

from assistant.application import Application
from assistant.ui.labels import DUTCH, headers, word
from assistant.ui.shared import Identify, Translation, caller_of, inert_markdown, marked_html
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Answer, Caller, FirstAnswer, SearchFilter, SourceView, Turn

UNSUPPORTED = "⚠"
DOCUMENT_KINDS = ["pdf", "docx", "odt", "html", "text", "email", "xml", "image"]
EXAMPLES = ["Wat kost parkeren in zone A van het centrum per uur?",
            "Welke gronden van bezwaar noemt het bezwaarschrift over Kerkstraat 12?"]
CHAT_INPUTS = 7  # the chat's additional inputs: an example leaves them all as they are (None)


def format_answer(answer: Answer, language: str = DUTCH) -> str:
    """The answer (unsupported sentences marked), why it is extractive or refused, then every cited source: file,
    page and the passage itself."""
    if answer.refused:
        refusal = inert_markdown(answer.answer)
        return f"{refusal}\n\n_{inert_markdown(answer.notice)}_" if answer.notice else refusal
    lines = [f"_{inert_markdown(answer.notice)}_", ""] if answer.notice else []
    lines.append(marked_sentences(answer) if answer.sentences else inert_markdown(answer.answer))
    if any(not s.supported for s in answer.sentences):
        lines += ["", f"<small>{word(language, 'unsupported_legend')}</small>"]
    lines += ["", word(language, "sources_heading")]
    for c in answer.citations:
        page = f", {word(language, 'page')} {c.page}" if c.page else ""
        passage = inert_markdown(" ".join(c.text.split()))  # document text is shown as text, never as markup
        opened = " open" if c.n == 1 else ""  # the best passage in view, the others one click away
        summary = f"[{c.n}] {inert_markdown(c.cited_as)}{page}"
        lines.append(f"<details{opened}><summary>{summary}</summary>\n\n{passage}\n\n</details>")
    return "\n".join(lines)


def marked_sentences(answer: Answer) -> str:
    parts = []
    for sentence in answer.sentences:
        text = inert_markdown(sentence.text) + "".join(f" [{n}]" for n in sentence.citations)
        parts.append(text if sentence.supported else f"{UNSUPPORTED} <em>{text}</em>")
    return " ".join(parts)


def respond(app: Application, message: str, collection: str, turns: list[Turn], caller: Caller | None = None,
            where: SearchFilter | None = None,
            language: str = DUTCH) -> Iterator[tuple[str, list[Turn], Answer | None]]:
    """Streams the growing answer, then shows it with its sources: (text shown, the conversation's turns for
    follow-up questions, the finished Answer or None until it is there). `caller`: the logged-in user (None: the
    app's own caller)."""
    text, first, turns = "", "", turns or []
    try:
        for piece in app.stream(message, collection or None, where, history=turns, caller=caller):
            if isinstance(piece, FirstAnswer):  # shown at once; the model's text grows under it until checked
                first = format_answer(piece.answer, language) + f"\n\n{word(language, 'draft_heading')}\n\n"
                yield first, turns, None
            elif isinstance(piece, Answer):
                turns = [*turns, Turn(message, piece.search_question, piece.answer)]
                yield format_answer(piece, language), turns, piece
            else:
                text += piece
                yield first + inert_markdown(text), turns, None
    except (StoreError, AccessDenied) as exc:
        yield f"Fout: {exc}", turns, None


def search_filter(kinds: list[str] | None, after: str, before: str) -> SearchFilter | None:
    """The tab's filters as a search filter; ValueError with a plain message for a date that is none."""
    where = SearchFilter.from_options([f"kind={kind}" for kind in kinds or []], after.strip() or None,
                                      before.strip() or None)
    return None if where.is_empty() else where


def source_rows(answer: Answer | None) -> list[list]:
    if answer is None or answer.refused:
        return []
    return [[c.n, c.cited_as, c.page or "", shortened(" ".join(c.text.split()))] for c in answer.citations]


def shortened(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def source_html(view: SourceView) -> str:
    """The source's text with the passage marked (inert HTML: a document's words are never markup)."""
    page = f" · {view.page}" if view.page else ""
    note = f"<p><em>{html.escape(view.note)}</em></p>" if view.note else ""
    return (f"<h4>{html.escape(view.source)}{page}</h4>{note}"
            f'<div class="bron-tekst" style="white-space: pre-wrap; max-height: 28em; overflow-y: auto">'
            f"{marked_html(view.text, view.marks)}</div>")


def open_source(app: Application, answer: Answer | None, row: int, collection: str,
                caller: Caller | None) -> tuple[object, str]:
    """The source viewer for the table's row: the page image (or nothing) and the text with the passage marked."""
    if answer is None or not 0 <= row < len(answer.citations):
        return None, ""
    citation = answer.citations[row]
    try:
        view = app.source(citation.source, citation.page, citation.text, collection or None, caller,
                          citation.sha256)
    except (StoreError, AccessDenied) as exc:
        return None, f"<p>Fout: {html.escape(str(exc))}</p>"
    picture = Image.open(io.BytesIO(view.image)) if view.image else None
    return gr.Image(value=picture, visible=picture is not None), source_html(view)


def answer_number(history: list[dict], index: int) -> int:
    """Which answer a chat message is: the count of the assistant's messages before it."""
    return sum(1 for message in history[:index] if message.get("role") == "assistant")


def build_chat_tab(app: Application, identify: Identify | None, collection: gr.Dropdown, language: gr.Radio,
                   words: Translation) -> None:
    """The tab's components and events, inside the current gr.Tab."""
    turns = gr.State([])  # the conversation so far, for follow-up questions
    answers = gr.State([])  # one Answer (or None for an error) per assistant message, for ratings
    last = gr.State(None)  # the answer whose sources the table shows
    with gr.Row():
        kinds = words.add(gr.Dropdown(DOCUMENT_KINDS, value=[], multiselect=True, label=word(DUTCH, "kinds"),
                                      elem_id="filter-soort"), "kinds")
        after = words.add(gr.Textbox("", label=word(DUTCH, "after"), elem_id="filter-vanaf"), "after")
        before = words.add(gr.Textbox("", label=word(DUTCH, "before"), elem_id="filter-tot"), "before")
    chatbot = words.add(gr.Chatbot(label=word(DUTCH, "conversation"), height=480, elem_id="gesprek"), "conversation")
    textbox = gr.Textbox(placeholder=word(DUTCH, "question_placeholder"), label=word(DUTCH, "question"),
                         submit_btn="➤", elem_id="vraag")
    words.add(textbox, "question")
    words.add(textbox, "question_placeholder", "placeholder")

    def chat(message, history, collection_name, turns_so_far, answers_so_far, kinds_chosen, after_date, before_date,
             language_chosen, request: gr.Request):
        answers_so_far, language_chosen = answers_so_far or [], language_chosen or DUTCH
        try:
            caller = caller_of(identify, request)
            where = search_filter(kinds_chosen, after_date or "", before_date or "")
        except (AccessDenied, ValueError) as exc:
            yield f"Fout: {exc}", turns_so_far, [*answers_so_far, None], None, []
            return
        shown, turns_now, answer = "", turns_so_far, None
        for shown, turns_now, answer in respond(app, message, collection_name, turns_so_far, caller, where,
                                                language_chosen):
            if answer is None:
                yield shown, turns_now, answers_so_far, gr.skip(), gr.skip()
            else:
                yield shown, turns_now, [*answers_so_far, answer], answer, source_rows(answer)
        # an error or an empty question ends without an Answer: keep the list aligned with the messages
        if answer is None:
            yield shown, turns_now, [*answers_so_far, None], None, []

    sources = words.add(gr.Dataframe(headers=headers(DUTCH, "sources"), datatype=["number", "str", "str", "str"],
                                     label=word(DUTCH, "sources"), interactive=False, elem_id="bronnen",
                                     render=False), "sources")  # placed under the chat, below
    words.add(sources, "sources", "headers")
    chatbot.clear(lambda: ([], [], None, []), None, [turns, answers, last, sources])
    gr.ChatInterface(fn=chat, chatbot=chatbot, textbox=textbox, cache_examples=False,
                     examples=[[example] + [None] * CHAT_INPUTS for example in EXAMPLES],
                     additional_inputs=[collection, turns, answers, kinds, after, before, language],
                     additional_outputs=[turns, answers, last, sources], analytics_enabled=False, api_name="vraag")
    sources.render()
    with gr.Row():
        page_image = words.add(gr.Image(label=word(DUTCH, "source_page"), type="pil", interactive=False,
                                        visible=False, elem_id="bron-pagina"), "source_page")
        page_text = gr.HTML(elem_id="bron-tekst")

    def opened(answer, collection_name, event: gr.SelectData, request: gr.Request):
        try:
            caller = caller_of(identify, request)
        except AccessDenied as exc:
            return None, f"<p>Fout: {html.escape(str(exc))}</p>"
        return open_source(app, answer, event.index[0], collection_name, caller)

    sources.select(opened, [last, collection], [page_image, page_text], api_visibility="private")
    comment = words.add(gr.Textbox(label=word(DUTCH, "comment"), elem_id="beoordeling-opmerking"), "comment")
    rated = gr.Markdown(elem_id="beoordeling-status")

    def rate(answers_so_far, history, note, collection_name, language_chosen, event: gr.LikeData,
             request: gr.Request):
        number = answer_number(history, event.index if isinstance(event.index, int) else event.index[0])
        answer = answers_so_far[number] if number < len(answers_so_far) else None
        if answer is None:
            return word(language_chosen, "feedback_nothing"), note
        try:
            app.feedback(answer, bool(event.liked), note or "", collection_name or None, caller_of(identify, request))
        except (StoreError, AccessDenied) as exc:
            return f"Fout: {html.escape(str(exc))}", note
        return word(language_chosen, "feedback_saved"), ""

    chatbot.like(rate, [answers, chatbot, comment, collection, language], [rated, comment], api_visibility="private")
