"""The line in front of the language model: generations in turn, first come first served, with a bounded length.

A generation takes seconds (the embedded model) while retrieval and the extract take milliseconds, so under load
questions would pile up behind the model. Here at most `llm.parallel` generations run at once, at most
`llm.queue_length` questions wait, and none waits longer than `llm.queue_wait_s`: a question that finds the line full
(or waits too long) is told at once that the model is busy and gets the extract, which it has already (Busy). A
freed slot is handed to the longest-waiting question, so a newcomer never overtakes one in line.

threading.Semaphore would bound the running ones but neither the line nor its order, hence this small class.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from bronvast.settings import LLMSettings


class Busy(Exception):
    """The model is busy: the line is full (`waited_s` None), or the wait ran out after `waited_s` seconds. The
    facts, not words: the answer's notice says them in the question's language (config/prompts.yaml, busy_*)."""

    def __init__(self, running: int, waiting: int, waited_s: float | None = None):
        self.running, self.waiting, self.waited_s = running, waiting, waited_s
        why = f"{running} running, {waiting} waiting" if waited_s is None else f"waited longer than {waited_s:g} s"
        super().__init__(why)  # for logs and tracebacks


class GenerationQueue:
    def __init__(self, parallel: int, queue_length: int, wait_s: float):
        self.parallel = parallel
        self.queue_length = queue_length
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._running = 0
        self._line: deque[threading.Event] = deque()

    @classmethod
    def for_llm(cls, settings: LLMSettings) -> GenerationQueue:
        return cls(settings.parallel, settings.queue_length, settings.queue_wait_s)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Holds one of the model's slots for the block; raises Busy instead of waiting in a full line."""
        self._enter()
        try:
            yield
        finally:
            self._leave()

    @property
    def waiting(self) -> int:
        return len(self._line)

    def _enter(self) -> None:
        with self._lock:
            if self._running < self.parallel and not self._line:
                self._running += 1
                return
            if len(self._line) >= self.queue_length:
                raise Busy(self._running, len(self._line))
            ticket = threading.Event()
            self._line.append(ticket)
        if ticket.wait(self.wait_s):
            return  # a leaving generation handed its slot to this ticket
        with self._lock:
            if ticket.is_set():  # handed over just as the wait ran out
                return
            self._line.remove(ticket)
        raise Busy(self._running, len(self._line), self.wait_s)

    def _leave(self) -> None:
        with self._lock:
            if self._line:
                self._line.popleft().set()  # the slot passes on directly, so nobody can take it in between
            else:
                self._running -= 1
