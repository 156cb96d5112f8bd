"""The embedded LLM: a GGUF run in-process by llama.cpp, behind llama-index's LlamaCPP.

llama.cpp built with the native CPU flags moves Q4 weights into "extra buffers" on a CPU with AMX (weight repacking,
`amx repack tensor ... of type q4_1` in the load log), and SmolLM2's Q4_1 then segfaults in decode: the whole
process dies, not one answer. llama.cpp's model parameter `use_extra_bufts` (`--no-repack` in its CLI) turns that
off. Neither llama_cpp.Llama's constructor nor LlamaCPP passes it through, so both get a small subclass here.
"""

from __future__ import annotations

from llama_cpp import Llama
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
    fields it does and skips only that step."""

    def __init__(self, model: Llama, temperature: float, max_new_tokens: int, generate_kwargs: dict, **fields):
        CustomLLM.__init__(
            self, model_path=model.model_path, model_url=None, temperature=temperature,
            context_window=model.n_ctx(), max_new_tokens=max_new_tokens,
            generate_kwargs={**generate_kwargs, "temperature": temperature, "max_tokens": max_new_tokens},
            verbose=model.verbose, **fields,
        )
        self._model = model
