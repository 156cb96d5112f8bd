"""Files read in worker processes, one file at a time each, within a time and a memory limit, so that one hostile
or broken file (a decompression bomb, a parser looping on malformed input, a scan of a thousand pages) can neither
hang an ingest nor take its process down: the file is rejected by name, with the limit it crossed, and the ingest
goes on with the next one.

A worker applies its memory limit to itself (RLIMIT_AS, which its OCR subprocesses inherit), so an allocation past
it fails inside the worker (MemoryError) instead of waking the kernel's OOM killer. A worker that overruns the time
limit is killed with its process group (Tesseract, pdftoppm) and replaced on the next read; so is one that died or
ran out of memory. Workers start on the first file read, one per file being read at the same time (the indexer's
reader threads), and serve every later file and ingest of their owner (`Bronvast`), which closes them (one never
closed stops them when it is garbage-collected, or its process ends).

Workers are started as `python -m ingest.isolation`, not by multiprocessing: fork would copy a parent that runs
ONNX Runtime and Qdrant threads, and multiprocessing's spawn and forkserver import the parent's main module in
every worker, which for the `bronvast` command is the whole application (4 s and 300 MB a worker). This module
imports the readers only: a worker is ready in about half a second. Requests and replies (paths, settings,
SourceDocuments) are pickled over a multiprocessing Connection.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path

from bronvast.schema import SourceDocument
from bronvast.settings import IngestSettings
from ingest.parsed import UnreadableFile, parser_failure
from ingest.readers import read_documents

STARTUP_TIMEOUT_S = 120  # importing the readers takes about half a second; a machine under load, longer
CLOSE_TIMEOUT_S = 5  # an idle worker leaves at once when its connection closes
ORPHAN_CHECK_S = 1.0  # how often a worker checks that the process that started it is still there


class ReaderProcesses:
    """The worker processes an application reads files in; `read_documents` is ingest/readers.py's, run in one
    of them. Thread-safe: each caller gets a worker of its own for the file it reads."""

    def __init__(self, settings: IngestSettings):
        self.timeout_s = settings.file_timeout_s
        self.memory_mb = settings.file_memory_mb
        self._idle: list[_Worker] = []
        self._running: set[_Worker] = set()
        self._lock = threading.Lock()
        weakref.finalize(self, _stop_all, self._running)  # an owner never closed still stops its workers

    def read_documents(
        self, path: Path, options: IngestSettings | None, sha256: str | None = None
    ) -> list[SourceDocument]:
        """The file's documents, read in a worker; raises UnreadableFile with the reason the file is rejected,
        the limit it crossed included."""
        worker = self._take()
        try:
            return worker.read(path, options, sha256)
        finally:
            self._give_back(worker)

    def close(self) -> None:
        """Stops every worker; the next read starts new ones."""
        with self._lock:
            workers = set(self._running)
            self._idle.clear()
            self._running.clear()
        _stop_all(workers)

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.poll() is None:
                    return worker
                worker.stop()  # died while waiting (killed from outside): not this file's fault
                self._running.discard(worker)
            worker = _Worker(self.timeout_s, self.memory_mb)
            self._running.add(worker)
            return worker

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._running:
                if worker.stopped:
                    self._running.discard(worker)
                else:
                    self._idle.append(worker)


def _stop_all(workers: set[_Worker]) -> None:
    for worker in workers:
        worker.connection.close()  # an idle worker leaves on its own; one still reading is killed below
    for worker in workers:
        worker.stop(CLOSE_TIMEOUT_S)


class _Worker:
    """One worker process and the parent's end of its connection."""

    def __init__(self, timeout_s: int, memory_mb: int):
        self.timeout_s, self.memory_mb = timeout_s, memory_mb
        ours, theirs = Pipe()
        self.process = subprocess.Popen(
            # -P: the working directory (an ingest may run in a folder of documents) must not shadow a module
            [sys.executable, "-P", "-m", __name__, str(theirs.fileno()), str(memory_mb), str(os.getpid())],
            pass_fds=[theirs.fileno()], start_new_session=True,  # its own group: no Ctrl-C, killed with its OCR
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # nothing of a reader's belongs on our stdout
        )
        theirs.close()
        self.connection: Connection = ours
        self.ready = False
        self.stopped = False

    def read(self, path: Path, options: IngestSettings | None, sha256: str | None) -> list[SourceDocument]:
        if not self.ready:
            self._await_ready()
        try:
            self.connection.send((path, options, sha256))
        except OSError:
            pass  # it died while idle: receiving says how
        if not self.connection.poll(self.timeout_s):
            self.stop()
            raise UnreadableFile(f"lezen duurde langer dan {self.timeout_s} s (ingest.file_timeout_s)")
        reply = self._receive()
        if isinstance(reply, MemoryError):
            self.stop()  # a library that failed to allocate may have been left half-way: start afresh
            raise UnreadableFile(f"lezen had meer dan {self.memory_mb} MB geheugen nodig (ingest.file_memory_mb)")
        if isinstance(reply, UnreadableFile):
            raise reply
        return reply

    def _await_ready(self) -> None:
        if not self.connection.poll(STARTUP_TIMEOUT_S):
            self.stop()
            raise UnreadableFile(f"het leesproces startte niet binnen {STARTUP_TIMEOUT_S} s")
        self._receive()
        self.ready = True

    def _receive(self):
        """The worker's next message; UnreadableFile saying how it ended when it ended instead."""
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            code = self.process.returncode
            if code < 0:
                raise UnreadableFile(f"de lezer brak af (signaal {_signal_name(-code)})") from None
            raise UnreadableFile(f"de lezer stopte onverwacht (code {code})") from None

    def stop(self, grace_s: float = 0) -> None:
        """Ends the worker and whatever it started (its process group); waits `grace_s` for it to leave first."""
        self.stopped = True
        self.connection.close()
        if grace_s:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace_s)
        if self.process.returncode is None:  # not reaped: its id is still its own and its group's
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _signal_name(number: int) -> str:
    """9 -> "9, SIGKILL"; a number without a name stays a number."""
    try:
        return f"{number}, {signal.Signals(number).name}"
    except ValueError:
        return str(number)


def serve(connection: Connection, memory_mb: int, parent: int) -> None:
    """A worker's life: limit its memory, say it is ready, then read file after file until the connection closes."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_leave_with, args=(parent,), daemon=True).start()
    try:
        connection.send("ready")
        while True:
            connection.send_bytes(_reply(*connection.recv()))
    except (EOFError, OSError):  # the parent closed its end, or is gone
        return


def _reply(path: Path, options: IngestSettings | None, sha256: str | None) -> bytes:
    """One request's reply, pickled: the file's documents, or UnreadableFile with the reason, or MemoryError.
    Pickled here, so that documents too large to send count as a file too large to read, and so that a library's
    own exception, which may not pickle, never has to."""
    try:
        return pickle.dumps(read_documents(path, options, sha256))
    except UnreadableFile as exc:
        return pickle.dumps(exc)
    except MemoryError:
        return pickle.dumps(MemoryError())
    except Exception as exc:  # a parser library tripping over a malformed file is still just a bad file
        return pickle.dumps(parser_failure(exc))


def _leave_with(parent: int) -> None:
    """Kills the worker and its OCR subprocesses once the process that started it is gone (killed, say, in the
    middle of a file that would take hours): nobody waits for the reply any more."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os.killpg(0, signal.SIGKILL)


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), memory_mb=int(sys.argv[2]), parent=int(sys.argv[3]))
