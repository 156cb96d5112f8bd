"""The documents of a collection: listed (one row per name) and deleted (by path or file name), each after the
indexer has repaired what a crash may have left (Indexer.recover).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bronvast.errors import StoreError
from bronvast.schema import ANONYMOUS, Caller
from bronvast.store import missing_collection
from ingest.pipeline import Indexer
from ingest.report import DocumentInfo


class DocumentNotFound(StoreError):
    """`documents delete` named nothing, or a file name several documents share (the message lists them)."""


def list_documents(indexer: Indexer, caller: Caller = ANONYMOUS) -> list[DocumentInfo]:
    """The documents the caller may see (today: a restriction that has ended no longer hides one)."""
    if indexer.collection not in indexer.store.collections():
        raise missing_collection(indexer.collection)
    indexer.recover()
    today = date.today().isoformat()
    rows = [
        DocumentInfo(Path(name).name, name, v.kind, v.points, v.date, list(v.access), v.ingested_at,
                     [other for other in v.names if other != name])
        for v in indexer.catalog.versions if caller.sees(v.access, v.public_from, today) for name in v.names
    ]
    return sorted(rows, key=lambda row: row.path)


def delete_document(indexer: Indexer, target: str) -> list[str]:
    """Removes the document named by path (absolute or relative to the working directory) or by file name."""
    indexer.recover()
    names = indexer.catalog.names()
    exact = [name for name in (target, str(Path(target).expanduser().resolve())) if name in names]
    matches = exact[:1] or [name for name in names if Path(name).name == target]
    if not matches:
        raise DocumentNotFound(f"geen document '{target}' in collectie '{indexer.collection}'")
    if len(matches) > 1:
        listed = "\n".join(f"  {name}" for name in sorted(matches))
        raise DocumentNotFound(
            f"'{target}' past op {len(matches)} documenten in collectie '{indexer.collection}'; "
            f"geef het pad:\n{listed}"
        )
    indexer.remove(matches[0])
    return matches
