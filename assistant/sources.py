"""The source viewer's core: a cited document as a face shows it (a SourceView), from the index's chunks of that
document and the file on disk.

Only chunks the caller may see are read: the store's filter holds the caller's visibility, so a document the
caller may not see is missing in the same way as one that does not exist (the same DocumentNotFound, the same
message). A PDF whose file is still on disk as it was indexed is shown as a picture of the cited page with the
passage highlighted; everything else is shown as text from the index.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

from bronvast.schema import Chunk, SearchFilter, SourceView
from bronvast.store import ChunkStore, by_chunk_index, missing_collection
from ingest.documents import DocumentNotFound
from ingest.manifest import ManifestError, Manifests
from ingest.parsed import UnreadableFile
from ingest.sources import FileSource

RUN = 7  # words per searched fragment: unique enough on a page, short enough that a hyphenated word costs little
MIN_OVERLAP = 20  # characters: a shorter shared start of two chunks is more likely chance than the splitter's overlap
RENDER_SCALE = 2.0  # an A4 page at 2x is 1190 px wide: readable on a screen
MAX_WIDTH = 1400  # pixels: a wide page is rendered smaller, not larger than a screen
HIGHLIGHT = (255, 214, 0, 110)  # translucent yellow: the text under it stays readable

CHANGED = "Het bestand is sinds het indexeren gewijzigd of verplaatst; de tekst komt uit de index."
NOT_RENDERED = "De pagina kon niet als afbeelding worden weergegeven; de tekst komt uit de index."
NO_PAGE = "Er is geen pagina opgegeven; de tekst komt uit de index."
SCAN = "De pagina is een scan zonder tekstlaag; de passage is alleen in de tekst (uit de index) gemarkeerd."


def source_view(
    store: ChunkStore, collection: str, name: str, visible: SearchFilter, page: int | None = None, passage: str = "",
    sha256: str = "",
) -> SourceView:
    """The document `name` as the caller sees it. `visible`: the caller's visibility (Caller.restrict), applied in
    the store's query. `page`: the cited page (a PDF); `passage`: the cited text, marked where it stands;
    `sha256`: the cited version, preferred when several share the name."""
    chunks = version_chunks(store, collection, name, visible, sha256)
    if chunks[0].kind == "pdf":
        return pdf_view(chunks, page, passage)
    return text_view(chunks, page, passage)


def version_chunks(store: ChunkStore, collection: str, name: str, visible: SearchFilter, sha256: str) -> list[Chunk]:
    """The chunks of one version of the document, in order: the cited version, else the latest ingested."""
    if collection not in store.collections():
        raise missing_collection(collection)
    versions: dict[tuple[str, str], list[Chunk]] = defaultdict(list)
    for chunk in store.chunks_where(collection, replace(visible, sources=(name,))):
        versions[(chunk.path, chunk.sha256)].append(chunk)
    if not versions:
        # Not "may not see": that would tell the caller the document exists.
        raise DocumentNotFound(f"'{name}' staat niet in collectie '{collection}'")
    chosen = max(versions.values(), key=lambda chunks: (chunks[0].sha256 == sha256, chunks[0].ingested_at))
    return by_chunk_index(chosen)


def pdf_view(chunks: list[Chunk], page: int | None, passage: str) -> SourceView:
    """The cited page as a picture with the passage highlighted, when the file is on disk as indexed; else its
    text from the index and a note why there is no picture."""
    page = page or page_of(chunks, passage)
    if page is None:
        return text_view(chunks, None, passage, NO_PAGE)
    page_chunks(chunks, page)  # a page the document does not have is refused before the file is opened
    path, note = indexed_file(chunks[0])
    if path is None:
        return text_view(chunks, page, passage, note)
    try:
        return rendered_view(path, chunks, page, passage)
    except pypdfium2.PdfiumError:
        return text_view(chunks, page, passage, NOT_RENDERED)


def text_view(chunks: list[Chunk], page: int | None, passage: str, note: str = "") -> SourceView:
    """The page's text (a paged document and a page given) or the document's text, from the index."""
    text = merged_text(page_chunks(chunks, page))
    first = chunks[0]
    shown_page = page if paged(chunks) else None
    return SourceView(first.source, shown_page, first.kind, first.title, text, passage_spans(text, passage), None,
                      page_count(chunks), note)


def rendered_view(path: Path, chunks: list[Chunk], page: int, passage: str) -> SourceView:
    """The PDF page rendered by pdfium, the passage found in pdfium's own text of the page and highlighted."""
    document = pypdfium2.PdfDocument(path)
    try:
        pdf_page = document[page - 1]
        textpage = pdf_page.get_textpage()
        text = textpage.get_text_range()
        spans = passage_spans(text, passage)
        boxes = [textpage.get_rect(i) for start, end in spans for i in range(textpage.count_rects(start, end - start))]
        image = highlighted_png(pdf_page, boxes)
        count = len(document)
    finally:
        document.close()  # closes the page and text page with it
    if not text.strip():  # a scan: no text layer to highlight in; its OCR text from ingest is in the index
        return replace(text_view(chunks, page, passage, SCAN), image=image, pages=count)
    text, spans = without_carriage_returns(text, spans)
    first = chunks[0]
    return SourceView(first.source, page, first.kind, first.title, text, spans, image, count)


def highlighted_png(pdf_page: pypdfium2.PdfPage, boxes: list[tuple[float, float, float, float]]) -> bytes:
    """The page as PNG with a translucent rectangle over each box (left, bottom, right, top in PDF units).
    Rotated pages are not accounted for: their boxes would land elsewhere."""
    scale = min(RENDER_SCALE, MAX_WIDTH / pdf_page.get_width())
    page_left, _, _, page_top = pdf_page.get_bbox()
    image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for left, bottom, right, top in boxes:  # PDF y runs up from the bottom, the image's down from the top
        draw.rectangle(((left - page_left) * scale, (page_top - top) * scale,
                        (right - page_left) * scale, (page_top - bottom) * scale), fill=HIGHLIGHT)
    out = io.BytesIO()
    Image.alpha_composite(image, layer).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def indexed_file(chunk: Chunk) -> tuple[Path | None, str]:
    """The document's PDF on disk when it is the file that was indexed, else None and why not."""
    path = Path(chunk.path)
    if path.name != chunk.source:  # an e-mail's attachment: stored under the mail's path, no file of its own
        parent = chunk.metadata.get("parent_source", path.name)
        return None, f"De PDF is een bijlage van {parent}; de tekst komt uit de index."
    try:
        # The identity hash as ingest computes it (with the file's manifest values), so a file is "unchanged"
        # exactly when a new ingest would skip it.
        unchanged = path.is_file() and FileSource.of(path, Manifests()).identity() == chunk.sha256
    except (UnreadableFile, ManifestError):
        unchanged = False
    return (path, "") if unchanged else (None, CHANGED)


def paged(chunks: list[Chunk]) -> bool:
    return any(chunk.page is not None for chunk in chunks)


def page_chunks(chunks: list[Chunk], page: int | None) -> list[Chunk]:
    """The chunks of the page, or all of them when no page is given or the format has none (flowing text)."""
    if page is None or not paged(chunks):
        return chunks
    on_page = [chunk for chunk in chunks if chunk.page == page]
    if not on_page:
        raise DocumentNotFound(f"'{chunks[0].source}' heeft geen pagina {page}")
    return on_page


def page_of(chunks: list[Chunk], passage: str) -> int | None:
    """The page of the chunk that holds the passage, when a citation gave none."""
    wanted = " ".join(passage.split())
    return next((chunk.page for chunk in chunks if wanted and wanted in " ".join(chunk.text.split())), None)


def page_count(chunks: list[Chunk]) -> int | None:
    # From the index: a PDF's last page with text (blank pages at its end are not counted).
    return max((chunk.page for chunk in chunks if chunk.page is not None), default=None) if paged(chunks) else None


def merged_text(chunks: list[Chunk]) -> str:
    """The chunks' text in order, each without the start it repeats of the one before (the splitter's overlap).
    Kept simple: the overlap is the longest end of the chunk before that the next chunk starts with; chunks of
    different pages never overlap and are joined with a blank line, a chunk that shares no start with a line."""
    parts = [chunks[0].text] if chunks else []
    for before, chunk in pairwise(chunks):
        parts.append("\n\n" + chunk.text if before.page != chunk.page else after_overlap(before.text, chunk.text))
    return "".join(parts)


def after_overlap(before: str, text: str) -> str:
    for start in range(max(0, len(before) - len(text)), len(before) - MIN_OVERLAP + 1):
        if text.startswith(before[start:]):
            return text[len(before) - start:]
    return "\n" + text


def passage_spans(text: str, passage: str) -> list[tuple[int, int]]:
    """Where the passage stands in the text, found fragment by fragment (RUN words, any whitespace between the
    words, any case), each after the one before. A fragment not found is skipped: the index's text of a PDF may be
    spaced or hyphenated unlike pdfium's. Fragments with only whitespace between them become one span."""
    spans: list[tuple[int, int]] = []
    position = 0
    for run in word_runs(passage):
        found = re.compile(r"\s+".join(re.escape(word) for word in run), re.IGNORECASE).search(text, position)
        if found is None:
            continue
        if spans and not text[spans[-1][1]:found.start()].strip():
            spans[-1] = (spans[-1][0], found.end())
        else:
            spans.append(found.span())
        position = found.end()
    return spans


def word_runs(passage: str) -> list[list[str]]:
    """The passage's words in runs of RUN; a short last run joins the one before, as a word or two alone is
    easily found in the wrong place."""
    words = passage.split()
    runs = [words[start:start + RUN] for start in range(0, len(words), RUN)]
    if len(runs) > 1 and len(runs[-1]) < RUN // 2:
        runs[-2:] = [runs[-2] + runs[-1]]
    return runs


def without_carriage_returns(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """pdfium ends lines with \\r\\n, and its character indexes count the \\r: the spans are found in its text,
    then moved with the text to plain \\n line ends."""
    def moved(index: int) -> int:
        return index - text.count("\r", 0, index)

    return text.replace("\r", ""), [(moved(start), moved(end)) for start, end in spans]
