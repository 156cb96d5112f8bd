"""What an ingest reads: the files named, and the files inside the folders named.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ingest.manifest import MANIFEST_NAMES
from ingest.report import FileOutcome


def find_files(paths: Iterable[Path], exclude: Path | None = None) -> tuple[list[Path], list[FileOutcome]]:
    """Files named and files inside folders named, and outcomes for paths that do not exist.

    Inside folders, hidden files and the `exclude` folder (bronvast's own data dir) are skipped.
    """
    skip = exclude.resolve() if exclude else None
    files: list[Path] = []
    missing: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.name not in MANIFEST_NAMES
                and not (skip and p.resolve().is_relative_to(skip))
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(path, "geweigerd", reason="bestand of map bestaat niet"))
    return list(dict.fromkeys(files)), missing
