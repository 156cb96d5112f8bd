"""The typed objects passed along the pipeline: documents -> chunks -> hits -> answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based page for paged formats (PDF), None for flowing text
    text: str


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    sha256: str
    kind: str  # pdf, docx, html, text
    title: str
    pages: list[Page]


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    source: str  # file name, as cited
    path: str
    page: int | None
    title: str
    sha256: str
    collection: str
    ingested_at: str
    chunk_index: int

    def payload(self) -> dict:
        data = asdict(self)
        del data["id"]
        return data

    @classmethod
    def from_payload(cls, point_id: str, payload: dict) -> Chunk:
        return cls(id=str(point_id), **{k: payload[k] for k in cls.__dataclass_fields__ if k != "id"})


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class CollectionStats:
    name: str
    documents: int
    chunks: int


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    page: int | None
    text: str
    score: float


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)
