"""What a format reader returns (`Parsed`), the error it raises (`UnreadableFile`), and the text helpers the readers
share.

Its own module so that every format module (ingest/mail.py, ingest/odt.py, ingest/archive_xml.py, ...) can use them
without importing ingest/readers.py, which imports the format modules to route files to them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from charset_normalizer import from_bytes

from bronvast.schema import Page


class UnreadableFile(Exception):
    """The file cannot be indexed; the message is the plain reason shown to the user."""


def parser_failure(exc: Exception) -> UnreadableFile:
    """A parser library tripping over a malformed file (an exception of its own) is still just a bad file."""
    return UnreadableFile(f"kon niet gelezen worden ({type(exc).__name__}: {exc})")


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
    """UTF-8 when it is, else the encoding charset-normalizer detects (latin-1, cp1252, UTF-16 ...). Raises
    UnreadableFile, saying why, when what it decodes to is not text (random bytes, a binary file): see not_text."""
    return readable(_decoded(data))


def readable(text: str) -> str:
    """The decoded text of a file (or of an e-mail's body), or UnreadableFile saying why it is not text."""
    reason = not_text(text)
    if reason:
        raise UnreadableFile(f"bevat geen leesbare tekst: {reason}")
    return text


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("latin-1")  # NUL bytes outside UTF-16: binary, no need to look for an encoding
    matches = from_bytes(data)
    # On short texts charset-normalizer may rank e.g. cp775 above cp1252 ("café" -> "cafķ"); when a Western
    # European reading is among its candidates, take that one: Dutch documents are latin-1/cp1252, not Baltic.
    best = next((m for m in matches if "cp1252" in m.could_be_from_charset), None) or matches.best()
    # No encoding fits: latin-1 makes every byte a character, so not_text can count what is wrong with them.
    return str(best) if best is not None else data.decode("latin-1")


# Characters no text holds: controls other than whitespace, unassigned and private-use code points, surrogates,
# and U+FFFD, the mark a converter leaves for a character it could not read.
NOT_TEXT_CATEGORIES = {"Cc", "Cn", "Co", "Cs"}
# Random bytes hold at least 24 of 256 (9 %) in any 8-bit code page, over 20 % read as latin-1; real text, mojibake
# included, under 1 % (0.6 % at most in 21,000 text, code and data files): 5 % rejects the one, spares the other.
MAX_ODD_SHARE = 0.05
# From 1 % up, words decide: mojibake leaves the words (90 % or more of the letters stand in words, in any script),
# random bytes do not (40-70 %). Words: runs of two or more letters with a vowel, or of a script that writes none.
MIN_ODD_SHARE_WITHOUT_WORDS, MIN_WORD_SHARE = 0.01, 0.8
MIN_ODD = 3  # one or two odd characters in a short note (a lost euro sign) prove nothing
VOWELS = set("aeiouyαεηιουωаеиоуыэюяєії")
LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def not_text(text: str) -> str | None:
    """Why `text` is not text (random bytes or a binary file decoded as text), or None when it is.

    Not text: a share of MAX_ODD_SHARE or more of its characters (whitespace aside) are ones no text holds, or a
    smaller share of MIN_ODD_SHARE_WITHOUT_WORDS or more and hardly any words. Only decoded files are judged: OCR
    output and PDF text layers are not."""
    counts = Counter(text)
    odd = sum(n for ch, n in counts.items()
              if ch == "\ufffd" or (unicodedata.category(ch) in NOT_TEXT_CATEGORIES and not ch.isspace()))
    share = odd / max(1, sum(n for ch, n in counts.items() if not ch.isspace()))
    if odd < MIN_ODD or share < MIN_ODD_SHARE_WITHOUT_WORDS:
        return None
    what = f"{round(100 * share)}% stuur- of onbekende tekens"
    if share >= MAX_ODD_SHARE:
        return what
    return f"{what} en bijna geen woorden" if _word_share(text, counts) < MIN_WORD_SHARE else None


def _word_share(text: str, counts: Counter[str]) -> float:
    """The share of the letters that stand in words (see MIN_WORD_SHARE)."""
    letters = sum(n for ch, n in counts.items() if ch.isalpha())
    in_words = sum(
        len(run) for run in LETTER_RUN.findall(text)
        if max(run) >= "\u0500" or VOWELS & set(unicodedata.normalize("NFD", run.lower()))
    )
    return in_words / max(1, letters)


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
