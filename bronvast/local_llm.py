"""The embedded LLM: a GGUF run in-process by llama.cpp, behind llama-index's LlamaCPP.

llama.cpp built with the native CPU flags moves Q4 weights into "extra buffers" on a CPU with AMX (weight repacking,
`amx repack tensor ... of type q4_1` in the load log), and SmolLM2's Q4_1 then segfaults in decode: the whole
process dies, not one answer. llama.cpp's model parameter `use_extra_bufts` (`--no-repack` in its CLI) turns that
off. Neither llama_cpp.Llama's constructor nor LlamaCPP passes it through, so both get a small subclass here.
"""

from __future__ import annotations

import threading
from typing import Any

from llama_cpp import Llama
from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.llms.custom import CustomLLM
from llama_index.llms.llama_cpp import LlamaCPP


class RepackableLlama(Llama):
    """llama_cpp.Llama with `use_extra_bufts` set: Llama.__init__ makes its model parameters with
    `self.model_params = llama_model_default_params()` and loads the model with them; the setter below sets the
    flag on that struct the moment it is made, before anything is loaded."""

    def __init__(self, *args, extra_buffers: bool = False, **kwargs):
        self._extra_buffers = extra_buffers
        super().__init__(*args, **kwargs)

    @property
    def model_params(self):
        return self._model_params

    @model_params.setter
    def model_params(self, params) -> None:
        params.use_extra_bufts = self._extra_buffers
        self._model_params = params


class LocalLlamaCPP(LlamaCPP):
    """LlamaCPP around a model loaded as above. LlamaCPP.__init__ always builds its own Llama, so this sets the same
    fields it does and skips only that step.

    One generation at a time: a llama.cpp context is not safe for concurrent use (and LlamaCPP flips a shared
    `stream` flag per call), while the server answers several users from threads. A stream holds its turn from its
    first token until it is read to its end or closed."""

    _turn: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, model: Llama, temperature: float, max_new_tokens: int, generate_kwargs: dict, **fields):
        CustomLLM.__init__(
            self, model_path=model.model_path, model_url=None, temperature=temperature,
            context_window=model.n_ctx(), max_new_tokens=max_new_tokens,
            generate_kwargs={**generate_kwargs, "temperature": temperature, "max_tokens": max_new_tokens},
            verbose=model.verbose, **fields,
        )
        self._model = model

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        with self._turn:
            return super().complete(prompt, formatted, **kwargs)

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def in_turn() -> CompletionResponseGen:  # the turn is taken when reading starts, so an unread stream holds none
            with self._turn:
                yield from super(LocalLlamaCPP, self).stream_complete(prompt, formatted, **kwargs)
        return in_turn()

    def chat_json(self, messages: list[dict], schema: dict) -> str:
        """A chat completion constrained to JSON of `schema` (a grammar built from it), in the GGUF's chat template."""
        with self._turn:
            response = self._model.create_chat_completion(
                messages=messages, response_format={"type": "json_object", "schema": schema}, temperature=0.0,
                max_tokens=self.max_new_tokens)
        return response["choices"][0]["message"]["content"] or ""
