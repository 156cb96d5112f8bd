"""Moving an index from qdrant-client's local mode (the embedded engine before Qdrant Edge) to Qdrant Edge.

Points are copied with their vectors and payload, so nothing is embedded again. The copy is built in a folder
beside the target and renamed into place only when every collection arrived whole: a crash or Ctrl-C leaves the old
index as it was and no half-filled Edge index behind.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

from bronvast.edge_store import EdgeStore
from bronvast.settings import Settings
from bronvast.errors import StoreError
from bronvast.qdrant_store import QdrantStore

BATCH = 512  # points read and written at a time


@dataclass(frozen=True)
class MigratedCollection:
    name: str
    chunks: int


def migrate_to_edge(
    settings: Settings, on_collection: Callable[[str, int], None] | None = None,
    on_points: Callable[[int], None] | None = None,
) -> list[MigratedCollection]:
    """Copies every collection in `<data_dir>/qdrant` to a new `<data_dir>/edge`; the old folder is left alone.

    `on_collection(name, chunks)` and `on_points(n)` drive a progress bar.
    """
    source_path, target_path = settings.qdrant_path, settings.edge_path
    if not source_path.is_dir() or not any(source_path.iterdir()):
        raise StoreError(f"geen index van qdrant-client in lokale modus gevonden in {source_path}: niets over te zetten")
    if target_path.exists():
        raise StoreError(f"{target_path} bestaat al; verwijder of verplaats die map eerst als u opnieuw wilt overzetten")
    partial = target_path.with_name(f"{target_path.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)  # what an interrupted earlier attempt left
    source = QdrantStore.local(source_path)
    target = EdgeStore.open(partial, hnsw_ef=settings.store.hnsw_ef, exact_below=settings.store.exact_below)
    migrated = []
    try:
        for name in source.collections():
            migrated.append(_copy(source, target, name, on_collection, on_points))
    except BaseException:
        target.close()
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        source.close()
    target.close()
    partial.rename(target_path)
    return migrated


def _copy(source: QdrantStore, target: EdgeStore, name: str, on_collection, on_points) -> MigratedCollection:
    expected = source.chunk_count(name)
    if on_collection:
        on_collection(name, expected)
    target.ensure_collection(name, source.collection_spec(name))
    for chunks, dense, sparse in source.export(name, BATCH):
        target.upsert(name, chunks, dense, sparse)
        if on_points:
            on_points(len(chunks))
    copied = target.chunk_count(name)
    if copied != expected:
        raise StoreError(f"collectie '{name}': {copied} van {expected} stukken overgezet; de oude index blijft in gebruik")
    return MigratedCollection(name, copied)
