"""qdrant-client as a bronvast store: its embedded local mode (a folder under the data dir), or a Qdrant server by
URL. The contract it implements, and the payload layout and filters both engines share, are in bronvast/store.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

from qdrant_client import QdrantClient, models

from bronvast.errors import StoreError
from bronvast.schema import Chunk, CollectionSpec, CollectionStats, Hit, SearchFilter, SparseVector
from bronvast.store import (
    DENSE,
    PAYLOAD_INDEXES,
    SPARSE,
    SPEC_KEY,
    VERSION_FIELDS,
    AnyOf,
    CollectionSchema,
    Condition,
    Query,
    Version,
    by_chunk_index,
    collect_versions,
    document_conditions,
    filter_conditions,
    locked,
    missing_collection,
    named_vectors,
    paginate,
)


class QdrantStore(CollectionSchema):
    def __init__(self, client: QdrantClient, upsert_batch: int = 256, payload_indexes: bool = True,
                 layout: dict[str, int] | None = None):
        self.client = client
        self.upsert_batch = upsert_batch
        self.payload_indexes = payload_indexes  # local mode ignores them and warns
        self.layout = layout or {}  # a cluster's shards, replication and write consistency (StoreSettings.layout)

    @classmethod
    def local(cls, path: Path, upsert_batch: int = 256) -> QdrantStore:
        path.mkdir(parents=True, exist_ok=True)
        try:
            return cls(QdrantClient(path=str(path)), upsert_batch, payload_indexes=False)
        except RuntimeError as exc:
            if "already accessed" not in str(exc):
                raise
            raise locked(path) from exc

    @classmethod
    def server(cls, url: str, api_key: str | None, timeout_s: float, upsert_batch: int = 256,
               layout: dict[str, int] | None = None) -> QdrantStore:
        client = QdrantClient(url=url, api_key=api_key, timeout=int(timeout_s))
        try:
            client.get_collections()  # the client connects lazily; say now, plainly, when the server is not there
        except Exception as exc:
            raise StoreError(f"Qdrant-server op {url} is niet bereikbaar ({type(exc).__name__}: {exc})") from exc
        return cls(client, upsert_batch, layout=layout)

    def collections(self) -> list[str]:
        return sorted(c.name for c in self.client.get_collections().collections)

    def upsert(
        self,
        collection: str,
        chunks: Sequence[Chunk],
        dense: Sequence[Sequence[float]],
        sparse: Sequence[SparseVector] | None = None,
    ) -> None:
        points = [
            models.PointStruct(id=chunk.id, vector=vectors, payload=chunk.payload())
            for chunk, vectors in zip(chunks, named_vectors(dense, sparse, _sparse), strict=True)
        ]
        for start in range(0, len(points), self.upsert_batch):
            self.client.upsert(collection, points[start : start + self.upsert_batch], wait=True)

    def delete_points(self, collection: str, ids: Sequence[str]) -> None:
        self.client.delete(collection, points_selector=models.PointIdsList(points=list(ids)), wait=True)

    def delete_version(self, collection: str, path: str, sha256: str) -> None:
        if self.client.collection_exists(collection):
            selector = models.FilterSelector(filter=_version_filter(path, sha256))
            self.client.delete(collection, points_selector=selector, wait=True)

    def set_version_payload(self, collection: str, path: str, sha256: str, payload: dict) -> None:
        self.client.set_payload(
            collection, payload, points=models.FilterSelector(filter=_version_filter(path, sha256)), wait=True
        )

    def versions(self, collection: str) -> list[Version]:
        if not self.client.collection_exists(collection):
            return []
        return collect_versions(p.payload for p in self._scroll(collection, None, VERSION_FIELDS))

    def search(self, collection: str, query: Query, top_k: int, where: SearchFilter | None = None) -> list[Hit]:
        if not self.client.collection_exists(collection):
            raise missing_collection(collection)
        try:
            response = self.client.query_points(
                collection,
                query=_query(query),
                using=SPARSE if isinstance(query, SparseVector) else DENSE,
                query_filter=_filter(filter_conditions(where)),
                limit=top_k,
                with_payload=True,
            )
        except Exception:
            self._dense_size(collection)  # a collection in the old layout is the likely cause: say so plainly
            raise
        return [Hit(Chunk.from_payload(p.id, p.payload), p.score) for p in response.points]

    def neighbours(self, collection: str, path: str, sha256: str, chunk_indexes: Sequence[int]) -> list[Chunk]:
        if not chunk_indexes or not self.client.collection_exists(collection):
            return []
        points = self._scroll(collection, _filter(document_conditions(path, sha256, chunk_indexes)), True)
        return by_chunk_index([Chunk.from_payload(p.id, p.payload) for p in points])

    def chunks(self, collection: str) -> Iterator[Chunk]:
        return self.chunks_where(collection, None)

    def chunks_where(self, collection: str, where: SearchFilter | None) -> Iterator[Chunk]:
        """The chunks that meet `where`, filtered in the query like a search (access too), in no set order."""
        if self.client.collection_exists(collection):
            points = self._scroll(collection, _filter(filter_conditions(where)), True)
            yield from (Chunk.from_payload(p.id, p.payload) for p in points)

    def chunk_count(self, collection: str, where: SearchFilter | None = None) -> int:
        """How many chunks meet `where` (access too); None: all of them."""
        return self.client.count(collection, count_filter=_filter(filter_conditions(where)), exact=True).count

    def stats(self, collection: str) -> CollectionStats:
        # Every name counts, also those of identical copies stored once (dedup).
        paths = {name for p in self._scroll(collection, None, ["path", "also_paths"])
                 for name in (p.payload["path"], *(p.payload.get("also_paths") or ()))}
        return CollectionStats(collection, len(paths), self.chunk_count(collection))

    def export(
        self, collection: str, batch: int
    ) -> Iterator[tuple[list[Chunk], list[list[float]], list[SparseVector] | None]]:
        """Every point with its vectors, `batch` at a time, as `upsert` takes them: for moving an index."""
        points = paginate(
            lambda offset: self.client.scroll(
                collection, with_payload=True, with_vectors=True, limit=batch, offset=offset
            )
        )
        while page := list(islice(points, batch)):
            sparse = [p.vector.get(SPARSE) for p in page]
            yield (
                [Chunk.from_payload(p.id, p.payload) for p in page],
                [list(p.vector[DENSE]) for p in page],
                None if None in sparse else [SparseVector(list(s.indices), list(s.values)) for s in sparse],
            )

    def close(self) -> None:
        self.client.close()

    def _exists(self, collection: str) -> bool:
        return self.client.collection_exists(collection)

    def _create(self, collection: str, spec: CollectionSpec) -> None:
        self.client.create_collection(
            collection,
            vectors_config={DENSE: models.VectorParams(size=spec.dimension, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            metadata={SPEC_KEY: spec.to_json()},
            **self.layout,
        )
        for key, kind in PAYLOAD_INDEXES.items() if self.payload_indexes else ():
            self.client.create_payload_index(collection, key, models.PayloadSchemaType(kind))

    def _recorded(self, collection: str) -> dict | None:
        return (self.client.get_collection(collection).config.metadata or {}).get(SPEC_KEY)

    def _dense_size(self, collection: str) -> int:
        vectors = self.client.get_collection(collection).config.params.vectors
        if not isinstance(vectors, dict) or DENSE not in vectors:
            # Collections written before the named dense + sparse layout cannot take sparse vectors.
            raise StoreError(
                f"collectie '{collection}' heeft een oude indeling (zonder sparse vectoren); "
                "verwijder haar en indexeer de documenten opnieuw"
            )
        return vectors[DENSE].size

    def _scroll(
        self, collection: str, query_filter: models.Filter | None, fields: list[str] | bool
    ) -> Iterator[models.Record]:
        return paginate(
            lambda offset: self.client.scroll(
                collection, scroll_filter=query_filter, with_payload=fields, limit=1024, offset=offset
            )
        )


def _version_filter(path: str, sha256: str) -> models.Filter:
    return models.Filter(must=[_condition(Condition("path", (path,))), _condition(Condition("sha256", (sha256,)))])


def _sparse(vector: SparseVector) -> models.SparseVector:
    return models.SparseVector(indices=vector.indices, values=vector.values)


def _query(query: Query) -> list[float] | models.SparseVector:
    return _sparse(query) if isinstance(query, SparseVector) else list(query)


def _filter(conditions: list[Condition | AnyOf]) -> models.Filter | None:
    if not conditions:
        return None
    return models.Filter(must=[_condition(c) for c in conditions if not c.excluded],
                         must_not=[_condition(c) for c in conditions if c.excluded] or None)


def _condition(condition: Condition | AnyOf) -> models.FieldCondition | models.Filter:
    if isinstance(condition, AnyOf):
        return models.Filter(should=[_condition(c) for c in condition.conditions])
    if len(condition.values) == 1:
        return models.FieldCondition(key=condition.key, match=models.MatchValue(value=condition.values[0]))
    if condition.values:
        return models.FieldCondition(key=condition.key, match=models.MatchAny(any=list(condition.values)))
    dates = models.DatetimeRange(gte=condition.date_from, lt=condition.date_until)
    return models.FieldCondition(key=condition.key, range=dates)
