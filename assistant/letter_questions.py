"""A question about one objection letter (its grounds, request, hearing, term or writer) answered from the letter's
file card (assistant/objections), not from the best-matching sentences of the passages found.

Why not the sentences: a letter's grounds stand in several paragraphs, over pages and chunks, and the sentences that
match "Op welke gronden maakt de indiener bezwaar tegen de naheffingsaanslag?" best are the subject line and the
opening ("Hierbij maak ik bezwaar tegen de naheffingsaanslag ..."), which name the subject and answer nothing. The
card reads the whole letter as `bronvast objections summarize` does: every ground in the writer's own words with
where it stands, the request, the hearing and the term checked against the Awb.

Only when it is safe and clear:
- the question names an objection (bezwaar, indiener, ...) and asks one of those aspects;
- about one letter: the best passage comes from a letter that reads as an objection (grounds and the decision it
  contests); across letters ("Welke indieners vragen om een hoorzitting?", "In welke bezwaarschriften wordt
  aangevoerd dat ...?"): every letter of the collection the asker may see, each that answers named and cited (the
  passages found hold only a few: a letter outside them would be silently missing from the list); which grounds
  recur across a dossier is `bronvast objections dossier`'s;
- that file is still the version indexed (its identity hash matches) and its collection was made without redaction
  (the file on disk holds the personal data such a collection left out).
Otherwise the extract answers, as for any question.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from assistant.objections import fields
from assistant.objections.cards import ObjectionReader
from assistant.objections.privacy import Pseudonymiser
from assistant.objections.reading import read_letter
from bronvast.schema import Chunk, Hit, LetterCard, ObjectionOptions, SearchFilter, Sentence
from bronvast.settings import Settings
from bronvast.sparse import Analyzer
from bronvast.store import ChunkStore
from ingest.manifest import Manifests
from ingest.sources import FileSource

ABOUT_AN_OBJECTION = re.compile(r"\b(?:bezwaar\w*|indiener\w*|objection\w*|objector\w*)\b", re.IGNORECASE)
ACROSS_LETTERS = re.compile(r"\b(?:welke\s+(?:indieners|bezwaarschriften|brieven|bezwaarmakers|bezwaren)|"
                            r"in\s+welke|meer\s+dan\s+(?:één|een)|alle\s+bezwaarschriften|"
                            r"which\s+(?:objection\s+)?(?:letters|objections|objectors)|in\s+which)\b", re.IGNORECASE)
# What the question asks of the letter, first match wins: a term question may say "bezwaar", a request question
# "gronden" ("op grond van ...") less often than the reverse.
ASPECTS = (
    ("term", re.compile(r"\b(?:op\s+tijd|tijdig|te\s+laat|termijn\w*|in\s+time|on\s+time|late)\b", re.IGNORECASE)),
    ("hearing", re.compile(r"\b(?:gehoord|horen|hoorzitting|heard|hearing)\b", re.IGNORECASE)),
    ("grounds", re.compile(r"\b(?:grond(?:en)?|waarom|aangevoerd|argument\w*|grounds?|argued|why)\b", re.IGNORECASE)),
    ("request", re.compile(r"\b(?:wat\s+(?:vraagt|verzoekt|wil)|verzoek\w*|what\s+does\s+\S+\s+(?:ask|request))\b",
                           re.IGNORECASE)),
    ("writer", re.compile(r"^\s*(?:wie|door\s+wie|who)\b", re.IGNORECASE)),
)
QUOTED = re.compile(r"['‘\"“]([^'’\"”]{3,})['’\"”]")
# Words that name the objection itself: "In welke bezwaarschriften wordt aangevoerd dat ..." asks about what follows.
OBJECTION_WORDS = "bezwaar bezwaren bezwaarschrift bezwaarschriften grond gronden indiener indieners besluit aangevoerd"
HEADING_WORDS = 8  # a paragraph this short without a full stop is a heading
CARDS_KEPT = 256  # letters read, by identity: a second question about a letter does not read it again
LETTERS_READ = 200  # at most per question across letters (about 0.1 s each, OCR'd ones 1 s): the notice says so


def asked_aspect(question: str) -> str | None:
    """The aspect of a letter the question asks for, or None when it asks none or names no objection."""
    if not ABOUT_AN_OBJECTION.search(question):
        return None
    return next((aspect for aspect, pattern in ASPECTS if pattern.search(question)), None)


def across_letters(question: str) -> bool:
    return bool(ACROSS_LETTERS.search(question))


def about_the_collections_letters(question: str) -> bool:
    """A question across letters that their cards answer (who asks to be heard, in which letters a ground stands):
    the letters decide, not whether the passages found look like an answer."""
    return across_letters(question) and asked_aspect(question) in ("hearing", "grounds")


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
    letter_of: str  # one of several letters: {writer} {subject}


@dataclass(frozen=True)
class LetterAnswer:
    sentences: list[Sentence]  # each citing a passage of its letter: one found, or one of `passages`
    files: tuple[str, ...]  # the letters read
    across: bool  # the collection's letters, not one
    passages: tuple[Hit, ...] = ()  # letters' passages cited beyond those found, numbered after them
    more: bool = False  # across: the collection holds more letters than were read (LETTERS_READ)


class LetterQuestions:
    def __init__(self, reader: ObjectionReader, settings: Settings, analyzer: Analyzer, store: ChunkStore):
        self.reader = reader
        self.settings = settings
        self.analyzer = analyzer  # the sparse analyser's terms: grounds matched to a question across letters
        self.store = store  # whether a collection was made with redaction
        self._cards: OrderedDict[str, LetterCard] = OrderedDict()
        self._cards_lock = threading.Lock()  # serve answers questions on several threads

    def answer(self, question: str, hits: list[Hit], collection: str, labels: LetterLabels,
               where: SearchFilter | None = None) -> LetterAnswer | None:
        """The answer from the letters' cards, its sentences citing their passages, or None (then the extract
        answers). The collection's redaction is looked up only for a question about letters; across letters, the
        collection's letters are those `where` lets the asker see."""
        aspect = asked_aspect(question)
        across = about_the_collections_letters(question)
        if aspect is None or not (hits or across) or self.store.collection_spec(collection).redact:
            return None
        if across:
            return self.across(question, aspect, hits, self.letters_in(collection, where, hits), labels)
        if across_letters(question):
            return None  # a term or request across letters: the cards hold no list of it
        card = self.card(hits[0].chunk)
        if card is None or not reads_as_objection(card):
            return None
        sentences = [Sentence(text, [1], True, 1.0) for text in shown(card, aspect, labels)]
        return LetterAnswer(sentences, (card.file,), False) if sentences else None

    def letters_in(self, collection: str, where: SearchFilter | None, hits: list[Hit]) -> list[Chunk]:
        """A passage of each file of the collection that mentions an objection, as `where` lets the asker see it:
        those among the hits first, in their order, then the others by name."""
        found: dict[str, Chunk] = {}  # by file version, in the hits' order
        for hit in hits:
            found.setdefault(hit.chunk.sha256, hit.chunk)
        others: dict[str, Chunk] = {}
        for chunk in self.store.chunks_where(collection, where):
            if chunk.sha256 not in found and chunk.sha256 not in others and ABOUT_AN_OBJECTION.search(chunk.text):
                others[chunk.sha256] = chunk
        return [*found.values(), *sorted(others.values(), key=lambda chunk: (chunk.source, chunk.path))]

    def across(self, question: str, aspect: str, hits: list[Hit], letters: list[Chunk],
               labels: LetterLabels) -> LetterAnswer | None:
        """Each letter that answers, named: one that asks to be heard, or each of its grounds that holds what the
        question names (its quoted words, else its terms beyond the objection's own). It cites a passage found
        when it has one, else one of its own, numbered after those found."""
        numbers: dict[str, int] = {}  # a letter's first passage among those found
        for n, hit in enumerate(hits, start=1):
            numbers.setdefault(hit.chunk.sha256, n)
        wanted = self.named_terms(question)
        found, extra, files = [], [], []
        for chunk in letters[:LETTERS_READ]:
            card = self.card(chunk)
            if card is None or not reads_as_objection(card):
                continue
            files.append(card.file)
            name = labels.letter_of.format(writer=card.sender or card.file, subject=card.decision_subject or card.file)
            said = []
            if aspect == "hearing" and card.hearing_requested:
                quote = hearing_paragraph(card.text, True)
                said = [f"{name}: " + (labels.hearing_words.format(quote=quote) if quote else labels.hearing_asked)]
            elif aspect == "grounds" and wanted:
                said = [f"{name}: {text}" for ground, text in zip(card.grounds, shown(card, aspect, labels))
                        if wanted <= set(self.analyzer.tokens(f"{ground.summary} {ground.quote}"))]
            if said and chunk.sha256 not in numbers:
                extra.append(Hit(chunk, 0.0))
                numbers[chunk.sha256] = len(hits) + len(extra)
            found += [Sentence(text, [numbers[chunk.sha256]], True, 1.0) for text in said]
        if not found:
            return None
        return LetterAnswer(found, tuple(files), True, tuple(extra), len(letters) > LETTERS_READ)

    def named_terms(self, question: str) -> set[str]:
        quoted = QUOTED.search(question)
        if quoted:
            return set(self.analyzer.tokens(quoted.group(1)))
        return self.analyzer.question_terms(question) - set(self.analyzer.tokens(OBJECTION_WORDS))

    def card(self, chunk: Chunk) -> LetterCard | None:
        """The file card of the chunk's letter, read once per file version; None when the file is gone, changed
        since it was indexed, or unreadable."""
        with self._cards_lock:
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
        except Exception:  # unreadable now, or a parser library tripping over it: the extract answers instead
            return None
        with self._cards_lock:
            self._cards[chunk.sha256] = card
            if len(self._cards) > CARDS_KEPT:
                self._cards.popitem(last=False)
        return card


def reads_as_objection(card: LetterCard) -> bool:
    """Grounds (or a pro-forma letter's promise of them), and the decision they are against by its date or subject:
    a document that only mentions an objection is not one, and a bare number is no decision (an archive inventory's
    "inventarisnummer 24" reads as a reference, its headings as grounds)."""
    return bool(card.grounds or card.pro_forma) and bool(card.decision_subject or card.decision_date)


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
    the card's `hearing_requested` is read by); a heading ("4. Verzoek om te worden gehoord") with the paragraph
    under it."""
    said = fields.HEARING if requested else fields.NO_HEARING
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    for k, paragraph in enumerate(paragraphs):
        if said.search(paragraph):
            heading = len(paragraph.split()) <= HEADING_WORDS and not paragraph.endswith((".", ":", "?", "!"))
            return f"{paragraph}: {paragraphs[k + 1]}" if heading and k + 1 < len(paragraphs) else paragraph
    return None
