"""Pseudonyms in every output: the writer becomes "indiener N", other people named with a title or initials
"persoon N", a street address and a postcode with its place "[ADRES]", and what ingest/redact.py detects (BSN, IBAN, phone, e-mail, postcode
with house number, date of birth) its marker. One Pseudonymiser per run, so one person keeps one pseudonym across
the letters of a dossier.
"""

from __future__ import annotations

import re

from assistant.objections.fields import ADDRESS_LINE, POSTCODE_PLACE, STREET
from bronvast.schema import ALL_KINDS
from ingest.redact import redact

_PARTICLE = r"(?:(?:van|de|der|den|ter|ten|te|het|in\s+'t|op\s+de|van\s+de|van\s+der|van\s+den)\s+)*"
_SURNAME = rf"{_PARTICLE}[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?"
# "de heer R.J. Mulderink", "mevrouw Jansen", "dhr. K. de Wit", "A.M. (Anouk) Veldhuis-Terpstra"
TITLED = re.compile(rf"\b(?:de\s+heer|heer|mevrouw|mevr\.|mw\.|dhr\.|mr\.|dr\.|ir\.|drs\.|familie|fam\.)\s+"
                    rf"(?:(?:[A-Z]\.\s?)+\s*)?(?:\([A-Z][a-z]+\)\s+)?{_SURNAME}")
INITIALLED = re.compile(rf"\b(?:[A-Z]\.\s?){{1,4}}(?:\([A-Z][a-z]+\)\s+)?{_SURNAME}")


class Pseudonymiser:
    def __init__(self) -> None:
        self._writers: dict[str, str] = {}
        self._others: dict[str, str] = {}

    def writer(self, name: str | None) -> str:
        """The pseudonym of a letter's writer (a new one for a letter whose writer is unknown)."""
        key = _key(name) if name else f"onbekend {len(self._writers) + 1}"
        return self._writers.setdefault(key, f"indiener {len(self._writers) + 1}")

    def text(self, text: str, writer: str | None) -> str:
        """`text` with the writer's name, other people's names, street addresses and redact.py's kinds replaced."""
        surname = _key(writer) if writer else ""

        def person(match: re.Match[str]) -> str:
            name = match.group(0)
            return self.writer(writer) if surname and _key(name).endswith(surname) else self._other(name)

        text = redact(text, ALL_KINDS).text
        for address in (STREET, ADDRESS_LINE, POSTCODE_PLACE):
            text = address.sub("[ADRES]", text)
        for pattern in (TITLED, INITIALLED):
            text = pattern.sub(person, text)
        for form in _forms(writer) if writer else []:
            text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", self.writer(writer), text)
        return text

    def _other(self, name: str) -> str:
        key = _key(name)
        return self._others.setdefault(key, f"persoon {len(self._others) + 1}")


def _key(name: str) -> str:
    """A person's name without titles, initials and first name in brackets: "A.M. (Anouk) Veldhuis" -> "veldhuis"."""
    name = re.sub(r"\([^)]*\)|\b[A-Z]\.|\b(?:de\s+heer|mevrouw|mevr\.|mw\.|dhr\.|mr\.|dr\.)\s*", " ", name)
    return " ".join(name.split()).casefold()


def _forms(name: str) -> list[str]:
    """The ways a letter writes its writer's name, longest first: as signed, without the first name in brackets,
    without initials, and the surname alone ("A.M. (Anouk) Veldhuis-Terpstra" ... "Veldhuis-Terpstra")."""
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    without_initials = re.sub(r"\b(?:[A-Z]\.\s?)+", "", bare).strip()
    forms = {name.strip(), bare, without_initials, without_initials.split()[-1] if without_initials else ""}
    brackets = re.search(r"\(([A-Z][a-z]+)\)", name)
    if brackets:
        forms.add(f"{brackets[1]} {without_initials}")
    return sorted((form for form in forms if len(form) > 3), key=len, reverse=True)
