"""Generate test documents on the fly, so no binary fixtures are committed.

Every helper writes one file at `path` (parent folders are created) and returns that path.
Import from a test module in this folder with `from files import make_pdf, ...`.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter


def _target(path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def make_pdf(path: Path | str, pages: list[str], title: str | None = None) -> Path:
    """A text PDF with one page per string in `pages` (core Helvetica font: latin-1 characters only).

    `title` goes into the document metadata (/Title); without it the PDF has no title metadata.
    """
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title is not None:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    path = _target(path)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path | str, text: str = "Vertrouwelijke tekst.", password: str = "geheim") -> Path:
    """A one-page text PDF that can only be opened with the user password `password` (AES-256)."""
    buffer = io.BytesIO()
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    pdf.output(buffer)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt(user_password=password, owner_password=password + "-eigenaar", algorithm="AES-256")
    path = _target(path)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_image_only_pdf(path: Path | str, pages: int = 2) -> Path:
    """A PDF whose pages only hold drawn shapes (rectangles and lines): no text layer, like a scan."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.set_fill_color(120, 120, 120)
        pdf.rect(20, 20, 170, 60, style="F")
        pdf.line(20, 100, 190, 250)
    path = _target(path)
    pdf.output(str(path))
    return path


def make_truncated_pdf(path: Path | str, keep: float = 0.5) -> Path:
    """A valid text PDF cut off after the first `keep` fraction of its bytes (an interrupted download)."""
    buffer = io.BytesIO()
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for n in range(1, 4):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Pagina {n} van een document dat halverwege is afgebroken. " * 5)
    pdf.output(buffer)
    data = buffer.getvalue()
    path = _target(path)
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_docx(
    path: Path | str,
    title: str | None,
    headings_and_paragraphs: list[tuple[str, str]],
    table: list[list[str]] | None = None,
) -> Path:
    """A Word document: per (heading, paragraph) pair a level-1 heading and a paragraph, then an optional table.

    `title` is stored in the core properties (File > Properties > Title); None leaves it empty.
    `table` is a list of rows, each a list of cell texts.
    """
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    for heading, paragraph in headings_and_paragraphs:
        document.add_heading(heading, level=1)
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    path = _target(path)
    document.save(str(path))
    return path


# Words that only occur in the site chrome of make_html, so tests can assert they were stripped.
HTML_BOILERPLATE_WORDS = ["Hoofdmenu", "Websitekop", "Colofonregel", "Cookiemelding", "Zijbalkje"]


def make_html(
    path: Path | str,
    main_html: str,
    head_title: str = "Gemeente Voorbeeld - Website",
    encoding: str = "utf-8",
) -> Path:
    """A web page: `main_html` inside <main>, wrapped in nav, header, footer, aside and a cookie banner.

    The chrome uses only the words in HTML_BOILERPLATE_WORDS; `head_title` goes into <title>.
    """
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="{encoding}"><title>{head_title}</title>
<style>.x {{ color: red; }}</style><script>var Scriptwoord = 1;</script></head>
<body>
<div class="cookie-banner" id="cookie-consent">Cookiemelding: wij gebruiken cookies. <button>Akkoord</button></div>
<header><a href="/">Websitekop Gemeente Voorbeeld</a></header>
<nav><ul><li><a href="/">Hoofdmenu</a></li><li><a href="/zoek">Zoeken</a></li></ul></nav>
<main>
{main_html}
</main>
<aside>Zijbalkje met nieuws</aside>
<footer><p>Colofonregel &copy; Gemeente Voorbeeld</p></footer>
</body></html>
"""
    path = _target(path)
    path.write_bytes(page.encode(encoding))
    return path


def make_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """A text file in `encoding`; use "utf-8-sig" for UTF-8 with BOM, "utf-16" for UTF-16 with BOM."""
    path = _target(path)
    path.write_bytes(text.encode(encoding))
    return path


def make_random_bytes(path: Path | str, size: int = 4096, seed: int = 1234) -> Path:
    """`size` reproducible random bytes, whatever the file name claims it is."""
    path = _target(path)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_empty(path: Path | str, content: bytes = b"") -> Path:
    """An empty file (0 bytes), or one holding only `content` (e.g. b" \\n\\t " for whitespace only)."""
    path = _target(path)
    path.write_bytes(content)
    return path


def make_unreadable(path: Path | str) -> Path:
    """A text file without read permission. Skip tests using it when running as root (root reads anyway)."""
    path = make_text(path, "Deze tekst mag niemand lezen.")
    os.chmod(path, 0)
    return path


ODT_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def make_odt(
    path: Path | str,
    blocks: list[tuple],
    title: str | None = None,
    created: str | None = None,
    creator: str | None = None,
    mimetype: str = "application/vnd.oasis.opendocument.text",
) -> Path:
    """An OpenDocument text file as LibreOffice writes it (mimetype first and stored, manifest, content, meta).

    `blocks`, in order: ("h", level, text), ("p", text), ("list", [item, ...]) or ("table", [[cell, ...], ...]).
    Texts are XML-escaped, except that the markup "<s/>" becomes a text:s space run (two spaces).
    `title`, `created` (ISO date-time) and `creator` go into meta.xml; all None leaves meta.xml out.
    """
    from xml.sax.saxutils import escape

    def inline(text: str) -> str:
        return escape(text).replace("&lt;s/&gt;", '<text:s text:c="2"/>')

    body = []
    for block in blocks:
        if block[0] == "h":
            body.append(f'<text:h text:style-name="Heading_{block[1]}" text:outline-level="{block[1]}">'
                        f"{inline(block[2])}</text:h>")
        elif block[0] == "p":
            body.append(f'<text:p text:style-name="Standard">{inline(block[1])}</text:p>')
        elif block[0] == "list":
            items = "".join(f"<text:list-item><text:p>{inline(item)}</text:p></text:list-item>" for item in block[1])
            body.append(f"<text:list>{items}</text:list>")
        elif block[0] == "table":
            rows = "".join(
                "<table:table-row>"
                + "".join(f"<table:table-cell><text:p>{inline(cell)}</text:p></table:table-cell>" for cell in row)
                + "</table:table-row>"
                for row in block[1]
            )
            columns = max(len(row) for row in block[1])
            body.append(f'<table:table table:name="Tabel1"><table:table-column table:number-columns-repeated='
                        f'"{columns}"/>{rows}</table:table>')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODT_NAMESPACES} office:version="1.3">'
        f"<office:body><office:text><text:sequence-decls/>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    path = _target(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"
        ))
        archive.writestr("content.xml", content)
        if title is not None or created is not None or creator is not None:
            fields = "".join(
                f"<{tag}>{escape(value)}</{tag}>"
                for tag, value in (
                    ("dc:title", title), ("meta:creation-date", created), ("meta:initial-creator", creator)
                )
                if value is not None
            )
            archive.writestr("meta.xml", (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ODT_NAMESPACES} '
                f'office:version="1.3"><office:meta>{fields}</office:meta></office:document-meta>'
            ))
    return path


def make_mdto(
    path: Path | str,
    naam: str = "Bouwdossier Kerkstraat 12, verbouwing tot appartementen",
    omschrijving: str | None = (
        "Aanvraag, tekeningen, constructieberekeningen en het verleende besluit voor het verbouwen van het "
        "voormalige postkantoor aan de Kerkstraat 12 tot zes appartementen."
    ),
    kenmerk: str = "NL-0999-10001-BD-2019-0457",
    bron: str = "Zaaksysteem gemeente Voorbeeld",
    begin: str | None = "2019-03-01",
    eind: str | None = "2020-01-15",
    archiefvormer: str | None = "Gemeente Voorbeeld",
    beperking: str | None = "Openbaarheidsbeperking",
    beperking_toelichting: str | None = "Bevat persoonsgegevens van de aanvrager (Archiefwet 1995, art. 15).",
    beperking_einde: str | None = "2040-01-01",
) -> Path:
    """An MDTO 1.0 informatieobject record as a records system exports it (namespace, schemaLocation, begrippen
    with their lists). None leaves an element out; `beperking` is the beperkingGebruikType label, e.g. "Openbaar"
    or "Openbaarheidsbeperking", `beperking_einde` the termijnEinddatum of that restriction."""
    from xml.sax.saxutils import escape as e

    def begrip(element: str, label: str, lijst: str) -> str:
        return (f"<{element}><begripLabel>{e(label)}</begripLabel><begripBegrippenlijst><verwijzingNaam>{e(lijst)}"
                f"</verwijzingNaam></begripBegrippenlijst></{element}>")

    parts = [
        f"<identificatie><identificatieKenmerk>{e(kenmerk)}</identificatieKenmerk>"
        f"<identificatieBron>{e(bron)}</identificatieBron></identificatie>",
        f"<naam>{e(naam)}</naam>",
        begrip("aggregatieniveau", "Dossier", "MDTO Aggregatieniveaus"),
        begrip("classificatie", "Omgevingsvergunning bouwen", "Selectielijst gemeenten 2020"),
    ]
    if omschrijving is not None:
        parts.append(f"<omschrijving>{e(omschrijving)}</omschrijving>")
    if begin is not None:
        parts.append(
            "<dekkingInTijd>" + begrip("dekkingInTijdType", "Looptijd", "MDTO Dekking in tijd typen")
            + f"<dekkingInTijdBegindatum>{begin}</dekkingInTijdBegindatum>"
            + (f"<dekkingInTijdEinddatum>{eind}</dekkingInTijdEinddatum>" if eind else "") + "</dekkingInTijd>"
        )
    parts.append(
        "<event>" + begrip("eventType", "Vaststelling", "MDTO Eventtypen") + "<eventTijd>2019-11-20</eventTijd></event>"
    )
    if archiefvormer is not None:
        parts.append(f"<archiefvormer><verwijzingNaam>{e(archiefvormer)}</verwijzingNaam><verwijzingIdentificatie>"
                     "<identificatieKenmerk>gm0999</identificatieKenmerk><identificatieBron>Gemeentecodes CBS"
                     "</identificatieBron></verwijzingIdentificatie></archiefvormer>")
    if beperking is not None:
        parts.append(
            "<beperkingGebruik>" + begrip("beperkingGebruikType", beperking, "Archiefwet 1995 beperkingen")
            + (f"<beperkingGebruikNadereBeschrijving>{e(beperking_toelichting)}</beperkingGebruikNadereBeschrijving>"
               if beperking_toelichting else "")
            + (f"<beperkingGebruikTermijn><termijnEinddatum>{beperking_einde}</termijnEinddatum>"
               "</beperkingGebruikTermijn>" if beperking_einde else "")
            + "</beperkingGebruik>"
        )
    parts.append(begrip("waardering", "Blijvend te bewaren", "Selectielijst gemeenten 2020"))
    record = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<MDTO xmlns="https://www.nationaalarchief.nl/mdto" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="https://www.nationaalarchief.nl/mdto '
        'https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd">\n'
        "  <informatieobject>\n    " + "\n    ".join(parts) + "\n  </informatieobject>\n</MDTO>\n"
    )
    path = _target(path)
    path.write_text(record, encoding="utf-8")
    return path


def make_topx(path: Path | str, openbaarheid: str = "Openbaar", datum: str | None = None) -> Path:
    """A TMLO record in ToPX 2.3 form (an aggregatie on dossier level); `openbaarheid` is its
    omschrijvingBeperkingen, `datum` the date in its openbaarheid's datumOfPeriode."""
    period = f"<datumOfPeriode><datum>{datum}</datum></datumOfPeriode>" if datum else ""
    record = f"""<?xml version="1.0" encoding="UTF-8"?>
<ToPX xmlns="http://www.nationaalarchief.nl/ToPX/v2.3">
  <aggregatie>
    <identificatiekenmerk>2016-RV-0031</identificatiekenmerk>
    <aggregatieniveau>Dossier</aggregatieniveau>
    <naam>Raadsvoorstel herinrichting Marktplein</naam>
    <omschrijving>Voorstel aan de raad om het Marktplein autovrij te maken
      en 40 fietsparkeerplaatsen aan te leggen.</omschrijving>
    <dekking><inTijd><begin><datum>2016-02-01</datum></begin><eind><datum>2016-06-30</datum></eind></inTijd></dekking>
    <eventGeschiedenis>
      <datumOfPeriode><datum>2016-06-30</datum></datumOfPeriode><type>Vaststellen</type>
    </eventGeschiedenis>
    <openbaarheid><omschrijvingBeperkingen>{openbaarheid}</omschrijvingBeperkingen>{period}</openbaarheid>
    <context><actor>
      <identificatiekenmerk>gm0999</identificatiekenmerk><aggregatieniveau>Organisatie</aggregatieniveau>
      <geautoriseerdeNaam>Gemeenteraad Voorbeeld</geautoriseerdeNaam>
    </actor></context>
  </aggregatie>
</ToPX>
"""
    path = _target(path)
    path.write_text(record, encoding="utf-8")
    return path


def make_eml(
    path: Path | str,
    subject: str | None = "Aanvraag evenementenvergunning Koningsdag",
    text: str | None = (
        "Beste afdeling vergunningen,\n\nHierbij stuur ik de aanvraag voor het buurtfeest.\n\nGroet,\nAnna"
    ),
    html: str | None = None,
    attachments: list[tuple[str, bytes]] | None = None,
    sender: str = "Anna Jansen <anna.jansen@example.nl>",
    to: str = "vergunningen@gemeente-voorbeeld.nl",
    date: str = "Tue, 04 Mar 2025 09:15:00 +0100",
) -> Path:
    """An e-mail as a mail client saves it: headers, a text/plain body and/or an HTML body (multipart/alternative
    when both), then attachments as (file name, bytes) with a MIME type guessed from the name."""
    import mimetypes
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Date"] = sender, to, date
    if subject is not None:
        message["Subject"] = subject
    if text is not None:
        message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html") if text is not None else message.set_content(html, subtype="html")
    for name, data in attachments or []:
        maintype, subtype = (mimetypes.guess_type(name)[0] or "application/octet-stream").split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path = _target(path)
    path.write_bytes(bytes(message))
    return path


# An objection letter with every field a file card reads: tests/test_objections.py, tests/test_eval_objections.py.
WINDTURBINE_LETTER = """J.P. (Johan) de Vries
Lindelaan 14
4731 AB Lindewaard
j.devries@example.org

College van burgemeester en wethouders van de gemeente Lindewaard
Postbus 1250
4730 AG Lindewaard

Lindewaard, 3 maart 2025

Betreft: bezwaar tegen omgevingsvergunning windturbine De Hooge Weide, kenmerk Z-2025-04410

Geacht college,

Hierbij maak ik bezwaar tegen uw besluit van 14 februari 2025 met kenmerk Z-2025-04410, waarbij u een
omgevingsvergunning hebt verleend voor een windturbine op bedrijventerrein De Hooge Weide.

Ten eerste zal de windturbine veel geluidsoverlast geven. Mijn woning staat op 400 meter afstand en 's nachts is
het hier nu volkomen stil.

Daarnaast ben ik bang voor de verkeersveiligheid tijdens de bouw, omdat de vrachtwagens over de schoolroute rijden.

Ik verzoek u het besluit te herroepen.

Ik wil graag gehoord worden op een hoorzitting.

Met vriendelijke groet,

J.P. de Vries
"""
