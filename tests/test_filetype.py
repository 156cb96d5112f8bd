"""A file's type by its content (ingest/filetype.py), in the router and for e-mail attachments; file names given by
others made plain (ingest/filenames.py, assistant/uploads.safe_name); ZIP members listed and read, never extracted."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from files import make_docx, make_eml, make_odt, make_pdf, make_text

from assistant.uploads import UploadRefused, safe_name
from ingest.filenames import plain_name
from ingest.filetype import sniff
from ingest.parsed import UnreadableFile
from ingest.readers import check_type, read_documents

HTML_ERROR_PAGE = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Niet gevonden</body></html>"


def sniffed(data: bytes) -> str:
    return sniff(io.BytesIO(data)).name


def test_binary_formats_by_their_signature_and_zips_by_their_members(tmp_path):
    assert sniffed(make_pdf(tmp_path / "a.pdf", ["Tekst."]).read_bytes()) == "een PDF-bestand"
    assert sniffed(b"\n\n%PDF-1.4 junk before the header") == "een PDF-bestand"
    assert sniffed(make_docx(tmp_path / "a.docx", "T", [("Kop", "Tekst.")]).read_bytes()) == "een DOCX-bestand (Word)"
    odt = make_odt(tmp_path / "a.odt", [("p", "Tekst.")])
    assert sniffed(odt.read_bytes()) == "een ODT-bestand (OpenDocument-tekst)"
    spreadsheet = make_odt(tmp_path / "b.odt", [("p", "x")], mimetype="application/vnd.oasis.opendocument.spreadsheet")
    assert sniffed(spreadsheet.read_bytes()) == "een ODS-bestand (OpenDocument-rekenblad)"
    for members, expected in [(["[Content_Types].xml", "xl/workbook.xml"], "een XLSX-bestand (Excel)"),
                              (["notities.txt"], "een ZIP-bestand"),
                              (["content.xml"], "een ODT-bestand (OpenDocument-tekst)")]:  # no mimetype: still ODT
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as writer:
            for member in members:
                writer.writestr(member, "<x/>")
        assert sniffed(archive.getvalue()) == expected
    assert sniffed(b"PK\x03\x04 cut off") == "een beschadigd ZIP-bestand"
    assert sniffed(b"\x89PNG\r\n\x1a\n....") == "een PNG-afbeelding"
    assert sniffed(b"\xff\xd8\xff\xe0....") == "een JPEG-afbeelding"
    assert sniffed(b"II*\x00....") == sniffed(b"MM\x00*....") == "een TIFF-afbeelding"
    assert sniffed(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....") == "een ouder Office-bestand (.doc, .xls of .ppt)"


@pytest.mark.parametrize(("data", "expected"), [
    (b"From: anna@example.nl\r\nTo: info@gemeente.nl\r\nSubject: Vraag\r\n\r\nTekst.", "een e-mailbericht"),
    (b"From anna@example.nl Tue Mar  4 09:15:00 2025\nReceived: by mx\n  (folded)\nSubject: x\n\nTekst.",
     "een e-mailbericht"),
    (b"Titel: notulen\nDatum: 3 maart\n\nTekst.", "een tekstbestand"),  # header-like lines, but no mail header
    (HTML_ERROR_PAGE, "een HTML-bestand"),
    (b"\xef\xbb\xbf<!-- export -->\n<html lang='nl'><body>x</body></html>", "een HTML-bestand"),
    (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>', "een HTML-bestand"),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<MDTO><informatieobject/></MDTO>', "een XML-bestand"),
    ("Gewone tekst in UTF-16.".encode("utf-16"), "een tekstbestand"),
    (b"De raad vergadert op donderdag.", "een tekstbestand"),
    (b"\x00\x01\x02\x03 binary", "een bestand van onbekend type"),
])
def test_text_by_its_first_lines(data, expected):
    assert sniffed(data) == expected


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("nota.pdf", "docx", "bestand heet .pdf maar is een DOCX-bestand (Word)"),
    ("download.pdf", "html", "bestand heet .pdf maar is een HTML-bestand"),
    ("brief.docx", "pdf", "bestand heet .docx maar is een PDF-bestand"),
    ("scan.PNG", "pdf", "bestand heet .png maar is een PDF-bestand"),
    ("brief.odt", "docx", "bestand heet .odt maar is een DOCX-bestand (Word)"),
    ("notities.txt", "pdf", "bestand heet .txt maar is een PDF-bestand"),
    ("pagina.html", "docx", "bestand heet .html maar is een DOCX-bestand (Word)"),
    ("bericht.eml", "pdf", "bestand heet .eml maar is een PDF-bestand"),
    ("tabel.xlsx", "text", "bestandstype '.xlsx' wordt niet ondersteund"),
])
def test_the_router_refuses_content_of_another_type_than_its_name_says(tmp_path, name, content, reason):
    """Folder ingests and uploads alike: the reason names both, rather than a parser's complaint."""
    source = {"docx": lambda p: make_docx(p, "T", [("Kop", "Tekst.")]), "pdf": lambda p: make_pdf(p, ["Tekst."]),
              "html": lambda p: p.write_bytes(HTML_ERROR_PAGE), "text": lambda p: make_text(p, "Tekst.")}
    path = tmp_path / name
    source[content](path)
    for check in (check_type, read_documents):
        with pytest.raises(UnreadableFile) as refused:
            check(path)
        assert str(refused.value) == reason


@pytest.mark.parametrize(("name", "data"), [
    ("oud.md", b"<html><body>HTML in een .md-bestand</body></html>"),  # text kinds take any text
    ("bericht.txt", b"From: a@example.nl\nSubject: x\n\nOpgeslagen mail als tekst."),
    ("foto.jpg", b"\x89PNG\r\n\x1a\n"),  # an image is an image: the OCR reader takes it by content
    ("kapot.docx", b"PK\x03\x04 cut off"),  # a damaged ZIP goes on to its reader, which says what is wrong
    ("leeg.pdf", b""),  # the reader says it is empty
])
def test_what_passes_to_its_reader(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    check_type(path)


def test_an_attachment_is_checked_and_named_plainly(tmp_path):
    word = make_docx(tmp_path / "w.docx", "T", [("Kop", "Tekst.")]).read_bytes()
    attachments = [("besluit.pdf", word), ("..", b"Twee punten."), ("factuur\u202etxt.exe", b"Omgekeerd."),
                   ("C:\\Users\\anna\\Documents\\brief.txt", b"Een pad van Windows."), ("ｎｏｔａ．ｔｘｔ", b"Breed.")]
    mail, *read = read_documents(make_eml(tmp_path / "m.eml", attachments=attachments))
    assert [(a.path.name, a.path.parent.name) for a in read] == [("brief.txt", "m.eml"), ("nota.txt", "m.eml")]
    assert mail.metadata["attachments"] == "besluit.pdf, bijlage, factuurtxt.exe, brief.txt, nota.txt"
    skipped = mail.metadata["skipped_attachments"]
    assert "besluit.pdf (bestand heet .pdf maar is een DOCX-bestand (Word))" in skipped
    assert "bijlage (bestandstype '(geen)' wordt niet ondersteund)" in skipped
    assert "factuurtxt.exe (bestandstype '.exe' wordt niet ondersteund)" in skipped


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../x.pdf", "x.pdf"), ("/etc/passwd", "passwd"), ("C:\\temp\\..\\x.pdf", "x.pdf"), ("a/../../b.md", "b.md"),
    ("a\x00b.pdf", "ab.pdf"), ("factuur\u202efdp.exe", "factuurfdp.exe"), ("zero\u200bwidth.md", "zerowidth.md"),
    ("ｆｕｌｌ．ｐｄｆ", "full.pdf"), ("kwaad／..／x.md", "x.md"), ("cafe\u0301.md", "café.md"),
    (".verborgen.md", "verborgen.md"), ("regel\neinde.md", "regel einde.md"), ("..", ""), (" . ", ""), (None, ""),
])
def test_plain_names(raw, expected):
    assert plain_name(raw) == expected


def test_a_long_name_keeps_its_suffix_within_200_bytes():
    for raw in ("x" * 300 + ".pdf", "é" * 300 + ".docx", "ä" * 500):
        name = plain_name(raw)
        assert len(name.encode()) <= 200 and name.endswith(raw[-5:] if "." in raw else "ä")
        assert name.encode().decode() == name  # no character cut in half


def test_upload_names_are_plain_and_shell_safe_or_refused():
    assert safe_name("../../geheim/honden belasting.md") == "honden belasting.md"
    assert safe_name("rapport $(rm -rf ~);.pdf") == "rapport _(rm -rf _)_.pdf"
    assert safe_name("Bezwaar #12 'spoed'.docx") == "Bezwaar _12 _spoed_.docx"
    for bad in ("..", "", None, "***", "/", "\u202e"):
        with pytest.raises(UploadRefused, match="ongeldige bestandsnaam"):
            safe_name(bad)


def test_zip_members_are_listed_and_read_never_extracted(tmp_path, monkeypatch):
    """A member named ../../ontsnapt.txt in a DOCX or ODT stays a name inside the archive."""
    work = tmp_path / "werk" / "map"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    for path in (make_docx(work / "a.docx", "T", [("Kop", "Tekst van het document.")]),
                 make_odt(work / "a.odt", [("p", "Tekst van het document.")])):
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("../../ontsnapt.txt", "buiten")
            archive.writestr("/tmp/bronvast-absoluut-lid.txt", "buiten")
        assert "Tekst van het document." in read_documents(path)[0].pages[0].text
        check_type(path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.docx", "a.odt", "map", "werk"]
    assert not (tmp_path.parent / "ontsnapt.txt").exists() and not Path("/tmp/bronvast-absoluut-lid.txt").exists()
