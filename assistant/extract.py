"""The answer without a language model: the passages' sentences that answer the question, each shown with what it
leans on, each citing its passage.

Not the best-matching sentences, but the ones that answer:
- what the question asks for decides: a sentence without a number is no answer to "hoeveel ...?", one without a
  date none to "wanneer ...?", one without a name none to "wie ...?", one without an outcome ("aangenomen met 17
  stemmen voor") none to "is de motie aangenomen?", one without a reference or date none to "tegen welk besluit
  ...?" (`asked_form`);
- a question of several parts ("... en wie heeft het geïnventariseerd?") gets the best sentence for each part;
- one sentence is often right: another is added only when it scores at least 0.6 of the best;
- a sentence is shown with what it leans on: one opening with "Hier", "Dit", "Daarnaast" ... brings the sentence
  before it (and stays out when it has none), an inventory entry's field line ("Openbaarheid: ...") brings its
  entry and an entry its fields, a sentence followed by list items brings them, a table row its header ("Nr.: 2;
  Actie: ..."), and a numbered inventory entry says it is a number ("nr. 13 ...");
- a field line without a full stop ("Betreft: ...") or a dated line ("9 januari 2026, versie 1.3 definitief") may
  answer; a heading never does, nor a question ("Wat is dit document?").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from assistant.grounding import (
    ASKS_FOR_NUMBER,
    ASKS_FOR_TIME,
    CALENDAR_WORD,
    LIST_ITEM,
    TABLE_ROW,
    TERMINAL,
    Evidence,
    numbers_in,
)
from assistant.retrieve import min_max
from bronvast.embedders import cosine
from bronvast.language import DUTCH_MONTHS, ENGLISH_MONTHS, one_of
from bronvast.schema import Sentence
from bronvast.sparse import Analyzer

# Where a question's next part starts: "en" or a comma before a question word ("... en wie heeft ...?").
QUESTION_WORD = (r"(?:wie|wat|wanneer|waar\w*|hoe\w*|welke?|hoeveel|op welke|over welke|onder welk|in welke|"
                 r"who|what|when|where|which|how|why)\b")
NEXT_PART = re.compile(rf"(?:,\s*(?:en\s+)?|\s+(?:en|and)\s+)(?={QUESTION_WORD})", re.IGNORECASE)
# "Hoe groot", "hoe lang": the adjective asks, like the question word ("groot" is in no answer about a budget).
QUESTION_OPENING = re.compile(r"^\s*(?:hoe|how)\s+\w+", re.IGNORECASE)
ASKS_FOR_PERSON = re.compile(r"^\s*(?:wie|door wie|welke (?:wethouder|burgemeester|ambtenaar|indieners?|persoon|"
                             r"personen)|who)\b", re.IGNORECASE)
ASKS_FOR_REFERENCE = re.compile(r"\b(?:welk|welke|which)\s+(?:\w+\s+)?(?:besluit|aanslag|naheffingsaanslag|"
                                r"kenmerk|zaaknummer|inventarisnummers?|nummers?|artikel|artikelen|decision|reference|"
                                r"number|article|section)\b",
                                re.IGNORECASE)
# A vote: how a council voted on a proposal or motion, or whether it was adopted; its answer says the outcome.
ASKS_FOR_VOTE = re.compile(r"\b(?:gestemd|stemming|aangenomen|verworpen|voted|vote|adopted|rejected)\b", re.IGNORECASE)
VOTE_OUTCOME = re.compile(r"\b(?:aangenomen|verworpen|unaniem|stemmen\s+voor|hamerstuk|adopted|rejected|carried|"
                          r"votes?\s+(?:for|in\s+favour))\b", re.IGNORECASE)
# A reference: letters, digits and dashes with at least one digit (OV-2025-0387, NA-2025-004817), or a lone number.
REFERENCE = re.compile(r"\b(?:[A-Z]{1,5}[-/]\d[\w/-]*|\d{1,6})\b")
# A name: a capitalised word inside the sentence that is no sentence opener, e.g. "Hendrika Oosterveld", "J. Landzaat".
NAME = re.compile(r"(?<=[\w,;:)]\s)(?:[A-Z]\.\s?)*[A-Z][a-zà-ÿ]+(?:[- ][A-Z][a-zà-ÿ]+)*")
YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# A sentence that only makes sense after the one before it.
LEANS_BACK = re.compile(
    r"^\s*(?:hier|daar|dit|deze|die|dat|zij|hij|ook|daarnaast|bovendien|verder|daarom|daarbij|daarvoor|toen|dan|"
    r"wel|echter|here|there|this|these|those|it|they|he|she|also|however|therefore)\b", re.IGNORECASE)
FIELD = re.compile(r"^\s*[A-ZÀ-Ý][\w-]{2,30}:\s+\S")  # "Openbaarheid: Beperkt openbaar tot 2040."
ENTRY_NUMBER = re.compile(r"^(\d{1,4})\s+(?=[A-ZÀ-Ý])")  # "13 Bouwvergunning en bouwtekeningen ..., 1977-1979."
MARKDOWN_HEADING = re.compile(r"^\s*#")
QUESTION_SENTENCE = re.compile(r"\?[\s\"'”’)*]*$")  # a FAQ's or a heading's question answers nothing
# A line with a full date ("9 januari 2026, versie 1.3 definitief"): a version or decision record, no heading.
DATED = re.compile(rf"\b\d{{1,2}}\s+{one_of(DUTCH_MONTHS, ENGLISH_MONTHS)}\s+(?:1[89]|20)\d\d\b", re.IGNORECASE)
TABLE_RULE = re.compile(r"^[\s|:-]+$")
# A question for several things ("welke inventarisnummers", "wat zijn de gronden", "which articles") may take twice
# as many sentences: each thing is often a sentence (an inventory entry, a list item) of its own.
ASKS_FOR_A_LIST = re.compile(r"\b(?:welke\s+(?:\w+\s+)?\w{3,}(?:en|s)|wat\s+zijn|which\s+\w+s|what\s+are)\b",
                             re.IGNORECASE)
ANSWER_SENTENCES_NEARLY = 0.6  # another sentence joins the best one of a part when it scores at least this share
FORM_MISSING = 0.5  # a sentence without what the question asks for keeps this share of its score
LIST_ITEMS_SHOWN = 8


@dataclass(frozen=True)
class Part:
    """One part of a question: its text, its terms and the form its answer takes ("" when any)."""

    text: str
    terms: set[str]
    form: str


def question_parts(question: str, analyzer: Analyzer) -> list[Part]:
    """The question's parts, each with what it asks for; a part without terms of its own is no part."""
    parts = []
    for text in NEXT_PART.split(question):
        terms = analyzer.question_terms(QUESTION_OPENING.sub("", text))
        if terms or not parts:
            parts.append(Part(text, terms, asked_form(text)))
    return parts


def asked_form(question: str) -> str:
    """What an answer must hold: "number", "time", "person", "vote", "reference", or "" when the question does not
    say."""
    if ASKS_FOR_NUMBER.search(question):
        return "number"
    if ASKS_FOR_TIME.search(question):
        return "time"
    if ASKS_FOR_PERSON.search(question):
        return "person"
    if ASKS_FOR_VOTE.search(question):
        return "vote"
    return "reference" if ASKS_FOR_REFERENCE.search(question) else ""


def has_form(text: str, form: str, terms: set[str]) -> bool:
    """Whether the text holds what the form asks for (`terms`: its analysed terms)."""
    if form == "number":
        return bool(numbers_in(terms))
    if form == "time":
        return bool(CALENDAR_WORD.search(text) or YEAR.search(text))
    if form == "person":
        return bool(NAME.search(text))
    if form == "vote":
        return bool(VOTE_OUTCOME.search(text))
    if form == "reference":
        return bool(REFERENCE.search(text) or CALENDAR_WORD.search(text))
    return True


@dataclass(frozen=True)
class Candidate:
    """An answer candidate: one sentence of a passage and the stretch of sentences it is shown with."""

    n: int  # the passage
    start: int  # the stretch, as indices into the passage's units
    end: int
    text: str  # the stretch as shown
    terms: set[str]
    vector: list[float]  # the sentence's embedding; a longer stretch's own (Extractor.embedded)
    passage_terms: set[str]  # what the whole passage is about


def shown_with_context(units: list[str], i: int) -> tuple[int, int] | None:
    """The stretch of units sentence i must be shown with, or None when it leans on a sentence the passage lacks."""
    start, end = i, i
    if LEANS_BACK.match(units[i]):
        if i == 0:
            return None
        if not QUESTION_SENTENCE.search(units[i - 1]):  # after a question, "Dit document ..." answers it
            start = i - 1
    elif FIELD.match(units[i]) and not TABLE_ROW.search(units[i]):  # an entry's field brings its entry
        entry = next((k for k in range(i - 1, -1, -1) if not FIELD.match(units[k])), None)
        if entry is not None and ENTRY_NUMBER.match(units[entry]):
            start = entry
    while end + 1 < len(units) and FIELD.match(units[end + 1]) and ENTRY_NUMBER.match(units[start]):
        end += 1  # an inventory entry's fields
    if not LIST_ITEM.match(units[i]):  # a sentence that introduces a list brings its items
        while (end + 1 < len(units) and end - i < LIST_ITEMS_SHOWN and LIST_ITEM.match(units[end + 1])
               and not MARKDOWN_HEADING.match(units[end + 1])):
            end += 1
    return start, end


def as_shown(units: list[str], index: int) -> str:
    """A unit as an answer shows it: a table row with its header's names, a numbered entry with "nr."."""
    unit = units[index]
    if TABLE_ROW.search(unit):
        header = table_header(units, index)
        if header is not None and header != index:
            names, cells = table_cells(units[header]), table_cells(unit)
            return "; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(names, cells) if cell)
        return unit
    entry = ENTRY_NUMBER.match(unit)
    return f"nr. {entry.group(1)} {unit[entry.end():]}" if entry and not YEAR.fullmatch(entry.group(1)) else unit


def table_header(units: list[str], index: int) -> int | None:
    """The first row of the table that row `index` belongs to."""
    header = None
    while index >= 0 and TABLE_ROW.search(units[index]):
        header = index
        index -= 1
    return header


def table_cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|") if not TABLE_RULE.fullmatch(cell or "-")]


def candidates(passages: list[Evidence], analyzer: Analyzer) -> list[Candidate]:
    """Every sentence that can answer, once: it ends like a sentence, is a list item or a table row, and the
    sentences it leans on are in its passage."""
    seen: set[tuple[str, ...]] = set()
    pool = []
    for passage in passages:
        for position, sentence, vector in zip(passage.positions, passage.sentences, passage.vectors):
            if MARKDOWN_HEADING.match(sentence) or QUESTION_SENTENCE.search(sentence) or not (
                    TERMINAL.search(sentence) or LIST_ITEM.match(sentence) or TABLE_ROW.search(sentence)
                    or FIELD.match(sentence) or DATED.search(sentence)):
                continue  # headings, page headers and questions are not answers; a field line ("Betreft: ...") or
                # a dated line can be
            stretch = shown_with_context(passage.units, position)
            if stretch is None:
                continue
            text = shown(passage.units, *stretch)
            key = tuple(sorted(analyzer.tokens(text)))
            if key in seen:
                continue  # overlapping chunks repeat sentences
            seen.add(key)
            pool.append(Candidate(passage.n, *stretch, text, set(key), vector, passage.all_terms))
    return pool


class Extractor:
    def __init__(self, embedder, analyzer: Analyzer, most: int):
        self.embedder = embedder
        self.analyzer = analyzer
        self.most = most  # sentences (stretches) at most

    def extract(self, question: str, passages: list[Evidence]) -> list[Sentence]:
        """The candidates that answer the question's parts, in the sources' order, each citing its passage."""
        pool = self.embedded(candidates(passages, self.analyzer))
        if not pool:
            return []
        weight = rarity([c.terms for c in pool])
        most = self.most * (2 if ASKS_FOR_A_LIST.search(question) else 1)
        chosen: dict[int, float] = {}
        bests: set[int] = set()  # each part's best is kept whatever the others score
        for part in question_parts(question, self.analyzer):
            scores = self.scores(part, pool, weight)
            ranked = sorted(range(len(pool)), key=lambda k: scores[k], reverse=True)
            bests.add(ranked[0])
            for k in ranked[:most]:
                if scores[k] >= ANSWER_SENTENCES_NEARLY * scores[ranked[0]]:
                    chosen[k] = max(chosen.get(k, 0.0), scores[k])
        by_priority = sorted(chosen, key=lambda k: (k in bests, chosen[k]), reverse=True)
        kept = sorted(by_priority[: max(most, len(bests))], key=lambda k: (pool[k].n, pool[k].start))
        units = {p.n: p.units for p in passages}
        return [Sentence(shown(units[n], start, end), [n], True, round(score, 3))
                for n, start, end, score in merge_overlapping([(pool[k], chosen[k]) for k in kept])]

    def embedded(self, pool: list[Candidate]) -> list[Candidate]:
        """The pool with each stretch longer than its sentence embedded whole: a list's intro ("verzoek ik u:")
        means little alone and much with its items."""
        longer = [k for k, c in enumerate(pool) if c.start != c.end]
        vectors = self.embedder.get_text_embedding_batch([pool[k].text for k in longer]) if longer else []
        pool = list(pool)
        for k, vector in zip(longer, vectors):
            pool[k] = replace(pool[k], vector=vector)
        return pool

    def scores(self, part: Part, pool: list[Candidate], weight) -> list[float]:
        """Each candidate for one part: its share of the part's terms (rare ones weigh more; its passage's share
        counts half, since an answer sentence often names none of the subject its paragraph is about) and its
        meaning's closeness, equally weighted; halved when it lacks what the part asks for."""
        total = sum(weight(t) for t in part.terms) or 1.0
        lexical = [(sum(weight(t) for t in part.terms & c.terms) + sum(weight(t) for t in part.terms & c.passage_terms))
                   / (2 * total) for c in pool]
        query = self.embedder.get_query_embedding(part.text)
        semantic = min_max([cosine(query, c.vector) for c in pool])
        return [(lex + sem) / 2 * (1.0 if has_form(c.text, part.form, c.terms) else FORM_MISSING)
                for lex, sem, c in zip(lexical, semantic, pool)]


def rarity(term_sets: list[set[str]]):
    """Inverse document frequency over a pool of sentences: a term in every sentence ("Lindewaard") weighs little."""
    frequency = Counter(term for terms in term_sets for term in terms)
    return lambda term: math.log(1 + len(term_sets) / frequency.get(term, 1))


def shown(units: list[str], start: int, end: int) -> str:
    return " ".join(as_shown(units, k) for k in range(start, end + 1))


def merge_overlapping(chosen: list[tuple[Candidate, float]]) -> list[tuple[int, int, int, float]]:
    """(passage, start, end, score) per answer sentence; stretches of one passage that overlap become one (an entry
    chosen with its own field line). `chosen` is in the passages' order."""
    merged: list[tuple[int, int, int, float]] = []
    for candidate, score in chosen:
        if merged and merged[-1][0] == candidate.n and candidate.start <= merged[-1][2]:
            n, start, end, best = merged[-1]
            merged[-1] = (n, start, max(end, candidate.end), max(score, best))
        else:
            merged.append((candidate.n, candidate.start, candidate.end, score))
    return merged
