"""What travels over REST between `bronvast serve` (assistant/api.py) and the CLI beside it (assistant/remote.py):
the route paths, the request bodies, the adapters that read the responses back into our types, and `ServerInfo`,
which tells other processes on this machine where the server is. Both sides import this; neither imports the other."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, field_validator

from bronvast.schema import (
    Answer,
    Caller,
    CollectionStats,
    Dossier,
    FirstAnswer,
    ObjectionOptions,
    RedactionKind,
    SearchFilter,
    Turn,
    redaction_kinds,
)
from ingest.report import DocumentInfo, IngestReport

SERVER_FILE = "serve.json"
ASK, INGEST, DOCUMENTS, STATUS, COLLECTIONS = "/api/ask", "/api/ingest", "/api/documents", "/api/status", "/api/collections"
ASK_STREAM = "/api/ask/stream"  # the pieces of Application.stream, one JSON object per line (NDJSON)
OBJECTIONS = "/api/objections"
FEEDBACK = "/api/v1/feedback"  # a v1 route (assistant/api_v1.py) the CLI bridge uses as it is
SOURCES = "/api/v1/sources"  # likewise: a cited source (SourceView.to_json)

REPORT = TypeAdapter(IngestReport)
DOSSIER = TypeAdapter(Dossier)
CALLER = TypeAdapter(Caller)
# Who a token-holding client (the CLI beside `serve`) runs as: trusted, as only the data dir's owner holds the token.
CALLER_HEADER = "X-Bronvast-Caller"
ANSWER = TypeAdapter(Answer)
STATS = TypeAdapter(list[CollectionStats])
FILTER = TypeAdapter(SearchFilter | None)
HISTORY = TypeAdapter(list[Turn])
DOCUMENT_LIST = TypeAdapter(list[DocumentInfo])


def piece_line(piece: str | FirstAnswer | Answer) -> str:
    """One piece of a streamed answer as a line of JSON: {"first": answer}, {"text": "..."} or {"answer": answer}."""
    if isinstance(piece, FirstAnswer):
        body = {"first": ANSWER.dump_python(piece.answer, mode="json")}
    elif isinstance(piece, Answer):
        body = {"answer": ANSWER.dump_python(piece, mode="json")}
    else:
        body = {"text": piece}
    return json.dumps(body, ensure_ascii=False) + "\n"


def read_piece(line: str) -> str | FirstAnswer | Answer:
    """A line of the stream back into its piece; {"error": "..."} (the server failed midway) raises ValueError."""
    body = json.loads(line)
    if "error" in body:
        raise ValueError(body["error"])
    if "first" in body:
        return FirstAnswer(ANSWER.validate_python(body["first"]))
    return ANSWER.validate_python(body["answer"]) if "answer" in body else body["text"]


class AskRequest(BaseModel):
    question: str
    collection: str | None = None
    where: SearchFilter | None = None
    history: list[Turn] = []  # earlier turns of a conversation, oldest first


class ObjectionsRequest(BaseModel):
    paths: list[str]
    options: ObjectionOptions = ObjectionOptions()


class IngestRequest(BaseModel):
    paths: list[str]
    collection: str | None = None
    sync: bool = False  # remove documents under the folders named whose file is gone
    redact: list[RedactionKind] | None = None  # personal-data kinds to redact (the client's); None: the server's

    @field_validator("redact", mode="before")
    @classmethod
    def _kinds(cls, value):
        return redaction_kinds(value)


class Removed(BaseModel):
    removed: list[str]


class FeedbackRequest(BaseModel):
    """A thumb up (`liked`) or down on an answer the caller was given, with their comment."""

    answer: Answer
    liked: bool
    comment: str = ""
    collection: str | None = None


@dataclass(frozen=True)
class ServerInfo:
    """What a serving process tells other processes on the same machine: where it is and its token."""

    url: str
    token: str

    @classmethod
    def read(cls, data_dir: Path) -> ServerInfo | None:
        try:
            return cls(**json.loads((data_dir / SERVER_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
