"""A dossier of objection letters written out for the municipal lawyer: JSON (for other tools), Markdown (to read),
CSV (to sort and filter in Excel) and DOCX (to annotate in Word).

Every file states that this is preparatory work: the lawyer weighs the grounds, the tool never says whether an
objection is well-founded. Letters are untrusted input, so their text is escaped for each format (Markdown table
cells, CSV formulas, characters Word's XML cannot hold)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Row

from bronvast.atomic import write_atomically
from bronvast.schema import Dossier, Ground, GroundCluster, LetterCard

DISCLAIMER = (
    "Deze samenvatting is voorbereidend werk: de jurist beoordeelt en beslist. "
    "Er staat niet in of een bezwaar gegrond is."
)
TITLE = "Bezwaarschriften"
UNVERIFIED = "⚠ citaat niet teruggevonden in de brief"
NONE_SHOWN = "—"  # Markdown and DOCX: the letter does not say (CSV leaves the cell empty, so Excel can filter on it)

JSON_FILE = "bezwaren.json"
MARKDOWN_FILE = "bezwaren.md"
CSV_FILE = "bezwaren.csv"
CLUSTERS_CSV_FILE = "clusters.csv"
DOCX_FILE = "bezwaren.docx"


def write_exports(dossier: Dossier, out_dir: Path) -> list[Path]:
    """Writes bezwaren.json, .md, .csv, .docx (and clusters.csv when there are clusters) into `out_dir`; returns
    their paths. All files are rendered before any is written, so a rendering error leaves the previous exports as
    they were; each file is then replaced whole or not at all."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {JSON_FILE: render_json(dossier), MARKDOWN_FILE: render_markdown(dossier).encode("utf-8"),
                CSV_FILE: render_letters_csv(dossier)}
    if dossier.clusters:
        contents[CLUSTERS_CSV_FILE] = render_clusters_csv(dossier.clusters)
    contents[DOCX_FILE] = render_docx(dossier)
    paths = []
    for name, content in contents.items():
        write_atomically(out_dir / name, content)
        paths.append(out_dir / name)
    if not dossier.clusters:
        # A clusters.csv left by an earlier run would sit next to this dossier's letters as if it belonged to them.
        with contextlib.suppress(FileNotFoundError):
            (out_dir / CLUSTERS_CSV_FILE).unlink()
    return paths


# --- Values shown --------------------------------------------------------------------------------------------------


def yes_no(value: bool | None) -> str:
    return {True: "ja", False: "nee", None: "onbekend"}[value]


def on_time_text(card: LetterCard) -> str:
    """"ja", "nee" or "onbekend", with the reason when there is one: the lawyer must see why it is undecided."""
    word = yes_no(card.on_time)
    return f"{word} ({card.on_time_reason})" if card.on_time_reason else word


def shown(value: str | None) -> str:
    return NONE_SHOWN if value is None or value == "" else value


def joined(values: tuple[str, ...]) -> str:
    return "; ".join(values)


# The overview: one row per letter, the columns a lawyer triages on. Used by the Markdown and DOCX tables.
OVERVIEW_COLUMNS: tuple[tuple[str, Callable[[LetterCard], str]], ...] = (
    ("Bestand", lambda card: card.file),
    ("Briefdatum", lambda card: shown(card.letter_date)),
    ("Ontvangen", lambda card: shown(card.received_date)),
    ("Termijn tot", lambda card: shown(card.deadline)),
    ("Tijdig", on_time_text),
    ("Pro forma", lambda card: yes_no(card.pro_forma)),
    ("Horen", lambda card: yes_no(card.hearing_requested)),
    ("Gemachtigde", lambda card: shown(card.gemachtigde)),
    ("Ontbreekt", lambda card: shown(joined(card.missing))),
)

# A letter's card: every field but the grounds and notes (those are lists, shown after it).
CARD_FIELDS: tuple[tuple[str, Callable[[LetterCard], str]], ...] = (
    ("Bestand", lambda card: card.file),
    ("Briefdatum", lambda card: shown(card.letter_date)),
    ("Ontvangen", lambda card: shown(card.received_date)),
    ("Indiener", lambda card: shown(card.sender)),
    ("Gemachtigde", lambda card: shown(card.gemachtigde)),
    ("Datum besluit", lambda card: shown(card.decision_date)),
    ("Kenmerk besluit", lambda card: shown(card.decision_reference)),
    ("Onderwerp besluit", lambda card: shown(card.decision_subject)),
    ("Verzoek", lambda card: shown(card.request)),
    ("Wil gehoord worden", lambda card: yes_no(card.hearing_requested)),
    ("Pro forma", lambda card: yes_no(card.pro_forma)),
    ("Ontbreekt (Awb 6:5)", lambda card: shown(joined(card.missing))),
    ("Termijn tot", lambda card: shown(card.deadline)),
    ("Tijdig", on_time_text),
    ("Beslissen uiterlijk", lambda card: shown(card.decision_deadline)),
)


# --- JSON ----------------------------------------------------------------------------------------------------------


def render_json(dossier: Dossier) -> bytes:
    document = {**dossier.to_json(), "disclaimer": DISCLAIMER}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# --- Markdown ------------------------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """Line breaks become spaces where a break would end the Markdown element (a heading, a list item's label)."""
    return " ".join(text.split())


def table_cell(text: str) -> str:
    """A pipe would end the cell and a line break the row: both escaped (backslashes first, so an existing `\\|`
    cannot turn the escape around)."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(text.splitlines())


def table_row(cells: list[str]) -> str:
    return "| " + " | ".join(table_cell(cell) for cell in cells) + " |"


def blockquote(text: str, indent: str) -> list[str]:
    return [f"{indent}> {line}".rstrip() for line in text.splitlines()]


def render_markdown(dossier: Dossier) -> str:
    lines = [f"# {TITLE}", "", f"**Let op:** {DISCLAIMER}", "", f"{len(dossier.letters)} brieven.", ""]
    lines += markdown_overview(dossier.letters)
    for card in dossier.letters:
        lines += markdown_card(card)
    if dossier.clusters:
        lines += ["## Terugkerende gronden", ""]
        for cluster in dossier.clusters:
            lines += markdown_cluster(cluster)
    if dossier.rejected:
        lines += ["## Niet gelezen bestanden", ""]
        lines += [f"- {one_line(file)}: {one_line(reason)}" for file, reason in dossier.rejected]
        lines.append("")
    return "\n".join(lines)


def markdown_overview(letters: tuple[LetterCard, ...]) -> list[str]:
    header = [label for label, _ in OVERVIEW_COLUMNS]
    lines = ["## Overzicht", "", table_row(header), "|" + "---|" * len(header)]
    lines += [table_row([value(card) for _, value in OVERVIEW_COLUMNS]) for card in letters]
    return lines + [""]


def markdown_card(card: LetterCard) -> list[str]:
    lines = [f"## {one_line(card.file)}", ""]
    lines += [f"- **{label}:** {one_line(value(card))}" for label, value in CARD_FIELDS]
    lines += ["", "### Gronden", ""]
    if not card.grounds:
        lines += ["Geen gronden gevonden.", ""]
    for n, ground in enumerate(card.grounds, 1):
        lines += markdown_ground(n, ground)
    if card.notes:
        lines += ["### Opmerkingen", ""]
        lines += [f"- {one_line(note)}" for note in card.notes]
        lines.append("")
    return lines


def markdown_ground(n: int, ground: Ground) -> list[str]:
    marker = f"{n}. "
    indent = " " * len(marker)  # continuation lines indented to the marker's width stay inside the list item
    lines = [f"{marker}{one_line(ground.summary)}", ""]
    if ground.quote:
        lines += blockquote(ground.quote, indent) + [""]
    lines += [f"{indent}Vindplaats: {one_line(shown(ground.location))}", ""]
    if not ground.quote_verified:
        lines += [f"{indent}{UNVERIFIED}", ""]
    return lines


def markdown_cluster(cluster: GroundCluster) -> list[str]:
    lines = [f"### {one_line(cluster.label)} ({cluster.count}×)", ""]
    lines += [f"Brieven: {one_line(joined(cluster.letters))}", ""]
    for quote in cluster.quotes:
        lines += blockquote(quote, "") + [""]
    return lines


# --- CSV -----------------------------------------------------------------------------------------------------------

# Spreadsheet programs run a cell that starts with one of these as a formula (=HYPERLINK(...) can leak data or
# mislead); a leading apostrophe makes it text. See OWASP "CSV Injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel with Dutch regional settings splits on ";" (the comma is the decimal sign): a comma-separated file opened
# there by double-click lands in one column.
CSV_DELIMITER = ";"

# The card's scalar fields in the card's own order; lists joined, booleans ja/nee, None an empty cell.
CSV_COLUMNS: tuple[tuple[str, Callable[[LetterCard], str | bool | None]], ...] = (
    ("Bestand", lambda card: card.file),
    ("Briefdatum", lambda card: card.letter_date),
    ("Ontvangen", lambda card: card.received_date),
    ("Indiener", lambda card: card.sender),
    ("Gemachtigde", lambda card: card.gemachtigde),
    ("Datum besluit", lambda card: card.decision_date),
    ("Kenmerk besluit", lambda card: card.decision_reference),
    ("Onderwerp besluit", lambda card: card.decision_subject),
    ("Gronden", lambda card: " | ".join(ground.summary for ground in card.grounds)),
    ("Verzoek", lambda card: card.request),
    ("Horen", lambda card: card.hearing_requested),
    ("Pro forma", lambda card: card.pro_forma),
    ("Ontbreekt", lambda card: joined(card.missing)),
    ("Termijn tot", lambda card: card.deadline),
    ("Tijdig", lambda card: card.on_time),
    ("Reden tijdigheid", lambda card: card.on_time_reason),
    ("Beslissen uiterlijk", lambda card: card.decision_deadline),
    ("Opmerkingen", lambda card: joined(card.notes)),
)
CLUSTER_COLUMNS = ("Grond", "Aantal", "Brieven")


def csv_cell(value: str | bool | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render_csv(header: tuple[str, ...] | list[str], rows: list[list[str | bool | int | None]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    # utf-8-sig: the byte order mark tells Excel the file is UTF-8 (without it, "ë" and "€" come out garbled).
    return buffer.getvalue().encode("utf-8-sig")


def render_letters_csv(dossier: Dossier) -> bytes:
    header = [label for label, _ in CSV_COLUMNS]
    return render_csv(header, [[value(card) for _, value in CSV_COLUMNS] for card in dossier.letters])


def render_clusters_csv(clusters: tuple[GroundCluster, ...]) -> bytes:
    rows = [[cluster.label, cluster.count, joined(cluster.letters)] for cluster in clusters]
    return render_csv(CLUSTER_COLUMNS, rows)


# --- DOCX ----------------------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold (python-docx refuses them): text read from PDFs can carry form feeds and the like.
XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return XML_INCOMPATIBLE.sub("", text)


def render_docx(dossier: Dossier) -> bytes:
    document = docx.Document()
    document.core_properties.title = TITLE
    use_landscape(document)
    document.add_heading(TITLE, level=0)
    document.add_paragraph().add_run(DISCLAIMER).bold = True
    document.add_heading("Overzicht", level=1)
    docx_overview(document, dossier.letters)
    for card in dossier.letters:
        docx_card(document, card)
    if dossier.clusters:
        docx_clusters(document, dossier.clusters)
    if dossier.rejected:
        document.add_heading("Niet gelezen bestanden", level=1)
        for file, reason in dossier.rejected:
            document.add_paragraph(xml_safe(f"{file}: {reason}"), style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def use_landscape(document: WordDocument) -> None:
    """Nine overview columns do not fit on a portrait page."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def docx_overview(document: WordDocument, letters: tuple[LetterCard, ...]) -> None:
    table = document.add_table(rows=1, cols=len(OVERVIEW_COLUMNS))
    table.style = "Table Grid"
    header = table.rows[0]
    repeat_as_header(header)
    for cell, (label, _) in zip(header.cells, OVERVIEW_COLUMNS):
        cell.paragraphs[0].add_run(label).bold = True
    for card in letters:
        for cell, (_, value) in zip(table.add_row().cells, OVERVIEW_COLUMNS):
            cell.text = xml_safe(value(card))


def repeat_as_header(row: _Row) -> None:
    """Marks the row as the table's header, so Word repeats it on every page of a long overview."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def docx_card(document: WordDocument, card: LetterCard) -> None:
    document.add_heading(xml_safe(card.file), level=1)
    for label, value in CARD_FIELDS:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(xml_safe(value(card)))
    document.add_heading("Gronden", level=2)
    if not card.grounds:
        document.add_paragraph("Geen gronden gevonden.")
    for n, ground in enumerate(card.grounds, 1):
        docx_ground(document, n, ground)
    if card.notes:
        document.add_heading("Opmerkingen", level=2)
        for note in card.notes:
            document.add_paragraph(xml_safe(note), style="List Bullet")


def docx_ground(document: WordDocument, n: int, ground: Ground) -> None:
    # Numbered by hand: Word's "List Number" style would keep counting on from the previous letter's grounds.
    document.add_paragraph().add_run(xml_safe(f"{n}. {ground.summary}")).bold = True
    if ground.quote:
        document.add_paragraph(style="Quote").add_run(xml_safe(ground.quote)).italic = True
    document.add_paragraph(xml_safe(f"Vindplaats: {shown(ground.location)}"))
    if not ground.quote_verified:
        document.add_paragraph().add_run(UNVERIFIED).bold = True


def docx_clusters(document: WordDocument, clusters: tuple[GroundCluster, ...]) -> None:
    document.add_heading("Terugkerende gronden", level=1)
    for cluster in clusters:
        document.add_heading(xml_safe(f"{cluster.label} ({cluster.count}×)"), level=2)
        document.add_paragraph(xml_safe(f"Brieven: {joined(cluster.letters)}"))
        for quote in cluster.quotes:
            document.add_paragraph(style="Quote").add_run(xml_safe(quote)).italic = True
