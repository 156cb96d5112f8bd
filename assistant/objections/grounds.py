"""A letter's grounds: the stretches of its own sentences that argue against the decision, each with a summary, its
verbatim quote and where it stands; and the check every quote passes, a model's above all.

Extractive (the embedded default): the letter's body (after the salutation, before the closing) is cut into
sentences; sentences that do the letter's procedure (objecting, asking, asking to be heard, pro forma, timeliness,
attachments, standing) are set apart; the runs between them are candidates, split again where a new argument opens
("Daarnaast", "Ten tweede"). A candidate is a ground when its argument cues and its embedding (nearer to arguments
than to procedure) say so. Its summary is its heading ("Grond 2: Geluidsoverlast") or its first sentence.

Generative (a capable model configured): the model returns the grounds as JSON constrained to a schema; every quote
is then looked up in the letter, exactly and then fuzzily (>= 90 % on normalised text); a quote not found is kept
and flagged, never dropped and never silently trusted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from llama_index.core.llms import ChatMessage
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from assistant.objections import fields
from assistant.objections.reading import Letter, Paragraph
from bronvast.embedders import cosine
from bronvast.schema import Ground
from eval.structured import complete_json

Embed = Callable[[list[str]], list[list[float]]]

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(‘“*])")
# A full stop that ends an abbreviation, an initial or an enumerator ("mr.", "J.P.", "art.", "1.") ends no sentence.
NO_SENTENCE_END = re.compile(r"(?:^|\s)(?:[A-Z]|[A-Z]\.[A-Z]|[A-Z]\.[A-Z]\.[A-Z]|mr|dr|drs|ir|ing|dhr|mevr|mw|"
                             r"nr|art|blz|jl|bijv|o\.a|d\.d|ca|resp|zgn|incl|excl|etc|St|\d{1,2}(?:\.\d{1,2})*)\.$")
# Sentences that do the letter's procedure rather than argue.
PROCEDURE = re.compile(
    r"hierbij\s+(?:\w+\s+){0,3}bezwaar|\b(?:maak|maakt|maken|teken|tekent|tekenen|dien|dient|dienen)\s+"
    r"(?:\w+\s+){0,3}bezwaar|^(?:ik|wij|we)\s+(?:verzoek|verzoeken|vraag|vragen)\s+u\b|correspondentie|(?:maak|maken|teken|tekenen|dien|dienen)\s+(?:ik|wij|we)\s+(?:\w+\s+){0,3}"
    r"bezwaar|bezwaar\s+(?:\w+\s+){0,2}(?:aan|in)\s*tekenen|tijdig|bezwaartermijn|belanghebbende|bijlage|"
    r"bijgevoegd|kopie\s+van|machtiging|in\s+afwachting|graag\s+(?:een\s+)?(?:reactie|ontvangstbevestiging)|"
    r"hoogachtend|met\s+vriendelijke\s+groet|^bij\s+(?:besluit|beschikking|brief)\s+van",
    re.IGNORECASE,
)
# Words an argument is made of: contesting, harm, and the law's own grounds (motivering, zorgvuldigheid, ...).
ARGUMENT = re.compile(
    r"\b(?:omdat|want|aangezien|onterecht|ten\s+onrechte|onjuist|niet\s+juist|klopt\s+niet|onredelijk|in\s+strijd|"
    r"onvoldoende|niet\s+(?:goed\s+)?(?:gemotiveerd|onderzocht|meegewogen|betrokken)|geen\s+rekening|onzorgvuldig|"
    r"overlast|gevaar\w*|onveilig\w*|schade|waardedaling|zorgen|aantast\w*|te\s+hoog|te\s+laag|niet\s+eens|"
    r"ben\s+van\s+mening|vind|vinden|ondanks|echter|helaas|nooit|geen)\b",
    re.IGNORECASE,
)
CONTESTS = re.compile(r"\b(?:omdat|want|maar|echter|ten\s+onrechte|onterecht|onjuist|niet\s+juist|ondanks)\b",
                      re.IGNORECASE)
# Words that open the next argument; a summary leaves them off.
CONNECTIVES = (r"daarnaast|bovendien|ten\s+(?:eerste|tweede|derde|vierde|slotte)|verder|voorts|tot\s+slot|tevens|"
               r"tenslotte|als\s+laatste")
NEW_ARGUMENT = re.compile(
    rf"^(?:{CONNECTIVES}|ook\b|een\s+ander\w*\s+(?:punt|bezwaar|reden)|mijn\s+(?:tweede|derde|laatste))",
    re.IGNORECASE,
)
LEADING = re.compile(r"^(?:(?:#+|grond\s+\d+\s*[:.-]?|\d{1,2}(?:\.\d{1,2})*[.)]?(?=\s)|[a-z][.)]|[-•*–]|\*\*)\s*)+",
                     re.IGNORECASE)
CONNECTIVE = re.compile(rf"^(?:{CONNECTIVES})\s*[,:]?\s*", re.IGNORECASE)
# Headings of the letter's parts: the grounds' part opens the grounds, the others hold none ("1. Het bestreden
# besluit", "Verzoek", "Horen"); any other heading names the ground below it ("Grond 2: Geluidsoverlast").
GROUNDS_HEADING = re.compile(r"^(?:de\s+)?(?:gronden|grond\s+van|\w*gronden|motivering|toelichting|"
                             r"waarom\s+(?:ik|wij|we)|(?:mijn|onze)\s+(?:bezwaren|argumenten|redenen)|bezwaren\b|"
                             r"argumenten|redenen)", re.IGNORECASE)
OTHER_HEADING = re.compile(r"^(?:de\s+|het\s+)?(?:\w+\s+)?(?:bestreden|besluit\b|beschikking\b|"
                           r"verzoek|horen\b|hoorzitting|tijdig|termijn|inleiding|conclusie|bijlage|ontvankelijk|"
                           r"belanghebbend|afsluiting|slot\b|bezwaarschrift\b|aanhef|betreft)", re.IGNORECASE)
# What an argument against a decision reads like, and what procedure reads like: the embedding compares each
# candidate with both, so a ground without cue words is still found.
ARGUMENT_EXAMPLES = (
    "Het besluit is onjuist, want er is geen rekening gehouden met de overlast voor de buurt.",
    "Ten onrechte stelt de gemeente dat mijn woning meer waard is; vergelijkbare woningen zijn goedkoper verkocht.",
    "De vergunning leidt tot gevaarlijke verkeerssituaties en schade aan de natuur.",
    "Het besluit is onvoldoende gemotiveerd en onzorgvuldig voorbereid.",
    "Ik heb de parkeerbelasting wel betaald en de aanslag is daarom niet terecht.",
)
PROCEDURE_EXAMPLES = (
    "Hierbij maak ik bezwaar tegen uw besluit van 3 maart 2025 met kenmerk Z-2025-001.",
    "Ik ben eigenaar van de woning en daarom belanghebbende bij het besluit.",
    "Bij besluit van 4 februari heeft uw college een vergunning verleend voor het bouwen van een woning.",
    "Ik verzoek u het besluit te herroepen en mij in de gelegenheid te stellen te worden gehoord.",
    "Een kopie van het besluit stuur ik als bijlage mee.",
)
# A candidate without argument words is kept unless its embedding reads clearly more like procedure than argument
# (argument minus procedure similarity; on the project's letters, procedure the rules missed scored below -0.05).
MIN_MARGIN = -0.04
MIN_WORDS = 8  # a shorter stretch without a heading above it states no reason
MIN_QUOTE_MATCH = 90.0  # rapidfuzz partial ratio on normalised text for a quote to count as found


@dataclass(frozen=True)
class Candidate:
    sentences: tuple[str, ...]
    paragraph: Paragraph
    heading: str | None

    @property
    def quote(self) -> str:
        return " ".join(self.sentences)


def body(letter: Letter) -> list[int]:
    """The paragraphs between the salutation (or the address block) and the closing."""
    start = fields.salutation_index(letter)
    if start is None:
        start = next((i for i, p in enumerate(letter.paragraphs) if len(p.text) > 120), 0) - 1
    end = fields.closing_index(letter)
    return list(range(start + 1, end if end is not None and end > start else len(letter.paragraphs)))


def candidates(letter: Letter, request_paragraphs: set[int]) -> list[Candidate]:
    found: list[Candidate] = []
    heading: str | None = None
    in_other_part = False
    for index in body(letter):
        paragraph = letter.paragraphs[index]
        if _is_heading(paragraph.text):
            title = LEADING.sub("", paragraph.text).strip(" :*")
            in_other_part = bool(OTHER_HEADING.match(title)) and not GROUNDS_HEADING.match(title)
            heading = None if in_other_part or GROUNDS_HEADING.match(title) else title
            continue
        if in_other_part or index in request_paragraphs:
            continue
        found += [Candidate(run, paragraph, heading) for run in _runs(paragraph, heading)]
    return found


def _is_heading(text: str) -> bool:
    if re.match(r"^grond\s+\d+\s*[:.-]", text, re.IGNORECASE):
        return len(text) < 120
    return len(text) < 90 and not re.search(r"[.;,:!?]$", text) and not fields.DATE.search(text)


def _runs(paragraph: Paragraph, heading: str | None) -> list[tuple[str, ...]]:
    """The paragraph's runs of arguing sentences. Without a heading a run ends at a procedural sentence and where
    a new argument opens ("Daarnaast"); under a heading the paragraph is one ground, procedure trimmed off its
    ends only (a quote is one verbatim stretch)."""
    sentences = split_sentences(paragraph.text)
    if heading is not None:
        while sentences and _is_procedure(sentences[0]):
            sentences.pop(0)
        while sentences and _is_procedure(sentences[-1]):
            sentences.pop()
        return [tuple(sentences)] if sentences else []
    runs: list[list[str]] = [[]]
    aside = False  # after asking to be heard or for something, the paragraph's next sentences say when or how
    for sentence in sentences:
        if _is_procedure(sentence) or aside and not NEW_ARGUMENT.match(sentence):
            aside = aside or bool(fields.HEARING.search(sentence) or fields.REQUEST.search(sentence))
            runs.append([])
            continue
        aside = False
        if runs[-1] and NEW_ARGUMENT.match(LEADING.sub("", sentence)):
            runs.append([])
        runs[-1].append(sentence)
    return [tuple(run) for run in runs if run]


def _describes_decision(sentence: str) -> bool:
    """"Op 17 april 2025 heeft u een vergunning verleend voor ...": what was decided, not what is wrong with it."""
    date = fields.DATE.search(sentence)
    if date is None or CONTESTS.search(sentence):
        return False
    after = re.sub(r"^\s*(?:jl\.|j\.l\.|jongstleden)", "", sentence[date.end():])
    return bool(fields.DECISION_CONTEXT.search(sentence[:date.start()]) or fields.DECIDED_AFTER.search(after))


def _is_procedure(sentence: str) -> bool:
    asks = fields.REQUEST.search(sentence) and fields.ASKS_FOR.search(sentence)
    if not (PROCEDURE.search(sentence) or fields.PRO_FORMA.search(sentence) or fields.HEARING.search(sentence)
            or asks or _describes_decision(sentence)):
        return False
    # "Hierbij maak ik bezwaar, omdat de boom gezond is": the objection carries its ground (a request, a hearing
    # wish or a pro forma sentence with a "want" stays procedure)
    objects_because = PROCEDURE.search(sentence) and re.search(r"\b(?:omdat|want|aangezien)\b", sentence, re.IGNORECASE)
    return not (objects_because and not asks and not fields.PRO_FORMA.search(sentence)
                and not fields.HEARING.search(sentence))


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for piece in (piece.strip() for piece in SENTENCE.split(text)):
        if sentences and NO_SENTENCE_END.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        elif piece:
            sentences.append(piece)
    return sentences


class GroundFinder:
    """The extractive grounds of letters, by one embedder; the example sentences are embedded once, not per letter."""

    def __init__(self, embed: Embed):
        self.embed = embed

    @cached_property
    def examples(self) -> tuple[list[list[float]], list[list[float]]]:
        vectors = self.embed([*ARGUMENT_EXAMPLES, *PROCEDURE_EXAMPLES])
        return vectors[:len(ARGUMENT_EXAMPLES)], vectors[len(ARGUMENT_EXAMPLES):]

    def grounds(self, letter: Letter, request_paragraphs: set[int]) -> list[Ground]:
        found = candidates(letter, request_paragraphs)
        if not found:
            return []
        arguments, procedure = self.examples
        grounds = []
        headings: set[str] = set()
        for candidate, vector in zip(found, self.embed([c.quote for c in found]), strict=True):
            if candidate.heading in headings:
                continue  # paragraphs under one heading ("Grond 1: ...") are one ground, quoted by their first
            if len(candidate.quote.split()) < MIN_WORDS and not candidate.heading:
                continue  # "Ik ben het er niet mee eens.": disagreement without a reason is no ground
            margin = max(cosine(vector, a) for a in arguments) - max(cosine(vector, p) for p in procedure)
            if candidate.heading or ARGUMENT.search(candidate.quote) or margin > MIN_MARGIN:
                if candidate.heading:
                    headings.add(candidate.heading)
                grounds.append(Ground(summary(candidate), candidate.quote, candidate.paragraph.location,
                                      quote_found(candidate.quote, letter) is not None))
        return grounds


def summary(candidate: Candidate, max_words: int = 25) -> str:
    if candidate.heading:
        return candidate.heading
    first = CONNECTIVE.sub("", LEADING.sub("", candidate.sentences[0])).replace("**", "")
    words = first.split()
    text = " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")
    return text[:1].upper() + text[1:]


# --- quotes ------------------------------------------------------------------------------------------------------

def normalised(text: str) -> str:
    """Case, quotes, dashes, ligatures and whitespace made alike, so a quote differs from the letter only in words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00ad": ""}))
    return " ".join(text.split())


def quote_found(quote: str, letter: Letter) -> Paragraph | None:
    """The paragraph the quote stands in: found exactly, else at >= 90 % fuzzy on normalised text; None if not."""
    wanted = normalised(quote)
    if not wanted:
        return None
    paragraphs = [(paragraph, normalised(paragraph.text)) for paragraph in letter.paragraphs]
    for paragraph, text in paragraphs:
        if wanted in text:
            return paragraph
    ratio, best = max(((fuzz.partial_ratio(wanted, text), paragraph) for paragraph, text in paragraphs),
                      key=lambda item: item[0], default=(0.0, None))
    if ratio >= MIN_QUOTE_MATCH:
        return best
    # a quote across paragraphs: look in the whole text
    text = normalised(letter.text)
    return letter.paragraphs[0] if wanted in text or fuzz.partial_ratio(wanted, text) >= MIN_QUOTE_MATCH else None


# --- generative ----------------------------------------------------------------------------------------------------

class ModelGround(BaseModel):
    summary: str = Field(description="de grond in één korte zin, in eigen woorden")
    quote: str = Field(description="de zin of zinnen uit de brief, letterlijk overgenomen")


class ModelReading(BaseModel):
    grounds: list[ModelGround]
    request: str | None = Field(default=None, description="wat de indiener vraagt")
    decision_subject: str | None = Field(default=None, description="waar het bestreden besluit over gaat")


def read_with_model(llm, letter: Letter, instruction: str) -> tuple[list[Ground], ModelReading]:
    """The model's grounds, each quote checked against the letter: a quote not found is flagged, not dropped.
    Raises StructuredOutputError when the model fails or its JSON does not fit."""
    reading = complete_json(llm, [ChatMessage(role="system", content=instruction),
                                  ChatMessage(role="user", content=letter.text)], ModelReading)
    grounds = []
    for ground in reading.grounds:
        where = quote_found(ground.quote, letter)
        grounds.append(Ground(ground.summary.strip(), ground.quote.strip(),
                              where.location if where else "niet gevonden in de brief", where is not None))
    return grounds, reading

