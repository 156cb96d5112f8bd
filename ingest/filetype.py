"""What a file is by its content, not by its name: the router (ingest/readers.py) checks every file and e-mail
attachment with it before a reader sees it, and an upload is checked with it in the quarantine
(assistant/uploads.py), so that a .pdf that is really a Word document, or an HTML error page saved as .pdf, is
refused with that reason rather than a parser's ("bestand heet .pdf maar is een DOCX-bestand (Word)").

Binary formats are told by their signature (magic bytes); DOCX and ODT, both ZIP files, by their members
([Content_Types].xml with word/, a `mimetype` member), which are listed and never extracted. What has no signature
is text, told from its first lines as an e-mail (RFC 822 headers), HTML, XML or plain text, or, when the text reader
would not take it as text (ingest/parsed.decode), of an unknown type.

The rule: a file named as a binary format (PDF, DOCX, ODT, an image) must be that format; a damaged ZIP named .docx
or .odt goes on to its reader, which says what is damaged. A file named as text (.txt, .md, .html, .xml, .eml) must
not be a binary format; whether it is good HTML, XML, mail or text at all its reader says, with its own reason.
An image named .jpg that is a PNG is still an image: the OCR reader takes all three image formats by content.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from ingest.parsed import UnreadableFile, decode

HEAD = 4096  # bytes a text is judged by: enough for a mail's headers or an HTML page's opening


@dataclass(frozen=True)
class FileType:
    """What a file's content can be."""

    name: str  # how a message names it: "een PDF-bestand"
    kind: str | None  # the reader kind (ingest/readers.py) that reads it; None: no reader does


PDF = FileType("een PDF-bestand", "pdf")
DOCX = FileType("een DOCX-bestand (Word)", "docx")
ODT = FileType("een ODT-bestand (OpenDocument-tekst)", "odt")
ZIP = FileType("een ZIP-bestand", None)
DAMAGED_ZIP = FileType("een beschadigd ZIP-bestand", None)
PNG = FileType("een PNG-afbeelding", "image")
JPEG = FileType("een JPEG-afbeelding", "image")
TIFF = FileType("een TIFF-afbeelding", "image")
GIF = FileType("een GIF-afbeelding", None)
OLE = FileType("een ouder Office-bestand (.doc, .xls of .ppt)", None)
MAIL = FileType("een e-mailbericht", "email")
HTML = FileType("een HTML-bestand", "html")
XML = FileType("een XML-bestand", "xml")
TEXT = FileType("een tekstbestand", "text")
UNKNOWN = FileType("een bestand van onbekend type", None)

SIGNATURES = [  # (first bytes, type); a PDF's header may stand anywhere in its first 1024 bytes (see _signed)
    (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"II*\x00", TIFF), (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF), (b"MM\x00+", TIFF), (b"GIF87a", GIF), (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
]
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
TEXT_KINDS = {"text", "html", "xml", "email"}
ZIP_KINDS = {"docx", "odt"}
# ZIP-based office files no reader takes, named so that the user sees what they have: by part folder, by mimetype
OOXML_PARTS = {
    "xl/": FileType("een XLSX-bestand (Excel)", None), "ppt/": FileType("een PPTX-bestand (PowerPoint)", None),
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.spreadsheet": FileType("een ODS-bestand (OpenDocument-rekenblad)", None),
    "application/vnd.oasis.opendocument.presentation": FileType("een ODP-bestand (OpenDocument-presentatie)", None),
}
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"  # and -template, -master: the ODT reader names those
MAIL_HEADERS = {"from", "to", "cc", "subject", "date", "received", "return-path", "message-id", "mime-version",
                "delivered-to", "reply-to", "sender"}
HEADER_LINE = re.compile(r"([!-9;-~]+):")  # an RFC 5322 field name: printable ASCII but the colon, then a colon


def check_content(content: BinaryIO, kind: str, suffix: str) -> None:
    """Raises UnreadableFile when the content (a seekable binary file, at its start) is not what a file of reader
    kind `kind`, named with `suffix`, should hold (see the module docstring). Empty content passes: the reader
    says it is empty."""
    head = content.read(HEAD)
    content.seek(0)
    if not head.strip():
        return
    if kind == "pdf" and b"%PDF-" in head:  # after more than 1 KB of junk, as some document systems write: pypdf and
        return                               # poppler read past it (ingest/ocr.py), PDFium does not
    found = _signed(content, head)
    if found is None:
        if kind in TEXT_KINDS:  # text, or no text at all: its reader says which
            return
        found = _text_type(head)  # only to say what it is
    if found.kind == kind or (found is DAMAGED_ZIP and kind in ZIP_KINDS):
        return
    raise UnreadableFile(f"bestand heet {suffix.lower()} maar is {found.name}")


def sniff(content: BinaryIO) -> FileType:
    """What the content (a seekable binary file, at its start) is; it is left at its start."""
    head = content.read(HEAD)
    content.seek(0)
    return _signed(content, head) or _text_type(head)


def _signed(content: BinaryIO, head: bytes) -> FileType | None:
    """The binary format its signature tells; None when it has none of them."""
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(ZIP_SIGNATURES):
        return _zip_type(content)
    return next((found for signature, found in SIGNATURES if head.startswith(signature)), None)


def _zip_type(content: BinaryIO) -> FileType:
    """DOCX, ODT or another ZIP, told by the member list (and the few bytes of `mimetype`); nothing is extracted."""
    try:
        with zipfile.ZipFile(content) as archive:
            names = archive.namelist()
            info = next((i for i in archive.infolist() if i.filename == "mimetype" and i.file_size < 256), None)
            mimetype = archive.read(info).decode("ascii", "replace").strip() if info else ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError):
        return DAMAGED_ZIP
    finally:
        content.seek(0)
    if "[Content_Types].xml" in names:  # Office Open XML: the part folders say which program's
        if any(name.startswith("word/") for name in names):
            return DOCX
        return next((found for folder, found in OOXML_PARTS.items() if any(n.startswith(folder) for n in names)),
                    ZIP)
    if mimetype.startswith(ODT_MIMETYPE) or (not mimetype and "content.xml" in names):
        return ODT  # without a mimetype member the ODT reader still reads content.xml
    return ODF_TYPES.get(mimetype, ZIP)


def _text_type(head: bytes) -> FileType:
    """A mail, HTML, XML or plain text by the first lines; UNKNOWN for bytes that are no text (as the text reader
    judges them: ingest/parsed.decode)."""
    try:
        text = decode(head).lstrip("\ufeff")
    except UnreadableFile:
        return UNKNOWN
    if _mail(text):
        return MAIL
    start = re.sub(r"^(\s|<!--.*?-->|<\?xml[^>]*\?>)*", "", text, flags=re.DOTALL).lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")):
        return HTML
    if text.lstrip().startswith("<?xml") or re.match(r"<[a-z_]", start):
        return XML
    return TEXT


def _mail(text: str) -> bool:
    """RFC 822 headers from the first line on (after an mbox "From " line), a known one among them."""
    lines = text.splitlines()
    if lines and lines[0].startswith("From "):
        lines = lines[1:]
    fields = []
    for line in lines:
        if not line.strip():
            break
        if line[0] in " \t":  # a header folded onto the next line
            continue
        match = HEADER_LINE.match(line)
        if match is None:
            return False
        fields.append(match.group(1).lower())
    return bool(MAIL_HEADERS & set(fields))
