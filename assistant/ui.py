"""The Gradio chat: a thin face over the Application (assistant/application.py; labels in Dutch)."""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import gradio as gr

from assistant.application import Application
from assistant.objections.exports import DISCLAIMER, on_time_text, write_exports, yes_no
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Answer, Caller, Dossier, FirstAnswer, LetterCard, ObjectionOptions, Turn
from bronvast.store import check_collection_name
from ingest.manifest import MANIFEST_NAMES
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


def respond(app: Application, message: str, collection: str, turns: list[Turn],
            caller: Caller | None = None) -> Iterator[tuple[str, list[Turn]]]:
    """The chat's answer function: streams the growing answer, then shows it with its sources; the conversation's
    turns (for follow-up questions) come back updated. `caller`: the logged-in user (None: the app's own caller)."""
    text, first, turns = "", "", turns or []
    try:
        for piece in app.stream(message, collection or None, history=turns, caller=caller):
            if isinstance(piece, FirstAnswer):  # shown at once; the model's text grows under it until checked
                first = format_answer(piece.answer) + f"\n\n{DRAFT_HEADING}\n\n"
                yield first, turns
            elif isinstance(piece, Answer):
                yield format_answer(piece), [*turns, Turn(message, piece.search_question, piece.answer)]
            else:
                text += piece
                yield first + html.escape(text), turns
    except (StoreError, AccessDenied) as exc:
        yield f"Fout: {exc}", turns


def add_documents(app: Application, files: list[str] | None, collection: str, caller: Caller | None = None) -> str:
    """Ingest through the serving process: the embedded store admits only this process while it serves."""
    if not files:
        return "Kies eerst een of meer bestanden."
    if caller is not None and not caller.may("ingest"):  # refused before the uploads are copied anywhere
        return f"Fout: {caller.name} mag geen documenten toevoegen: daarvoor is de rol 'ingest' nodig"
    try:  # the name becomes a folder: "../.." must not reach outside the uploads
        target = app.settings.data_dir / "uploads" / check_collection_name(collection or app.settings.collection)
    except StoreError as exc:
        return f"Fout: {exc}"
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for name in files:
        copy = target / Path(name).name
        shutil.copyfile(name, copy)
        copies.append(copy)
    try:
        report = app.ingest(copies, collection or None, caller=caller)
    except (StoreError, AccessDenied) as exc:
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


OBJECTIONS_INTRO = (
    "## Bezwaarschriften\n"
    "Lees bezwaarschriften (PDF, DOCX, ODT, e-mail, tekst, scans) in één keer: per brief een dossierkaart met datum, "
    "ontvangst, besluit, gronden met letterlijke citaten, verzoek, horen, pro forma, ontbrekende vereisten (Awb 6:5), "
    "bezwaartermijn en beslistermijn; daarna de gronden die in meer brieven terugkomen. Namen en adressen worden "
    "vervangen door pseudoniemen (indiener 1, [ADRES]). De brieven worden niet geïndexeerd. Een "
    "`bronvast-manifest.csv` met ontvangstdata kan mee worden geüpload.\n\n"
    f"**{DISCLAIMER}** Het hulpmiddel bereidt voor; de jurist beslist."
)
OVERVIEW_HEADERS = ["Bestand", "Briefdatum", "Ontvangen", "Termijn tot", "Tijdig", "Pro forma", "Horen", "Gemachtigde",
                    "Gronden", "Ontbreekt"]
CLUSTER_HEADERS = ["Grond", "Aantal brieven", "Brieven"]
QUOTE_NOT_FOUND = "citaat niet teruggevonden in de brief"


def parse_received(value: str | None) -> date | None:
    """The optional received date (JJJJ-MM-DD); raises ValueError with the message the user sees."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{value.strip()}' is geen datum: schrijf de ontvangstdatum als JJJJ-MM-DD.") from None


def copy_uploads(files: list[str], folder: Path) -> list[Path]:
    """Gradio keeps each upload as <its cache>/<hash>/<original name>: copied into one folder, the letters keep the
    names the user gave them and an uploaded bronvast-manifest.csv lies beside the letters it describes. A second
    file of the same name goes into a numbered subfolder rather than over the first."""
    letters = []
    for name in files:
        source = Path(name)
        target = folder / source.name
        number = 1
        while target.exists():
            number += 1
            target = folder / str(number) / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if source.name not in MANIFEST_NAMES:  # a manifest describes letters; it is not one
            letters.append(target)
    return letters


def objection_rows(dossier: Dossier) -> list[list]:
    return [[card.file, card.letter_date or "", card.received_date or "", card.deadline or "", yes_no(card.on_time),
             yes_no(card.pro_forma), yes_no(card.hearing_requested), card.gemachtigde or "", len(card.grounds),
             ", ".join(card.missing)] for card in dossier.letters]


def cluster_rows(dossier: Dossier) -> list[list]:
    return [[cluster.label, cluster.count, ", ".join(cluster.letters)] for cluster in dossier.clusters]


def letter_choices(dossier: Dossier) -> list[tuple[str, int]]:
    """The dropdown shows file names and gives the card's index: two letters may carry the same name."""
    return [(card.file, index) for index, card in enumerate(dossier.letters)]


def rejected_html(dossier: Dossier) -> str:
    if not dossier.rejected:
        return ""
    items = "".join(f"<li><strong>{html.escape(file)}</strong>: {html.escape(reason)}</li>"
                    for file, reason in dossier.rejected)
    return f"<h4>Niet gelezen</h4><ul>{items}</ul>"


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote stands in the text: verbatim, or else with any run of whitespace for each space (a quote is
    verified fuzzily, and a letter's line breaks are not the quote's)."""
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    found = re.search(r"\s+".join(re.escape(word) for word in quote.split()), text, re.IGNORECASE)
    return found.span() if found else None


def highlighted_text(text: str, quotes: list[str]) -> str:
    """The letter's text as inert HTML with each quote found in <mark>. Letter text is untrusted: every piece is
    escaped, and only our own <mark> tags are added around the escaped pieces."""
    spans = sorted(span for span in (quote_span(text, quote) for quote in quotes) if span)
    merged: list[list[int]] = []
    for start, end in spans:  # overlapping quotes become one mark, so tags never nest or cross
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts += [html.escape(text[position:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def letter_card_html(card: LetterCard) -> str:
    """A letter's card as HTML (never Markdown: a letter's `![x](http://...)` must stay text and fetch nothing).
    Everything from the letter is escaped; links are not live."""
    def shown(value: object) -> str:
        return html.escape(str(value)) if value not in (None, "", ()) else "—"

    decision = " ".join(filter(None, [card.decision_date, card.decision_reference]))
    fields = [("Briefdatum", card.letter_date), ("Ontvangen", card.received_date), ("Indiener", card.sender),
              ("Gemachtigde", card.gemachtigde), ("Besluit", decision), ("Onderwerp besluit", card.decision_subject),
              ("Verzoek", card.request), ("Horen gevraagd", yes_no(card.hearing_requested)),
              ("Pro forma", yes_no(card.pro_forma)), ("Ontbreekt (Awb 6:5)", ", ".join(card.missing)),
              ("Bezwaartermijn tot", card.deadline), ("Tijdig", on_time_text(card)), ("Beslistermijn tot", card.decision_deadline)]
    rows = "".join(f"<tr><th>{name}</th><td>{shown(value)}</td></tr>" for name, value in fields)
    grounds = "".join(
        f"<li><strong>{html.escape(ground.summary)}</strong> <small>({html.escape(ground.location)})</small>"
        f"<blockquote>{html.escape(ground.quote)}</blockquote>"
        + ("" if ground.quote_verified else f"<p><strong>⚠ {QUOTE_NOT_FOUND}</strong></p>") + "</li>"
        for ground in card.grounds)
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in card.notes)
    text = highlighted_text(card.text, [ground.quote for ground in card.grounds])
    return (f'<div class="bezwaar-kaart"><h3>{html.escape(card.file)}</h3><table>{rows}</table>'
            f"<h4>Gronden</h4>{f'<ol>{grounds}</ol>' if grounds else '<p>Geen gronden gevonden.</p>'}"
            + (f"<h4>Opmerkingen</h4><ul>{notes}</ul>" if notes else "")
            + f'<h4>Tekst van de brief</h4><div class="bezwaar-tekst" style="white-space: pre-wrap">{text}</div>'
            f"<p><small>{html.escape(DISCLAIMER)}</small></p></div>")


def chosen_card_html(dossier: Dossier | None, index: int | None) -> str:
    if dossier is None or index is None or not 0 <= int(index) < len(dossier.letters):
        return ""
    return letter_card_html(dossier.letters[int(index)])


def read_objections(app: Application, files: list[str] | None, committee: bool, received: str) -> tuple:
    """The Bezwaren tab's button: status, overview, clusters, letter choice, card, unread files, exports, dossier.
    The letters are copied to a fresh folder that is removed after reading; the exports go to a fresh folder per
    run, from which Gradio serves them."""
    if not files:
        return "Kies eerst een of meer brieven.", *no_objections()
    try:
        options = ObjectionOptions(received=parse_received(received), committee=committee, clusters=True)
    except ValueError as exc:
        return f"Fout: {html.escape(str(exc))}", *no_objections()
    with tempfile.TemporaryDirectory(prefix="bronvast-brieven-") as folder:
        dossier = app.objections(copy_uploads(files, Path(folder)), options)
    exports = write_exports(dossier, Path(tempfile.mkdtemp(prefix="bronvast-bezwaren-"))) if dossier.letters else None
    read = len(dossier.letters)
    status = f"{read} {'brief' if read == 1 else 'brieven'} gelezen" + (
        f", {len(dossier.rejected)} niet gelezen" if dossier.rejected else "") + f". {DISCLAIMER}"
    first = 0 if dossier.letters else None
    return (status, objection_rows(dossier), cluster_rows(dossier),
            gr.Dropdown(choices=letter_choices(dossier), value=first), chosen_card_html(dossier, first),
            rejected_html(dossier), [str(path) for path in exports] if exports else None, dossier)


def no_objections() -> tuple:
    """The outputs after the status when nothing was read: a previous run's results must not stay in view."""
    return [], [], gr.Dropdown(choices=[], value=None), "", "", None, None


def collection_names(app: Application) -> list[str]:
    return app.collections() or [app.settings.collection]


def build_ui(app: Application, identify: Callable[[gr.Request], Caller | None] | None = None) -> gr.Blocks:
    """`identify`: who a call comes from (the logged-in user, assistant/auth.py Gate.ui_caller; AccessDenied for
    nobody); None: every call is the application's own caller."""
    def chat(message: str, history: list, collection: str, turns: list[Turn],
             request: gr.Request) -> Iterator[tuple[str, list[Turn]]]:
        try:
            caller = identify(request) if identify else None
        except AccessDenied as exc:
            yield f"Fout: {exc}", turns
            return
        yield from respond(app, message, collection, turns, caller)

    def upload(collection: str, paths: list[str] | None, request: gr.Request) -> str:
        try:
            caller = identify(request) if identify else None
        except AccessDenied as exc:
            return f"Fout: {exc}"
        return add_documents(app, paths, collection, caller)

    def overview() -> str:
        return status_markdown(app)

    # Uploaded letters and their exports hold personal data: Gradio removes its copies after an hour.
    with gr.Blocks(title="bronvast", analytics_enabled=False, delete_cache=(3600, 3600)) as ui:
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
        with gr.Tab("Bezwaren"):
            gr.Markdown(OBJECTIONS_INTRO)
            letters = gr.File(label="Brieven (PDF, DOCX, ODT, e-mail, tekst, scans)", file_count="multiple",
                              type="filepath", elem_id="bezwaren-brieven")
            with gr.Row():
                committee = gr.Checkbox(label="Adviescommissie (beslistermijn 12 weken)")
                received = gr.Textbox(label="Ontvangstdatum (JJJJ-MM-DD, optioneel)",
                                      info="Voor brieven zonder e-maildatum of manifestregel")
            read = gr.Button("Brieven lezen", variant="primary")
            state = gr.Markdown(elem_id="bezwaren-status")
            dossier = gr.State(None)  # the last dossier read, for showing one letter's card when it is picked
            # datatype "str": cells are shown as text; a letter's words must never be rendered as Markdown.
            letters_table = gr.Dataframe(headers=OVERVIEW_HEADERS, datatype=["str"] * 8 + ["number", "str"],
                                         label="Overzicht", interactive=False, elem_id="bezwaren-overzicht")
            clusters_table = gr.Dataframe(headers=CLUSTER_HEADERS, datatype=["str", "number", "str"],
                                          label="Gronden die terugkomen", interactive=False,
                                          elem_id="bezwaren-clusters")
            choice = gr.Dropdown(choices=[], label="Brief", elem_id="bezwaren-brief")
            card = gr.HTML(elem_id="bezwaren-kaart")
            unread = gr.HTML(elem_id="bezwaren-niet-gelezen")
            exports = gr.File(label="Exports (JSON, Markdown, CSV, Word)", file_count="multiple",
                              interactive=False, elem_id="bezwaren-exports")
            read.click(lambda *inputs: read_objections(app, *inputs), [letters, committee, received],
                       [state, letters_table, clusters_table, choice, card, unread, exports, dossier],
                       api_visibility="private")
            choice.change(chosen_card_html, [dossier, choice], card, api_visibility="private")
    return ui


def status_markdown(app: Application) -> str:
    rows = ["| Collectie | Documenten | Chunks |", "|---|---|---|"]
    rows += [f"| {s.name} | {s.documents} | {s.chunks} |" for s in app.status()]
    return "\n".join(rows)
