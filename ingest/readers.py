"""Stage 1, documents: a file on disk -> SourceDocuments with their text per page (or per heading: `section`).

One document per file, except an e-mail: the mail and its attachments (ingest/mail.py). ODT (ingest/odt.py) and
archive records in XML (ingest/archive_xml.py) have their own modules too.

Own readers on pypdf / python-docx / BeautifulSoup rather than llama-index's file readers, because users need a
plain Dutch reason per rejected file and PDF page numbers on every chunk, and the HTML readers keep navigation.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import docx
import pypdf
from bs4 import BeautifulSoup
from charset_normalizer import from_bytes
from pypdf.errors import FileNotDecryptedError, PdfReadError

from bronvast.schema import Page, SourceDocument
from bronvast.settings import IngestSettings
from ingest import ocr
from ingest.pages import drop_running_lines

SUPPORTED_SUFFIXES = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text",
    ".odt": "odt", ".xml": "xml", ".eml": "email",
}
SUPPORTED_SUFFIXES |= ocr.IMAGE_SUFFIXES  # scans: .png, .jpg/.jpeg, .tif/.tiff, read with OCR
OCR_KINDS = {"pdf", "image"}  # readers that take the ingest settings (OCR on or off, languages, dpi)

# Elements that hold site chrome rather than the document itself.
HTML_BOILERPLATE = ["nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template", "svg"]
HTML_BLOCKS = ["p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre", "blockquote"]
HTML_BOILERPLATE_HINT = re.compile(r"cookie|menu|navigat|breadcrumb|footer|sidebar|skip-?link", re.IGNORECASE)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns about every broken object pointer


class UnreadableFile(Exception):
    """The file cannot be indexed; the message is the plain reason shown to the user."""


def document_key(path: Path) -> str:
    """A file's identity in the index: its absolute path, so re-ingesting it replaces it."""
    return str(path.resolve())


def file_sha256(path: Path) -> str:
    """The file's hash, read in blocks: for an unchanged file this is all ingest has to do."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise UnreadableFile(f"kan het bestand niet openen ({exc.strerror})") from exc


def read_documents(path: Path, options: IngestSettings | None = None) -> list[SourceDocument]:
    """The documents a file holds: one for most formats; for an e-mail the mail first, then its attachments.

    All documents read from one file share its `key` and `sha256` (see ingest/mail.py): the store keeps them under
    the file's path, so re-ingesting, replacing or deleting the file covers the attachments too. `options`: the
    ingest settings (OCR); None means the defaults.
    """
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnreadableFile(f"bestandstype '{path.suffix or '(geen)'}' wordt niet ondersteund")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"kan het bestand niet openen ({exc.strerror})") from exc
    if not data.strip():
        raise UnreadableFile("leeg bestand")
    sha256 = hashlib.sha256(data).hexdigest()
    if kind == "email":
        from ingest.mail import read_mail  # its own module; it reads attachments with document_from_bytes below

        return read_mail(data, path, document_key(path), sha256, options)
    return [document_from_bytes(data, path, kind, document_key(path), sha256, options)]


def read_document(path: Path, options: IngestSettings | None = None) -> SourceDocument:
    """The file's (first) document: for an e-mail the mail itself, without its attachments."""
    return read_documents(path, options)[0]


def document_from_bytes(
    data: bytes, path: Path, kind: str, key: str, sha256: str, options: IngestSettings | None = None
) -> SourceDocument:
    """One document out of a file's bytes (or an attachment's: `path` then names it, `key` is the mail's)."""
    reader = READERS[kind]
    parsed = Parsed(*(reader(data, path, options or IngestSettings()) if kind in OCR_KINDS else reader(data, path)))
    pages = [Page(p.number, _tidy(p.text), p.section) for p in parsed.pages]
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
        title=parsed.title or _first_line(pages[0].text) or path.stem,
        pages=pages,
        date=parsed.date,
        access=parsed.access,
        metadata=dict(parsed.metadata),
    )


class Parsed(NamedTuple):
    """What a format reader returns; the first three are all most formats know."""

    title: str
    pages: list[Page]
    date: str | None = None  # ISO date
    metadata: dict[str, str] = {}
    access: tuple[str, ...] = ("public",)


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
    texts, scanned, no_ocr = _ocr_scanned_pages(data, path, texts, options)
    texts = drop_running_lines(texts)
    if not any(text.strip() for text in texts):
        if no_ocr:
            raise UnreadableFile(f"bevat geen leesbare tekst (bijvoorbeeld een scan zonder tekstlaag); {no_ocr}")
        raise UnreadableFile(
            "bevat geen leesbare tekst" + (": geen tekstlaag, en ook OCR vond er geen tekst in" if had_scans else "")
        )
    pages = [Page(number, text) for number, text in enumerate(texts, start=1)]
    metadata = {"ocr_pages": ocr.describe_pages(scanned)} if scanned else {}
    return (str(title).strip() if title else ""), pages, _iso_date(created), metadata


def _ocr_scanned_pages(
    data: bytes, path: Path, texts: list[str], options: IngestSettings
) -> tuple[list[str], list[int], str | None]:
    """The page texts with the scanned pages (no or almost no text layer) read by OCR, the numbers of the pages
    OCR read, and why OCR could not run when scanned pages were left unread (OCR off, Tesseract missing)."""
    candidates = [number for number, text in enumerate(texts, start=1) if ocr.needs_ocr(text)]
    if not candidates:
        return texts, [], None
    settings = ocr.OcrOptions.from_settings(options)
    reason = ocr.unavailable_reason(settings) if options.ocr else "OCR staat uit (ingest.ocr)"
    if reason:
        logging.getLogger(__name__).warning("%s: pagina's %s niet gelezen: %s", path.name, candidates, reason)
        return texts, [], reason
    try:
        read = ocr.ocr_pdf_pages(data, candidates, settings)
    except (ocr.OcrUnavailable, ocr.OcrFailed) as exc:
        raise UnreadableFile(str(exc)) from exc
    scanned = [n for n in candidates if ocr.letters(read.get(n, "")) > ocr.letters(texts[n - 1])]
    return [read[n] if n in scanned else text for n, text in enumerate(texts, start=1)], scanned, None


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
    return title, sectioned(blocks), _iso_date(document.core_properties.created)


def _read_html(data: bytes, path: Path) -> Parsed:
    return html_document(_decode(data))


def html_document(markup: str) -> Parsed:
    """A web page's (or an HTML e-mail's) main text, split at its h1-h6 headings; site chrome dropped."""
    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    dated = soup.find("meta", attrs={"name": re.compile(r"^(date|dcterms\.(date|issued|created)|dc\.date)$", re.I)})
    date = _iso_date(dated.get("content")) if dated else None
    for tag in soup.find_all(HTML_BOILERPLATE):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    for tag in soup.find_all(
        lambda t: t.attrs is not None
        and HTML_BOILERPLATE_HINT.search(" ".join(t.get("class", [])) + " " + (t.get("id") or ""))
    ):
        tag.decompose()
    main = soup.find("main") or soup.find("article") or soup.body or soup
    heading = main.find("h1")
    page_title = heading.get_text(" ", strip=True) if heading else title
    for block in main.find_all(HTML_BLOCKS):
        block.append("\n")  # keep paragraphs apart without splitting sentences at inline tags
    for tag in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        text = " ".join(tag.get_text(" ").split())
        if text:  # a marked line, so the heading survives get_text() and the text can be split there
            tag.replace_with(f"\n{HEADING_MARK}{tag.name[1]}{HEADING_MARK}{text}\n")
    blocks: list[Block] = []
    for line in main.get_text().split("\n"):
        if line.startswith(HEADING_MARK):
            _, level, text = line.split(HEADING_MARK, 2)
            blocks.append((int(level), text))
        else:
            blocks.append((None, line))
    return Parsed(page_title, sectioned(blocks), date)


def _read_text(data: bytes, path: Path) -> Parsed:
    text = _decode(data)
    if path.suffix.lower() != ".md":
        return "", [Page(None, text)], None
    blocks: list[Block] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else MARKDOWN_HEADING.match(line)
        blocks.append((len(heading.group(1)), line) if heading else (None, line))  # the text keeps its "#"

    def label(line: str) -> str:
        return MARKDOWN_HEADING.match(line).group(2).strip()

    title = next((label(text) for level, text in blocks if level == 1), "")
    return title, sectioned(blocks, label), None


Block = tuple[int | None, str]  # (heading level, text) or (None, a line of body text)
DOCX_HEADING = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.IGNORECASE)  # Word's styles; "Kop 1" in Dutch Word
MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
HEADING_MARK = "\ue000"  # a private-use character: cannot occur in the HTML's own text


def sectioned(blocks: list[Block], label: Callable[[str], str] = lambda heading: heading) -> list[Page]:
    """Text split at its headings: one Page per heading, its section the path of headings above it and its own
    ("2. Tarieven > 2.1 Zone A"); the heading line starts the piece's text. Text before the first heading, and a
    document without headings, has section None. `label`: a heading line's name in the path (Markdown: no "#")."""
    pages: list[Page] = []
    path: list[tuple[int, str]] = []
    lines: list[str] = []

    def close() -> None:
        text = "\n".join(lines).strip()
        if text:
            pages.append(Page(None, text, " > ".join(title for _, title in path) or None))
        lines.clear()

    for level, text in blocks:
        if level is None:
            lines.append(text)
            continue
        close()
        path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, " ".join(label(text).split()))]
        lines.append(text)
    close()
    return pages or [Page(None, "")]


def _decode(data: bytes) -> str:
    """UTF-8 when it is, else the encoding charset-normalizer detects (latin-1, cp1252, UTF-16 ...)."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("geen tekstbestand (binaire inhoud)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    # On short texts charset-normalizer may rank e.g. cp775 above cp1252 ("café" -> "cafķ"); when a Western
    # European reading is among its candidates, take that one: Dutch documents are latin-1/cp1252, not Baltic.
    best = next((m for m in matches if "cp1252" in m.could_be_from_charset), None) or matches.best()
    if best is None or _looks_binary(str(best)):
        raise UnreadableFile("geen tekstbestand: de tekencodering is niet te herkennen (binaire inhoud?)")
    return str(best)


def _iso_date(value) -> str | None:
    """A datetime, or a string starting with YYYY-MM-DD, as an ISO date; anything else as None."""
    if value is None:
        return None
    if hasattr(value, "date"):
        return value.date().isoformat()
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value).strip())
    return match.group(0) if match else None


def _looks_binary(text: str) -> bool:
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control > max(3, len(text) // 100)


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _first_line(text: str) -> str:
    line = next((line.strip("# ").strip() for line in text.splitlines() if line.strip()), "")
    return line[:120]


def _read_odt(data: bytes, path: Path) -> Parsed:
    from ingest.odt import read_odt  # own module; it uses this module's UnreadableFile and sectioned()

    return read_odt(data, path)


def _read_xml(data: bytes, path: Path) -> Parsed:
    from ingest.archive_xml import read_archive_record

    return read_archive_record(data, path)


READERS = {
    "pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "text": _read_text, "odt": _read_odt, "xml": _read_xml,
    "image": _read_image,
}
