"""The further formats: OpenDocument text, archive metadata records (MDTO / TMLO XML) and e-mail with attachments."""

from __future__ import annotations

import zipfile

import pytest
from files import make_empty, make_mdto, make_odt, make_random_bytes, make_text, make_topx

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


# --- Archive records (MDTO / TMLO) ------------------------------------------------------------------------------


def test_mdto_record_title_description_and_metadata(tmp_path):
    doc = read_document(make_mdto(tmp_path / "bouwdossier.xml"))

    assert doc.kind == "xml"
    assert doc.title == "Bouwdossier Kerkstraat 12, verbouwing tot appartementen"
    assert doc.date == "2019-03-01"
    assert doc.access == ("restricted",)
    assert doc.metadata == {
        "identifier": "NL-0999-10001-BD-2019-0457",
        "identifier_source": "Zaaksysteem gemeente Voorbeeld",
        "creator": "Gemeente Voorbeeld",
        "aggregation": "Dossier",
        "doc_type": "archiefrecord",
        "standard": "MDTO",
        "openbaarheid": "beperkt openbaar tot 2040-01-01",
    }
    text = doc.pages[0].text
    assert text.startswith("Bouwdossier Kerkstraat 12, verbouwing tot appartementen\nAanvraag, tekeningen")
    assert "zes appartementen" in text
    assert "Kenmerk: NL-0999-10001-BD-2019-0457" in text and "Archiefvormer: Gemeente Voorbeeld" in text
    assert "Datering: 2019-03-01 tot en met 2020-01-15" in text
    assert "Selectielijst" not in text  # the begrippenlijsten are not content


@pytest.mark.parametrize(
    ("beperking", "einde", "openbaarheid", "access"),
    [
        ("Openbaar", None, "openbaar", ("public",)),
        ("Openbaarheidsbeperking", None, "beperkt openbaar", ("restricted",)),
        ("Niet openbaar", "2060-12-31", "niet openbaar tot 2060-12-31", ("restricted",)),
        ("Openbaarheidsbeperking", "2001-01-01", "openbaar (beperking verlopen op 2001-01-01)", ("public",)),
        (None, None, None, ("public",)),
    ],
)
def test_mdto_openness(tmp_path, beperking, einde, openbaarheid, access):
    doc = read_document(make_mdto(tmp_path / "r.xml", beperking=beperking, beperking_einde=einde))
    assert (doc.metadata.get("openbaarheid"), doc.access) == (openbaarheid, access)


def test_mdto_restriction_from_start_date_and_duration(tmp_path):
    path = make_mdto(tmp_path / "r.xml", beperking_einde=None)
    path.write_text(path.read_text().replace(
        "</beperkingGebruikNadereBeschrijving>",
        "</beperkingGebruikNadereBeschrijving><beperkingGebruikTermijn><termijnStartdatumLooptijd>2020-01-15"
        "</termijnStartdatumLooptijd><termijnLooptijd>P75Y</termijnLooptijd></beperkingGebruikTermijn>",
    ))
    assert read_document(path).metadata["openbaarheid"] == "beperkt openbaar tot 2095-01-15"


def test_tmlo_topx_record(tmp_path):
    doc = read_document(make_topx(tmp_path / "raadsvoorstel.xml"))

    assert doc.title == "Raadsvoorstel herinrichting Marktplein"
    assert doc.date == "2016-02-01" and doc.access == ("public",)
    assert doc.metadata["identifier"] == "2016-RV-0031"
    assert doc.metadata["creator"] == "Gemeenteraad Voorbeeld"
    assert doc.metadata["openbaarheid"] == "openbaar" and doc.metadata["standard"] == "TMLO"
    assert "40 fietsparkeerplaatsen" in doc.pages[0].text

    limited = read_document(make_topx(tmp_path / "b.xml", openbaarheid="Beperkt openbaar", datum="2041-01-01"))
    assert (limited.metadata["openbaarheid"], limited.access) == ("beperkt openbaar tot 2041-01-01", ("restricted",))


def test_tmlo_like_record_without_namespace(tmp_path):
    path = make_text(tmp_path / "export.xml", """<?xml version="1.0" encoding="ISO-8859-1"?>
<record><Identificatiekenmerk>A-17</Identificatiekenmerk><Titel>Notulen raadsvergadering</Titel>
<Omschrijving>Besluit over de reünie van de schutterij.</Omschrijving>
<Datering><Begin>1998-04-02</Begin></Datering><Archiefvormer>Gemeente Oudstad</Archiefvormer>
<Openbaarheid><Omschrijving>Openbaar</Omschrijving></Openbaarheid></record>""", encoding="latin-1")

    doc = read_document(path)

    assert (doc.title, doc.date, doc.metadata["creator"]) == ("Notulen raadsvergadering", "1998-04-02", "Gemeente Oudstad")
    assert "reünie" in doc.pages[0].text and doc.metadata["openbaarheid"] == "openbaar"


def test_xml_that_is_no_archive_record(tmp_path):
    path = make_text(tmp_path / "feed.xml", '<?xml version="1.0"?><rss><channel><title>Nieuws</title></channel></rss>')
    assert reason(path) == "XML is geen MDTO- of TMLO-record (alleen archiefrecords in XML worden gelezen)"


def test_malformed_xml_names_the_line(tmp_path):
    path = make_mdto(tmp_path / "kapot.xml")
    lines = path.read_text().splitlines()
    lines[4] = lines[4].replace("</naam>", "</titel>")
    path.write_text("\n".join(lines))
    text = reason(path)
    assert "geen geldige XML" in text and "regel 5" in text


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: make_empty(p), "leeg bestand"),
        (lambda p: make_random_bytes(p), "geen geldige XML"),
        (lambda p: make_text(p, "Gewoon tekst."), "geen geldige XML"),
    ],
    ids=["empty", "random", "text"],
)
def test_bad_xml(tmp_path, make, expected):
    assert expected in reason(make(tmp_path / "slecht.xml"))
