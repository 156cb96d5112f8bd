"""The line in front of the language model (assistant/generation_queue.py): bounded, first come first served, and a
question beyond it gets the extract at once with a busy notice, through the real answer path and a model server."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import PROJECT_ROOT
from fake_openai import FakeOpenAI
from test_llm_server import QUESTION, REPLY, shared_store_app, tariff  # noqa: F401 (fixtures)

from assistant.generation_queue import Busy, GenerationQueue


def hold(queue: GenerationQueue, entered: list, release: threading.Event, name: str) -> str:
    try:
        with queue.turn():
            entered.append(name)
            release.wait(10)
        return "done"
    except Busy as exc:
        return f"busy: {exc.running} running, {exc.waiting} waiting, waited {exc.waited_s}"


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_full_line_is_refused_at_once_and_the_rest_go_in_order():
    queue = GenerationQueue(parallel=1, queue_length=2, wait_s=10)
    entered: list[str] = []
    releases = {name: threading.Event() for name in "abcd"}
    with ThreadPoolExecutor(4) as pool:
        futures = {"a": pool.submit(hold, queue, entered, releases["a"], "a")}
        wait_until(lambda: entered == ["a"])
        for name in "bc":  # in line behind a, in this order
            futures[name] = pool.submit(hold, queue, entered, releases[name], name)
            wait_until(lambda name=name: queue.waiting == "abc".index(name))
        started = time.perf_counter()
        assert futures.setdefault("d", pool.submit(hold, queue, entered, releases["d"], "d")).result(1) == (
            "busy: 1 running, 2 waiting, waited None")
        assert time.perf_counter() - started < 0.5  # told at once, not after a wait
        for name in "abc":
            releases[name].set()
        assert [futures[name].result(5) for name in "abc"] == ["done"] * 3
    assert entered == ["a", "b", "c"]  # first come, first served
    assert queue.waiting == 0 and queue._running == 0  # every slot given back


def test_a_freed_slot_goes_to_the_one_waiting_not_to_a_newcomer():
    queue = GenerationQueue(parallel=1, queue_length=1, wait_s=10)
    entered: list[str] = []
    first, second, newcomer = threading.Event(), threading.Event(), threading.Event()
    with ThreadPoolExecutor(3) as pool:
        a = pool.submit(hold, queue, entered, first, "a")
        wait_until(lambda: entered == ["a"])
        b = pool.submit(hold, queue, entered, second, "b")
        wait_until(lambda: queue.waiting == 1)
        first.set()
        wait_until(lambda: entered == ["a", "b"])
        # b holds the slot it was handed; the line is empty again, so a newcomer waits rather than being refused
        c = pool.submit(hold, queue, entered, newcomer, "c")
        wait_until(lambda: queue.waiting == 1)
        second.set()
        newcomer.set()
        assert (a.result(5), b.result(5), c.result(5)) == ("done", "done", "done")
    assert entered == ["a", "b", "c"]


def test_a_wait_that_runs_out_is_busy_and_leaves_the_line():
    queue = GenerationQueue(parallel=1, queue_length=4, wait_s=0.2)
    entered: list[str] = []
    release = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(hold, queue, entered, release, "a")
        wait_until(lambda: entered == ["a"])
        waited = pool.submit(hold, queue, entered, threading.Event(), "b").result(5)
        assert waited == "busy: 1 running, 0 waiting, waited 0.2"
        assert queue.waiting == 0
        release.set()
        assert holder.result(5) == "done"
    with queue.turn():  # the slot is free again
        assert queue._running == 1


def test_several_slots_run_together():
    queue = GenerationQueue(parallel=2, queue_length=0, wait_s=1)
    entered: list[str] = []
    release = threading.Event()
    with ThreadPoolExecutor(3) as pool:
        running = [pool.submit(hold, queue, entered, release, name) for name in "ab"]
        wait_until(lambda: sorted(entered) == ["a", "b"])
        assert pool.submit(hold, queue, entered, release, "c").result(5).startswith("busy: 2 running, 0 waiting")
        release.set()
        assert [f.result(5) for f in running] == ["done", "done"]


@pytest.fixture
def slow_server(tariff):  # noqa: F811 (the fixture imported above)
    """A model server that answers each request only when the test lets it, so requests stay in flight."""
    gate = threading.Semaphore(0)
    replies: list[str] = []

    def reply(body: dict) -> str:
        replies.append("asked")
        gate.acquire(timeout=20)
        return REPLY.format(n=tariff)

    with FakeOpenAI(reply) as fake:
        yield fake, gate, replies


def test_a_question_beyond_the_line_gets_the_extract_at_once_with_a_busy_notice(
        shared_store_app, demo, slow_server):  # noqa: F811 (the fixture imported above)
    fake, gate, replies = slow_server
    application = shared_store_app(fake.base_url, "fake-eurollm", "llm.parallel=1", "llm.queue_length=1",
                                   "llm.timeout_s=30")
    with ThreadPoolExecutor(2) as pool:
        generating = pool.submit(application.ask, QUESTION, demo)
        wait_until(lambda: len(replies) == 1)  # the first question is with the model
        waiting = pool.submit(application.ask, QUESTION, demo)
        wait_until(lambda: application.assistant.queue.waiting == 1)
        started = time.perf_counter()
        busy = application.ask(QUESTION, demo)
        seconds = time.perf_counter() - started
        gate.release(2)
        done = [generating.result(30), waiting.result(30)]
    assert busy.reason == "busy" and busy.mode == "extractive" and not busy.refused
    assert "3,20 euro" in busy.answer and busy.citations  # the extract, cited, not an error
    assert busy.notice.startswith("Het taalmodel is bezig met andere vragen (1 in behandeling, 1 wachtend)")
    assert "opnieuw" in busy.notice
    assert seconds < 5 and len(fake.requests) == 2  # it never reached the model, nor waited for it
    assert [a.reason for a in done] == ["", ""] and all(a.mode == "generative" for a in done)
    assert done[1].timings["queue_s"] > 0  # the second one waited its turn


def test_the_busy_notice_is_in_the_questions_language():
    """The line's facts, worded by the answer language's prompts: an English question gets no Dutch reason."""
    from assistant.answer import Prompts, busy_reason

    prompts = {language: Prompts.load(PROJECT_ROOT / "config" / "prompts.yaml", language) for language in ("nl", "en")}
    full, waited = Busy(1, 2), Busy(1, 0, 30.0)
    assert busy_reason(full, prompts["nl"]) == "1 in behandeling, 2 wachtend"
    assert busy_reason(waited, prompts["nl"]) == "langer dan 30 s gewacht"
    assert busy_reason(full, prompts["en"]) == "1 in progress, 2 waiting"
    notice = prompts["en"].busy.format(reason=busy_reason(waited, prompts["en"]))
    assert notice.startswith("The language model is busy with other questions (waited longer than 30 s)")
