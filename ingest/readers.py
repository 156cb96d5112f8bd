"""Stage 1, documents: a file on disk -> a SourceDocument with its text per page.

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
from bs4 import BeautifulSoup
from charset_normalizer import from_bytes
from pypdf.errors import FileNotDecryptedError, PdfReadError

from bronvast.schema import Page, SourceDocument
from bronvast.settings import IngestSettings
from ingest import ocr
from ingest.pages import drop_running_lines

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}
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


def read_document(path: Path, options: IngestSettings | None = None) -> SourceDocument:
    """`options`: the ingest settings (OCR); None means the defaults."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnreadableFile(f"bestandstype '{path.suffix or '(geen)'}' wordt niet ondersteund")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"kan het bestand niet openen ({exc.strerror})") from exc
    if not data.strip():
        raise UnreadableFile("leeg bestand")
    reader = READERS[kind]
    parsed = reader(data, path, options or IngestSettings()) if kind in OCR_KINDS else reader(data, path)
    title, pages, date, *extra = parsed  # a reader may add a fourth value: further metadata (e.g. ocr_pages)
    pages = [Page(p.number, _tidy(p.text)) for p in pages]
    pages = [p for p in pages if p.text]
    if not pages:
        raise UnreadableFile(
            "bevat geen leesbare tekst" + ("" if kind == "image" else " (bijvoorbeeld een scan zonder tekstlaag)")
        )
    return SourceDocument(
        path=path,
        key=document_key(path),
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        title=title or _first_line(pages[0].text) or path.stem,
        pages=pages,
        date=date,
        metadata=extra[0] if extra else {},
    )


# title, pages, ISO date; a reader may add the document's further metadata (the PDF reader: ocr_pages)
Parsed = tuple[str, list[Page], str | None] | tuple[str, list[Page], str | None, dict[str, str]]


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
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        paragraphs.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    title = document.core_properties.title or next(
        (p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading")) and p.text.strip()), ""
    )
    return title, [Page(None, "\n".join(paragraphs))], _iso_date(document.core_properties.created)


def _read_html(data: bytes, path: Path) -> Parsed:
    soup = BeautifulSoup(_decode(data), "html.parser")
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
    for block in main.find_all(HTML_BLOCKS):
        block.append("\n")  # keep paragraphs apart without splitting sentences at inline tags
    heading = main.find("h1")
    return (heading.get_text(" ", strip=True) if heading else title), [Page(None, main.get_text())], date


def _read_text(data: bytes, path: Path) -> Parsed:
    text = _decode(data)
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE) if path.suffix.lower() == ".md" else None
    return (heading.group(1).strip() if heading else ""), [Page(None, text)], None


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


READERS = {"pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "text": _read_text, "image": _read_image}
