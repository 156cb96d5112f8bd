"""The Gradio chat: a thin face over the Application (assistant/application.py; labels in Dutch)."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from assistant.application import Application
from bronvast.errors import StoreError
from bronvast.schema import Answer, FirstAnswer, Turn
from ingest.report import redaction_counts

SOURCES_HEADING = "**Bronnen**"
DRAFT_HEADING = "**Gegenereerd antwoord (nog niet gecontroleerd):**"
UNSUPPORTED = "⚠"
UNSUPPORTED_LEGEND = f"{UNSUPPORTED} = niet gestaafd door de geciteerde bron"


def format_answer(answer: Answer) -> str:
    """The answer (unsupported sentences marked), why it is extractive or refused, then every cited source: file,
    page and the passage itself."""
    if answer.refused:
        return f"{answer.answer}\n\n_{html.escape(answer.notice)}_" if answer.notice else answer.answer
    lines = [f"_{html.escape(answer.notice)}_", ""] if answer.notice else []
    lines.append(marked_sentences(answer) if answer.sentences else answer.answer)
    if any(not s.supported for s in answer.sentences):
        lines += ["", f"<small>{UNSUPPORTED_LEGEND}</small>"]
    lines += ["", SOURCES_HEADING]
    for c in answer.citations:
        page = f", pagina {c.page}" if c.page else ""
        passage = html.escape(" ".join(c.text.split()))  # document text is shown as text, never as markup
        opened = " open" if c.n == 1 else ""  # the best passage in view, the others one click away
        lines.append(f"<details{opened}><summary>[{c.n}] {html.escape(c.cited_as)}{page}</summary>\n\n{passage}\n\n</details>")
    return "\n".join(lines)


def marked_sentences(answer: Answer) -> str:
    parts = []
    for sentence in answer.sentences:
        text = html.escape(sentence.text) + "".join(f" [{n}]" for n in sentence.citations)
        parts.append(text if sentence.supported else f"{UNSUPPORTED} <em>{text}</em>")
    return " ".join(parts)


def respond(app: Application, message: str, collection: str, turns: list[Turn]) -> Iterator[tuple[str, list[Turn]]]:
    """The chat's answer function: streams the growing answer, then shows it with its sources; the conversation's
    turns (for follow-up questions) come back updated."""
    text, first, turns = "", "", turns or []
    try:
        for piece in app.stream(message, collection or None, history=turns):
            if isinstance(piece, FirstAnswer):  # shown at once; the model's text grows under it until checked
                first = format_answer(piece.answer) + f"\n\n{DRAFT_HEADING}\n\n"
                yield first, turns
            elif isinstance(piece, Answer):
                yield format_answer(piece), [*turns, Turn(message, piece.search_question, piece.answer)]
            else:
                text += piece
                yield first + html.escape(text), turns
    except StoreError as exc:
        yield f"Fout: {exc}", turns


def add_documents(app: Application, files: list[str] | None, collection: str) -> str:
    """Ingest through the serving process: the embedded store admits only this process while it serves."""
    if not files:
        return "Kies eerst een of meer bestanden."
    target = app.settings.data_dir / "uploads" / (collection or app.settings.collection)
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for name in files:
        copy = target / Path(name).name
        shutil.copyfile(name, copy)
        copies.append(copy)
    try:
        report = app.ingest(copies, collection or None)
    except StoreError as exc:
        return f"Fout: {exc}"
    if not report.redacted:
        rows = ["| Bestand | Status | Chunks | Reden |", "|---|---|---|---|"]
        rows += [f"| {o.path.name} | {o.status} | {o.chunks or ''} | {o.reason} |" for o in report.outcomes]
        return "\n".join(rows)
    # A redacting collection: counts per file and in total, never the values.
    rows = ["| Bestand | Status | Chunks | Persoonsgegevens | Reden |", "|---|---|---|---|---|"]
    rows += [f"| {o.path.name} | {o.status} | {o.chunks or ''} | {redaction_counts(o.redacted)} | {o.reason} |"
             for o in report.outcomes]
    return "\n".join(rows) + f"\n\nPersoonsgegevens geredigeerd: {redaction_counts(report.redacted)}"


def collection_names(app: Application) -> list[str]:
    return app.collections() or [app.settings.collection]


def build_ui(app: Application) -> gr.Blocks:
    def chat(message: str, history: list, collection: str, turns: list[Turn]) -> Iterator[tuple[str, list[Turn]]]:
        yield from respond(app, message, collection, turns)

    def upload(collection: str, paths: list[str] | None) -> str:
        return add_documents(app, paths, collection)

    def overview() -> str:
        return status_markdown(app)

    with gr.Blocks(title="bronvast", analytics_enabled=False) as ui:
        gr.Markdown("# bronvast\nVragen over uw documenten, beantwoord met bronvermelding. Alles draait lokaal.")
        collection = gr.Dropdown(
            choices=collection_names(app), value=app.settings.collection, label="Collectie", allow_custom_value=True
        )
        with gr.Tab("Vragen"):
            turns = gr.State([])  # the conversation so far, for follow-up questions
            chatbot = gr.Chatbot(label="Gesprek", height=520)
            chatbot.clear(lambda: [], None, turns)
            gr.ChatInterface(
                fn=chat,
                additional_inputs=[collection, turns],
                additional_outputs=[turns],
                chatbot=chatbot,
                textbox=gr.Textbox(placeholder="Stel uw vraag…", label="Vraag", submit_btn="Verstuur"),
                examples=[
                    ["Wat kost parkeren in zone A van het centrum per uur?", None, None],
                    ["Welke gronden van bezwaar noemt het bezwaarschrift over Kerkstraat 12?", None, None],
                ],
                cache_examples=False,
                analytics_enabled=False,
                api_name="vraag",
            )
        with gr.Tab("Documenten toevoegen"):
            files = gr.File(
                label="Bestanden (PDF, DOCX, ODT, HTML, TXT, Markdown, e-mail, MDTO/TMLO-XML)",
                file_count="multiple",
                type="filepath",
            )
            button = gr.Button("Indexeren", variant="primary")
            result = gr.Markdown()
            button.click(upload, [collection, files], result, api_name="documenten_toevoegen")
        with gr.Tab("Status"):
            summary = gr.Markdown()
            gr.Button("Vernieuwen").click(overview, None, summary, api_name="status")
            ui.load(overview, None, summary, api_visibility="private")
    return ui


def status_markdown(app: Application) -> str:
    rows = ["| Collectie | Documenten | Chunks |", "|---|---|---|"]
    rows += [f"| {s.name} | {s.documents} | {s.chunks} |" for s in app.status()]
    return "\n".join(rows)
