"""Watching a process and everything it started through /proc: memory (current and peak RSS) and CPU time. Used by
tests/test_fuzz.py and tests/test_isolation.py; Linux only, like the memory limit it checks.

Import from a test module in this folder with `from process_tree import ...`.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

WORKER = b"ingest.isolation"  # in the command line of a reader worker (ingest/isolation.py)


@dataclass
class Watched:
    peak_tree_mb: float = 0.0  # the most the whole tree held at once (sampled)
    peak_ingest_mb: float = 0.0  # the ingest process's own peak (the kernel's high-water mark)
    peak_worker_mb: float = 0.0  # the largest reader worker's peak
    workers: int = 0
    worker_cpu_s: float = 0.0  # user and system time of the workers and their OCR subprocesses
    _cpu: dict[int, float] = field(default_factory=dict)


def watch(process: subprocess.Popen, interval_s: float = 0.05) -> Watched:
    """Samples the memory of `process` and everything it started until it ends."""
    watched = Watched()
    while process.poll() is None:
        tree = 0.0
        workers = workers_below(process.pid)
        for pid in descendants(process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                ticks = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15]
            except OSError:  # ended meanwhile
                continue
            if "VmHWM" not in status:  # a zombie: holds no memory any more
                continue
            rss, peak = (int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024 for key in ("VmRSS", "VmHWM"))
            tree += rss
            if pid == process.pid:
                watched.peak_ingest_mb = max(watched.peak_ingest_mb, peak)
            elif pid in workers:
                watched.peak_worker_mb = max(watched.peak_worker_mb, peak)
                watched._cpu[pid] = sum(int(t) for t in ticks) / os.sysconf("SC_CLK_TCK")
        watched.peak_tree_mb = max(watched.peak_tree_mb, tree)
        time.sleep(interval_s)
    watched.workers, watched.worker_cpu_s = len(watched._cpu), sum(watched._cpu.values())
    return watched


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children(current)
    return found


def children(pid: int) -> list[int]:
    """The processes `pid` started, from any of its threads (workers start from reader threads)."""
    found = []
    for listed in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in listed.read_text().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return found


def command(pid: int) -> bytes:
    """The process's command line (NUL-separated), b"" when it has ended."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def running(pid: int) -> bool:
    """Whether `pid` is a live process (not ended, and not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def workers_below(pid: int) -> set[int]:
    """The reader workers `pid` started: its children with a worker's command line (not a worker's own children,
    which carry that command line for the moment between fork and exec)."""
    return {child for child in children(pid) if WORKER in command(child)}
