"""Archive metadata records (.xml): MDTO (Nationaal Archief, https://www.nationaalarchief.nl/mdto) and TMLO-style
records (ToPX and other exports with TMLO element names).

A record describes an archived object rather than holding its text: its title and description (omschrijving) are
what is searched, preceded by the record's key facts (kenmerk, archiefvormer, datering, openbaarheid) so answers
can cite them. The rest becomes metadata: identifier, identifier_source, creator, doc_type "archiefrecord",
openbaarheid ("openbaar", "beperkt openbaar tot 2040-01-01", ...) and access: ("public",) when the record is
openbaar, else ("restricted",).

Element names are matched on their local name, case-insensitively, so namespace prefixes and the spelling
differences between MDTO versions (dekkingInTijdBegindatum / dekkingInTijdBeginDatum) and TMLO exports do not matter.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from bronvast.schema import Page
from ingest.parsed import Parsed, UnreadableFile, iso_date
from ingest.xmlsafe import parse_xml

MDTO_NAMESPACE = "https://www.nationaalarchief.nl/mdto"
RECORD_WRAPPERS = {"mdto", "topx", "tmlo"}  # roots that hold one record (informatieobject, bestand, aggregatie, ...)
TMLO_NAMES = {"identificatiekenmerk", "naam", "titel", "omschrijving", "openbaarheid", "datering", "archiefvormer",
              "dekking", "eventgeschiedenis", "aggregatieniveau", "classificatie"}
RESTRICTED = ("restricted",)
PUBLIC = ("public",)


def read_archive_record(data: bytes, path: Path) -> Parsed:
    root = parse_xml(data, "het XML-bestand")
    standard = _standard(root)
    if standard is None:
        raise UnreadableFile("XML is geen MDTO- of TMLO-record (alleen archiefrecords in XML worden gelezen)")
    record = root[0] if _local(root) in RECORD_WRAPPERS and len(root) else root
    if standard == "MDTO":
        facts = _mdto(record)
    else:
        facts = _tmlo(record)
    title, description = facts.pop("title"), facts.pop("description")
    restriction_end = facts.pop("restriction_end")
    openbaarheid, access = _openness(facts.pop("restriction_label"), restriction_end)
    metadata = {key: value for key, value in facts.items() if value and key != "date" and key != "end"}
    metadata.update(doc_type="archiefrecord", standard=standard)
    if openbaarheid:
        metadata["openbaarheid"] = openbaarheid
    if access == RESTRICTED and restriction_end:  # public from that day on, without indexing it again
        metadata["public_from"] = restriction_end
    period = " tot en met ".join(d for d in (facts["date"], facts["end"]) if d)
    lines = [title, description, ""] + [
        f"{label}: {value}"
        for label, value in (
            ("Kenmerk", metadata.get("identifier")),
            ("Archiefvormer", metadata.get("creator")),
            ("Datering", period),
            ("Openbaarheid", openbaarheid),
        )
        if value
    ]
    return Parsed(title or "", [Page(None, "\n".join(v for v in lines if v is not None))], iso_date(facts["date"]),
                  metadata, access)


def _standard(root: ET.Element) -> str | None:
    """"MDTO" for a record in the MDTO namespace, "TMLO" for one with TMLO element names, else None."""
    if any(_namespace(el) == MDTO_NAMESPACE for el in root.iter()):
        return "MDTO"
    names = {_local(el) for el in root.iter()}
    if "topx" in names or (
        "identificatiekenmerk" in names and len(names & TMLO_NAMES) >= 3 and names & {"naam", "titel"}
    ):
        return "TMLO"
    return None


def _mdto(record: ET.Element) -> dict[str, str | None]:
    restriction = _restriction(record, "beperkinggebruik", ("beperkinggebruiktype/begriplabel",
                                                           "beperkinggebruiknaderebeschrijving"))
    return {
        "title": _text(record, "naam"),
        "description": _text(record, "omschrijving"),
        "identifier": _text(record, "identificatie/identificatiekenmerk"),
        "identifier_source": _text(record, "identificatie/identificatiebron"),
        "date": _text(record, "dekkingintijd/dekkingintijdbegindatum") or _text(record, "event/eventtijd"),
        "end": _text(record, "dekkingintijd/dekkingintijdeinddatum"),
        "creator": _text(record, "archiefvormer/verwijzingnaam")
        or _text(record, "betrokkene/betrokkeneactor/verwijzingnaam"),
        "aggregation": _text(record, "aggregatieniveau/begriplabel"),
        **restriction,
    }


def _tmlo(record: ET.Element) -> dict[str, str | None]:
    restriction = _restriction(record, "openbaarheid", ("omschrijvingbeperkingen", "omschrijving"))
    return {
        "title": _text(record, "naam") or _text(record, "titel"),
        "description": _text(record, "omschrijving"),
        "identifier": _text(record, "identificatiekenmerk"),
        "identifier_source": _text(record, "bron"),
        "date": _text(record, "datering/begin/datum") or _text(record, "datering/begin")
        or _text(record, "dekking/intijd/begin/datum") or _text(record, "eventgeschiedenis/datumofperiode/datum"),
        "end": _text(record, "datering/eind/datum") or _text(record, "datering/eind")
        or _text(record, "dekking/intijd/eind/datum"),
        "creator": _text(record, "archiefvormer/naam") or _text(record, "archiefvormer/geautoriseerdenaam")
        or _text(record, "archiefvormer") or _text(record, "context/actor/geautoriseerdenaam")
        or _text(record, "actor/naam"),
        "aggregation": _text(record, "aggregatieniveau"),
        **restriction,
    }


def _restriction(record: ET.Element, element: str, labels: tuple[str, ...]) -> dict[str, str | None]:
    """The openness restriction: its label (the first restriction that is about openness, else the first) and
    the date it ends, given as an end date or as a start date plus a duration in years (P20Y)."""
    candidates = [el for el in record if _local(el) == element]
    if not candidates:
        return {"restriction_label": None, "restriction_end": None}
    about_openness = [el for el in candidates if "openba" in " ".join(_text(el, lb) or "" for lb in labels).lower()]
    chosen = (about_openness or candidates)[0]
    label = _text(chosen, labels[0]) or _text(chosen, labels[1])
    end = (
        _first_date(chosen, ("termijneinddatum", "einddatum", "eind/datum", "datumofperiode/eind/datum"))
        or _after(_first_date(chosen, ("termijnstartdatumlooptijd",)),
                  _text(chosen, "beperkinggebruiktermijn/termijnlooptijd"))
        or _first_date(chosen, ("datumofperiode/datum", "datum", "termijn"))
    )
    return {"restriction_label": label, "restriction_end": end}


def _openness(label: str | None, end: str | None) -> tuple[str | None, tuple[str, ...]]:
    """("openbaar", public) | ("beperkt openbaar tot <date>", restricted) | ("niet openbaar", restricted);
    a restriction whose end date has passed is openbaar again. No statement at all: no openbaarheid, public (as
    for every other document without access information)."""
    if not label and not end:
        return None, PUBLIC
    text = (label or "").lower()
    if "niet openbaar" in text or "geheim" in text:
        name = "niet openbaar"
    elif "beperk" in text or (end and "openbaar" not in text):
        name = "beperkt openbaar"
    elif "openbaar" in text or "geen beperking" in text:
        return "openbaar", PUBLIC
    else:  # some other restriction of use (copyright, privacy, ...): restricted, saying which
        name = f"beperkt: {label}"
    if end and end <= date.today().isoformat():
        return f"openbaar (beperking verlopen op {end})", PUBLIC
    return name + (f" tot {end}" if end else ""), RESTRICTED


def _after(start: str | None, duration: str | None) -> str | None:
    years = re.fullmatch(r"P(\d+)Y", (duration or "").strip())
    if not start or not years:
        return None
    begin = date.fromisoformat(start)
    try:
        return begin.replace(year=begin.year + int(years.group(1))).isoformat()
    except ValueError:  # 29 February
        return begin.replace(year=begin.year + int(years.group(1)), day=28).isoformat()


def _first_date(element: ET.Element, paths: tuple[str, ...]) -> str | None:
    for path in paths:
        found = _text(element, path) or _text(element, "beperkinggebruiktermijn/" + path)
        if found and iso_date(found):
            return iso_date(found)
    return None


def _text(element: ET.Element, path: str) -> str | None:
    """The whitespace-normalised text of the first element at `path` (lower-case local names, "/" = child)."""
    steps = path.split("/")
    current = [element]
    for step in steps[:-1]:
        current = [child for el in current for child in el if _local(child) == step]
    for el in current:
        for child in el:
            if _local(child) == steps[-1]:
                text = " ".join("".join(child.itertext()).split())
                if text:
                    return text
    return None


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def _namespace(element: ET.Element) -> str | None:
    return element.tag[1:].split("}", 1)[0] if isinstance(element.tag, str) and element.tag.startswith("{") else None
