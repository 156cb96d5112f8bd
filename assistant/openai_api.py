"""OpenAI-compatible routes, so that existing clients (the `openai` package, Open WebUI, LibreChat, ...) ask bronvast
unchanged: `GET /v1/models` and `POST /v1/chat/completions`, streaming and not, with `Authorization: Bearer <key>`.

- Models: one per collection, named `bronvast-<collection>` (a bare collection name is accepted as well).
- The question is the last user message; earlier user/assistant pairs are the conversation (follow-ups are rewritten
  to stand alone as in the UI). System messages and sampling options (temperature, max_tokens, ...) are accepted and
  ignored: the prompts and the answer check are bronvast's own.
- The answer's text keeps its [n] markers; its sources travel as structured data beside it:
  - `citations` at the top level of the response (non-streaming) or of the chunk that carries `finish_reason`
    (streaming): the Answer's citations as /api/v1/ask gives them ({n, source, page, text, score, also}), index
    n-1 for marker [n];
  - `bronvast`: the answer's mode (generative/extractive), whether it is a refusal, its notice, its reason ("busy":
    the model's line was full) and the question as searched;
  - for Open WebUI, when streaming: chunks carrying an `event` (its middleware passes a chunk's `event` to its event
    emitter): one `source` event per citation, in order, each with its own id, so that Open WebUI lists them as
    sources 1..n and its [n] markers open the right passage; and a `status` event with the notice.
- A refusal is an ordinary assistant message (finish_reason "stop") whose text says what was searched for.
- Streaming sends the checked answer only: the model's draft can still be replaced by the extract when its check
  fails, and an OpenAI client cannot take back text it has shown. The role chunk goes out at once.
- Errors have OpenAI's shape, {"error": {"message", "type", "code", "param"}}, with the status the client expects;
  a failure after the stream began is a last chunk with that `error` (the `openai` package raises on it).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, TypeAdapter

from assistant.application import Application
from assistant.auth import As
from bronvast.errors import AccessDenied, StoreError
from bronvast.schema import Answer, Citation, Turn

log = logging.getLogger(__name__)

MODEL_PREFIX = "bronvast-"
STARTED = int(time.time())  # the models' `created`
CITATIONS = TypeAdapter(list[Citation])
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "invalid_request_error", 413: "invalid_request_error", 422: "invalid_request_error"}
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class OpenAIError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param

    def body(self) -> dict:
        kind = ERROR_TYPES.get(self.status, "server_error")
        return {"error": {"message": self.message, "type": kind, "code": self.code, "param": self.param}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def as_openai_error(exc: Exception) -> OpenAIError | None:
    """Our expected failures, the framework's and the auth check's, as OpenAI errors; None for anything else."""
    if isinstance(exc, OpenAIError):
        return exc
    if isinstance(exc, HTTPException):
        code = "invalid_api_key" if exc.status_code == 401 else None
        return OpenAIError(exc.status_code, str(exc.detail), code)
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ())[1:])
        return OpenAIError(400, f"{where}: {first.get('msg', 'ongeldig verzoek')}" if where else str(exc),
                           "invalid_request", where or None)
    if isinstance(exc, AccessDenied):
        return OpenAIError(403, str(exc), "access_denied")
    if isinstance(exc, StoreError):
        return OpenAIError(400, str(exc), "invalid_request")
    return None


class OpenAIRoute(APIRoute):
    """Answers every failure of its route, the auth dependency's and validation's included, in OpenAI's shape (the
    app's own handlers answer {"detail"}, which OpenAI clients cannot read)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request):
            try:
                return await handler(request)
            except Exception as exc:
                error = as_openai_error(exc)
                if error is None:
                    raise
                return error.response()

        return route


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, ...: accepted, not used
    role: str
    content: str | list[dict] | None = None

    @property
    def text(self) -> str:
        """The content as text: a string, or the text parts of a list of parts (images are not read)."""
        if isinstance(self.content, list):
            return "\n".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, top_p, ...: accepted and ignored
    model: str
    messages: list[Message]
    stream: bool = False
    stream_options: dict | None = None


class Model(BaseModel):
    id: str
    object: str = "model"
    created: int = STARTED
    owned_by: str = "bronvast"


class ModelList(BaseModel):
    object: str = "list"
    data: list[Model]


def collection_of(model: str, collections: list[str]) -> str:
    """`bronvast-<collection>` (or the collection's own name) -> the collection; 404 model_not_found otherwise."""
    if model.startswith(MODEL_PREFIX) and model[len(MODEL_PREFIX):] in collections:
        return model[len(MODEL_PREFIX):]
    if model in collections:
        return model
    known = ", ".join(MODEL_PREFIX + name for name in collections) or "geen"
    raise OpenAIError(404, f"model '{model}' bestaat niet (modellen: {known})", "model_not_found", "model")


def conversation(messages: list[Message]) -> tuple[str, list[Turn]]:
    """The last user message, and the user/assistant exchanges before it as turns (oldest first). A turn's search
    question is its own question: what bronvast searched for then is not in an OpenAI conversation."""
    said = [(m.role, m.text) for m in messages if m.role in ("user", "assistant")]
    users = [i for i, (role, _) in enumerate(said) if role == "user"]
    if not users:
        raise OpenAIError(400, "geen bericht met role 'user': de vraag ontbreekt", "invalid_request", "messages")
    turns, asked = [], None
    for role, text in said[:users[-1]]:
        if role == "user":
            if asked is not None:
                turns.append(Turn(asked, asked, ""))
            asked = text
        elif asked is not None:
            turns.append(Turn(asked, asked, text))
            asked = None
    if asked is not None:
        turns.append(Turn(asked, asked, ""))
    return said[users[-1]][1], turns


def extras(answer: Answer) -> dict:
    """What the response carries beside the OpenAI fields: the citations and how the answer came about."""
    return {
        "citations": CITATIONS.dump_python(answer.citations, mode="json"),
        "bronvast": {"mode": answer.mode, "refused": answer.refused, "notice": answer.notice,
                     "reason": answer.reason, "search_question": answer.search_question},
    }


def usage(answer: Answer) -> dict:
    prompt, completion = (int(answer.usage.get(key, 0)) for key in ("prompt_tokens", "completion_tokens"))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(answer: Answer, model: str) -> dict:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer}, "finish_reason": "stop",
                     "logprobs": None}],
        "usage": usage(answer),
        **extras(answer),
    }


def label(citation: Citation) -> str:
    page = f", pagina {citation.page}" if citation.page else ""
    return f"{citation.cited_as}{page}"


def open_webui_events(answer: Answer) -> list[dict]:
    """Open WebUI's events for the answer: a `source` per citation (a distinct id each, so Open WebUI numbers them
    1..n as the markers do; the page is in the name, as Open WebUI's own `page` field counts from 0), and the notice
    (why the answer is extractive, what a refusal searched) as a `status` line."""
    events = [{"type": "source", "data": {
        "source": {"id": f"bronvast-{c.n}", "name": label(c)},
        "document": [c.text],
        "metadata": [{"source": f"bronvast-{c.n}", "name": label(c)}],
    }} for c in answer.citations]
    if answer.notice:
        events.append({"type": "status", "data": {"description": answer.notice, "done": True}})
    return events


def data(body: dict) -> str:
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def words(text: str) -> list[str]:
    """The text in pieces of one word and the space after it; joined, exactly the text."""
    return [piece for piece in re.split(r"(?<=\s)(?=\S)", text) if piece]


def chunks(first, pieces: Iterator, model: str, include_usage: bool) -> Iterator[str]:
    """The streamed completion: the role at once, then (once the answer is checked) its text, the Open WebUI events,
    the finishing chunk with the citations, the usage when asked, and [DONE]."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model}

    def choice(delta: dict, finish: str | None = None) -> dict:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    yield data(choice({"role": "assistant", "content": ""}))
    answer = first if isinstance(first, Answer) else None
    try:
        for piece in pieces:
            if isinstance(piece, Answer):
                answer = piece
    except Exception as exc:
        error = as_openai_error(exc) or OpenAIError(500, f"interne fout: {exc}")
        if error.status >= 500:
            log.exception("chat completion failed midway")
        yield data(error.body())
        yield "data: [DONE]\n\n"
        return
    if answer is None:  # the contract ends every stream with an Answer; never leave a client hanging
        yield data(OpenAIError(500, "geen antwoord ontvangen").body())
        yield "data: [DONE]\n\n"
        return
    for piece in words(answer.answer):
        yield data(choice({"content": piece}))
    for event in open_webui_events(answer):
        yield data({**choice({}), "event": event})
    yield data({**choice({}, "stop"), **extras(answer)})
    if include_usage:
        yield data({**base, "choices": [], "usage": usage(answer)})
    yield "data: [DONE]\n\n"


def openai_router(app: Application) -> APIRouter:
    """The OpenAI-compatible routes; include them where the server's auth applies (build_api's router)."""
    router = APIRouter(route_class=OpenAIRoute, tags=["OpenAI-compatibel"])

    @router.get("/v1/models", summary="Eén model per collectie: bronvast-<collectie>")
    def models(caller: As) -> ModelList:
        return ModelList(data=[Model(id=MODEL_PREFIX + name) for name in app.collections()])

    @router.get("/v1/models/{model}", summary="Eén model")
    def model(model: str, caller: As) -> Model:
        collection = collection_of(model, app.collections())
        return Model(id=MODEL_PREFIX + collection)

    @router.post("/v1/chat/completions", summary="Chat completion (ook streaming): het antwoord met [n] en citations",
                 responses={200: {"content": {"text/event-stream": {}}}})
    def chat_completions(request: ChatCompletionRequest, caller: As):
        collection = collection_of(request.model, app.collections())
        question, history = conversation(request.messages)
        if not request.stream:
            answer = app.ask(question, collection, None, history, caller)
            return JSONResponse(completion(answer, request.model))
        pieces = app.stream(question, collection, None, history, caller)
        first = next(pieces)  # a failure before anything is sent is an ordinary error response
        include_usage = bool((request.stream_options or {}).get("include_usage"))
        return StreamingResponse(chunks(first, pieces, request.model, include_usage), media_type="text/event-stream",
                                 headers=SSE_HEADERS)

    return router
