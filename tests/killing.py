"""Killing a real `bronvast` process with SIGKILL, and judging the collection it leaves: shared by the crash tests
(tests/test_sync.py, tests/test_crash_repeated.py).

Import from a test module in this folder with `from killing import ...`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from bronvast.edge_store import EdgeStore
from bronvast.settings import PROJECT_ROOT
from bronvast.store import Version

BRONVAST = [sys.executable, "-m", "assistant.cli"]  # the `bronvast` command, run by this test's interpreter


def bronvast_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment (the shared model dir with it) for a `bronvast` child using `data_dir`."""
    return {**os.environ, "BRONVAST_DATA_DIR": str(data_dir), "PYTHONPATH": str(PROJECT_ROOT), **extra}


def run_and_kill(command: list[str], env: dict[str, str], kill_moment: Callable[[subprocess.Popen], None],
                 **popen) -> int:
    """Starts `command`, waits for `kill_moment(process)` to return, then kills it with SIGKILL (unless it has ended
    by then, or killed itself); returns its exit code: -SIGKILL when killed."""
    process = subprocess.Popen(command, env=env, **popen)
    try:
        kill_moment(process)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=600)
    finally:
        process.kill()  # a failing kill_moment must not leave the child running
        process.wait()
    return process.returncode


def stored_versions(edge_dir: Path, collection: str) -> list[Version]:
    """The versions a killed process left, read by opening the store anew: Edge itself survives the kill."""
    store = EdgeStore.open(edge_dir)
    try:
        return store.versions(collection)
    finally:
        store.close()


def snapshot(store, name: str) -> set[tuple]:
    """What a collection holds, without times: per version its names, hash, and chunk texts."""
    chunks: dict[tuple, list] = {}
    for chunk in store.chunks(name):
        key = (frozenset((chunk.path, *chunk.also_paths)), chunk.sha256, chunk.chunks_total)
        chunks.setdefault(key, []).append((chunk.chunk_index, chunk.text, chunk.source))
    return {(*key, tuple(sorted(texts))) for key, texts in chunks.items()}


def assert_whole(store, name: str, files: Iterable[Path]) -> None:
    """Nothing lost, twice or half: every file named exactly once, every version complete, one version per path,
    and no point stored twice."""
    versions = store.versions(name)
    names = [name for v in versions for name in v.names]
    assert sorted(names) == sorted(str(p.resolve()) for p in files)
    assert all(v.points == v.chunks_total > 0 for v in versions)
    assert len({v.path for v in versions}) == len(versions)
    chunks = list(store.chunks(name))
    assert len({c.id for c in chunks}) == len(chunks) == sum(v.chunks_total for v in versions)
