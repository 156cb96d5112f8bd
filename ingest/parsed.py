"""What a format reader returns (`Parsed`), the error it raises (`UnreadableFile`), and the text helpers the readers
share.

Its own module so that every format module (ingest/mail.py, ingest/odt.py, ingest/archive_xml.py, ...) can use them
without importing ingest/readers.py, which imports the format modules to route files to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from charset_normalizer import from_bytes

from bronvast.schema import Page


class UnreadableFile(Exception):
    """The file cannot be indexed; the message is the plain reason shown to the user."""


class Parsed(NamedTuple):
    """What a format reader returns; the first three are all most formats know."""

    title: str
    pages: list[Page]
    date: str | None = None  # ISO date
    metadata: dict[str, str] = {}
    access: tuple[str, ...] = ("public",)


Block = tuple[int | None, str]  # (heading level, text) or (None, a line of body text)


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


def decode(data: bytes) -> str:
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


def iso_date(value) -> str | None:
    """A datetime, or a string starting with YYYY-MM-DD, as an ISO date; anything else as None."""
    if value is None:
        return None
    if hasattr(value, "date"):
        return value.date().isoformat()
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value).strip())
    return match.group(0) if match else None


def tidy(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space, lines stripped, at most one empty line in a row."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def first_line(text: str) -> str:
    """The first non-empty line without Markdown's "#", cut to 120 characters: the title of a document without one."""
    line = next((line.strip("# ").strip() for line in text.splitlines() if line.strip()), "")
    return line[:120]


def _looks_binary(text: str) -> bool:
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control > max(3, len(text) // 100)
