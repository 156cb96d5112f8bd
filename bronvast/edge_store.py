"""The index on Qdrant Edge: Qdrant's engine in-process, one shard per collection in `<root>/<collection>/`.

Same contract and payload as `QdrantStore` (bronvast/store.py), with real payload indexes and an HNSW graph where
qdrant-client's local mode scans every point in Python.

Search quality and speed, measured with all-MiniLM-L6-v2 embeddings of 5,178 real passages (wetten_2017, vac-nl,
SciFact) topped up with small random perturbations of them, 200 real queries (vac-nl, SciFact), 2 cores:
- HNSW recall@10 against exact search, hnsw_ef=256, unfiltered / filtered on kind (45% pass) and access:
  20k points 1.00 / 0.96, 35k 1.00 / 0.989, 50k 1.00 / 0.993, 100k 0.998 / 0.998; p50 1-4.5 ms.
  Edge's default ef gave 0.981 / 0.981 at 100k, ef 128 0.988 / 0.988.
- Exact search takes 3-6 ms at 20k points, 7-16 ms at 35k, 17-34 ms at 100k.
So a collection under `exact_below` points is searched exactly, and above it HNSW runs with `hnsw_ef` candidates.
Segments under that size are not indexed either (the optimizer's indexing threshold): small collections never pay
for an HNSW build, which takes about 60 s for 35k points and 220 s for 100k on 2 cores.

One process at a time: Edge locks a shard's write-ahead log, so a second process cannot open it (`StoreLocked`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from qdrant_edge import (
    Distance,
    EdgeConfig,
    EdgeOptimizersConfig,
    EdgeShard,
    EdgeSparseVectorParams,
    EdgeVectorParams,
    FieldCondition,
    Filter,
    MatchAny,
    MatchValue,
    Modifier,
    PayloadSchemaType,
    Point,
    QueryRequest,
    RangeDateTime,
    Record,
    ScrollRequest,
    SearchParams,
    UpdateOperation,
)
from qdrant_edge import Query as EdgeQuery
from qdrant_edge import SparseVector as EdgeSparseVector

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
    StoreError,
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

DEFAULT_HNSW_EF = 256  # see the module docstring for the measurements behind both
EXACT_BELOW = 35_000  # points
CONFIG_FILE = "edge_config.json"  # written by Edge into every shard folder
SPEC_FILE = "bronvast.json"  # the collection's CollectionSpec, beside Edge's own config
INDEX_TYPES = {"keyword": PayloadSchemaType.Keyword, "datetime": PayloadSchemaType.Datetime,
               "integer": PayloadSchemaType.Integer}


class EdgeStore(CollectionSchema):
    def __init__(self, root: Path, hnsw_ef: int = DEFAULT_HNSW_EF, exact_below: int = EXACT_BELOW,
                 upsert_batch: int = 1024):
        self.root = root
        self.hnsw_ef = hnsw_ef
        self.exact_below = exact_below
        self.upsert_batch = upsert_batch
        self.shards: dict[str, EdgeShard] = {}

    @classmethod
    def open(cls, root: Path, hnsw_ef: int = DEFAULT_HNSW_EF, exact_below: int = EXACT_BELOW,
             upsert_batch: int = 1024) -> EdgeStore:
        """Opens every collection now, so a store held by another process is reported here, not mid-command."""
        root.mkdir(parents=True, exist_ok=True)
        store = cls(root, hnsw_ef, exact_below, upsert_batch)
        try:
            for collection in store.collections():
                store._shard(collection)
        except StoreError:
            store.close()  # release the shards this process did get, or they stay locked
            raise
        return store

    def collections(self) -> list[str]:
        return sorted(config.parent.name for config in self.root.glob(f"*/{CONFIG_FILE}"))

    def upsert(
        self,
        collection: str,
        chunks: Sequence[Chunk],
        dense: Sequence[Sequence[float]],
        sparse: Sequence[SparseVector] | None = None,
    ) -> None:
        shard = self._shard(collection)
        points = [
            Point(chunk.id, vectors, chunk.payload())
            for chunk, vectors in zip(chunks, named_vectors(dense, sparse, _sparse), strict=True)
        ]
        for start in range(0, len(points), self.upsert_batch):
            shard.update(UpdateOperation.upsert_points(points[start : start + self.upsert_batch]))
        # Once per call, not per batch. The optimizer only has work once the appendable segment holds `exact_below`
        # points: it then builds that segment's HNSW graph (merged with the smallest indexed one), blocking for
        # seconds to minutes. Until then this returns at once; a growing collection rebuilds every `exact_below`.
        shard.optimize()
        shard.flush()

    def delete_points(self, collection: str, ids: Sequence[str]) -> None:
        self._write(collection, UpdateOperation.delete_points(list(ids)))

    def delete_version(self, collection: str, path: str, sha256: str) -> None:
        if self._exists(collection):
            self._write(collection, UpdateOperation.delete_points_by_filter(_version_filter(path, sha256)))

    def set_version_payload(self, collection: str, path: str, sha256: str, payload: dict) -> None:
        self._write(collection, UpdateOperation.set_payload_by_filter(_version_filter(path, sha256), payload))

    def versions(self, collection: str) -> list[Version]:
        if not self._exists(collection):
            return []
        return collect_versions(record.payload for record in self._scroll(collection, None, VERSION_FIELDS))

    def search(self, collection: str, query: Query, top_k: int, where: SearchFilter | None = None) -> list[Hit]:
        shard = self._shard(collection)
        sparse = isinstance(query, SparseVector)
        request = QueryRequest(
            limit=top_k,
            query=EdgeQuery.Nearest(_sparse(query) if sparse else list(query), using=SPARSE if sparse else DENSE),
            filter=_filter(filter_conditions(where)),
            params=None if sparse else self._dense_params(shard),  # the sparse index is exact by itself
            with_payload=True,
        )
        return [Hit(Chunk.from_payload(str(p.id), p.payload), p.score) for p in shard.query(request)]

    def neighbours(self, collection: str, path: str, sha256: str, chunk_indexes: Sequence[int]) -> list[Chunk]:
        if not chunk_indexes or not self._exists(collection):
            return []
        records = self._scroll(collection, _filter(document_conditions(path, sha256, chunk_indexes)), True)
        return by_chunk_index([Chunk.from_payload(str(r.id), r.payload) for r in records])

    def chunks(self, collection: str) -> Iterator[Chunk]:
        return self.chunks_where(collection, None)

    def chunks_where(self, collection: str, where: SearchFilter | None) -> Iterator[Chunk]:
        """The chunks that meet `where`, filtered in the query like a search (access too), in no set order."""
        if self._exists(collection):
            records = self._scroll(collection, _filter(filter_conditions(where)), True)
            yield from (Chunk.from_payload(str(r.id), r.payload) for r in records)

    def chunk_count(self, collection: str, where: SearchFilter | None = None) -> int:
        """How many chunks meet `where` (access too); None: all of them. Counted by a scroll without payloads:
        the shard's info knows only the total."""
        conditions = filter_conditions(where)
        if not conditions:
            return self._shard(collection).info().points_count
        return sum(1 for _ in self._scroll(collection, _filter(conditions), False))

    def stats(self, collection: str) -> CollectionStats:
        # Every name counts, also those of identical copies stored once (dedup).
        paths = {name for record in self._scroll(collection, None, ["path", "also_paths"])
                 for name in (record.payload["path"], *(record.payload.get("also_paths") or ()))}
        return CollectionStats(collection, len(paths), self.chunk_count(collection))

    def close(self) -> None:
        for shard in self.shards.values():
            shard.close()  # flushes, and releases the lock for the next process
        self.shards.clear()

    def _exists(self, collection: str) -> bool:
        return (self.root / collection / CONFIG_FILE).is_file()

    def _shard(self, collection: str) -> EdgeShard:
        if collection not in self.shards:
            if not self._exists(collection):
                raise missing_collection(collection)
            self.shards[collection] = self._load(self.root / collection)
        return self.shards[collection]

    def _load(self, path: Path) -> EdgeShard:
        try:
            return EdgeShard.load(str(path))
        except Exception as exc:  # Edge raises a bare Exception; the WAL lock held elsewhere reads "WouldBlock"
            if "WouldBlock" in str(exc):
                raise locked(path) from exc
            raise StoreError(f"de index in {path} kan niet geopend worden: {exc}") from exc

    def _create(self, collection: str, spec: CollectionSpec) -> None:
        path = self.root / collection
        dimension = spec.dimension
        # The spec goes in first, through a temporary file: the shard only counts as existing once Edge has
        # written its config, so a crash in between leaves no collection rather than one without its spec.
        path.mkdir(parents=True, exist_ok=True)
        partial = path / f"{SPEC_FILE}.tmp"
        partial.write_text(json.dumps({SPEC_KEY: spec.to_json()}), encoding="utf-8")
        partial.replace(path / SPEC_FILE)
        # Segments under `exact_below` points stay unindexed: they are searched exactly anyway.
        indexing_threshold_kb = self.exact_below * dimension * 4 // 1024
        config = EdgeConfig(
            vectors={DENSE: EdgeVectorParams(size=dimension, distance=Distance.Cosine)},
            sparse_vectors={SPARSE: EdgeSparseVectorParams(modifier=Modifier.Idf)},
            optimizers=EdgeOptimizersConfig(indexing_threshold=indexing_threshold_kb),
        )
        shard = EdgeShard.create(str(path), config)
        for key, kind in PAYLOAD_INDEXES.items():
            shard.update(UpdateOperation.create_field_index(key, INDEX_TYPES[kind]))
        shard.flush()
        self.shards[collection] = shard

    def _recorded(self, collection: str) -> dict | None:
        path = self.root / collection / SPEC_FILE
        return json.loads(path.read_text(encoding="utf-8"))[SPEC_KEY] if path.is_file() else None

    def _dense_size(self, collection: str) -> int:
        # Edge has no call that returns a shard's vector configuration; the shard's own config file holds it.
        config = json.loads((self.root / collection / CONFIG_FILE).read_text(encoding="utf-8"))
        return config["vectors"][DENSE]["size"]

    def _dense_params(self, shard: EdgeShard) -> SearchParams:
        if shard.info().points_count < self.exact_below:
            return SearchParams(exact=True)
        return SearchParams(hnsw_ef=self.hnsw_ef)

    def _write(self, collection: str, operation: UpdateOperation) -> None:
        shard = self._shard(collection)
        shard.update(operation)
        shard.flush()

    def _scroll(self, collection: str, scroll_filter: Filter | None, fields: list[str] | bool) -> Iterator[Record]:
        shard = self._shard(collection)

        def page(offset: str | None) -> tuple[list[Record], str | None]:
            return shard.scroll(ScrollRequest(offset=offset, limit=1024, filter=scroll_filter, with_payload=fields))

        return paginate(page)


def _version_filter(path: str, sha256: str) -> Filter:
    return _filter([Condition("path", (path,)), Condition("sha256", (sha256,))])


def _sparse(vector: SparseVector) -> EdgeSparseVector:
    return EdgeSparseVector(list(vector.indices), list(vector.values))


def _filter(conditions: list[Condition | AnyOf]) -> Filter | None:
    if not conditions:
        return None
    return Filter(must=[_condition(c) for c in conditions if not c.excluded],
                  must_not=[_condition(c) for c in conditions if c.excluded] or None)


def _condition(condition: Condition | AnyOf) -> FieldCondition | Filter:
    if isinstance(condition, AnyOf):
        return Filter(should=[_condition(c) for c in condition.conditions])
    if len(condition.values) == 1:
        return FieldCondition(condition.key, match=MatchValue(condition.values[0]))
    if condition.values:
        return FieldCondition(condition.key, match=MatchAny(list(condition.values)))
    return FieldCondition(condition.key, range=RangeDateTime(gte=condition.date_from, lt=condition.date_until))
