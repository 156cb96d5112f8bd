"""OpenDocument text (.odt, LibreOffice / OpenOffice Writer): a zip whose content.xml holds the text.

Paragraphs, lists and tables become lines in document order (table rows as "cell | cell"); text:h headings, with
their outline level, split the text into sections. meta.xml gives the title, date and creator.
"""

from __future__ import annotations

import io
import zipfile
import zlib
import xml.etree.ElementTree as ET
from pathlib import Path

from ingest.parsed import Block, Parsed, UnreadableFile, iso_date, sectioned
from ingest.xmlsafe import parse_xml

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
MAX_XML_BYTES = 200 * 1024 * 1024  # a content.xml this large unpacked is a zip bomb, not a letter

# Generated or out-of-flow content: a table of contents repeats the headings, the others are not text.
SKIPPED = {f"{TEXT}table-of-content", f"{TEXT}sequence-decls", f"{OFFICE}forms", f"{TEXT}tracked-changes",
           f"{OFFICE}annotation", f"{TEXT}note-citation", f"{TEXT}alphabetical-index", f"{TEXT}bibliography"}


def read_odt(data: bytes, path: Path) -> Parsed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype != ODT_MIMETYPE:
                    raise UnreadableFile(f"geen ODT-tekstdocument (het bestand is een '{mimetype}')")
            if "content.xml" not in names:
                raise UnreadableFile("geen geldig of een beschadigd ODT-bestand (content.xml ontbreekt)")
            content = _member(archive, "content.xml")
            meta = _member(archive, "meta.xml") if "meta.xml" in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise UnreadableFile("geen geldig of een beschadigd ODT-bestand") from exc
    body = parse_xml(content, "content.xml van het ODT-bestand").find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise UnreadableFile("geen ODT-tekstdocument (content.xml heeft geen office:text)")
    blocks: list[Block] = []
    _blocks(body, blocks)
    title, date, creator = _meta(parse_xml(meta, "meta.xml van het ODT-bestand")) if meta else ("", None, "")
    title = title or next((text for level, text in blocks if level is not None and text.strip()), "")
    return Parsed(title, sectioned(blocks), date, {"creator": creator} if creator else {})


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    # The size a ZIP declares may lie, and zipfile inflates up to 2 GB at a time before it holds a member to that
    # size: read one byte past the limit at most.
    if archive.getinfo(name).file_size <= MAX_XML_BYTES:
        with archive.open(name) as member:
            data = member.read(MAX_XML_BYTES + 1)
        if len(data) <= MAX_XML_BYTES:
            return data
    raise UnreadableFile(f"{name} in het ODT-bestand is te groot om te lezen")


def _blocks(element: ET.Element, blocks: list[Block]) -> None:
    """Block-level content in document order: headings, paragraphs, list items, table rows, nested sections."""
    for child in element:
        tag = child.tag
        if tag in SKIPPED:
            continue
        if tag == f"{TEXT}h":
            level = child.get(f"{TEXT}outline-level", "1")
            text = _inline(child)
            blocks.append((int(level) if level.isdigit() and text.strip() else None, text))
        elif tag == f"{TEXT}p":
            blocks.append((None, _inline(child)))
        elif tag == f"{TABLE}table-row":
            blocks.append((None, " | ".join(" ".join(_inline(p) for p in cell) for cell in child
                                             if cell.tag == f"{TABLE}table-cell")))
        else:  # text:list, text:list-item, table:table, table:table-rows, text:section, ...: their blocks
            _blocks(child, blocks)


def _inline(element: ET.Element) -> str:
    """A paragraph's text: spans and links as text, text:s as spaces, tabs and line breaks kept, notes inline."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{TEXT}s":
            count = child.get(f"{TEXT}c", "1")
            parts.append(" " * (int(count) if count.isdigit() else 1))
        elif tag == f"{TEXT}tab":
            parts.append("\t")
        elif tag == f"{TEXT}line-break":
            parts.append("\n")
        elif tag not in SKIPPED:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _meta(root: ET.Element) -> tuple[str, str | None, str]:
    meta = root.find(f"{OFFICE}meta")
    if meta is None:
        return "", None, ""

    def first(*tags: str) -> str:
        return next(((meta.findtext(tag) or "").strip() for tag in tags if (meta.findtext(tag) or "").strip()), "")

    date = iso_date(first(f"{META}creation-date", f"{DC}date") or None)
    return first(f"{DC}title"), date, first(f"{META}initial-creator", f"{DC}creator")
