"""The *Bezwaren* tab: objection letters read into file cards, an overview, the grounds that recur and exports."""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import gradio as gr

from assistant.application import Application
from assistant.objections.exports import DISCLAIMER, on_time_text, write_exports, yes_no
from assistant.ui.shared import marked_html
from bronvast.schema import Dossier, LetterCard, ObjectionOptions
from ingest.manifest import MANIFEST_NAMES

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
    """The letter's text as inert HTML with each quote found in <mark> (letter text is untrusted)."""
    return marked_html(text, [span for span in (quote_span(text, quote) for quote in quotes) if span])


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




def build_objections_tab(app: Application) -> None:
    """The tab's components and events, inside the current gr.Tab (its words are Dutch only: Dutch law)."""
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
                                  label="Gronden die terugkomen", interactive=False, elem_id="bezwaren-clusters")
    choice = gr.Dropdown(choices=[], label="Brief", elem_id="bezwaren-brief")
    card = gr.HTML(elem_id="bezwaren-kaart")
    unread = gr.HTML(elem_id="bezwaren-niet-gelezen")
    exports = gr.File(label="Exports (JSON, Markdown, CSV, Word)", file_count="multiple", interactive=False,
                      elem_id="bezwaren-exports")
    read.click(lambda *inputs: read_objections(app, *inputs), [letters, committee, received],
               [state, letters_table, clusters_table, choice, card, unread, exports, dossier],
               api_visibility="private")
    choice.change(chosen_card_html, [dossier, choice], card, api_visibility="private")
