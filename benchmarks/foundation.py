"""Foundation benchmark on the demo corpus with the embedded default (run by `make bench`).

Prints, measured in one run: cold CLI ingest time of the demo corpus, in-process ingest time, median ask latency
(retrieve and generate separately), the time to the extract shown first, time to first token and tokens/s of the
embedded LLM, how many answers stayed
generative and how many the citation check sent to the extractive mode, the share of answerable demo questions whose
answer cites the right document (first source, and the first sentence's citation), and refusals on unanswerable /
answerable questions.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.app import Bronvast  # noqa: E402
from bronvast.settings import load_settings  # noqa: E402
from eval.dataset import load_cases  # noqa: E402

DEMO = ROOT / "samples" / "demo"
DATASET = ROOT / "eval" / "datasets" / "demo.jsonl"


def cold_cli_ingest(data_dir: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(DEMO), "--set", f"data_dir={data_dir}"],
        check=True, capture_output=True, cwd=ROOT,
    )
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cli_seconds = cold_cli_ingest(Path(tmp) / "cli")
        app = Bronvast(load_settings(overrides=[f"data_dir={Path(tmp) / 'bench'}"]))
        app.embedder, app.llm  # load models before timing
        report = app.ingest([DEMO])
        chunks = sum(o.chunks for o in report.outcomes)
        cases = load_cases(DATASET)
        rows = [(case, app.ask(case.question)) for case in cases]
        app.close()

    answerable = [(c, a) for c, a in rows if c.answerable]
    unanswerable = [(c, a) for c, a in rows if not c.answerable]
    gold = {c.id: {g.source for g in c.gold} for c, _ in answerable}
    right_first = sum(1 for c, a in answerable if not a.refused and a.citations[0].source in gold[c.id])
    right_any = sum(1 for c, a in answerable if not a.refused and any(x.source in gold[c.id] for x in a.citations))
    right_sentence = sum(
        1 for c, a in answerable
        if a.sentences and a.sentences[0].citations and a.citations[a.sentences[0].citations[0] - 1].source in gold[c.id]
    )
    modes = statistics_of_modes([a for _, a in answerable if not a.refused])
    generated = [a for _, a in rows if a.timings["generate_s"] > 0]
    ttft = [a.timings["first_token_s"] for a in generated]
    speed = [a.usage["tokens_per_s"] for a in generated if "tokens_per_s" in a.usage]
    checked = [a.timings["check_s"] for _, a in answerable if a.timings["check_s"] > 0]
    extracted = [a.timings["extract_s"] for _, a in answerable if a.timings["extract_s"] > 0]

    print(f"demo corpus: {len(report.outcomes)} files, {chunks} chunks")
    print(f"ingest, cold CLI (imports + model load + indexing): {cli_seconds:.1f} s")
    print(f"ingest, in process (models loaded):                 {report.seconds:.1f} s")
    print(f"ask latency median: retrieve {statistics.median(a.timings['retrieve_s'] for _, a in rows) * 1000:.0f} ms,"
          f" generate {statistics.median(a.timings['generate_s'] for a in generated):.2f} s"
          f" (time to first token {statistics.median(ttft):.2f} s)")
    n = len(answerable)
    print(f"answerable questions: {n}; first citation is the right document: {right_first}/{n} "
          f"({right_first / n:.0%}); right document among citations: {right_any}/{n} ({right_any / n:.0%})")
    print(f"first sentence of the answer cites the right document: {right_sentence}/{n}")
    print(f"answers kept generative by the citation check: {modes['generative']}/{n}; extractive: {modes['extractive']}/{n}")
    print(f"embedded LLM: time to first token median {statistics.median(ttft):.2f} s, "
          f"{statistics.median(speed):.1f} tokens/s; citation check median {statistics.median(checked):.2f} s")
    print(f"the extract, shown before the model is asked: median {statistics.median(extracted):.2f} s, "
          f"slowest {max(extracted):.2f} s")
    refused = sum(a.refused for _, a in unanswerable)
    false_refusals = sum(a.refused for _, a in answerable)
    print(f"refused unanswerable: {refused}/{len(unanswerable)}; false refusals on answerable: {false_refusals}/{n}")


def statistics_of_modes(answers) -> dict[str, int]:
    return {mode: sum(a.mode == mode for a in answers) for mode in ("generative", "extractive")}


if __name__ == "__main__":
    main()
