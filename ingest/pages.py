"""Running page headers and footers: lines that every page repeats are noise for retrieval.

"Gemeente Lindewaard — Beleidsnota 2025" at the top and "Pagina 3 van 12" at the bottom of every page would
otherwise sit in every chunk, match every question about the municipality and push real passages down.
"""

from __future__ import annotations

import math
import re
from collections import Counter

EDGE_LINES = 3  # a running header or footer stands in the first or last this many non-empty lines of a page
MIN_SHARE = 0.6  # ... of at least this share of the pages
MIN_PAGES = 3  # ... and of at least this many pages


def line_key(line: str) -> str:
    """A line as compared across pages: case, spacing and punctuation ignored, every number the same
    ("Pagina 3 van 12" and "pagina 4 van 12" are one key), so page numbers and small OCR slips still match."""
    text = re.sub(r"\d+", "#", line.lower())
    return re.sub(r"[^\w#]+", "", text).replace("_", "")


def _edges(lines: list[str]) -> list[int]:
    """Indices of the first and last EDGE_LINES non-empty lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def repeated_keys(pages: list[str]) -> set[str]:
    """Keys of the lines that stand at the edge of at least MIN_SHARE (and MIN_PAGES) of the pages.

    A line with numbers only counts when its numbers are the same on those pages ("Beleidsnota 2025") or one of
    them runs with the page ("Pagina 3 van 12", "- 4 -", also when numbering starts after a cover): a heading
    like "Artikel 5" at the top of page 3 and "Artikel 6" at the top of page 4 is content, not a running header.
    """
    if len(pages) < MIN_PAGES:
        return set()
    seen: dict[str, dict[int, tuple[int, ...]]] = {}
    for index, text in enumerate(pages):
        lines = text.splitlines()
        for i in _edges(lines):
            key = line_key(lines[i])
            if key:
                numbers = tuple(int(n) for n in re.findall(r"\d+", lines[i]))
                seen.setdefault(key, {}).setdefault(index, numbers)
    needed = max(MIN_PAGES, math.ceil(MIN_SHARE * len(pages)))
    return {key for key, found in seen.items() if len(found) >= needed and _runs_or_stays(found, needed)}


def _runs_or_stays(found: dict[int, tuple[int, ...]], needed: int) -> bool:
    """Whether the numbers of one line key are the same on `needed` pages, or one position holds the page number
    plus a fixed offset on `needed` pages (a misread page number here and there is allowed)."""
    if Counter(found.values()).most_common(1)[0][1] >= needed:
        return True
    width = min(len(numbers) for numbers in found.values())
    for position in range(width):
        offsets = Counter(numbers[position] - index for index, numbers in found.items())
        if offsets.most_common(1)[0][1] >= needed:
            return True
    return False


def drop_running_lines(pages: list[str]) -> list[str]:
    """The page texts without their running headers and footers. Only lines at a page's edges are dropped: the
    same words inside the body stay. Fewer than MIN_PAGES pages (a single page, a letter of two) are untouched."""
    repeated = repeated_keys(pages)
    if not repeated:
        return list(pages)
    result = []
    for text in pages:
        lines = text.splitlines()
        drop = {i for i in _edges(lines) if line_key(lines[i]) in repeated}
        result.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return result
