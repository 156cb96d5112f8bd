"""SHA-256 of a file: the identity of an ingested file and the check on a model file, computed in one place."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

_hashes: dict[tuple, str] = {}
_hash_lock = threading.Lock()


def file_sha256(path: Path | str) -> str:
    """The file's hash, read in blocks; raises OSError when it cannot be read."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_key(path: Path) -> tuple:
    """What changes when a file is replaced or rewritten: path, size, times and inode."""
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def cached_file_sha256(path: Path | str) -> str:
    """file_sha256, computed once per process for the same file_key: a model file of hundreds
    of MB is checked at every load, and loaded again by every embedder a process makes."""
    path = Path(path).resolve()
    key = file_key(path)
    with _hash_lock:
        if key not in _hashes:
            _hashes[key] = file_sha256(path)
        return _hashes[key]
