"""Writing a file so that a reader or an interrupted run sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path


def write_atomically(path: Path, content: str | bytes) -> None:
    """Writes to a temporary file in the same folder (so the rename stays on one file system), flushed to disk, then
    renamed over `path`. Text is written as UTF-8."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as for any file the user creates (mkstemp
    # would make it 0o600, and the rename would carry that over).
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
