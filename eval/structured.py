"""JSON answers from an LLM that follow a schema, for the judge and the test-set generator.

The output is constrained at decoding time where the backend can: llama.cpp turns the JSON schema into a grammar;
OpenAI-compatible servers (vLLM, Ollama, llama.cpp server) take `response_format: json_schema`. llama-index's
structured-output helpers only prompt for JSON on these backends, which a small model does not reliably follow.
"""

from __future__ import annotations

from typing import TypeVar

from llama_index.core.llms import ChatMessage
from pydantic import BaseModel, ValidationError

from bronvast.local_llm import LocalLlamaCPP

Model = TypeVar("Model", bound=BaseModel)


class StructuredOutputError(Exception):
    """The LLM failed or its output did not fit the schema; the message says which."""


def complete_json(llm, messages: list[ChatMessage], model: type[Model]) -> Model:
    schema = model.model_json_schema()
    try:
        raw = (llm.chat_json([{"role": m.role.value, "content": m.content} for m in messages], schema)
               if isinstance(llm, LocalLlamaCPP) else _server(llm, messages, model, schema))
    except Exception as exc:  # network errors, server errors, timeouts: whatever the backend raises
        raise StructuredOutputError(f"het model gaf geen antwoord: {exc}") from exc
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "(json)"
        raise StructuredOutputError(f"ongeldige JSON van het model bij '{where}': {problem['msg']}: {raw[:200]!r}") from exc


def _server(llm, messages: list[ChatMessage], model: type[BaseModel], schema: dict) -> str:
    """OpenAI's form first (vLLM, Ollama and llama.cpp's llama-server take it); llama-cpp-python's server takes only
    `json_object` with the schema beside it, and says so by naming response_format in its error."""
    try:
        return _chat(llm, messages, {"type": "json_schema",
                                     "json_schema": {"name": model.__name__, "schema": schema, "strict": True}})
    except Exception as exc:  # whatever the client raises for the server's refusal of this form
        if "response_format" not in str(exc):
            raise
    return _chat(llm, messages, {"type": "json_object", "schema": schema})


def _chat(llm, messages: list[ChatMessage], response_format: dict) -> str:
    response = llm.chat(messages, response_format=response_format, temperature=0.0)
    return response.message.content or ""
