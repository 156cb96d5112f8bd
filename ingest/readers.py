"""Stage 1, documents: a file on disk -> SourceDocuments with their text per page (or per heading: `section`).

The router: a file's suffix picks its reader (SUPPORTED_SUFFIXES, READERS). PDF, DOCX, HTML, text and image
readers are here; e-mail (the mail and its attachments, ingest/mail.py), ODT (ingest/odt.py) and archive records
in XML (ingest/archive_xml.py) have their own modules, which share what a reader returns and the text helpers
through ingest/parsed.py. One document per file, except an e-mail.

Own readers on pypdf / python-docx / BeautifulSoup rather than llama-index's file readers, because users need a
plain Dutch reason per rejected file and PDF page numbers on every chunk, and the HTML readers keep navigation.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from pathlib import Path

import docx
import pypdf
import yaml
from pypdf.errors import FileNotDecryptedError, PdfReadError

from bronvast.schema import Page, SourceDocument
from bronvast.settings import IngestSettings
from ingest import ocr
from ingest.archive_xml import read_archive_record
from ingest.filetype import check_content
from ingest.mail import MAIL_SUFFIX, read_mail
from ingest.odt import read_odt
from ingest.pages import drop_running_lines
from ingest.parsed import Block, Parsed, UnreadableFile, decode, first_line, iso_date, sectioned, tidy
from ingest.webpage import html_document

SUPPORTED_SUFFIXES = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text",
    ".odt": "odt", ".xml": "xml", MAIL_SUFFIX: "email",
}
SUPPORTED_SUFFIXES |= ocr.IMAGE_SUFFIXES  # scans: .png, .jpg/.jpeg, .tif/.tiff, read with OCR
OCR_KINDS = {"pdf", "image"}  # readers that take the ingest settings (OCR on or off, languages, dpi)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns about every broken object pointer


def document_key(path: Path) -> str:
    """A file's identity in the index: its absolute path, so re-ingesting it replaces it."""
    return str(path.resolve())


def cannot_open(exc: OSError) -> UnreadableFile:
    """The plain reason for a file the OS will not let us read (hashing it or reading it)."""
    return UnreadableFile(f"kan het bestand niet openen ({exc.strerror})")


def read_documents(
    path: Path, options: IngestSettings | None = None, sha256: str | None = None
) -> list[SourceDocument]:
    """The documents a file holds: one for most formats; for an e-mail the mail first, then its attachments.

    All documents read from one file share its `key` and `sha256` (see ingest/mail.py): the store keeps them under
    the file's path, so re-ingesting, replacing or deleting the file covers the attachments too. `options`: the
    ingest settings (OCR); None means the defaults. `sha256`: the identity hash the indexer computed for the file
    (ingest/manifest.py), which the documents carry, so an ingest hashes every file once; None: the hash of the
    bytes read.
    """
    kind = _kind(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise cannot_open(exc) from exc
    if not data.strip():
        raise UnreadableFile("leeg bestand")
    check_content(io.BytesIO(data), kind, path.suffix)  # a .pdf that is a DOCX: that reason, not a parser's
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    key = document_key(path)
    if kind == "email":  # its attachments are read by this router, handed to the mail reader
        return read_mail(data, path, key, sha256,
                         lambda attachment, name: _attachment_document(attachment, name, key, sha256, options))
    return [_document(data, path, kind, key, sha256, options)]


def read_document(path: Path, options: IngestSettings | None = None) -> SourceDocument:
    """The file's (first) document: for an e-mail the mail itself, without its attachments."""
    return read_documents(path, options)[0]


def check_type(path: Path) -> None:
    """Raises UnreadableFile, before the file is read, when no reader takes its suffix or its content is another
    type than its suffix says (ingest/filetype.py): what an upload is checked for in the quarantine."""
    kind = _kind(path)
    try:
        with path.open("rb") as file:
            check_content(file, kind, path.suffix)
    except OSError as exc:
        raise cannot_open(exc) from exc


def _kind(path: Path) -> str:
    """The reader's kind for the file's (or an attachment's) suffix."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnreadableFile(f"bestandstype '{path.suffix or '(geen)'}' wordt niet ondersteund")
    return kind


def _attachment_document(
    data: bytes, path: Path, key: str, sha256: str, options: IngestSettings | None
) -> SourceDocument:
    """An e-mail's attachment that is not a mail itself: `path` (<mail path>/<name>) names it, `key` and `sha256`
    are the mail file's."""
    kind = _kind(path)
    if not data.strip():
        raise UnreadableFile("leeg bestand")
    check_content(io.BytesIO(data), kind, path.suffix)
    return _document(data, path, kind, key, sha256, options)


def _document(
    data: bytes, path: Path, kind: str, key: str, sha256: str, options: IngestSettings | None
) -> SourceDocument:
    """One document out of a file's bytes (or an attachment's: `path` then names it, `key` is the mail's)."""
    reader = READERS[kind]
    parsed = Parsed(*(reader(data, path, options or IngestSettings()) if kind in OCR_KINDS else reader(data, path)))
    pages = [Page(p.number, tidy(p.text), p.section) for p in parsed.pages]
    pages = [p for p in pages if p.text]
    if not pages:
        raise UnreadableFile(
            "bevat geen leesbare tekst" + ("" if kind == "image" else " (bijvoorbeeld een scan zonder tekstlaag)")
        )
    return SourceDocument(
        path=path,
        key=key,
        sha256=sha256,
        kind=kind,
        title=parsed.title or first_line(pages[0].text) or path.stem,
        pages=pages,
        date=parsed.date,
        access=parsed.access,
        metadata=dict(parsed.metadata),
    )


def _read_pdf(data: bytes, path: Path, options: IngestSettings) -> Parsed:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("PDF is versleuteld met een wachtwoord")
        texts = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
        created = reader.metadata.creation_date if reader.metadata else None
    except UnreadableFile:
        raise
    except FileNotDecryptedError as exc:
        raise UnreadableFile("PDF is versleuteld met een wachtwoord") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # pypdf signals broken files with many exception types; any of them means: not a usable PDF.
        raise UnreadableFile(f"geen geldig of een beschadigd PDF-bestand ({type(exc).__name__})") from exc
    had_scans = any(ocr.needs_ocr(text) for text in texts)
    texts, scanned, no_ocr, unrendered = _ocr_scanned_pages(data, path, texts, options)
    texts = drop_running_lines(texts)
    if not any(text.strip() for text in texts):
        if no_ocr:
            raise UnreadableFile(f"bevat geen leesbare tekst (bijvoorbeeld een scan zonder tekstlaag); {no_ocr}")
        if unrendered and len(unrendered) == len(texts):  # not one page drawn: the renderers' errors are the reason
            raise UnreadableFile(
                f"PDF kon niet voor OCR worden weergegeven: pagina's {ocr.describe_unrendered(unrendered)}"
            )
        raise UnreadableFile(
            "bevat geen leesbare tekst" + (": geen tekstlaag, en ook OCR vond er geen tekst in" if had_scans else "")
            + (f"; {ocr.UNRENDERED}: {ocr.describe_unrendered(unrendered)}" if unrendered else "")
        )
    pages = [Page(number, text) for number, text in enumerate(texts, start=1)]
    metadata = {"ocr_pages": ocr.describe_pages(scanned)} if scanned else {}
    if unrendered:  # the indexer reports them with the file's outcome (ingest/pipeline.py)
        metadata["unrendered_pages"] = ocr.describe_unrendered(unrendered)
    return (str(title).strip() if title else ""), pages, iso_date(created), metadata


def _ocr_scanned_pages(
    data: bytes, path: Path, texts: list[str], options: IngestSettings
) -> tuple[list[str], list[int], str | None, dict[int, str]]:
    """The page texts with the scanned pages (no or almost no text layer) read by OCR, the numbers of the pages
    OCR read, why OCR could not run when scanned pages were left unread (OCR off, Tesseract missing), and the
    scanned pages neither PDFium nor pdftoppm could draw, with why (they keep what text layer they have)."""
    candidates = [number for number, text in enumerate(texts, start=1) if ocr.needs_ocr(text)]
    if not candidates:
        return texts, [], None, {}
    settings = ocr.OcrOptions.from_settings(options)
    reason = ocr.unavailable_reason(settings) if options.ocr else "OCR staat uit (ingest.ocr)"
    if reason:
        logging.getLogger(__name__).warning("%s: pagina's %s niet gelezen: %s", path.name, candidates, reason)
        return texts, [], reason, {}
    try:
        result = ocr.ocr_pdf_pages(data, candidates, settings)
    except (ocr.OcrUnavailable, ocr.OcrFailed) as exc:
        raise UnreadableFile(str(exc)) from exc
    read = result.texts
    if result.unrendered:
        logging.getLogger(__name__).warning("%s: %s: %s", path.name, ocr.UNRENDERED,
                                            ocr.describe_unrendered(result.unrendered))
    scanned = [n for n in candidates if ocr.letters(read.get(n, "")) > ocr.letters(texts[n - 1])]
    return ([read[n] if n in scanned else text for n, text in enumerate(texts, start=1)], scanned, None,
            result.unrendered)


def _read_image(data: bytes, path: Path, options: IngestSettings) -> Parsed:
    if not options.ocr:
        raise UnreadableFile("afbeeldingen worden alleen met OCR gelezen, en OCR staat uit (ingest.ocr)")
    settings = ocr.OcrOptions.from_settings(options)
    try:
        pages = ocr.image_pages(data, settings)
    except (ocr.OcrUnavailable, ocr.OcrFailed) as exc:
        raise UnreadableFile(str(exc)) from exc
    if len(pages) > 1:
        pages = [Page(p.number, text) for p, text in zip(pages, drop_running_lines([p.text for p in pages]))]
    return path.stem, pages, None


def _read_docx(data: bytes, path: Path) -> Parsed:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile("geen geldig of een beschadigd DOCX-bestand") from exc
    blocks: list[Block] = []
    for item in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(item, docx.table.Table):
            blocks.extend((None, " | ".join(cell.text for cell in row.cells)) for row in item.rows)
            continue
        heading = DOCX_HEADING.match(item.style.name if item.style is not None else "")
        blocks.append((int(heading.group(1)) if heading and item.text.strip() else None, item.text))
    title = document.core_properties.title or next(
        (p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading")) and p.text.strip()), ""
    )
    return title, sectioned(blocks), iso_date(document.core_properties.created)


def _read_html(data: bytes, path: Path) -> Parsed:
    return html_document(decode(data))


def _read_text(data: bytes, path: Path) -> Parsed:
    text = decode(data)
    if path.suffix.lower() != ".md":
        return "", [Page(None, text)], None
    fields, text = front_matter(text)
    blocks: list[Block] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else MARKDOWN_HEADING.match(line)
        blocks.append((len(heading.group(1)), line) if heading else (None, line))  # the text keeps its "#"

    def label(line: str) -> str:  # without the closing "#"s, if any
        return MARKDOWN_HEADING.match(line).group(2).rstrip().rstrip("#").strip()

    title = next((label(text) for level, text in blocks if level == 1), "")
    if not title and isinstance(fields.get("title"), str) and fields["title"].strip():
        title = fields["title"].strip()  # the page's title, as a site generator shows it above the text
        blocks.insert(0, (1, f"# {title}"))
    return title, sectioned(blocks, label), iso_date(fields.get("date"))


def front_matter(text: str) -> tuple[dict, str]:
    """A Markdown page's YAML front matter (Hugo, Jekyll: between two "---" lines at the top) apart from its text:
    its fields are about the page (title, weight, layout), not content, and an answer must not quote "weight: 1".
    The description, which such sites show as the page's lead, stays as the first paragraph. Front matter that is
    no YAML mapping stays text."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((k for k, line in enumerate(lines[1:FRONT_MATTER_LINES], start=1) if line.strip() in ("---", "...")),
               None)
    if end is None:
        return {}, text
    try:
        fields = yaml.safe_load("\n".join(lines[1:end]))
    except (yaml.YAMLError, RecursionError):  # not YAML, or nested past the parser's depth
        return {}, text
    if not isinstance(fields, dict):
        return {}, text
    lead = fields.get("description")
    body = "\n".join(lines[end + 1:])
    return fields, (f"{lead.strip()}\n\n{body}" if isinstance(lead, str) and lead.strip() else body)


FRONT_MATTER_LINES = 200  # a page's front matter is a few fields: a longer "---" stretch is text
DOCX_HEADING = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.IGNORECASE)  # Word's styles; "Kop 1" in Dutch Word
# Closing "#"s are stripped by label(), not here: "(.+?)\s*#*\s*$" took cubic time on a heading padded with
# spaces (1,000 of them: a second; 10,000: twenty minutes), a line tests/fuzz_corpus.py writes.
MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(\S.*)$")

READERS = {
    "pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "text": _read_text, "odt": read_odt,
    "xml": read_archive_record, "image": _read_image,
}
