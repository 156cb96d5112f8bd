"""The index: where chunks and their vectors live. One small interface, so engines can be swapped.

`QdrantStore` talks to qdrant-client, either in its embedded local mode (a folder under the data dir) or to a
Qdrant server by URL. Every bronvast collection is one Qdrant collection; every chunk is one point whose payload
is the chunk's metadata.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from qdrant_client import QdrantClient, models

from bronvast.schema import Chunk, CollectionStats, Hit

COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
POINT_NAMESPACE = uuid.UUID("5f0c3a57-6d0e-4b8e-9a36-2f8a1c7d9e11")


class StoreError(Exception):
    """The index cannot be used; the message says why and what to do."""


class StoreLocked(StoreError):
    """Another process holds the embedded store (qdrant-client local mode allows one process)."""


class ChunkStore(Protocol):
    def collections(self) -> list[str]: ...
    def ensure_collection(self, collection: str, dimension: int) -> None: ...
    def indexed_sha(self, collection: str, path: str) -> set[str]: ...
    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None: ...
    def delete_document(self, collection: str, path: str, keep_sha: str | None = None) -> None: ...
    def delete_points(self, collection: str, ids: Sequence[str]) -> None: ...
    def search(self, collection: str, vector: Sequence[float], top_k: int) -> list[Hit]: ...
    def stats(self, collection: str) -> CollectionStats: ...
    def close(self) -> None: ...


def point_id(path: str, sha256: str, index: int) -> str:
    """Deterministic, so writing the same chunk twice overwrites instead of duplicating."""
    return str(uuid.uuid5(POINT_NAMESPACE, f"{path}\n{sha256}\n{index}"))


def check_collection_name(name: str) -> str:
    if not COLLECTION_NAME.match(name):
        raise StoreError(
            f"ongeldige collectienaam {name!r}: gebruik letters, cijfers, '-' en '_' (max. 64 tekens)"
        )
    return name


class QdrantStore:
    def __init__(self, client: QdrantClient, upsert_batch: int = 256, payload_indexes: bool = True):
        self.client = client
        self.upsert_batch = upsert_batch
        self.payload_indexes = payload_indexes  # local mode ignores them and warns

    @classmethod
    def local(cls, path: Path, upsert_batch: int = 256) -> QdrantStore:
        path.mkdir(parents=True, exist_ok=True)
        try:
            return cls(QdrantClient(path=str(path)), upsert_batch, payload_indexes=False)
        except RuntimeError as exc:
            if "already accessed" not in str(exc):
                raise
            raise StoreLocked(
                f"de index in {path} is in gebruik door een ander bronvast-proces (meestal `bronvast serve`). "
                "Het ingebouwde Qdrant laat maar één proces tegelijk toe."
            ) from exc

    @classmethod
    def server(cls, url: str, api_key: str | None, timeout_s: float, upsert_batch: int = 256) -> QdrantStore:
        client = QdrantClient(url=url, api_key=api_key, timeout=int(timeout_s))
        try:
            client.get_collections()  # the client connects lazily; say now, plainly, when the server is not there
        except Exception as exc:
            raise StoreError(f"Qdrant-server op {url} is niet bereikbaar ({type(exc).__name__}: {exc})") from exc
        return cls(client, upsert_batch)

    def collections(self) -> list[str]:
        return sorted(c.name for c in self.client.get_collections().collections)

    def ensure_collection(self, collection: str, dimension: int) -> None:
        check_collection_name(collection)
        if not self.client.collection_exists(collection):
            self.client.create_collection(
                collection,
                vectors_config=models.VectorParams(size=dimension, distance=models.Distance.COSINE),
            )
            for key in ("path", "sha256") if self.payload_indexes else ():
                self.client.create_payload_index(collection, key, models.PayloadSchemaType.KEYWORD)
            return
        existing = self.client.get_collection(collection).config.params.vectors.size
        if existing != dimension:
            raise StoreError(
                f"collectie '{collection}' is gemaakt met een ander embeddingmodel ({existing} dimensies, "
                f"nu {dimension}); kies een andere collectie of verwijder de oude"
            )

    def indexed_sha(self, collection: str, path: str) -> set[str]:
        if not self.client.collection_exists(collection):
            return set()
        path_filter = models.Filter(must=[_condition("path", path)])
        return {p.payload["sha256"] for p in self._scroll(collection, path_filter, ["sha256"])}

    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        points = [
            models.PointStruct(id=chunk.id, vector=list(vector), payload=chunk.payload())
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        for start in range(0, len(points), self.upsert_batch):
            self.client.upsert(collection, points[start : start + self.upsert_batch], wait=True)

    def delete_document(self, collection: str, path: str, keep_sha: str | None = None) -> None:
        if not self.client.collection_exists(collection):
            return
        selector = models.Filter(
            must=[_condition("path", path)], must_not=[_condition("sha256", keep_sha)] if keep_sha else []
        )
        self.client.delete(collection, points_selector=models.FilterSelector(filter=selector), wait=True)

    def delete_points(self, collection: str, ids: Sequence[str]) -> None:
        self.client.delete(collection, points_selector=models.PointIdsList(points=list(ids)), wait=True)

    def search(self, collection: str, vector: Sequence[float], top_k: int) -> list[Hit]:
        if not self.client.collection_exists(collection):
            raise StoreError(f"collectie '{collection}' bestaat niet; indexeer eerst met `bronvast ingest`")
        response = self.client.query_points(collection, query=list(vector), limit=top_k, with_payload=True)
        return [Hit(Chunk.from_payload(p.id, p.payload), p.score) for p in response.points]

    def stats(self, collection: str) -> CollectionStats:
        paths = {p.payload["path"] for p in self._scroll(collection, None, ["path"])}
        chunks = self.client.count(collection, exact=True).count
        return CollectionStats(collection, len(paths), chunks)

    def close(self) -> None:
        self.client.close()

    def _scroll(self, collection: str, query_filter: models.Filter | None, fields: list[str]) -> Iterator:
        offset = None
        while True:
            points, offset = self.client.scroll(
                collection, scroll_filter=query_filter, with_payload=fields, limit=1024, offset=offset
            )
            yield from points
            if offset is None:
                return


def _condition(key: str, value: str) -> models.FieldCondition:
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))
