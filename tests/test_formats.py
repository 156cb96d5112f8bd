"""The further formats: OpenDocument text, archive metadata records (MDTO / TMLO XML) and e-mail with attachments."""

from __future__ import annotations

import base64
import re
import zipfile

import pytest
from files import (
    make_docx,
    make_eml,
    make_empty,
    make_mdto,
    make_odt,
    make_pdf,
    make_random_bytes,
    make_text,
    make_topx,
)

from ingest.parsed import UnreadableFile
from ingest.readers import read_document, read_documents


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
        (lambda p: make_random_bytes(p), "bestand heet .odt maar is een bestand van onbekend type"),
        (lambda p: make_text(p, "Gewoon tekst met de verkeerde extensie."),
         "bestand heet .odt maar is een tekstbestand"),
        (lambda p: make_odt(p, [("p", "x")], mimetype="application/vnd.oasis.opendocument.spreadsheet"),
         "bestand heet .odt maar is een ODS-bestand (OpenDocument-rekenblad)"),
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
    assert reason(path) == "bestand heet .odt maar is een ZIP-bestand"

    broken = tmp_path / "kapot.odt"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("content.xml", '<?xml version="1.0"?>\n<document>\n<a></b>')
    text = reason(broken)
    assert "content.xml" in text and "geen geldige XML" in text and "regel 3" in text


@pytest.mark.parametrize("seed", range(5))
def test_odt_with_damaged_bytes(tmp_path, seed):
    import random

    data = bytearray(make_odt(tmp_path / "goed.odt", [("p", "Tekst van de nota. " * 500)], title="Nota").read_bytes())
    rng = random.Random(seed)
    for _ in range(20):
        data[rng.randrange(100, len(data) - 200)] = rng.randrange(256)
    (tmp_path / "kapot.odt").write_bytes(bytes(data))
    assert "beschadigd ODT-bestand" in reason(tmp_path / "kapot.odt")
    (tmp_path / "half.odt").write_bytes(bytes(data[: len(data) // 2]))
    assert "beschadigd ODT-bestand" in reason(tmp_path / "half.odt")


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
        "public_from": "2040-01-01",  # searchable by everyone from that day, without indexing it again
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

    assert (doc.title, doc.date) == ("Notulen raadsvergadering", "1998-04-02")
    assert doc.metadata["creator"] == "Gemeente Oudstad"
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


# --- E-mail -----------------------------------------------------------------------------------------------------


def office_files(tmp_path) -> list[tuple[str, bytes]]:
    """One attachment of each kind a mail brings in practice, each holding a fact of its own."""
    pdf = make_pdf(tmp_path / "src" / "p.pdf", ["Situatieschets.", "Het podium staat op het Kerkplein."])
    word = make_docx(tmp_path / "src" / "w.docx", "Veiligheidsplan", [("Ontruiming", "Er zijn vier nooduitgangen.")])
    odt = make_odt(tmp_path / "src" / "o.odt", [("h", 1, "Geluid"), ("p", "De muziek stopt om 23.00 uur.")])
    return [
        ("plattegrond.pdf", pdf.read_bytes()),
        ("veiligheidsplan.docx", word.read_bytes()),
        ("geluidsplan.odt", odt.read_bytes()),
        ("deelnemers.txt", "Er komen ongeveer 350 bezoekers.".encode("utf-8")),
    ]


def test_mail_headers_body_and_attachments_as_linked_documents(tmp_path):
    path = make_eml(tmp_path / "aanvraag.eml", attachments=office_files(tmp_path))

    mail, *attachments = read_documents(path)

    assert (mail.kind, mail.title, mail.date, mail.path) == ("email", "Aanvraag evenementenvergunning Koningsdag",
                                                             "2025-03-04", path)
    assert mail.metadata == {
        "from": "Anna Jansen <anna.jansen@example.nl>",
        "to": "vergunningen@gemeente-voorbeeld.nl",
        "doc_type": "e-mail",
        "attachments": "plattegrond.pdf, veiligheidsplan.docx, geluidsplan.odt, deelnemers.txt",
    }
    text = mail.pages[0].text
    assert text.startswith("Van: Anna Jansen <anna.jansen@example.nl>\nAan: vergunningen@gemeente-voorbeeld.nl")
    assert "Onderwerp: Aanvraag evenementenvergunning Koningsdag" in text
    assert "Hierbij stuur ik de aanvraag voor het buurtfeest." in text
    assert [(a.path.name, a.kind) for a in attachments] == [
        ("plattegrond.pdf", "pdf"), ("veiligheidsplan.docx", "docx"), ("geluidsplan.odt", "odt"),
        ("deelnemers.txt", "text"),
    ]
    for attachment in attachments:  # the rule: one file, one key and one sha256; linked to the mail by metadata
        assert (attachment.key, attachment.sha256) == (mail.key, mail.sha256)
        assert attachment.metadata["parent"] == mail.key and attachment.metadata["parent_source"] == "aanvraag.eml"
    pdf, word, odt, txt = attachments
    assert [(p.number, p.text) for p in pdf.pages][1] == (2, "Het podium staat op het Kerkplein.")
    assert word.title == "Veiligheidsplan" and word.pages[0].section == "Ontruiming"
    assert odt.pages[0].section == "Geluid"
    assert txt.date == "2025-03-04"  # no date of its own: the mail's
    assert read_document(path) == mail


def test_html_only_mail_is_cleaned_and_sectioned(tmp_path):
    html = ("<html><head><style>p {color: red}</style></head><body><h2>Melding</h2><p>De lantaarnpaal bij "
            "<b>huisnummer 8</b> is kapot.</p><div class='footer'>Verzonden vanaf mijn telefoon</div></body></html>")
    mail = read_document(make_eml(tmp_path / "melding.eml", subject="Kapotte lantaarn", text=None, html=html))

    assert mail.pages[0].section == "Melding"
    assert "De lantaarnpaal bij huisnummer 8 is kapot." in mail.pages[0].text
    assert "color" not in mail.pages[0].text and "Verzonden vanaf" not in mail.pages[0].text


def test_plain_text_preferred_over_html(tmp_path):
    mail = read_document(make_eml(tmp_path / "m.eml", text="Platte tekst.", html="<p>HTML-tekst.</p>"))
    assert "Platte tekst." in mail.pages[0].text and "HTML-tekst" not in mail.pages[0].text


def test_unreadable_attachments_are_skipped_with_reasons(tmp_path):
    attachments = [
        ("foto.jpg", b"\xff\xd8\xff\xe0 not really a photo"),
        ("model.dwg", b"AC1032 drawing"),
        ("kapot.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4),
        ("../../stiekem.txt", "Een naam met mappen ervoor.".encode()),
        ("stiekem.txt", "Zelfde naam nog eens.".encode()),
    ]
    mail, *readable = read_documents(make_eml(tmp_path / "m.eml", attachments=attachments))

    assert [a.path.name for a in readable] == ["stiekem.txt", "stiekem (2).txt"]
    skipped = mail.metadata["skipped_attachments"]
    assert "foto.jpg (geen geldig of een beschadigd afbeeldingsbestand)" in skipped  # images are read with OCR
    assert "model.dwg (bestandstype '.dwg' wordt niet ondersteund)" in skipped
    assert "kapot.pdf (geen geldig of een beschadigd PDF-bestand" in skipped


def test_mail_with_attachments_only(tmp_path):
    mail, attachment = read_documents(make_eml(tmp_path / "m.eml", text=None, attachments=[("a.txt", b"Inhoud.")]))
    assert "Bijlagen: a.txt" in mail.pages[0].text and attachment.pages[0].text == "Inhoud."


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1", "x-onbekend"])
def test_mail_whose_body_is_random_bytes_is_not_text(tmp_path, charset):
    noise = make_random_bytes(tmp_path / "ruis.bin", size=4096, seed=5).read_bytes()
    path = tmp_path / "ruis.eml"  # the declared charset decodes any bytes; an unknown one is detected
    path.write_bytes(
        "From: a@example.nl\r\nTo: b@example.nl\r\nSubject: Ruis\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
        + base64.encodebytes(noise)
    )
    assert re.fullmatch(r"bevat geen leesbare tekst: \d+% stuur- of onbekende tekens", reason(path))


def test_random_bytes_attachment_is_skipped_naming_why(tmp_path):
    noise = make_random_bytes(tmp_path / "ruis.bin", size=4096, seed=6).read_bytes()
    (mail,) = read_documents(make_eml(tmp_path / "m.eml", attachments=[("ruis.txt", noise), ("ruis.html", noise)]))
    assert re.fullmatch(
        r"ruis\.txt \(bevat geen leesbare tekst: \d+% stuur- of onbekende tekens\); ruis\.html \(.*tekens\)",
        mail.metadata["skipped_attachments"],
    )
    assert "Hierbij stuur ik de aanvraag" in mail.pages[0].text


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: make_empty(p), "leeg bestand"),
        (lambda p: make_random_bytes(p), "geen e-mailbericht"),
        (lambda p: make_text(p, "Gewoon een tekst zonder kopregels.\nTweede regel."), "geen e-mailbericht"),
        (lambda p: make_eml(p, text=None), "e-mail zonder tekst en zonder bijlagen"),
        (lambda p: make_eml(p, text="   \n  "), "e-mail zonder tekst en zonder bijlagen"),
    ],
    ids=["empty", "random", "text", "no-body", "blank-body"],
)
def test_bad_mail(tmp_path, make, expected):
    assert expected in reason(make(tmp_path / "slecht.eml"))


def test_mail_and_attachments_indexed_together_and_a_fact_in_an_attachment_is_found(app, tmp_path):
    collection = "mail_formats"
    path = make_eml(tmp_path / "aanvraag.eml",
                    attachments=office_files(tmp_path) + [("kapot.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4)])

    outcome = app.ingest([path], collection).outcomes[0]

    assert outcome.status == "nieuw" and outcome.chunks >= 5
    assert outcome.reason.startswith("bijlagen overgeslagen: kapot.pdf (")
    chunks = [chunk for chunk in app.store.chunks(collection)]
    assert {c.source for c in chunks} == {"aanvraag.eml", "plattegrond.pdf", "veiligheidsplan.docx",
                                          "geluidsplan.odt", "deelnemers.txt"}
    assert {c.path for c in chunks} == {str(path.resolve())}
    assert sorted(c.chunk_index for c in chunks) == list(range(len(chunks)))  # one running number per file
    podium = next(c for c in chunks if "Kerkplein" in c.text)
    assert (podium.page, podium.metadata["parent_source"]) == (2, "aanvraag.eml")
    assert podium.metadata["parent"] == str(path.resolve())

    hits = app.retriever.retrieve("Hoeveel nooduitgangen zijn er?", collection)
    assert hits and hits[0].chunk.source == "veiligheidsplan.docx" and "vier nooduitgangen" in hits[0].chunk.text
    assert "podium" not in hits[0].chunk.text  # widening stays within the attachment
    assert hits[0].chunk.section == "Ontruiming" and hits[0].chunk.metadata["parent_source"] == "aanvraag.eml"
    assert next(c for c in chunks if c.source == "aanvraag.eml").metadata["doc_type"] == "e-mail"

    assert app.ingest([path], collection).outcomes[0].status == "ongewijzigd"
    make_eml(path, attachments=[("deelnemers.txt", "Er komen ongeveer 500 bezoekers.".encode())])
    assert app.ingest([path], collection).outcomes[0].status == "vervangen"
    after = list(app.store.chunks(collection))
    assert {c.source for c in after} == {"aanvraag.eml", "deelnemers.txt"}  # the dropped attachments went too
    assert any("500 bezoekers" in c.text for c in after) and not any("350" in c.text for c in after)


def test_forwarded_mail_is_read_with_its_own_attachments(tmp_path):
    from email import policy
    from email.parser import BytesParser

    def parse(path):
        return BytesParser(policy=policy.default).parsebytes(path.read_bytes())

    inner = make_eml(tmp_path / "in.eml", subject="Oorspronkelijk bericht", text="De boom valt om.",
                     attachments=[("uitleg.txt", b"Uitleg bij de foto.")])
    outer = parse(make_eml(tmp_path / "uit.eml", subject="Fwd: boom", text="Zie onder."))
    outer.add_attachment(parse(inner))
    path = tmp_path / "doorgestuurd.eml"
    path.write_bytes(bytes(outer))

    mail, forwarded, note = read_documents(path)

    assert mail.metadata["attachments"] == "doorgestuurd-bericht.eml"
    assert (forwarded.kind, forwarded.title, forwarded.metadata["parent_source"]) == (
        "email", "Oorspronkelijk bericht", "doorgestuurd.eml")
    assert "De boom valt om." in forwarded.pages[0].text
    assert (note.path.name, note.key) == ("uitleg.txt", mail.key)
    assert note.metadata["parent_source"] == "doorgestuurd-bericht.eml"
