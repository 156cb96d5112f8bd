"""REST API v1: the public, documented face of `bronvast serve` for other programs, beside the CLI bridge (/api,
assistant/api.py) and the OpenAI-compatible routes (/v1, assistant/openai_api.py), on the same FastAPI app.

- `POST /api/v1/ask`: a question -> the Answer (text with [n] markers, citations, sentences and their check).
- `POST /api/v1/chat`: the same, streamed as server-sent events: `first` (the extract, shown while a model writes),
  `token` (the model's text as it comes), `answer` (the finished Answer, which replaces the first), `error`.
- `GET/POST /api/v1/documents`, `DELETE /api/v1/documents/{name}`: list, upload (multipart), delete.
- `GET /api/v1/collections`.
- `GET /api/v1/sources?source=&page=&passage=`: a cited source to show (SourceView: the page's or document's text,
  where the passage stands, a PDF page as base64 PNG with the passage highlighted); `GET /api/v1/sources/page.png`
  the picture alone. 404, with the same message, for a document that is not there or that the caller may not see.
- `POST /api/v1/feedback`: a thumb up or down on an answer ({answer, liked, comment, collection}), as the caller.
- `GET /metrics`: Prometheus text (questions by outcome, answer latency, ingests); behind the same auth as the API.
- `GET /healthz` (the process answers) and `GET /readyz` (the store opens and the embedder is loaded; 503
  otherwise): no auth, for load balancers and orchestrators.
- `GET /api/v1/openapi.json` and `GET /api/v1/docs`: the spec of the v1 and OpenAI routes and its Swagger UI, served
  from the swagger-ui-bundle-v2 package (no CDN: bronvast runs offline). The CLI bridge stays out of the spec.

Every route that reads or changes documents takes the caller (`As`, assistant/auth.py), so access control applies.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import fastapi.routing
from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from pydantic import BaseModel

from assistant import uploads
from assistant.application import Application
from assistant.auth import As
from assistant.wire import ANSWER, FEEDBACK, SOURCES, AskRequest, FeedbackRequest, Removed
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Answer, FirstAnswer
from ingest.report import DocumentInfo, IngestReport

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
OPENAPI_PATH, DOCS_PATH, DOCS_ASSETS = f"{PREFIX}/openapi.json", f"{PREFIX}/docs", f"{PREFIX}/docs/assets"
# What the spec documents: this API, the OpenAI-compatible routes and the probes; not the CLI bridge (/api/...).
DOCUMENTED = (f"{PREFIX}/", "/v1/", "/healthz", "/readyz", "/metrics")
# The server reads an upload request's body only up to the files' limit (serve.upload_max_request_bytes) plus this
# much multipart framing per file, and a form of up to ten times serve.upload_max_files files: what stays within is
# checked by assistant/uploads.py, which names the file over a limit; what is far over it is cut off earlier (413).
MULTIPART_HEADERS = 4096
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no buffering by a proxy (nginx)

# Prometheus metrics, in the process-wide registry (one server per process; it also holds the process metrics).
OUTCOMES = ("generative", "extractive", "busy", "refused", "error")
QUESTIONS = Counter("bronvast_questions", "Questions asked, by outcome: a generated (and checked) answer, an "
                    "extractive answer, the extract because the model was busy, a refusal, or an error", ["outcome"])
ANSWER_SECONDS = Histogram("bronvast_answer_seconds", "Seconds from a question to its finished answer (refusals too)",
                           buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300))
INGESTS = Counter("bronvast_ingests", "Ingest runs (a CLI ingest, an upload)")
INGESTED_FILES = Counter("bronvast_ingested_files", "Files offered to ingest, by outcome", ["status"])
for _outcome in OUTCOMES:
    QUESTIONS.labels(_outcome)  # every series present from the start, at 0


class Metered:
    """The application, with its questions, refusals, answer latency and ingests counted for /metrics. The server
    wraps the application it serves once (build_api); every other call passes through unchanged."""

    def __init__(self, app: Application):
        self.app = app

    def __getattr__(self, name: str):
        return getattr(self.app, name)

    # Arguments pass through as given: the Application contract's signatures stay the application's own.
    def ask(self, *args, **kwargs) -> Answer:
        started = time.perf_counter()
        try:
            answer = self.app.ask(*args, **kwargs)
        except Exception:
            QUESTIONS.labels("error").inc()
            raise
        answered(answer, started)
        return answer

    def stream(self, *args, **kwargs) -> Iterator[str | FirstAnswer | Answer]:
        started = time.perf_counter()
        try:
            for piece in self.app.stream(*args, **kwargs):
                if isinstance(piece, Answer):
                    answered(piece, started)
                yield piece
        except Exception:
            QUESTIONS.labels("error").inc()
            raise

    def ingest(self, *args, **kwargs) -> IngestReport:
        report = self.app.ingest(*args, **kwargs)
        INGESTS.inc()
        for outcome in report.outcomes:
            INGESTED_FILES.labels(outcome.status).inc()
        return report


def metered(app: Application) -> Metered:
    return app if isinstance(app, Metered) else Metered(app)


def answered(answer: Answer, started: float) -> None:
    outcome = "refused" if answer.refused else "busy" if answer.reason == "busy" else answer.mode
    QUESTIONS.labels(outcome).inc()
    ANSWER_SECONDS.observe(time.perf_counter() - started)


class Collection(BaseModel):
    name: str


class Recorded(BaseModel):
    recorded: bool


class Source(BaseModel):
    """SourceView.to_json, as the spec documents it."""

    source: str
    page: int | None
    kind: str
    title: str
    text: str
    marks: list[tuple[int, int]]  # character spans in `text` where the passage stands
    image_png_base64: str | None  # the PDF page with the passage highlighted
    pages: int | None
    note: str


class Health(BaseModel):
    status: str  # "ok", or "niet gereed" (readyz: not ready)
    checks: dict[str, bool] = {}


def sse(event: str, data: object) -> str:
    """One server-sent event; its data is one line of JSON."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def chat_events(first: str | FirstAnswer | Answer, pieces: Iterator[str | FirstAnswer | Answer]) -> Iterator[str]:
    """Application.stream's pieces as events: `first`, `token` ({"text": ...}), `answer`; a failure after the
    response has started travels as a last `error` event ({"detail": ...})."""
    def event(piece) -> str:
        if isinstance(piece, FirstAnswer):
            return sse("first", ANSWER.dump_python(piece.answer, mode="json"))
        if isinstance(piece, Answer):
            return sse("answer", ANSWER.dump_python(piece, mode="json"))
        return sse("token", {"text": piece})

    yield event(first)
    try:
        for piece in pieces:
            yield event(piece)
    except (StoreError, AccessDenied) as exc:
        yield sse("error", {"detail": str(exc)})
    except Exception as exc:  # the status has gone out: say so in the stream rather than end it silently
        log.exception("v1 chat failed midway")
        yield sse("error", {"detail": f"interne fout: {exc}"})


def readiness(app: Application) -> dict[str, bool]:
    """Whether the store opens and the embedder is loaded (`serve` loads it before it listens; this never loads it)."""
    inner = app.app if isinstance(app, Metered) else app
    checks = {}
    try:
        inner.collections()
        checks["store"] = True
    except Exception:  # whatever keeps the store from opening (locked, unreadable, a server away): not ready
        checks["store"] = False
    checks["embedder"] = "embedder" in vars(inner)  # Bronvast loads it once, into its cached property
    return checks


def v1_router(app: Application) -> APIRouter:
    """The v1 routes that need a caller: include them where the server's auth applies (build_api's router)."""
    router = APIRouter(tags=["v1"])

    @router.post(f"{PREFIX}/ask", summary="Een vraag, het antwoord met bronnen")
    def ask(request: AskRequest, caller: As) -> Answer:
        return app.ask(request.question, request.collection, request.where, request.history, caller)

    @router.post(f"{PREFIX}/chat", summary="Een vraag, het antwoord als server-sent events",
                 response_class=StreamingResponse,
                 responses={200: {"content": {"text/event-stream": {}}, "description":
                                  "events `first` (het uittreksel), `token` ({text}), `answer` (het Answer), `error`"}})
    def chat(request: AskRequest, caller: As) -> StreamingResponse:
        pieces = app.stream(request.question, request.collection, request.where, request.history, caller)
        first = next(pieces)  # an unknown collection or a bad filter fails here, as a plain 400
        return StreamingResponse(chat_events(first, pieces), media_type="text/event-stream", headers=SSE_HEADERS)

    @router.get(f"{PREFIX}/documents", summary="De documenten die de aanvrager mag zien")
    def documents(caller: As, collection: str | None = None) -> list[DocumentInfo]:
        return app.documents(collection, caller)

    limits = app.settings.serve

    @router.post(f"{PREFIX}/documents", summary="Bestanden uploaden en indexeren",
                 max_body_size=limits.upload_max_request_bytes + MULTIPART_HEADERS * limits.upload_max_files,
                 form_limits={"max_files": 10 * limits.upload_max_files},
                 responses={413: {"description": "een bestand, of de bestanden samen, boven de grens"}})
    def upload(caller: As, files: Annotated[list[UploadFile], File()],
               collection: Annotated[str | None, Form()] = None) -> IngestReport:
        """Checked in a quarantine (the limits in serve.upload_*, the type by content), stored under
        <data_dir>/uploads/<collection>/ and ingested as the caller, who needs the ingest role; what the index does
        not take is removed, with its reason in the report (assistant/uploads.py)."""
        return uploads.upload(app, [uploads.Incoming(file.filename, file.file) for file in files], collection, caller)

    @router.delete(f"{PREFIX}/documents/{{target:path}}", summary="Een document verwijderen")
    def delete_document(target: str, caller: As, collection: str | None = None) -> Removed:
        """`target`: the document's path or file name; 404 when nothing or several documents match."""
        removed = app.delete_document(target, collection, caller)
        uploads.forget_uploads(app, removed)
        return Removed(removed=removed)

    @router.post(FEEDBACK, summary="Een duim omhoog of omlaag bij een antwoord, met opmerking")
    def feedback(request: FeedbackRequest, caller: As) -> Recorded:
        """Kept in <data_dir>/feedback/feedback.jsonl as the caller's (redacted as the audit log is); `bronvast eval
        feedback` exports it as evaluation cases."""
        app.feedback(request.answer, request.liked, request.comment, request.collection, caller)
        return Recorded(recorded=True)

    @router.get(SOURCES, summary="Een geciteerde bron om te tonen", response_model=Source,
                responses={404: {"description": "het document staat niet in de collectie of de aanvrager mag het "
                                                "niet zien (dezelfde melding)"}})
    def cited_source(caller: As, source: str, page: int | None = None, passage: str = "",
                     collection: str | None = None, sha256: str = "") -> dict:
        """`source`, `page` and `passage` as a citation gives them (`sha256`: the cited version, else the latest)."""
        return app.source(source, page, passage, collection, caller, sha256).to_json()

    @router.get(f"{SOURCES}/page.png", summary="De geciteerde PDF-pagina met de passage gemarkeerd",
                response_class=Response, responses={200: {"content": {"image/png": {}}},
                                                     404: {"description": "geen document of geen afbeelding"}})
    def cited_page(caller: As, source: str, page: int | None = None, passage: str = "",
                   collection: str | None = None, sha256: str = "") -> Response:
        view = app.source(source, page, passage, collection, caller, sha256)
        if view.image is None:
            raise HTTPException(404, view.note or f"'{source}' heeft geen pagina-afbeelding")
        return Response(view.image, media_type="image/png")

    @router.get(f"{PREFIX}/collections", summary="De collecties")
    def collections(caller: As) -> list[Collection]:
        return [Collection(name=name) for name in app.collections()]

    @router.get("/metrics", summary="Prometheus-metrieken", response_class=Response,
                responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
    def metrics(caller: As) -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router


def public_router(app: Application) -> APIRouter:
    """What needs no caller: the probes, and the spec with its docs page (a browser cannot send the token)."""
    router = APIRouter()

    @router.get("/healthz", tags=["probes"], summary="Het proces antwoordt")
    def healthz() -> Health:
        return Health(status="ok")

    @router.get("/readyz", tags=["probes"], summary="De index opent en het embeddingmodel is geladen",
                responses={503: {"model": Health}})
    def readyz():
        checks = readiness(app)
        ready = all(checks.values())
        body = Health(status="ok" if ready else "niet gereed", checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    @router.get(OPENAPI_PATH, include_in_schema=False)
    def openapi(request: Request) -> JSONResponse:
        return JSONResponse(spec(request.app.routes))

    @router.get(DOCS_PATH, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + OPENAPI_PATH, title="bronvast API v1",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon-32x32.png",
        )

    @router.get(f"{DOCS_ASSETS}/{{name}}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        if name not in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
            raise HTTPException(404, "onbekend bestand")
        from swagger_ui_bundle import swagger_ui_path

        return FileResponse(Path(str(swagger_ui_path)) / name)

    return router


def spec(routes) -> dict:
    """The OpenAPI document of the documented routes, with the bearer token as their security scheme."""
    # FastAPI 0.165 keeps included routers as such; iter_route_contexts walks them (older versions list routes)
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    documented = [r for r in (walk(routes) if walk else routes) if (getattr(r, "path", None) or "").startswith(DOCUMENTED)]
    document = get_openapi(
        title="bronvast", version="1", routes=documented,
        description="Vragen aan de eigen documenten, met bronnen. Authenticatie: `Authorization: Bearer <sleutel>` "
                    "(het token van `bronvast serve` of een API-sleutel). OpenAI-compatibel onder /v1.",
    )
    document.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    document["security"] = [{"bearer": []}]
    for path in ("/healthz", "/readyz"):
        for operation in document["paths"].get(path, {}).values():
            operation["security"] = []
    return document
