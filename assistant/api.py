"""The REST face, served beside the Gradio UI by `bronvast serve`: a thin layer over bronvast.app.Bronvast.

It also lets `bronvast ingest/ask/status` work while the UI serves: the embedded store admits one process, so the
CLI sends its command to the serving process (see bronvast/remote.py). Every route needs the bearer token that
`serve` writes, readable by its owner only, into the data dir: the API can read local files, so nobody else may
call it.
"""

from __future__ import annotations

import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, TypeAdapter, field_validator

from bronvast.app import Bronvast
from bronvast.errors import StoreError
from bronvast.schema import Answer, CollectionStats, SearchFilter, Turn, redaction_kinds

from ingest.documents import DocumentNotFound
from ingest.report import DocumentInfo, IngestReport

SERVER_FILE = "serve.json"
REPORT = TypeAdapter(IngestReport)
ANSWER = TypeAdapter(Answer)
STATS = TypeAdapter(list[CollectionStats])
FILTER = TypeAdapter(SearchFilter | None)
HISTORY = TypeAdapter(list[Turn])
DOCUMENTS = TypeAdapter(list[DocumentInfo])


class AskRequest(BaseModel):
    question: str
    collection: str | None = None
    where: SearchFilter | None = None
    history: list[Turn] = []  # earlier turns of a conversation, oldest first


class IngestRequest(BaseModel):
    paths: list[str]
    collection: str | None = None
    sync: bool = False  # remove documents under the folders named whose file is gone
    redact: list[str] | None = None  # personal-data kinds to redact (the client's ingest.redact); None: the server's

    @field_validator("redact")
    @classmethod
    def _kinds(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else redaction_kinds(value)


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


@contextmanager
def advertised(data_dir: Path, host: str, port: int):
    """Writes serve.json (owner-only) while the server runs and removes it afterwards."""
    info = ServerInfo(f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}", secrets.token_urlsafe(32))
    path = data_dir / SERVER_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(vars(info), handle)
    try:
        yield info
    finally:
        path.unlink(missing_ok=True)


def build_api(app: Bronvast, token: str) -> FastAPI:
    def authorised(authorization: str = Header(default="")) -> None:
        if not secrets.compare_digest(authorization, f"Bearer {token}"):
            raise HTTPException(401, "ongeldig of ontbrekend token")

    router = APIRouter(prefix="/api", dependencies=[Depends(authorised)])

    @router.post("/ask")
    def ask(request: AskRequest) -> dict:
        with plain_errors():
            return ANSWER.dump_python(app.ask(request.question, request.collection, request.where, request.history), mode="json")

    @router.post("/ingest")
    def ingest(request: IngestRequest) -> dict:
        with plain_errors():
            report = app.ingest(
                [Path(p) for p in request.paths], request.collection, sync=request.sync, redact=request.redact
            )
        return REPORT.dump_python(report, mode="json")

    @router.get("/documents")
    def documents(collection: str | None = None) -> list:
        with plain_errors():
            return DOCUMENTS.dump_python(app.documents(collection), mode="json")

    @router.delete("/documents")
    def delete_document(target: str, collection: str | None = None) -> dict:
        """`target`: the document's path or file name; 404 when nothing or several documents match."""
        with plain_errors():
            return {"removed": app.delete_document(target, collection)}

    @router.get("/status")
    def status() -> list:
        return STATS.dump_python(app.status(), mode="json")

    api = FastAPI(title="bronvast", docs_url=None, redoc_url=None, openapi_url=None)
    api.include_router(router)
    return api


@contextmanager
def plain_errors():
    try:
        yield
    except DocumentNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except StoreError as exc:
        raise HTTPException(400, str(exc)) from exc
