"""Concurrent serving, measured (`make bench-serve`): a real `bronvast serve` on loopback answers many users at once.

The demo corpus is indexed once; then for each configuration a `bronvast serve` is started over it:
- extractive: `answer.mode=extractive`, no model (the embedded default's answer);
- fake-llm: a fast OpenAI-compatible fake on loopback (the tests' tests/fake_openai.py) that answers at once with
  the first sentence of the first source: the server's own cost (retrieval, extract, prompt, check), the model's
  time taken out;
- packaged: the packaged SmolLM2 GGUF in-process, behind the model's line (assistant/generation_queue.py).
Each is driven over REST (`POST /api/v1/ask`, the demo questions at random) by 1, 10 and 50 users, each asking a
question and then thinking an exponential time of 5 s on average (Poisson arrivals), for --duration seconds, and
then by --saturation-clients users asking without pause (a closed loop), whose rate is the saturation throughput.
Per run: questions, questions/s, p50/p95/max latency, errors (anything but an answer: an HTTP error or no response)
and busy answers (the extract with the documented "the model is busy" notice, reason "busy"). At the end a table,
MET / NOT MET for the target (50 users: no errors and p95 under 500 ms, for extractive and fake-llm) and the figures
as JSON in the data dir (bench/serve.json). The client runs in this process, on the same two cores as the server.

    .venv/bin/python benchmarks/serve_load.py [--duration 60] [--users 1,10,50] [--modes extractive,fake-llm,packaged]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))  # the tests' fake model server and free port: one of each, not two

from fake_openai import FakeOpenAI  # noqa: E402
from outside import free_port  # noqa: E402

from assistant.wire import SERVER_FILE  # noqa: E402
from bronvast.settings import load_settings  # noqa: E402
from eval.dataset import load_cases  # noqa: E402

BRONVAST = [sys.executable, "-m", "assistant.cli"]
DEMO = ROOT / "samples" / "demo"
QUESTIONS = ROOT / "eval" / "datasets" / "demo.jsonl"
THINK_S = 5.0
TARGET_P95_S = 0.5
TARGET_USERS = 50
FIRST_SOURCE = re.compile(r"\[1\][^\n]*:\n(.+?[.!?])(?:\s|$)", re.S)


@dataclass
class Asked:
    seconds: float
    status: int  # 0: no response
    reason: str  # the answer's reason ("busy", "extractive", ...) or what went wrong


@dataclass
class Run:
    mode: str
    users: int
    think_s: float  # 0: a closed loop
    seconds: float
    questions: int
    per_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: int
    busy: int
    reasons: dict[str, int]


def first_sentence_reply(body: dict) -> str:
    """What the fake model answers: the first sentence of the first source, cited, as a model that copies would."""
    found = FIRST_SOURCE.search(body["messages"][-1]["content"])
    return f"{found.group(1).strip()} [1]" if found else "Dat staat niet in de beschikbare bronnen."


def index_demo(data_dir: Path) -> None:
    subprocess.run([*BRONVAST, "ingest", str(DEMO), "--set", f"data_dir={data_dir}"], check=True,
                   capture_output=True, cwd=ROOT)


@contextmanager
def served(data_dir: Path, overrides: list[str], log: Path) -> Iterator[tuple[str, str]]:
    """A real `bronvast serve` over `data_dir`, ready (its URL and token); stopped afterwards."""
    port = free_port()
    settings = [item for override in [f"data_dir={data_dir}", *overrides] for item in ("--set", override)]
    with log.open("w") as output:
        server = subprocess.Popen([*BRONVAST, "serve", "--port", str(port), *settings], cwd=ROOT, stdout=output,
                                  stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(server, url, log)
            yield url, json.loads((data_dir / SERVER_FILE).read_text())["token"]
        finally:
            server.terminate()
            server.wait(timeout=60)


def wait_until_ready(server: subprocess.Popen, url: str, log: Path, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bronvast serve stopped at start:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:  # not listening yet
            pass
        time.sleep(0.5)
    raise SystemExit(f"bronvast serve was not ready within {timeout_s:.0f} s (log: {log})")


async def ask(client: httpx.AsyncClient, question: str) -> Asked:
    started = time.perf_counter()
    try:
        response = await client.post("/api/v1/ask", json={"question": question})
    except httpx.HTTPError as exc:
        return Asked(time.perf_counter() - started, 0, type(exc).__name__)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        return Asked(seconds, response.status_code, response.text[:200])
    answer = response.json()
    return Asked(seconds, 200, answer["reason"] or answer["mode"])


async def user(client: httpx.AsyncClient, questions: list[str], think_s: float, until: float,
               rng: random.Random, asked: list[Asked]) -> None:
    """Thinks an exponential time of `think_s` on average (none in a closed loop), asks, and again, until `until`:
    users arrive spread out, not all at once, and the last thought that would end after `until` is not waited for."""
    while True:
        pause = rng.expovariate(1 / think_s) if think_s else 0.0
        if time.monotonic() + pause >= until:
            return
        await asyncio.sleep(pause)
        asked.append(await ask(client, rng.choice(questions)))


async def drive(url: str, token: str, questions: list[str], users: int, think_s: float, duration_s: float,
                seed: int) -> tuple[list[Asked], float]:
    asked: list[Asked] = []
    limits = httpx.Limits(max_connections=users + 8, max_keepalive_connections=users + 8)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300,
                                 limits=limits) as client:
        started = time.monotonic()
        await asyncio.gather(*(user(client, questions, think_s, started + duration_s, random.Random(seed + n), asked)
                               for n in range(users)))
    return asked, time.monotonic() - started


def summary(mode: str, users: int, think_s: float, asked: list[Asked], seconds: float) -> Run:
    latencies = sorted(a.seconds for a in asked) or [0.0]
    reasons: dict[str, int] = {}
    for item in asked:
        key = item.reason if item.status == 200 else f"HTTP {item.status}: {item.reason}"
        reasons[key] = reasons.get(key, 0) + 1
    return Run(mode, users, think_s, round(seconds, 1), len(asked), round(len(asked) / seconds, 2),
               round(statistics.median(latencies) * 1000), round(percentile(latencies, 0.95) * 1000),
               round(latencies[-1] * 1000), sum(a.status != 200 for a in asked),
               sum(a.reason == "busy" for a in asked if a.status == 200), reasons)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(mode: str, url: str, token: str, questions: list[str], args: argparse.Namespace) -> list[Run]:
    runs = []
    plan = [(users, THINK_S, args.duration) for users in args.users] + [
        (args.saturation_clients, 0.0, args.saturation_duration)]
    for users, think_s, duration in plan:
        asyncio.run(drive(url, token, questions, 1, 0.0, 3, args.seed))  # warm-up, not counted
        asked, seconds = asyncio.run(drive(url, token, questions, users, think_s, duration, args.seed))
        run = summary(mode, users, think_s, asked, seconds)
        print(line(run), flush=True)
        runs.append(run)
    return runs


def line(run: Run) -> str:
    users = f"{run.users} users" + (f", {run.think_s:g} s think" if run.think_s else ", closed loop")
    return (f"{run.mode:10} {users:24} {run.questions:6} q {run.per_s:6.2f} q/s  p50 {run.p50_ms:6} ms  "
            f"p95 {run.p95_ms:6} ms  max {run.max_ms:6} ms  errors {run.errors}  busy {run.busy}")


def verdicts(runs: list[Run]) -> list[str]:
    out = []
    for mode in ("extractive", "fake-llm"):
        target = [r for r in runs if r.mode == mode and r.users == TARGET_USERS and r.think_s]
        if target:
            met = target[0].errors == 0 and target[0].p95_ms < TARGET_P95_S * 1000
            out.append(f"{mode}: {TARGET_USERS} users, p95 {target[0].p95_ms} ms, {target[0].errors} errors: "
                       f"{'MET' if met else 'NOT MET'} (target p95 < {TARGET_P95_S * 1000:.0f} ms, no errors)")
    return out


@contextmanager
def configuration(mode: str) -> Iterator[list[str]]:
    """The settings a mode's serve runs with (and the fake model server it talks to, while it runs)."""
    if mode == "extractive":
        yield ["answer.mode=extractive"]
    elif mode == "fake-llm":
        with FakeOpenAI(first_sentence_reply) as fake:
            yield ["llm.backend=openai-compatible", f"llm.base_url={fake.base_url}", "llm.model=fake",
                   "llm.max_retries=0", "llm.parallel=4"]
    else:
        yield []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds per run with thinking users")
    parser.add_argument("--users", type=lambda s: [int(n) for n in s.split(",")], default=[1, 10, 50])
    parser.add_argument("--modes", type=lambda s: s.split(","), default=["extractive", "fake-llm", "packaged"])
    parser.add_argument("--saturation-clients", type=int, default=8)
    parser.add_argument("--saturation-duration", type=float, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=load_settings().data_dir / "bench" / "serve.json")
    args = parser.parse_args()
    questions = [case.question for case in load_cases(QUESTIONS)]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        print(f"indexing the demo corpus into {data_dir} ...", flush=True)
        index_demo(data_dir)
        for mode in args.modes:
            with configuration(mode) as overrides, served(data_dir, overrides, Path(tmp) / f"{mode}.log") as (
                    url, token):
                runs += measure(mode, url, token, questions, args)
    print("\nbronvast serve on loopback, 2 cores shared by server and clients:")
    for run in runs:
        print(line(run))
    for verdict in verdicts(runs):
        print(verdict)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([asdict(run) for run in runs], indent=2), encoding="utf-8")
    print(f"figures: {args.out}")


if __name__ == "__main__":
    main()
