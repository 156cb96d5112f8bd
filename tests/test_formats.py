"""The further formats: OpenDocument text, archive metadata records (MDTO / TMLO XML) and e-mail with attachments."""

from __future__ import annotations

import zipfile

import pytest
from files import make_empty, make_odt, make_random_bytes, make_text

from ingest.readers import UnreadableFile, read_document, read_documents


def reason(path) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_documents(path)
    return str(info.value)


# --- ODT --------------------------------------------------------------------------------------------------------

ODT_BLOCKS = [
    ("p", "Kenmerk: 2025-0042"),
    ("h", 1, "1. Aanleiding"),
    ("p", "De raad vroeg om een evaluatie van de hondenbelasting."),
    ("h", 2, "1.1 Cijfers"),
    ("table", [["Jaar", "Opbrengst"], ["2023", "€ 120.000"]]),
    ("h", 1, "2. Voorstel"),
    ("list", ["Belasting afschaffen per 2026", "Dekking uit de algemene middelen"]),
    ("p", "Het college<s/>stemt in."),
]


def test_odt_text_sections_lists_tables_and_meta(tmp_path):
    path = make_odt(tmp_path / "nota.odt", ODT_BLOCKS, title="Nota hondenbelasting", created="2024-03-05T10:11:12",
                    creator="J. de Vries")

    doc = read_document(path)

    assert (doc.kind, doc.title, doc.date, doc.metadata) == ("odt", "Nota hondenbelasting", "2024-03-05",
                                                              {"creator": "J. de Vries"})
    assert [(p.number, p.section) for p in doc.pages] == [
        (None, None), (None, "1. Aanleiding"), (None, "1. Aanleiding > 1.1 Cijfers"), (None, "2. Voorstel"),
    ]
    assert doc.pages[0].text == "Kenmerk: 2025-0042"
    assert doc.pages[1].text == "1. Aanleiding\nDe raad vroeg om een evaluatie van de hondenbelasting."
    assert doc.pages[2].text == "1.1 Cijfers\nJaar | Opbrengst\n2023 | € 120.000"
    assert doc.pages[3].text.splitlines() == [
        "2. Voorstel", "Belasting afschaffen per 2026", "Dekking uit de algemene middelen", "Het college stemt in.",
    ]


def test_odt_without_meta_takes_first_heading_and_without_headings_has_no_section(tmp_path):
    doc = read_document(make_odt(tmp_path / "a.odt", [("h", 1, "Subsidieregeling sport"), ("p", "Tekst.")]))
    assert doc.title == "Subsidieregeling sport" and doc.date is None and doc.metadata == {}

    plain = read_document(make_odt(tmp_path / "b.odt", [("p", "Een alinea."), ("p", "Nog een.")]))
    assert [(p.section, p.text) for p in plain.pages] == [(None, "Een alinea.\nNog een.")]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: make_empty(p), "leeg bestand"),
        (lambda p: make_random_bytes(p), "beschadigd ODT-bestand"),
        (lambda p: make_text(p, "Gewoon tekst met de verkeerde extensie."), "beschadigd ODT-bestand"),
        (lambda p: make_odt(p, [("p", "x")], mimetype="application/vnd.oasis.opendocument.spreadsheet"),
         "geen ODT-tekstdocument"),
        (lambda p: make_odt(p, []), "geen leesbare tekst"),
    ],
    ids=["empty", "random", "text", "spreadsheet", "no-text"],
)
def test_bad_odt(tmp_path, make, expected):
    assert expected in reason(make(tmp_path / "slecht.odt"))


def test_odt_zip_without_content_or_with_broken_xml(tmp_path):
    path = tmp_path / "zonder.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notities.txt", "Geen ODT.")
    assert "content.xml ontbreekt" in reason(path)

    broken = tmp_path / "kapot.odt"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("content.xml", '<?xml version="1.0"?>\n<document>\n<a></b>')
    text = reason(broken)
    assert "content.xml" in text and "geen geldige XML" in text and "regel 3" in text


def test_odt_with_entity_declarations_is_refused(tmp_path):
    bomb = tmp_path / "bom.odt"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("content.xml", '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                         '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>')
    assert "DOCTYPE" in reason(bomb)
