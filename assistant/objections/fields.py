"""The deterministic fields of a letter: dates (Dutch month names too), the decision's reference and subject, the
hearing wish, pro forma, a representative, the signature and address, the request, and the Awb 6:5 elements it
lacks. Rules, not a model, so they work on the embedded default and say why they found what they found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.objections.reading import Letter, Paragraph
from bronvast.language import DUTCH_MONTH_ABBREVIATIONS, DUTCH_MONTHS, one_of

MONTHS = {name: number for number, name in enumerate(DUTCH_MONTHS, start=1)} | DUTCH_MONTH_ABBREVIATIONS
_MONTH = one_of(tuple(MONTHS))
DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:e|ste|de)?\s+(?P<month>{_MONTH})\.?(?:\s+(?P<year>\d{{4}})\b|(?=\s+jl\.?|\s+j\.l\.|\s+jongstleden|\s+(?:heeft|hebt|is|zijn)\b))"
    r"|\b(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
# What a date is the date of, read from the words just before it.
DECISION_CONTEXT = re.compile(
    r"(besluit|beschikking|aanslag\w*|aanslagbiljet|brief|vergunning|weigering|dagtekening|bekendgemaakt|"
    r"bekendmaking|verzonden|gedateerd|d\.d\.|de datum van)\b[^.;\n]{0,60}$",
    re.IGNORECASE,
)
LETTER_DATE_LINE = re.compile(r"^(?:\**datum\s*:?\**\s*)?(?:[A-Z][\w'-]+(?: [\w'-]+)?,\s*)?(?:\w+dag\s*)?$",
                              re.IGNORECASE)
NOT_DECISION = re.compile(r"(geboren|geboortedatum|vergadering|hoorzitting|controle|storm)\b[^.;\n]{0,30}$",
                          re.IGNORECASE)
# "Op 17 april 2025 heeft u een vergunning verleend": the words after the date say it is the decision's.
DECIDED_AFTER = re.compile(r"^[^.;\n]{0,25}\b(?:heeft|hebt|heb|is|zijn)\b[^.;\n]{0,80}\b(?:verleend|genomen|besloten|"
                           r"vastgesteld|opgelegd|geweigerd|afgewezen|toegekend|ingetrokken|beslist|verzonden)\b",
                           re.IGNORECASE)

REFERENCE = re.compile(
    r"(?P<label>uw\s+kenmerk|ons\s+kenmerk|kenmerk|zaaknummer|zaaknr\.?|referentie(?:nummer)?|aanslagnummer|"
    r"beschikkingsnummer|dossiernummer|besluitnummer|nummer)(?:(?:\s+\w+){1,2}\s*:|\s*:?)\s*"
    r"(?P<ref>(?-i:(?=[A-Z0-9./-]*(?: [A-Z0-9./-]+)?\d)[A-Z0-9][A-Z0-9./-]*(?:[ ](?=\S*\d)[A-Z0-9][A-Z0-9./-]*)?))",
    re.IGNORECASE,
)
CODE = re.compile(r"\b[A-Z]{1,5}-\d{4}-\d{2,6}\b")
HEARING = re.compile(
    r"gehoord\s+(?:te\s+)?word|(?:te\s+)?worden\s+gehoord|\b(?:mij|ons|cli[eë]nt)\s+te\s+horen\b|hoorzitting|"
    r"(?:mondeling|persoonlijk)\s+(?:\w+\s+){0,3}toe\s*(?:te\s+)?lichten|"
    r"recht\s+om\s+(?:te\s+)?worden\s+gehoord|wil\s+(?:graag\s+)?gehoord|uitnodig\w*\s+voor\s+een\s+gesprek",
    re.IGNORECASE,
)
NO_HEARING = re.compile(
    r"(?:zie|zien)\s+(?:\w+\s+){0,2}af\s+van\s+(?:het\s+|mijn\s+|ons\s+)?(?:recht\s+om\s+(?:te\s+)?worden\s+)?(?:horen|gehoord)|"
    r"\bniet\s+(?:\w+\s+)?gehoord\s+(?:te\s+)?worden|geen\s+(?:behoefte\s+aan\s+(?:een\s+)?)?hoorzitting|"
    r"hoeft\s+(?:\w+\s+){0,2}niet\s+(?:te\s+worden\s+)?gehoord|hoorzitting\s+(?:\w+\s+){0,3}niet\s+nodig|"
    r"(?:horen|gehoord\s+worden)\s+(?:\w+\s+){0,3}niet\s+nodig",
    re.IGNORECASE,
)
PRO_FORMA = re.compile(
    r"pro[\s-]?forma|gronden\s+(?:\w+\s+){0,4}(?:nader|later|aanvull|volg)|"
    r"(?:nader|later)\s+(?:\w+\s+){0,3}(?:aan\s*(?:te\s+)?vullen|aanvull\w*|motiveren|onderbouwen)|"
    r"termijn\s+(?:\w+\s+){0,4}(?:aanvulling|aan\s+te\s+vullen|gronden)",
    re.IGNORECASE,
)
REPRESENTATIVE = re.compile(
    r"namens\s+(?:mijn|onze|de)\s+cli[eë]nt|gemachtigde|machtiging|advoca\w+|rechtsbijstand\w*|"
    r"(?:treed|treden|optreed)\s+(?:\w+\s+){0,3}op\s+(?:als\s+gemachtigde\s+)?namens|namens\s+(?:de\s+heer|mevrouw)",
    re.IGNORECASE,
)
ORGANISATION = re.compile(
    r"^.*\b(?:advoca\w+|rechtsbijstand\w*|juridisch\w*|B\.V\.|N\.V\.|DAS|ARAG|SRK|Achmea|kantoor|stichting)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
CLOSING = re.compile(r"^(met\s+(vriendelijke|hartelijke)\s+groet(en)?|hoogachtend|groet(en)?|vriendelijke\s+groet(en)?|"
                     r"in\s+afwachting\s+van\s+uw\s+(reactie|antwoord)\S*|dank\s+u\s+(wel\s+)?\w*)\b", re.IGNORECASE)
SALUTATION = re.compile(r"^(geacht(e)?|beste|l\.s\.|aan\s+wie|dames\s+en\s+heren|hallo)\b", re.IGNORECASE)
POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")
STREET = re.compile(r"\b[A-Z][\w'-]*(?:straat|laan|weg|plein|kade|gracht|singel|dijk|hof|pad|steeg|dreef|erf|park|"
                    r"markt|veld|wal|baan|akker|weide|haven|burg|kant|hoek|zijde|wijk)\s+\d+(?:\s?[a-zA-Z]\b|-[A-Z0-9]+\b)?")
# An address block's lines: "Slootkant 139" on a line of its own (any street name), "4735 AB Lindewaard".
# The number is a house number, not a year ("WOZ-beschikking 2025").
ADDRESS_LINE = re.compile(r"^(?!(?:grond|bijlage|artikel|pagina|hoofdstuk|punt)\b)(?:[A-Z][\w'.-]*\s){1,3}"
                          r"(?!(?:19|20)\d\d\b)\d+(?:\s?[a-zA-Z]|-[A-Z0-9]+)?$", re.MULTILINE)
POSTCODE_PLACE = re.compile(r"\b\d{4}\s?[A-Z]{2}\s+(?:[A-Z][\w'-]+)(?:[ -][A-Z][\w'-]+)?")
SUBJECT_LINE = re.compile(r"^(?:betreft|onderwerp|inzake|re)\s*:\s*(?P<subject>.+)$", re.IGNORECASE | re.MULTILINE)
OBJECTS_TO = re.compile(
    r"bezwaar(?:schrift)?\s+(?:\w+\s+){0,3}tegen\s+(?P<subject>[^.;\n]+)", re.IGNORECASE)
# "heeft u mijn aanvraag voor een bewonersparkeervergunning geweigerd": what the decision was on
APPLIED_FOR = re.compile(r"(?:aanvraag|verzoek)\s+(?:voor|om)\s+(?:een\s+|de\s+|het\s+)?(?P<subject>[^,.;\n]+?)"
                         r"(?=\s+(?:geweigerd|afgewezen|verleend|toegekend|ingetrokken|niet)\b|[,.;\n])", re.IGNORECASE)
REQUEST = re.compile(
    r"(?:verzoek(?:en)?|vraag|vragen|verzoeke)\s+(?:ik|wij|we)?\s*(?:u|uw\s+college|de\s+gemeente)\b|"
    r"\bik\s+vraag\s+u\b|^graag\b|\b(?:ik|wij|we)\s+wil(?:len)?\s+dat\s+u\b|\bwil(?:len)?\s+(?:ik|wij)\s+(?:u\s+)?vragen\b|"
    r"(?:te|worden)\s+(?:herroepen|vernietigen|intrekken|herzien|verminderen|verlagen)|"
    r"\b(?:herroep|vernietig|trek)\s+(?:\w+\s+){0,4}(?:besluit|beschikking|aanslag)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    day: date
    paragraph: Paragraph
    start: int  # offset in the paragraph's text


def parse_date(match: re.Match[str], near: date | None = None) -> date | None:
    """The date written; "14 april jl." without a year is the last 14 April on or before `near` (the letter's
    own date, or another date it gives), None without one."""
    try:
        if match["iso"]:
            return date.fromisoformat(match["iso"])
        if match["month"]:
            month, day = MONTHS[match["month"].lower().rstrip(".")], int(match["day"])
            if match["year"]:
                return date(int(match["year"]), month, day)
            if near is None:
                return None
            guess = date(near.year, month, day)
            return guess if guess <= near else date(near.year - 1, month, day)
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:  # "31 februari": not a date
        return None


def dates_in(letter: Letter) -> list[DateMention]:
    """Every date in the letter; one without a year is placed by the latest full date it gives, or the day it
    was received."""
    matches = [(paragraph, match) for paragraph in letter.paragraphs for match in DATE.finditer(paragraph.text)]
    full = [day for _, match in matches if (day := parse_date(match)) is not None]
    received = [date.fromisoformat(letter.received_date)] if letter.received_date else []
    near = max(full + received, default=None)
    found = []
    for paragraph, match in matches:
        day = parse_date(match, near)
        if day is not None and 1900 < day.year < 2200:
            found.append(DateMention(day, paragraph, match.start()))
    return found


def letter_date(letter: Letter, mentions: list[DateMention]) -> date | None:
    """The date on a line of its own near the top ("Lindewaard, 3 maart 2025", "Datum: 03-03-2025"); failing that,
    one in the closing lines ("Lindewaard, 3 maart 2025" under the signature)."""
    top = letter.paragraphs[:12]
    bottom = letter.paragraphs[-6:]
    for region in (top, bottom):
        for mention in mentions:
            if mention.paragraph in region and _stands_alone(mention):
                return mention.day
    return None


def _stands_alone(mention: DateMention) -> bool:
    text = mention.paragraph.text
    before = text[:mention.start]
    after = DATE.sub("", text[mention.start:], count=1).strip(" .")
    return len(text) < 80 and not after and LETTER_DATE_LINE.match(before.strip()) is not None


def decision_date(mentions: list[DateMention], letter_day: date | None) -> date | None:
    """The first date the words before it tie to the decision ("uw besluit van", "beschikking d.d.",
    "dagtekening"), never the letter's own date line or a birth or meeting date."""
    for mention in mentions:
        before = mention.paragraph.text[max(0, mention.start - 80):mention.start]
        after = re.sub(r"^\s*(?:jl\.|j\.l\.|jongstleden)", "", DATE.sub("", mention.paragraph.text[mention.start:], count=1))
        tied = DECISION_CONTEXT.search(before) or DECIDED_AFTER.search(after)
        if tied and not NOT_DECISION.search(before[-40:]) and not _stands_alone(mention):
            return mention.day
    return None


MADE_KNOWN = re.compile(r"(?:verzonden|verstuurd|toegezonden|bekendgemaakt|gepubliceerd)\s+(?:\w+\s+){0,2}(?:op\s+)?"
                        r"(?:\w+dag\s+)?$", re.IGNORECASE)


def made_known_date(mentions: list[DateMention], decided: date | None) -> date | None:
    """The day the decision was sent or published ("verzonden op 6 februari"), from which the objection term runs
    (Awb 6:8 with 3:41); None when the letter does not say."""
    for mention in mentions:
        before = mention.paragraph.text[max(0, mention.start - 40):mention.start]
        if MADE_KNOWN.search(before) and (decided is None or mention.day >= decided):
            return mention.day
    return None


def decision_reference(letter: Letter) -> str | None:
    """The municipality's reference: "uw kenmerk", "zaaknummer", "kenmerk" ...; never the writer's own
    ("ons kenmerk", which a law firm gives its file)."""
    found = []
    for paragraph in letter.paragraphs:
        for match in REFERENCE.finditer(paragraph.text):
            label = " ".join(match["label"].lower().split())
            ref = match["ref"].rstrip(".,;:)-/")
            if label == "ons kenmerk" or not any(ch.isdigit() for ch in ref):
                continue
            found.append((0 if label in ("uw kenmerk", "kenmerk", "zaaknummer") else 1, ref))
    if not found:  # "Bezwaar naheffingsaanslag NA-2025-011742 van 03-03-2025": a code without its label
        found = [(2, match.group(0)) for paragraph in letter.paragraphs[:12] if "bezwaar" in paragraph.text.lower()
                 for match in CODE.finditer(paragraph.text)]
    return min(found, key=lambda item: item[0])[1] if found else None


def decision_subject(letter: Letter) -> str | None:
    """What the decision is about: the "Betreft:" line without its "bezwaar(schrift) tegen", else what the
    letter objects to ("Hierbij maak ik bezwaar tegen ...")."""
    text = letter.text
    line = SUBJECT_LINE.search(text)
    if line:
        subject = line["subject"].strip()
        objected = OBJECTS_TO.search(subject)
        return _trimmed_subject(objected["subject"] if objected else re.sub(
            r"^(?:pro[\s-]?forma\s+)?bezwaar(schrift)?\s*[:,-]?\s*", "", subject, flags=re.IGNORECASE))
    objected = OBJECTS_TO.search(text) or APPLIED_FOR.search(text)
    return _trimmed_subject(objected["subject"]) if objected else None


def _trimmed_subject(subject: str) -> str | None:
    # "bezwaarschrift J.P. Kuipers - omgevingsvergunning ...", "WOZ-beschikking 2025, cliënt de heer Smeets": the
    # objector's name is not what the decision is about
    parts = re.split(r"\s+[-–]\s+|,\s*(?=cli[eë]nt\b)", subject)
    subject = " - ".join(part for part in parts if not _names_a_person(part)) or subject
    subject = re.sub(r"^(?:het|de|uw|een)\s+(?:besluit|beschikking)\s+(?:(?:van|d\.d\.)\s+)?", "", subject.strip(),
                     flags=re.IGNORECASE)
    subject = re.split(r",?\s+(?:met\s+)?(?:(?:uw\s+)?kenmerk|zaaknummer|aanslagnummer|beschikkingsnummer|nummer|"
                       r"d\.d\.|van\s+\d|dat\s+|die\s+|waarbij|bezwaarschrift$)", subject,
                       maxsplit=1, flags=re.IGNORECASE)[0]
    subject = re.sub(r"\s*\b(?:jl\.?|j\.l\.|jongstleden)(?!\w)", "", DATE.sub("", subject)).strip(" ,.:;-")
    subject = re.sub(r"^(?:tot|om|van)\s+", "", subject, flags=re.IGNORECASE)
    return subject[:160] or None


def _names_a_person(text: str) -> bool:
    return bool(re.fullmatch(r"(?:bezwaar(?:schrift)?\s+)?(?:cli[eë]nte?,?\s+)?(?:de\s+heer\s+|mevrouw\s+)?"
                             r"(?:[A-Z]\.\s?)+(?:(?:van|de|der|den|ter|ten)\s+)*[A-Z][\w'-]+", text.strip()))


def hearing_requested(letter: Letter) -> bool:
    text = letter.text
    # "Ik zie af van horen, tenzij u ...": a conditional wish is read as no hearing asked; the notes quote it
    return bool(HEARING.search(text)) and not NO_HEARING.search(text)


def is_pro_forma(letter: Letter) -> bool:
    return bool(PRO_FORMA.search(letter.text))


def representative(letter: Letter) -> str | None:
    """The organisation that writes for the objector ("namens mijn cliënt"), by its name line when it has one."""
    text = letter.text
    if not REPRESENTATIVE.search(text):
        return None
    organisation = ORGANISATION.search("\n".join(p.text for p in letter.paragraphs[:8] + letter.paragraphs[-8:]))
    return organisation.group(0).strip()[:100] if organisation and len(organisation.group(0)) < 100 else "gemachtigde"


def closing_index(letter: Letter) -> int | None:
    """The paragraph that closes the letter ("Met vriendelijke groet,"), searched from the end."""
    for index in range(len(letter.paragraphs) - 1, -1, -1):
        if CLOSING.match(letter.paragraphs[index].text):
            return index
    return None


def salutation_index(letter: Letter) -> int | None:
    for index, paragraph in enumerate(letter.paragraphs[:15]):
        if SALUTATION.match(paragraph.text):
            return index
    return None


def signature_name(letter: Letter) -> str | None:
    """The name under the closing, or on the closing's own line ("Met vriendelijke groet, J. de Vries")."""
    index = closing_index(letter)
    if index is None:  # a typed name under the last paragraph, without a closing, still signs it
        last = letter.paragraphs[-1].text if letter.paragraphs else ""
        return last if len(letter.paragraphs) > 3 and _looks_like_name(last) else None
    rest = CLOSING.sub("", letter.paragraphs[index].text, count=1).strip(" ,")
    candidates = [rest] + [p.text for p in letter.paragraphs[index + 1:index + 4]]
    for candidate in candidates:
        candidate = re.sub(r"^(?:w\.g\.|get\.|\(handtekening\)|handtekening:?)\s*", "", candidate.strip(),
                           flags=re.IGNORECASE)
        candidate = re.sub(r"^(?:mr|dr|ir|drs|ing)\.\s*|\s+(?:advocaat|gemachtigde|directeur|voorzitter|secretaris)$",
                           "", candidate, flags=re.IGNORECASE)
        if _looks_like_name(candidate):
            return candidate
    return None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 6 and len(text) < 60 and text[:1].isupper() and not any(ch.isdigit() for ch in text) \
        and not text.lower().startswith(("bijlage", "namens", "de gemeente", "aan "))


CLIENT = re.compile(r"namens\s+(?:mijn\s+|onze\s+)?cli[eë]nte?,?\s+(?:de\s+heer\s+|mevrouw\s+)?"
                    r"(?P<name>(?:[A-Z]\.\s?)+(?:(?:van|de|der|den|ter|ten)\s+)*[A-Z][\w'-]+|[A-Z][a-z]+\s+[A-Z][\w'-]+)")


def sender_name(letter: Letter) -> str | None:
    """The objector: the client a representative writes for ("namens cliënt, de heer J.P. Kuipers"), else the
    signature's name, else the first line of the address block at the top."""
    client = CLIENT.search(letter.text)
    if client:
        return client["name"]
    name = signature_name(letter)
    if name:
        return name
    for paragraph in letter.paragraphs[:3]:
        first = paragraph.text.split(" (")[0]
        if _looks_like_name(first) and not SALUTATION.match(first) and not SUBJECT_LINE.match(first):
            return first
    return None


def has_address(letter: Letter) -> bool:
    top = "\n".join(p.text for p in letter.paragraphs[:10] + letter.paragraphs[-6:])
    municipality = re.compile(r"postbus|gemeente|college|aan\s+de|afdeling|t\.a\.v", re.IGNORECASE)
    for paragraph in letter.paragraphs[:10] + letter.paragraphs[-6:]:
        if STREET.search(paragraph.text) and not municipality.search(paragraph.text):
            return True
    return bool(POSTCODE.search(top)) and bool(re.search(r"(?m)^[A-Z][\w'-]+\s+\d+\s?[a-z]?$", top))


LIST_ITEM = re.compile(r"^\s*(?:[a-z\d][.)]|[-•*–])\s")
ASKS_FOR = re.compile(r"herroep|vernietig|intrek|in\s+te\s+trekken|herzie|verminder|verla[ag]g|gegrond|opnieuw|alsnog|"
                      r"terug|vergoed|lager|toe\s+te\s+kennen|verlen|weiger|wijzig|aan\s+te\s+passen|schrappen|"
                      r"termijn\s+(?:\w+\s+){0,3}(?:te\s+)?(?:geven|gunnen|krijgen|verlenen)|aan\s+te\s+vullen",
                      re.IGNORECASE)


def request_paragraphs(letter: Letter) -> list[int]:
    """The paragraphs that ask the municipality to revoke, change or grant ("Ik verzoek u het besluit te
    herroepen", or "verzoek ik u:" with its list items): the request, and never a ground."""
    asking: list[int] = []
    for index, paragraph in enumerate(letter.paragraphs):
        if index in asking or not REQUEST.search(paragraph.text):
            continue
        items = _list_items(letter, index) if paragraph.text.rstrip().endswith(":") else []
        if items or ASKS_FOR.search(paragraph.text):  # "verzoeken wij u:" and a list: what they ask, whatever it is
            asking += [index, *items]
    return asking


def _list_items(letter: Letter, index: int) -> list[int]:
    items = []
    for following in range(index + 1, len(letter.paragraphs)):
        if not LIST_ITEM.match(letter.paragraphs[following].text):
            break
        items.append(following)
    return items


def request(letter: Letter, asking: list[int]) -> str | None:
    """What the writer asks, verbatim: the first asking paragraph with its list items."""
    if not asking:
        return None
    first = asking[0]
    run = [first] + [i for n, i in enumerate(asking[1:], 1) if i == first + n]
    return " ".join(letter.paragraphs[i].text for i in run)
