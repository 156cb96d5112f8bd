"""File names given by someone else (an upload's, an e-mail attachment's) made plain: a name of its own, never a
path, and shown as it reads."""

from __future__ import annotations

import unicodedata

MAX_NAME_BYTES = 200  # file systems allow 255 bytes (UTF-8) per name; leave room for " (2)" and temporary names
MAX_SUFFIX = 10  # ".docx", ".jpeg": a longer "suffix" is part of the name


def plain_name(raw: str | None, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`raw` as a plain file name; "" when nothing is left.

    - compatibility characters folded (NFKC): a fullwidth "．ｐｄｆ" is ".pdf", a fullwidth "／" a slash;
    - only the last path part, either slash a separator: "../../etc/passwd" and "C:\\\\temp\\\\x.pdf" give "passwd"
      and "x.pdf";
    - no control or format characters: no NUL, and no right-to-left override that makes "factuur\\u202efdp.exe"
      read as "factuurexe.pdf" (whitespace controls become spaces);
    - no leading or trailing dots and spaces: no "..", no hidden file;
    - at most `max_bytes` in UTF-8, shortened in the stem so that the suffix, which gives the type, stays.
    """
    name = unicodedata.normalize("NFKC", raw or "").replace("\\", "/")
    name = "".join(" " if c.isspace() else c for c in name if c.isspace() or unicodedata.category(c)[0] != "C")
    name = name.rsplit("/", 1)[-1].strip(" .")
    if len(name.encode()) <= max_bytes:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) >= MAX_SUFFIX:
        stem, suffix = name, ""
    ending = f".{suffix}" if suffix else ""
    room = max_bytes - len(ending.encode())
    return stem.encode()[:room].decode("utf-8", "ignore").rstrip(" .") + ending
