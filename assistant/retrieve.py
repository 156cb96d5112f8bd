"""Stage 4, hits: a question -> the most similar chunks of one collection (dense retrieval)."""

from __future__ import annotations

from bronvast.schema import Hit
from bronvast.store import ChunkStore


def retrieve(question: str, store: ChunkStore, embedder, collection: str, top_k: int) -> list[Hit]:
    vector = embedder.get_query_embedding(question)
    return store.search(collection, vector, top_k)


def relevant(hits: list[Hit], min_score: float) -> list[Hit]:
    """Hits that pass the calibrated score threshold; none left means the assistant refuses."""
    return [hit for hit in hits if hit.score >= min_score]
