"""A question about one objection letter (its grounds, request, hearing, term or writer) answered from the letter's
file card (assistant/objections), not from the best-matching sentences of the passages found.

Why not the sentences: a letter's grounds stand in several paragraphs, over pages and chunks, and the sentences that
match "Op welke gronden maakt de indiener bezwaar tegen de naheffingsaanslag?" best are the subject line and the
opening ("Hierbij maak ik bezwaar tegen de naheffingsaanslag ..."), which name the subject and answer nothing. The
card reads the whole letter as `bronvast objections summarize` does: every ground in the writer's own words with
where it stands, the request, the hearing and the term checked against the Awb.

Only when it is safe and clear:
- the question names an objection (bezwaar, indiener, ...) and asks one of those aspects of one letter (a question
  across letters, "in welke bezwaarschriften ...", is the dossier's: `bronvast objections dossier`);
- the best passage comes from a letter that reads as an objection (grounds and the decision it contests);
- that file is still the version indexed (its identity hash matches) and its collection was made without redaction
  (the file on disk holds the personal data such a collection left out).
Otherwise the extract answers, as for any question.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from assistant.objections import fields
from assistant.objections.cards import ObjectionReader
from assistant.objections.privacy import Pseudonymiser
from assistant.objections.reading import read_letter
from bronvast.schema import Hit, LetterCard, ObjectionOptions, Sentence
from bronvast.settings import Settings
from ingest.manifest import Manifests
from ingest.parsed import UnreadableFile
from ingest.sources import FileSource

ABOUT_AN_OBJECTION = re.compile(r"\b(?:bezwaar\w*|indiener\w*|objection\w*|objector\w*)\b", re.IGNORECASE)
ACROSS_LETTERS = re.compile(r"\b(?:welke\s+(?:indieners|bezwaarschriften|brieven|bezwaarmakers|bezwaren)|"
                            r"in\s+welke|meer\s+dan\s+(?:één|een)|alle\s+bezwaarschriften|which\s+letters|"
                            r"which\s+objections)\b", re.IGNORECASE)
# What the question asks of the letter, first match wins: a term question may say "bezwaar", a request question
# "gronden" ("op grond van ...") less often than the reverse.
ASPECTS = (
    ("term", re.compile(r"\b(?:op\s+tijd|tijdig|te\s+laat|termijn\w*|in\s+time|on\s+time|late)\b", re.IGNORECASE)),
    ("hearing", re.compile(r"\b(?:gehoord|horen|hoorzitting|heard|hearing)\b", re.IGNORECASE)),
    ("grounds", re.compile(r"\b(?:gronden?|waarom|argument\w*|grounds?|why)\b", re.IGNORECASE)),
    ("request", re.compile(r"\b(?:wat\s+(?:vraagt|verzoekt|wil)|verzoek\w*|what\s+does\s+\S+\s+(?:ask|request))\b",
                           re.IGNORECASE)),
    ("writer", re.compile(r"^\s*(?:wie|door\s+wie|who)\b", re.IGNORECASE)),
)
CARDS_KEPT = 64  # letters read, by identity: a second question about a letter does not read it again


def asked_aspect(question: str) -> str | None:
    """The aspect of one letter the question asks for, or None when it asks none or asks across letters."""
    if not ABOUT_AN_OBJECTION.search(question) or ACROSS_LETTERS.search(question):
        return None
    return next((aspect for aspect, pattern in ASPECTS if pattern.search(question)), None)


@dataclass(frozen=True)
class LetterLabels:
    """How the card's parts are shown, per answer language (config/prompts.yaml, `letter_*`)."""

    ground: str  # {n} {summary} {location} {quote}
    request: str  # {request}
    hearing_asked: str
    hearing_not_asked: str
    hearing_words: str  # {location} {quote}
    term: str  # {reason}
    term_note: str  # {note}
    writer: str  # {writer}
    representative: str  # {representative}


class LetterQuestions:
    def __init__(self, reader: ObjectionReader, settings: Settings):
        self.reader = reader
        self.settings = settings
        self._cards: OrderedDict[str, LetterCard] = OrderedDict()

    def answer(self, question: str, hits: list[Hit], redacted: bool, labels: LetterLabels) -> list[Sentence] | None:
        """The answer from the best passage's letter as sentences citing that passage, or None (then the extract
        answers)."""
        aspect = asked_aspect(question)
        if aspect is None or not hits or redacted:
            return None
        card = self.card(hits[0])
        if card is None or not reads_as_objection(card):
            return None
        texts = shown(card, aspect, labels)
        return [Sentence(text, [1], True, 1.0) for text in texts] or None

    def card(self, hit: Hit) -> LetterCard | None:
        """The file card of the hit's letter, read once per file version; None when the file is gone, changed
        since it was indexed, or unreadable."""
        chunk = hit.chunk
        if chunk.sha256 in self._cards:
            self._cards.move_to_end(chunk.sha256)
            return self._cards[chunk.sha256]
        path = Path(chunk.path)
        manifests = Manifests()
        try:
            if not path.is_file() or FileSource.of(path, manifests).identity() != chunk.sha256:
                return None
            letter = read_letter(path, manifests, self.settings.ingest)
            card = self.reader.card(letter, ObjectionOptions(show_names=True), Pseudonymiser())
        except (UnreadableFile, OSError, ValueError):
            return None
        self._cards[chunk.sha256] = card
        if len(self._cards) > CARDS_KEPT:
            self._cards.popitem(last=False)
        return card


def reads_as_objection(card: LetterCard) -> bool:
    """Grounds, and the decision they are against: a letter that only mentions an objection is not one."""
    return bool(card.grounds) and bool(card.decision_reference or card.decision_subject or card.decision_date)


def shown(card: LetterCard, aspect: str, labels: LetterLabels) -> list[str]:
    if aspect == "grounds":  # the summary is the letter's heading or first words: left out when the quote opens so
        return [labels.ground.format(n=n, location=g.location, quote=g.quote,
                                     summary="" if g.quote.startswith(g.summary.rstrip(".…")) else f": {g.summary}")
                for n, g in enumerate(card.grounds, start=1)]
    if aspect == "request":
        return [labels.request.format(request=card.request)] if card.request else []
    if aspect == "hearing":
        said = hearing_paragraph(card.text, card.hearing_requested)
        asked = labels.hearing_asked if card.hearing_requested else labels.hearing_not_asked
        return [asked] + ([labels.hearing_words.format(quote=said)] if said else [])
    if aspect == "term":
        if not card.on_time_reason:
            return []
        notes = [labels.term_note.format(note=note) for note in card.notes if "termijn" in note.lower()]
        return [labels.term.format(reason=card.on_time_reason), *notes]
    writer = [labels.writer.format(writer=card.sender)] if card.sender else []
    return writer + ([labels.representative.format(representative=card.gemachtigde)] if card.gemachtigde else [])


def hearing_paragraph(text: str, requested: bool) -> str | None:
    """The letter's own words about being heard: the paragraph that asks for it, or that waives it (the patterns
    the card's `hearing_requested` is read by)."""
    said = fields.HEARING if requested else fields.NO_HEARING
    return next((p.strip() for p in text.split("\n\n") if said.search(p)), None)
