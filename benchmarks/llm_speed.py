"""Tokens per second of the embedded LLM (the packaged SmolLM2 GGUF through llama.cpp) with llama.cpp's weight
repacking off (bronvast's default, llm.cpu_repack=false) and on, in one run: prompt processing and generation.

Each variant runs in child processes, alternating, so one that crashes (repacking on a CPU with AMX segfaults) is reported as a
crash instead of ending the benchmark. Prints a table and writes JSON to <data_dir>/bench/llm_speed.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bronvast.settings import load_settings  # noqa: E402

RUNS = 3  # timed prompts per child
ROUNDS = 3  # children per variant, alternating, so a busy moment on a shared machine hits both alike
PROMPT = ("<|im_start|>user\n" + "De gemeente Lindewaard legt uit hoe parkeren in het centrum werkt. " * 12
          + "\nVat dit samen.<|im_end|>\n<|im_start|>assistant\n")


def measure(repack: bool) -> dict:
    """Runs in the child: loads the model as the application does and times RUNS prompts and generations."""
    import llama_cpp

    from bronvast import factories

    settings = load_settings(overrides=[f"llm.cpu_repack={str(repack).lower()}", "llm.max_tokens=128"])
    model = factories.make_llm(settings)._model
    prompt_rates, generation_rates = [], []
    for _ in range(RUNS):
        model.reset()
        llama_cpp.llama_perf_context_reset(model.ctx)
        model(PROMPT, max_tokens=128, temperature=0.0, seed=0)
        perf = llama_cpp.llama_perf_context(model.ctx)
        prompt_rates.append(perf.n_p_eval / perf.t_p_eval_ms * 1000)
        generation_rates.append(perf.n_eval / perf.t_eval_ms * 1000)
    return {"repack": repack, "prompt_tok_s": round(statistics.median(prompt_rates), 1),
            "generation_tok_s": round(statistics.median(generation_rates), 1),
            "extra_buffers": model._model.params.use_extra_bufts}


def run_child(repack: bool) -> dict:
    child = subprocess.run([sys.executable, __file__, "--child", str(repack)], capture_output=True, text=True)
    if child.returncode != 0:
        return {"repack": repack, "crashed": f"exit code {child.returncode}", "stderr": child.stderr[-500:]}
    return json.loads(child.stdout.strip().splitlines()[-1])


def combined(runs: list[dict]) -> dict:
    """A variant's medians over its children; a crash in any child is the variant's result."""
    crash = next((run for run in runs if "crashed" in run), None)
    if crash:
        return crash
    return {**runs[0], **{key: round(statistics.median(run[key] for run in runs), 1)
                          for key in ("prompt_tok_s", "generation_tok_s")}}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2] == "True")))
        return
    amx = "amx_int8" in Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else False
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(ROUNDS):
        for repack in (False, True):
            runs[repack].append(run_child(repack))
    results = {"cpu_has_amx": amx, "runs": RUNS * ROUNDS, "variants": [combined(runs[False]), combined(runs[True])]}
    print(f"CPU with AMX: {'yes' if amx else 'no'}; median of {RUNS * ROUNDS} runs in {ROUNDS} processes each")
    print(f"{'repacking':12s} {'prompt tok/s':>13s} {'generation tok/s':>17s}")
    for variant in results["variants"]:
        label = "on" if variant["repack"] else "off (default)"
        if "crashed" in variant:
            print(f"{label:12s} crashed ({variant['crashed']})")
        else:
            print(f"{label:12s} {variant['prompt_tok_s']:13.1f} {variant['generation_tok_s']:17.1f}")
    out = load_settings().data_dir / "bench" / "llm_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"JSON: {out}")


if __name__ == "__main__":
    main()
