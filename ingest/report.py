"""What an ingest tells its caller, and the faces show: an outcome per file, the report over all of them, and
the documents a collection holds. Its own module so the faces (CLI, UI, API) need not import the writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Status = Literal["nieuw", "vervangen", "ongewijzigd", "geweigerd", "verwijderd"]


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file (or one document handed in as text: `path` is then its id)."""

    path: Path
    status: Status
    chunks: int = 0
    reason: str = ""
    # Personal data redacted from the file's documents: kind -> how many values (never the values); empty when
    # the collection does not redact or the file was not read (unchanged, same content as another file).
    redacted: dict[str, int] = field(default_factory=dict)


def redaction_counts(counts: dict[str, int]) -> str:
    """"bsn 1, iban 2" for the kinds found (counts only, never values); "geen" when a redacting read found none;
    "" when nothing was redacted or read."""
    if not counts:
        return ""
    return ", ".join(f"{kind} {n}" for kind, n in counts.items() if n) or "geen"


@dataclass
class IngestReport:
    collection: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "geweigerd"]

    @property
    def redacted(self) -> dict[str, int]:
        """Personal data redacted over every file: kind -> count; {} when the collection does not redact."""
        total: dict[str, int] = {}
        for outcome in self.outcomes:
            for kind, n in outcome.redacted.items():
                total[kind] = total.get(kind, 0) + n
        return total

    @property
    def exit_code(self) -> int:
        """0 when every file is indexed, 2 when some were rejected."""
        return 2 if self.rejected else 0


@dataclass(frozen=True)
class DocumentInfo:
    """One file as the collection holds it; a file stored once for several names is listed under each."""

    file: str
    path: str
    kind: str
    chunks: int
    date: str | None
    access: list[str]
    indexed_at: str
    same_as: list[str]  # the other names of the same stored content (dedup)
