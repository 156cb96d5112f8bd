"""Opt-in redaction of Dutch personal data: text -> the same text with each detected value replaced by a marker.

Detected, each by a named pattern below: BSN, IBAN, phone number, e-mail address, address (postcode with house
number, or street + house number + postcode) and date of birth (a date in a birth context only). Names are not
detected: without a language model they cannot be told apart from street, place and organisation names.

Rules lean towards keeping text, because a redacted amount, date or kenmerk makes a document useless for answers:
a BSN or IBAN is only redacted when its checksum passes, a date only when it is said to be a date of birth, and a
postcode only together with a house number. Phone numbers have no checksum; every number in a Dutch phone layout is
redacted, also an organisation's own (it cannot be told apart from a person's).

Address decisions:
- a postcode with a house number ("1234 AB 12a") becomes one [ADRES];
- a street + house number followed by a postcode ("Kerkstraat 12, 1234 AB Lindewaard") becomes one [ADRES] for the
  street, number and postcode together; the place name stays, as it names a municipality, not a household;
- a postcode alone ("1234 AB", about twenty addresses) is kept: documents use postcodes for areas and projects;
- a street + house number without a postcode is kept: it cannot be told apart from a public address ("Markt 1", the
  town hall) or the location a permit is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from bronvast.language import DUTCH_MONTH_ABBREVIATIONS, DUTCH_MONTHS, ENGLISH_MONTHS, one_of
from bronvast.schema import ALL_KINDS

MARKERS = {
    "bsn": "[BSN]",
    "iban": "[IBAN]",
    "phone": "[TELEFOON]",
    "email": "[E-MAIL]",
    "postcode": "[ADRES]",
    "birth_date": "[GEBOORTEDATUM]",
}


@dataclass(frozen=True)
class Redaction:
    text: str  # the text with every detected value replaced by its kind's marker
    counts: dict[str, int]  # kind -> number of values redacted, for every kind asked for (0 included); never values


# --- validators -------------------------------------------------------------------------------------------------

BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(digits: str) -> bool:
    """The BSN 11-test. Dots and spaces as written are ignored; an 8-digit number is a BSN with its leading 0 lost."""
    compact = digits.replace(".", "").replace(" ", "")
    if not (compact.isascii() and compact.isdigit() and len(compact) in (8, 9)):
        return False
    compact = compact.zfill(9)
    total = sum(int(digit) * weight for digit, weight in zip(compact, BSN_WEIGHTS))
    return total % 11 == 0 and compact != "000000000"


# ISO 13616 lengths for the EU/EEA, the UK and Switzerland and the microstates around them. Other countries are
# accepted at any length ISO allows (15 to 34), still only when the mod-97 check passes.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24,
    "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24,
    "SI": 19, "SK": 24, "SM": 27,
}
IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def is_valid_iban(text: str) -> bool:
    """ISO 13616: the country's length, and mod 97 == 1 after moving the first four characters to the end and
    reading letters as numbers (A=10 .. Z=35). Spaces (the printed groups of four) are allowed."""
    compact = text.replace(" ", "").upper()
    if not IBAN_SHAPE.fullmatch(compact):
        return False
    if len(compact) != IBAN_LENGTHS.get(compact[:2], len(compact)):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# --- patterns ---------------------------------------------------------------------------------------------------

# Anything with an @ between a local part and a dotted domain; the local part may hold digits of any shape.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

# Two letters, two check digits, then groups of four (compact or spaced); a candidate may run on into a following
# word of four letters, so the longest prefix that passes is taken (see _iban).
IBAN = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![\w-])", re.IGNORECASE)

# Nine digits as written: 123456782, 123.456.782, 123 456 782 and as on passports 1234.56.782 / 1234 56 782. Not
# part of a longer number (123.456.782,00, a phone's digit groups), a kenmerk (ZK-123456782) or an amount (€).
BSN = re.compile(
    r"(?<![\w+€-])(?<!\d[ .,])(?<!€ )(?<!EUR )"
    r"(?:\d{9}|\d{3}([. ])\d{3}\1\d{3}|\d{4}([. ])\d{2}\2\d{3})"
    r"(?![\w-])(?![ .,]?\d)"
)

# A Dutch number is a trunk 0 (or +31 / 0031) and nine digits: a mobile 6 + eight, or an area code of two or three
# digits + seven or six, in the groupings people write. Spelling out the groupings (instead of "ten digits with
# separators anywhere") is what keeps dates (03-03-1961), amounts and kenmerken out.
_MOBILE = r"6[ -]?(?:\d{8}|\d{4}[ ]\d{4}|\d{2}(?:[ ]\d{2}){3}|\d{3}[ ]\d{3}[ ]\d{2}|\d{2}[ ]\d{3}[ ]\d{3})"
_AREA_2, _REST_7 = r"[1-57-9]\d", r"(?:\d{7}|\d{3}[ ]\d{4}|\d{3}(?:[ ]\d{2}){2})"
_AREA_3, _REST_6 = r"[1-57-9]\d{2}", r"(?:\d{6}|\d{3}[ ]\d{3}|\d{2}(?:[ ]\d{2}){2})"
_AFTER_TRUNK = rf"(?:{_MOBILE}|{_AREA_2}[ -]?{_REST_7}|{_AREA_3}[ -]?{_REST_6})"
PHONE = re.compile(
    r"(?<![\w+/-])"
    rf"(?:0{_AFTER_TRUNK}"  # 06-12345678, 010-1234567, 020 123 4567
    rf"|\(0(?:{_AREA_2}\)[ ]?{_REST_7}|{_AREA_3}\)[ ]?{_REST_6})"  # (020) 123 4567
    rf"|(?:\+|00)31[ -]?(?:\(0\)[ ]?)?{_AFTER_TRUNK})"  # +31 6 12345678, +31 (0)20 123 4567, 0031 20 1234567
    r"(?![\w/-])(?![.,]\d)(?![ ]?\d)"
)

# Upper-case letters only: in lower case "1234 en 12" would be an address.
_POSTCODE = r"[1-9]\d{3}[ ]?[A-Z]{2}"
# 12, 12a, 12-A, 12bis, 12 B, 12-2, 12/3; a spaced addition is one capital, so "12 te Lindewaard" stays a number.
_HOUSE_NUMBER = r"\d{1,5}(?:-?[A-Za-z]{1,3}|[ ][A-Z]|[-/]\d{1,4})?"
# A capitalised word (Kerkstraat, Burg., Sint-Jansweg), then up to three more capitalised words or name particles
# (Laan van Meerdervoort, Burgemeester de Vlugtlaan, 's-Gravendijkwal).
_WORD = r"[A-Z][^\W\d_]*(?:['.-][^\W\d_]*)*"
_STREET = rf"(?:'[st][ -])?{_WORD}(?:[ ](?:{_WORD}|van|de|der|den|het|ten|ter|op|aan|'t|'s)){{0,3}}"
# The house number and postcode are separated by a comma, spaces or a line break (an address block in a letter).
_ADDRESS_BREAK = r"(?:,?[ \t]*\r?\n[ \t]*|,[ \t]*|[ \t]+)"
ADDRESS = re.compile(
    rf"(?<![\w-])(?:{_STREET}[ ]{_HOUSE_NUMBER}{_ADDRESS_BREAK}{_POSTCODE}|{_POSTCODE},?[ ]{_HOUSE_NUMBER})(?![\w-])"
)

_MONTH = one_of(DUTCH_MONTHS, ENGLISH_MONTHS, tuple(DUTCH_MONTH_ABBREVIATIONS), ("mar", "oct")) + r"\.?"
_DATE = (
    rf"(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}"  # 3 maart 1961
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"  # 03-03-1961, 3/3/61
    r"|\d{4}-\d{2}-\d{2}"  # 1961-03-03
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"  # March 3, 1961
)
# Only a date said to be a date of birth: the context words stay, the date goes; any other date is kept.
BIRTH_DATE = re.compile(
    r"(?P<lead>\b(?:geboren(?:\s+te\s+\S+)?(?:\s+op)?|geb\.|geboortedatum|date\s+of\s+birth|born(?:\s+on)?)\s*:?\s*)"
    rf"(?P<date>{_DATE})(?!\w)",
    re.IGNORECASE,
)


# --- rules ------------------------------------------------------------------------------------------------------

def _whole(kind: str) -> Callable[[re.Match[str]], str | None]:
    return lambda match: MARKERS[kind]


def _bsn(match: re.Match[str]) -> str | None:
    return MARKERS["bsn"] if is_valid_bsn(match.group(0)) else None


def _iban(match: re.Match[str]) -> str | None:
    # The longest prefix ending at a group boundary that passes: "BE68 5390 0754 7034 naar" is a Belgian IBAN
    # followed by a word the pattern took for a fifth group.
    candidate = match.group(0)
    for end in sorted({i for i, char in enumerate(candidate) if char == " "} | {len(candidate)}, reverse=True):
        if is_valid_iban(candidate[:end]):
            return MARKERS["iban"] + candidate[end:]
    return None


def _birth_date(match: re.Match[str]) -> str | None:
    return match.group("lead") + MARKERS["birth_date"]


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    replace: Callable[[re.Match[str]], str | None]  # the replacement, or None to keep the match as it is

    def apply(self, text: str) -> tuple[str, int]:
        count = 0

        def substitute(match: re.Match[str]) -> str:
            nonlocal count
            replacement = self.replace(match)
            if replacement is None:
                return match.group(0)
            count += 1
            return replacement

        return self.pattern.sub(substitute, text), count


# Applied in this order, each on the previous one's output, so a value is redacted once and its digits cannot be
# claimed by a second rule. E-mail first: an address may hold any digits (j.jansen0612345678@...). Then the kinds
# with a checksum, because a passing checksum settles what a number is: IBAN before BSN (a Dutch IBAN ends in an old
# bank account number, which passed an 11-test just as a BSN does) and BSN before the phone rule. Then the birth
# dates, whose context settles them. The shape-only rules (phone, address) see only what is left. Markers hold no
# digits and no @, so running redact again finds nothing new.
RULES = (
    Rule("email", EMAIL, _whole("email")),
    Rule("iban", IBAN, _iban),
    Rule("bsn", BSN, _bsn),
    Rule("birth_date", BIRTH_DATE, _birth_date),
    Rule("phone", PHONE, _whole("phone")),
    Rule("postcode", ADDRESS, _whole("postcode")),
)


def redact(text: str, kinds: Collection[str] = ALL_KINDS) -> Redaction:
    """`text` with the personal data of `kinds` replaced by markers, and how many values of each kind were found.

    `kinds`: names from ALL_KINDS (one name alone may be passed as a string). Raises ValueError for another name.
    """
    wanted = {kinds} if isinstance(kinds, str) else set(kinds)
    unknown = wanted - set(ALL_KINDS)
    if unknown:
        raise ValueError(
            f"onbekende soort persoonsgegevens: {', '.join(sorted(unknown))} (kies uit {', '.join(ALL_KINDS)})"
        )
    counts: dict[str, int] = {}
    for rule in RULES:
        if rule.kind in wanted:
            text, counts[rule.kind] = rule.apply(text)
    return Redaction(text, {kind: counts[kind] for kind in ALL_KINDS if kind in counts})
