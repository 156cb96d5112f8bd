"""The REST face, served beside the Gradio UI by `bronvast serve`: a thin layer over the Application.

It also lets `bronvast ingest/ask/status` work while the UI serves: the embedded store admits one process, so the
CLI sends its command to the serving process (assistant/remote.py; the wire types are in assistant/wire.py). Who
calls (assistant/auth.py): the holder of the bearer token that `serve` writes, readable by its owner only, into the
data dir; a configured user's API key; a trusted proxy's user; or, without an identity configuration, anonymous.
Routes that read files on this machine take the token only. FastAPI serialises the return types and maps our
errors to statuses.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.api_v1 import metered, public_router, v1_router
from assistant.application import Application
from assistant.auth import As, authorised, install, local_paths
from assistant.openai_api import openai_router
from assistant.uploads import UploadTooLarge
from assistant.wire import (
    ASK,
    ASK_STREAM,
    COLLECTIONS,
    DOCUMENTS,
    INGEST,
    OBJECTIONS,
    STATUS,
    AskRequest,
    IngestRequest,
    ObjectionsRequest,
    Removed,
    piece_line,
)
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Answer, CollectionStats, Dossier
from ingest.documents import DocumentNotFound
from ingest.report import DocumentInfo, IngestReport


def build_api(app: Application, token: str) -> FastAPI:
    app = metered(app)  # questions, refusals, answer latency and ingests counted for /metrics
    router = APIRouter(dependencies=[authorised])  # who calls (assistant/auth.py): 401 when nobody may

    @router.post(ASK)
    def ask(request: AskRequest, caller: As) -> Answer:
        return app.ask(request.question, request.collection, request.where, request.history, caller)

    @router.post(ASK_STREAM)
    def ask_stream(request: AskRequest, caller: As) -> StreamingResponse:
        """The first answer at once, the model's text as it comes, then the finished answer (NDJSON)."""
        pieces = app.stream(request.question, request.collection, request.where, request.history, caller)
        first = next(pieces)  # an unknown collection or a bad filter fails here, as a plain 400

        def lines():
            yield piece_line(first)
            try:
                for piece in pieces:
                    yield piece_line(piece)
            except StoreError as exc:  # the status has gone out: the failure travels as the last line
                yield json.dumps({"error": str(exc)}, ensure_ascii=False) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @router.post(INGEST, dependencies=[local_paths])
    def ingest(request: IngestRequest, caller: As) -> IngestReport:
        return app.ingest([Path(p) for p in request.paths], request.collection, sync=request.sync,
                          redact=request.redact, caller=caller)

    @router.post(OBJECTIONS, dependencies=[local_paths])
    def objections(request: ObjectionsRequest) -> Dossier:
        """Objection letters (files on this machine) read into file cards; stores nothing."""
        return app.objections([Path(p) for p in request.paths], request.options)

    @router.get(DOCUMENTS)
    def documents(caller: As, collection: str | None = None) -> list[DocumentInfo]:
        return app.documents(collection, caller)

    @router.delete(DOCUMENTS)
    def delete_document(target: str, caller: As, collection: str | None = None) -> Removed:
        """`target`: the document's path or file name; 404 when nothing or several documents match."""
        return Removed(removed=app.delete_document(target, collection, caller))

    @router.get(STATUS)
    def status() -> list[CollectionStats]:
        return app.status()

    @router.get(COLLECTIONS)
    def collections() -> list[str]:
        return app.collections()

    # REST API v1 and the OpenAI-compatible routes (assistant/api_v1.py, assistant/openai_api.py); the probes and
    # the v1 spec and docs page need no caller. FastAPI's own spec and docs stay off: the CLI bridge is not public.
    router.include_router(v1_router(app))
    router.include_router(openai_router(app))
    api = FastAPI(title="bronvast", docs_url=None, redoc_url=None, openapi_url=None)
    install(api, token, app.settings)
    api.include_router(router)
    api.include_router(public_router(app))
    api.add_exception_handler(DocumentNotFound, error_status(404))
    api.add_exception_handler(UploadTooLarge, error_status(413))
    api.add_exception_handler(StoreError, error_status(400))
    api.add_exception_handler(AccessDenied, error_status(403))
    return api


def error_status(code: int):
    """A handler that answers an expected failure with `code` and its plain message as the detail."""
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=code)
    return handler
