"""XML parsed without a DTD: the ElementTree readers of ODT content and archive records use this.

Entity expansion (the "billion laughs" bomb) and external entities both need a DTD to declare the entities, and
neither ODF nor MDTO/TMLO records have one; refusing any DOCTYPE before the parser reads it closes both holes
without the defusedxml dependency. (expat does not fetch external entities by default either, and expat >= 2.4
caps amplification, but a plain rule is easier to trust than two version-dependent ones.)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from ingest.parsed import UnreadableFile


class _Refused(Exception):
    pass


def parse_xml(data: bytes, what: str = "XML") -> ET.Element:
    """The root element, with names in ElementTree's "{namespace}local" form. Raises UnreadableFile naming the
    line of the first error; `what` says which file it is, e.g. "content.xml van het ODT-bestand"."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    def refuse(*_args) -> None:
        raise _Refused

    parser.StartElementHandler = lambda tag, attrs: builder.start(name(tag), {name(k): v for k, v in attrs.items()})
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
        return builder.close()
    except _Refused:
        raise UnreadableFile(f"{what} bevat een DOCTYPE-declaratie; die wordt om veiligheidsredenen niet gelezen")
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"{what} is geen geldige XML: fout op regel {exc.lineno}, kolom {exc.offset + 1} "
            f"({expat.ErrorString(exc.code)})"
        ) from exc
    except AssertionError as exc:  # TreeBuilder: an end tag without start, cannot happen after expat's own check
        raise UnreadableFile(f"{what} is geen geldige XML") from exc
