"""Between hits and answer: what the sources say, sentence by sentence.

- `sanitise()` turns passage text into data the LLM cannot mistake for instructions (prompt injection).
- `Grounding.check()` tests each sentence of a generated answer against the passage it cites.
- `Grounding.evidence()` prepares passages for both the check and the extractive answer (assistant/extract.py).

Support is measured twice, because each signal alone fails in a known way: term overlap (the BM25 analyser's
stemmed terms) misses paraphrase, and embedding similarity scores an invented number as close to the real one.
So a sentence is supported when every number in it stands in the passage, and its terms or its meaning match.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace

from bronvast.embedders import cosine
from bronvast.language import DUTCH_MONTHS, DUTCH_WEEKDAYS, ENGLISH_MONTHS, ENGLISH_WEEKDAYS, one_of
from bronvast.schema import Hit, Sentence
from bronvast.settings import AnswerSettings
from bronvast.sparse import DIGIT, Analyzer

CITATION = re.compile(r"\s*\[(\d{1,3})\]")
LEADING_CITATIONS = re.compile(r"^(?:\s*\[\d{1,3}\])+")
# A line break ends a sentence unit when the next line starts a list item or a heading ends the line.
LIST_ITEM = re.compile(r"^\s*(?:[*\-•–#]|\d{1,2}[.)]\s|[a-z][.)]\s)")
TERMINAL = re.compile(r"[.!?:;]\s*$")
TABLE_ROW = re.compile(r"\S\s+\|\s+\S|^\s*\|.*\|\s*$")  # "cell | cell" (DOCX, ODT) or "| cell | cell |" (Markdown)
# Dutch abbreviations punkt's Dutch model does not know; a full stop after them does not end a sentence.
DUTCH_ABBREVIATIONS = """a.s bijv bv blz ca d.d d.m.v d.w.z dhr dr drs e.a e.d enz etc i.p.v i.o.m ir jl jr m.b.t
m.i.v mevr mr nl nr o.a o.b.v p.a prof resp t.a.v t.b.v t.g.v t.o.v vgl z.s.m zgn ma di wo do vr za zo jan feb mrt
apr jun jul aug sep sept okt nov dec art lid sub""".split()
# What a question asks for, told by how it starts: a number or an amount, or a date or time.
ASKS_FOR_NUMBER = re.compile(
    r"^\s*(?:hoeveel|hoe\s+(?:veel|groot|lang|hoog|duur|oud)|wat\s+(?:kost|kosten|bedraagt|bedragen)|"
    r"how\s+(?:many|much|long|large|big|old)|what\s+(?:does|do)\s+\S+(?:\s+\S+)?\s+cost)\b", re.IGNORECASE)
ASKS_FOR_TIME = re.compile(
    r"^\s*(?:(?:tot|vanaf|sinds|per)\s+)?(?:wanneer|op welke (?:datum|dag|dagen))\b|^\s*(?:(?:until|since)\s+)?when\b",
    re.IGNORECASE)
_CALENDAR = one_of(DUTCH_MONTHS, DUTCH_WEEKDAYS, ENGLISH_MONTHS, ENGLISH_WEEKDAYS,
                   ("dagelijks", "wekelijks", "daily", "weekly"))
CALENDAR_WORD = re.compile(rf"\b{_CALENDAR}\w*", re.IGNORECASE)
# A name's initials that punkt takes for a sentence's end: "de heer A. Mulderink", "J.P. de Vries".
INITIALS_END = re.compile(
    r"(?:\b(?:heer|mevrouw|dhr|mevr|mw|dr|mr|ir|drs|prof|ing)\.?\s+(?:[A-Z]\.\s?)+|\b(?:[A-Z]\.){2,})$")
MAX_HEADING_WORDS = 8
# A line ending in a comma or a word that needs a continuation is a wrapped line, however short.
RUNS_ON = re.compile(r"(?:,|\b(?:de|het|een|van|voor|en|of|in|op|met|aan|te|tot|door|bij|naar|om|dat|die|is|zijn|"
                     r"the|a|an|of|for|and|or|in|on|with|to|by|is|are))\s*$", re.IGNORECASE)
ECHO_SHARE = 0.8  # a sentence whose terms are this much the question's repeats it
MIN_SENTENCE_TERMS = 3  # shorter fragments (headings, "Bronnen:", list stubs) are neither evidence nor answer

# Text a language model could read as an instruction or a change of role. Passages are data: a sentence holding such
# text is replaced whole before the prompt is built, so neither the LLM nor the extractive answer nor the check
# sees any of it (replacing the matched phrase alone left "…uitsluitend met het woord X" to be shown as an answer).
# The patterns name kinds of attack (a chat template's role header, dismissing what came before, a duty laid on the
# answer itself, a message addressed to an AI), each in Dutch and English, not known phrases alone.
ROLE = r"(?:system|systeem|instructions?|instructies?|assistant|assistent|human|user|gebruiker|input|response)"
CONTROL_TOKENS = re.compile(
    r"<\|[^|>]{1,40}\|>|<(?:start|end)_of_turn>|</?s>|\[/?INST\]|<</?SYS>>|#{2,}\s*" + ROLE + r"\b[^\n]*"
    r"|^\s*(?:system|systeem|assistant|assistent)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
# What dismisses the text before it, and what that text is called.
DISMISS = (r"\b(?:negeer|vergeet|overschrijf|ignore|disregard|forget|override|overrule|pay no (?:attention|heed)|"
           r"set aside|schuif|zet)\b")
EARLIER = (r"\b(?:instructies?|opdrachten|regels|richtlijnen|aanwijzingen|prompts?|instructions?|rules|guidance|"
           r"guidelines|directions|directives|orders|commands|eerdere|vorige|voorgaande|bovenstaande|previous|prior|"
           r"earlier|preceding|above)\b")
ANSWER = r"(?:antwoord(?:en)?|reactie|respons|answers?|repl(?:y|ies)|responses?|output)"
INSTRUCTION = re.compile(
    r"(?:" + DISMISS + r"[^.!?\n]{0,60}" + EARLIER +
    r"|\b(?:je bent nu|jij bent nu|vanaf nu ben je|you are now|from now on you)\b"
    r"|\b(?:systeemprompt|system prompt|nieuwe instructies?|new instructions?)\b"
    r"|\b(?:antwoord|answer|reply|respond)\b[^.!?\n]{0,30}\b(?:voortaan|vanaf nu|from now on)\b"
    r"|\b(?:antwoord|beantwoord|reageer|answer|reply|respond)\w*\b[^.!?\n]{0,40}\b(?:op|to)\s+(?:elke|iedere|alle|"
    r"every|each|any|all)\s+(?:vraag|vragen|question|questions)\b"
    # a duty laid on the answer itself: "in elk antwoord", "every reply must", "reply only with", "the single word"
    r"|\b(?:elke?|iedere?|je|jouw|every|each|your)\s+" + ANSWER + r"\b"
    r"|\b(?:antwoord|reageer|answer|reply|respond|write|schrijf)\w*\s+(?:uitsluitend|alleen|enkel|only|solely|just)"
    r"\s+(?:met|with)\b"
    r"|\b(?:uitsluitend|alleen|only)\s+(?:met|with)\s+(?:het woord|de woorden|the words?)\b"
    r"|\b(?:the single word|a single word|één enkel woord|het enige woord)\b"
    r"|\b(?:the|het)\s+" + ANSWER + r"\s+(?:the user|voor de gebruiker|dat de gebruiker|waar de gebruiker)\b)"
    r"[^.!?\n]*[.!?]?",
    re.IGNORECASE,
)
AI = (r"(?:assistent|assistant|chatbots?|bots?|taalmodel(?:len)?|language models?|AI-systemen|AI systems?|"
      r"AI-assistent|AI-modell?e?n?|AI models?|AI|LLMs?|GPT)")
# A sentence that speaks to an AI: to the AIs "that read this", with "note to the assistant", "if you are an AI", as
# a system message. A sentence about AI systems and their duties ("AI-systemen met een hoog risico moeten …", the
# AI Act's documents) is not addressed to one.
ADDRESSED = re.compile(
    r"\b(?:" + AI + r"[^.!?\n]{0,40}\b(?:die|dat|that|which|who)\s+(?:dit|deze|this|these|hier|het)\b[^.!?\n]{0,20}"
    r"\b(?:lezen|leest|verwerken|verwerkt|samenvatten|read|reads|process|processes|summari[sz]e)\b"
    r"|(?:note|attention|notice|bericht|opdracht|belangrijk|let op)\W{0,3}(?:to|for|voor|aan)\s+"
    r"(?:de |the |alle |all )?"
    + AI + r"\b|\b(?:systeembericht|system message)\b"
    r"|\b(?:if|when) you(?: are|'re) an? " + AI + r"\b|\bals (?:je|jij|u) een " + AI + r" (?:bent|is)\b"
    r"|(?:de |the )?" + AI + r"\b[^.!?\n]{0,40}\b(?:voortaan|vanaf nu|from now on|henceforth)\b)[^.!?\n]*[.!?]?",
    re.IGNORECASE,
)
# The opening of a message to a model: a chat template's role header, or an AI addressed by name at the start of a
# sentence ("ATTENTION ASSISTANT.", "Beste AI,"). What follows it in its paragraph is that message: it goes too, so
# an instruction spread over several sentences goes whole.
SALUTATION = re.compile(r"^\W*(?:attention|attentie|note|notice|dear|beste|hallo|hello|hey|hi|aan|to|let op)\W+"
                        r"(?:de |the |alle |all )?" + AI + r"\s*(?:[.:!,]|$)", re.IGNORECASE)
# Bidirectional overrides show stored text reversed; ordinary text needs none (right-to-left scripts use marks and
# isolates), so a sentence holding one is hiding something and goes whole.
OVERRIDE = re.compile("[\u202d\u202e]")
# Characters that change how text looks or reads without being text: zero-width joiners and spaces, bidirectional
# overrides, the byte-order mark. Removed from passages, so "neg\u200beer" is "negeer" to the checks.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Cyrillic and Greek letters that look Latin, mapped for matching only: "nеgеer" with Cyrillic е is still "negeer".
LOOKALIKES = str.maketrans("аеорсухіјѕАВЕКМНОРСТХІΑΒΕΗΙΚΜΝΟΡΤΧΥο", "aeopcyxijsABEKMHOPCTXIABEHIKMNOPTXYo")
# Markup that would act in a reader's browser or fetch from elsewhere: scripts, images, frames, Markdown images.
ACTIVE_MARKUP = re.compile(r"<script\b.*?(?:</script>|$)|<(?:img|iframe|object|embed|svg|style|link|meta)\b[^>]*>?"
                           r"|!\[[^\]\n]*\]\([^)\n]*\)", re.IGNORECASE | re.DOTALL)
# What an answer never holds: markup that acts in a reader's browser or fetches from elsewhere (a Markdown image or
# link, an HTML tag, a javascript: address). A model's answer holding any is not shown (OWASP LLM02, insecure output
# handling), however well the sources support it: bronvast's answers are plain sentences with source numbers.
ACTIVE_OUTPUT = re.compile(r"\[[^\]\n]*\]\(\s*[^)\s]+[^)\n]*\)|<\s*/?\s*[a-z][a-z0-9-]*\b[^<>]*>|javascript\s*:",
                           re.IGNORECASE)
REMOVED = "[weggelaten: tekst gericht aan een taalmodel.]"  # a sentence of its own


def sanitise(text: str) -> str:
    """Passage text with every sentence that holds a control token or an instruction to a language model replaced
    whole by a visible marker (the source viewer shows it), and a message opened to a model (a role header, an AI
    addressed by name) replaced from there to its paragraph's end; the rest keeps its own layout. Active markup
    (scripts, images, frames) goes first: passages are data, never markup."""
    text = ACTIVE_MARKUP.sub(" ", text)
    text = "".join(_sanitise_paragraph(part) for part in re.split(r"(\n\s*\n)", text))
    # Whatever the sentence search missed still loses its instruction phrase, as before sentences were removed.
    return ADDRESSED.sub(REMOVED, INSTRUCTION.sub(REMOVED, CONTROL_TOKENS.sub(" ", text)))


def _sanitise_paragraph(paragraph: str) -> str:
    # Runs on every passage of every question: sentences are split twice only where an override stands, and a
    # sentence is located in the text only once it is to go.
    if OVERRIDE.search(paragraph):
        for sentence in split_sentences(paragraph):
            if OVERRIDE.search(sentence):
                paragraph = _replaced(paragraph, sentence)
    paragraph = INVISIBLE.sub("", paragraph)
    for sentence in split_sentences(paragraph):
        found = _located(paragraph, sentence) if opens_a_message(sentence) else None
        if found:
            return paragraph[:found.start()] + REMOVED
        if addressed_to_a_model(sentence):
            paragraph = _replaced(paragraph, sentence)
    return paragraph


def _located(text: str, sentence: str) -> re.Match | None:
    """Where the sentence stands in the text: split_sentences joins wrapped lines, so whitespace may differ."""
    return re.search(r"\s+".join(re.escape(word) for word in sentence.split()), text)


def _replaced(text: str, sentence: str) -> str:
    found = _located(text, sentence)
    return text if found is None else text[:found.start()] + REMOVED + text[found.end():]


def _as_seen(sentence: str) -> str:
    """The sentence as a reader sees it: full-width and other compatibility forms folded (NFKC), look-alike
    Cyrillic and Greek letters read as Latin. For matching only; the passage keeps its own characters."""
    return unicodedata.normalize("NFKC", sentence).translate(LOOKALIKES)


def opens_a_message(sentence: str) -> bool:
    seen = _as_seen(sentence)
    return bool(CONTROL_TOKENS.search(seen) or SALUTATION.search(seen))


def addressed_to_a_model(sentence: str) -> bool:
    """A control token, an instruction or a sentence speaking to an AI, also when spelled with look-alike letters."""
    seen = _as_seen(sentence)
    return any(pattern.search(seen) for pattern in (CONTROL_TOKENS, INSTRUCTION, ADDRESSED))


def holds_active_content(answer: str) -> bool:
    """Markup, a link or a chat template's tokens in a model's answer."""
    return bool(ACTIVE_OUTPUT.search(answer) or CONTROL_TOKENS.search(answer))


def sanitised(hits: list[Hit]) -> list[Hit]:
    return [replace(hit, chunk=replace(hit.chunk, text=sanitise(hit.chunk.text))) for hit in hits]


@functools.cache
def punkt(language: str):
    """nltk's punkt sentence model for the language, from the copy llama-index ships (no download)."""
    from llama_index.core.utils import globals_helper
    from nltk.tokenize import PunktTokenizer

    globals_helper.wait_for_nltk_check()  # puts llama-index's bundled nltk data on nltk's path
    tokenizer = PunktTokenizer(language)
    if language == "dutch":
        tokenizer._params.abbrev_types.update(DUTCH_ABBREVIATIONS)  # punkt has no public API for extra abbreviations
    return tokenizer


def split_sentences(text: str, language: str = "dutch") -> list[str]:
    """Sentences of a passage or answer. Line breaks inside a paragraph are wraps (PDF text) unless a list item
    starts or a heading ends; a citation marker at a sentence's start belongs to the sentence before it."""
    sentences: list[str] = []
    for unit in _units(text):
        pieces: list[str] = []
        for sentence in punkt(language).tokenize(unit):
            if pieces and INITIALS_END.search(pieces[-1]):  # "de heer A. / Mulderink ...": one sentence
                pieces[-1] += " " + sentence
            else:
                pieces.append(sentence)
        for sentence in pieces:
            marks = LEADING_CITATIONS.match(sentence)
            if marks and sentences:
                sentences[-1] += " " + marks.group(0).strip()
                sentence = sentence[marks.end():]
            if sentence.strip():
                sentences.append(sentence.strip())
    return sentences


def _units(text: str) -> list[str]:
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current = previous = ""
        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            # a short line without closing punctuation before a capital is a heading (or an address line); a long
            # one is a wrapped line whose sentence goes on with a name ("... van sporthal / De Bongerd: ...")
            heading_before = (current and not TERMINAL.search(current) and line[:1].isupper()
                              and len(previous.split()) <= MAX_HEADING_WORDS and not RUNS_ON.search(previous))
            previous = line
            row = TABLE_ROW.search(line) or TABLE_ROW.search(current)  # a table row is a unit of its own
            if current and (LIST_ITEM.match(line) or heading_before or row):
                units.append(current)
                current = line
            else:
                current = f"{current} {line}" if current else line
        if current:
            units.append(current)
    return units


def citations_in(sentence: str, available: int) -> tuple[str, list[int]]:
    """The sentence without its citation markers, and the source numbers it cites that exist (1..available);
    markers pointing at no retrieved source are dropped."""
    numbers = [int(n) for n in CITATION.findall(sentence)]
    return CITATION.sub("", sentence).strip(), sorted({n for n in numbers if 1 <= n <= available})


@dataclass(frozen=True)
class Evidence:
    """One passage, prepared for comparison: its sentences with their terms and embeddings, and all its terms."""

    n: int
    sentences: list[str]  # those long enough to be evidence or answer
    terms: list[set[str]]
    vectors: list[list[float]]
    all_terms: set[str]
    numbers: set[str]  # numbers_in(all_terms)
    units: list[str]  # every sentence of the passage, short ones (headings, table headers) included
    positions: list[int]  # where each of `sentences` stands in `units`


@dataclass(frozen=True)
class Signals:
    """How well a passage backs a sentence: the share of the sentence's terms it holds, the best cosine of one of its
    sentences, and whether every number of the sentence stands in it."""

    lexical: float
    semantic: float
    numbers_found: bool


class Grounding:
    def __init__(self, embedder, analyzer: Analyzer, config: AnswerSettings, language: str = "dutch"):
        self.embedder = embedder
        self.analyzer = analyzer
        self.config = config
        self.language = language

    def evidence(self, hits: list[Hit]) -> list[Evidence]:
        """Every passage's sentences, embedded in one batch."""
        units = [split_sentences(hit.chunk.text, self.language) for hit in hits]
        positions = [[k for k, s in enumerate(unit) if self._long_enough(s) or announces_list(unit, k)]
                     for unit in units]
        flat = [unit[k] for unit, kept in zip(units, positions) for k in kept]
        vectors = iter(self.embedder.get_text_embedding_batch(flat) if flat else [])
        passages = []
        for n, (hit, unit, kept) in enumerate(zip(hits, units, positions), start=1):
            sentences = [unit[k] for k in kept]
            all_terms = set(self.analyzer.tokens(hit.chunk.text))
            passages.append(Evidence(n, sentences, [set(self.analyzer.tokens(s)) for s in sentences],
                                     [next(vectors) for _ in sentences], all_terms, numbers_in(all_terms), unit, kept))
        return passages

    def check(
        self, answer: str, passages: list[Evidence], question: str = "", echoes: tuple[str, ...] = ()
    ) -> list[Sentence]:
        """Each answer sentence with the sources it cites and whether the cited passage supports it. A sentence
        without a citation is checked against every source and, when one supports it, cites that one.

        An echo supports nothing, however well its words match: a sentence that repeats the question, or holds
        one of `echoes` (the prompt's labels, the sources' file names) copies the prompt instead of answering."""
        question_terms = set(self.analyzer.tokens(question))
        checked = []
        for raw in split_sentences(answer, self.language):
            text, cited = citations_in(raw, len(passages))
            if not text:
                continue
            if self.is_echo(text, question_terms, echoes):
                checked.append(Sentence(text, cited, False, 0.0))
                continue
            # A sentence citing [1][2] may rest on both passages together; one without citations on any one.
            candidates = [merged([p for p in passages if p.n in cited])] if cited else passages
            support, best = self.support(text, candidates)
            supported = support >= 1.0
            citations = cited or ([best] if supported else [])
            checked.append(Sentence(text, citations, supported, round(support, 3)))
        return checked

    def unaddressed(self, question: str, answer: str) -> str:
        """What an answer lacks to address the question: "number" or "time" when the question asks for one and the
        answer names none, "terms" when it holds none of the question's own terms; "" when it addresses it."""
        terms = set(self.analyzer.tokens(answer))
        if ASKS_FOR_NUMBER.search(question) and not numbers_in(terms):
            return "number"
        if ASKS_FOR_TIME.search(question) and not (numbers_in(terms) or CALENDAR_WORD.search(answer)):
            return "time"
        question_terms = set(self.analyzer.tokens(question))
        return "terms" if question_terms and not question_terms & terms else ""

    def is_echo(self, sentence: str, question_terms: set[str], echoes: tuple[str, ...]) -> bool:
        folded = sentence.casefold()
        if any(echo.casefold() in folded for echo in echoes if echo):
            return True
        terms = set(self.analyzer.tokens(sentence))
        return bool(terms) and len(terms & question_terms) >= ECHO_SHARE * len(terms)

    def support(self, sentence: str, passages: list[Evidence]) -> tuple[float, int | None]:
        """The best support any of the passages gives the sentence (>= 1.0 means supported) and that passage's
        number."""
        best, best_n = 0.0, None
        for passage, signals in zip(passages, self.signals(sentence, passages)):
            score = self.score(signals)
            if score > best:
                best, best_n = score, passage.n
        return best, best_n

    def signals(self, sentence: str, passages: list[Evidence]) -> list[Signals]:
        """The sentence against each passage (the sentence is embedded once)."""
        terms = set(self.analyzer.tokens(sentence))
        if not terms or not passages:
            return [Signals(0.0, 0.0, False) for _ in passages]
        numbers = numbers_in(terms)
        vector = self.embedder.get_text_embedding(sentence)
        return [
            Signals(
                len(terms & passage.all_terms) / len(terms),
                max((cosine(vector, v) for v in passage.vectors), default=0.0),
                numbers <= passage.numbers,
            )
            for passage in passages
        ]

    def score(self, signals: Signals) -> float:
        """Support: 0 when a number of the sentence is missing from the passage, else the stronger of term overlap
        and cosine, each divided by its threshold."""
        if not signals.numbers_found:
            return 0.0
        return max(signals.lexical / self.config.min_lexical_support,
                   signals.semantic / self.config.min_semantic_support)

    def _long_enough(self, sentence: str) -> bool:
        """Long enough to be evidence or answer, and not the marker of a removed instruction."""
        return REMOVED not in sentence and len(self.analyzer.tokens(sentence)) >= MIN_SENTENCE_TERMS


def announces_list(units: list[str], k: int) -> bool:
    """A short line that opens a list ("Ik verzoek u:"): an answer with its items, however few its own words."""
    return (units[k].rstrip().endswith(":") and k + 1 < len(units) and bool(LIST_ITEM.match(units[k + 1]))
            and REMOVED not in units[k])


def merged(passages: list[Evidence]) -> Evidence:
    offsets = [sum(len(p.units) for p in passages[:k]) for k in range(len(passages))]
    return Evidence(
        passages[0].n,
        [s for p in passages for s in p.sentences],
        [t for p in passages for t in p.terms],
        [v for p in passages for v in p.vectors],
        set().union(*(p.all_terms for p in passages)),
        set().union(*(p.numbers for p in passages)),
        [u for p in passages for u in p.units],
        [offset + k for p, offset in zip(passages, offsets) for k in p.positions],
    )


def numbers_in(terms: set[str]) -> set[str]:
    """The numbers among analysed terms, a range such as 12.00-18.00 as its two ends; list numbers below 10
    ("1)", "2.") are left out: they number an answer's points, not facts."""
    numbers = set()
    for term in terms:
        if not DIGIT.search(term):
            continue
        parts = term.split("-")
        for part in parts if all(p.replace(".", "").replace(",", "").isdigit() for p in parts) else [term]:
            if not (part.isdigit() and int(part) < 10):
                numbers.add(part)
    return numbers


def render(sentences: list[Sentence]) -> str:
    """Sentences back to answer text, each followed by its citation markers."""
    return " ".join(s.text + "".join(f" [{n}]" for n in s.citations) for s in sentences)
