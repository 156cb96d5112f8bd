"""A letter file -> its paragraphs, each with the page and paragraph number a lawyer finds it by.

Files are read by ingest's readers (every format ingest reads: PDF, scans via OCR, DOCX, ODT, e-mail with its
attachments, text), with the folder's sidecar manifest (`bronvast-manifest.csv`: `received_date`, `posted_date`).
An e-mail's Date header is its received date; its header lines are left out of the letter, its body and its
attachments make up the letter.

PDF text comes as lines wrapped at the page width; a wrapped paragraph is joined back together, so a quote is a
paragraph, not a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bronvast.schema import SourceDocument
from bronvast.settings import IngestSettings
from ingest.manifest import Manifests
from ingest.parsed import UnreadableFile
from ingest.sources import FileSource

# A line that starts a new unit even inside wrapped text: a numbered or bulleted item, a "Grond 2:" heading.
ITEM_START = re.compile(r"^\s*(?:\d{1,2}[.)]\s|[a-z][.)]\s|[-•*–]\s|grond\s+\d+\b|ten\s+(?:eerste|tweede|derde))",
                        re.IGNORECASE)
# Lines that open a part of a letter: never the tail of the line before, however full that one is.
PART_START = re.compile(r"^(?:geacht|beste\b|l\.s\.|met\s+vriendelijke|hoogachtend|betreft|onderwerp|datum|"
                        r"(?:uw\s+|ons\s+)?kenmerk|bijlage)", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?:;]['\")]?$")
WRAPPED_MAX = 130  # pages whose longest line is under this many characters are wrapped text (PDF, OCR)


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int | None  # 1-based page for paged formats
    number: int  # 1-based: within its page for paged formats, within the letter otherwise

    @property
    def location(self) -> str:
        return f"pagina {self.page}, alinea {self.number}" if self.page else f"alinea {self.number}"


@dataclass(frozen=True)
class Letter:
    file: str
    paragraphs: tuple[Paragraph, ...]
    received_date: str | None  # from an e-mail's Date header or the manifest
    posted_date: str | None  # from the manifest (Awb 6:9(2): sent by post)
    received_from: str | None  # where the received date came from, for the notes
    mailed: str | None = None  # the Date header of an e-mail whose body is the letter: its date when it gives none

    @property
    def text(self) -> str:
        return "\n\n".join(paragraph.text for paragraph in self.paragraphs)


def read_letter(path: Path, manifests: Manifests, options: IngestSettings) -> Letter:
    """Raises UnreadableFile with the plain reason (the file's own, or its manifest row's)."""
    source = FileSource.of(path, manifests)
    if source.manifest_error:
        raise UnreadableFile(source.manifest_error)
    documents = source.documents("", options)
    mail = documents[0] if documents[0].kind == "email" else None
    received, received_from = _received(documents[0], mail)
    paragraphs: list[Paragraph] = []
    letter_documents = _letter_documents(documents, mail)
    for document in letter_documents:
        paragraphs += _paragraphs(document, numbered_from=len(paragraphs), is_mail=document is mail)
    mailed = mail.date if mail is not None and mail in letter_documents else None
    return Letter(path.name, tuple(paragraphs), received, documents[0].metadata.get("posted_date"), received_from,
                  mailed)


SHORT_COVER = 600  # characters: a mail body this short only covers the letter it carries as an attachment


def _letter_documents(documents: list[SourceDocument], mail: SourceDocument | None) -> list[SourceDocument]:
    """A mail that carries the letter as an attachment ("Bijgaand mijn bezwaarschrift") is the attachment; a
    mail with the letter in its body is the body, its attachments (photos, the decision) following it."""
    if mail is None or len(documents) == 1:
        return documents
    body = sum(len(page.text) for page in mail.pages)
    return documents[1:] if body < SHORT_COVER else documents


def _received(document: SourceDocument, mail: SourceDocument | None) -> tuple[str | None, str | None]:
    if document.metadata.get("received_date"):
        return document.metadata["received_date"], "manifest"
    if mail is not None and mail.date:
        return mail.date, "e-mail"
    return None, None


def _paragraphs(document: SourceDocument, numbered_from: int, is_mail: bool) -> list[Paragraph]:
    found: list[Paragraph] = []
    for index, page in enumerate(document.pages):
        text = page.text
        if is_mail and index == 0:  # the mail reader puts the headers (Van, Aan, Datum, ...) before the body
            text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
        blocks = _blocks(text)
        if found and blocks and page.number and _runs_on(found[-1].text, blocks[0]):
            # a paragraph over the page break is one paragraph, found on the page it starts on
            found[-1] = Paragraph(f"{found[-1].text} {blocks.pop(0)}", found[-1].page, found[-1].number)
        start = 0 if page.number else numbered_from + len(found)
        found += [Paragraph(block, page.number, start + n) for n, block in enumerate(blocks, 1)]
    return found


def _runs_on(last: str, first: str) -> bool:
    return not SENTENCE_END.search(last) and not ITEM_START.match(first) and len(last) > 60


def _blocks(text: str) -> list[str]:
    """The page's paragraphs: a blank line ends one. A line carries on the one before when that one ends mid-
    sentence and this one starts in lower case, or, in wrapped text, when that one fills the width."""
    lines = [line.strip() for line in text.split("\n")]
    longest = max((len(line) for line in lines), default=0)
    wrapped = longest < WRAPPED_MAX
    blocks: list[list[str]] = []
    previous = ""
    for line in lines:
        if not line:
            previous = ""
            continue
        mid_sentence = bool(previous) and not SENTENCE_END.search(previous) and not ITEM_START.match(line) \
            and not PART_START.match(line)
        if mid_sentence and (line[:1].islower() or wrapped and len(previous) >= 0.7 * longest):
            blocks[-1].append(line)
        else:
            blocks.append([line])
        previous = line
    return [_without_markup(_joined(block)) for block in blocks]


def _without_markup(text: str) -> str:
    """Markdown emphasis ("**Datum:**") is layout, not the letter's words."""
    return text.replace("**", "").replace("__", "")


def _joined(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        # a word broken at the line's end ("bezwaar-\nschrift") is joined whole; a dash between words is kept
        text = text[:-1] + line if text.endswith("-") and line[:1].islower() else f"{text} {line}"
    return text
