"""Stage 2, chunks: a SourceDocument -> Chunks, split per page so every chunk keeps its page number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from llama_index.core.node_parser import SentenceSplitter

from bronvast.schema import Chunk, SourceDocument
from bronvast.settings import ChunkingSettings
from bronvast.store import point_id


def make_splitter(config: ChunkingSettings, tokenize: Callable[[str], list]) -> SentenceSplitter:
    return SentenceSplitter(
        chunk_size=config.chunk_size,
        chunk_overlap=config.chunk_overlap,
        tokenizer=tokenize,
        paragraph_separator="\n\n",
    )


def chunk_document(
    document: SourceDocument, collection: str, splitter: SentenceSplitter, first_index: int = 0
) -> list[Chunk]:
    """`first_index`: where chunk_index starts; the documents of one file (an e-mail and its attachments) share
    its path and sha256 and number their chunks on from each other, so point ids and neighbours stay unique."""
    ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    path = document.key
    chunks: list[Chunk] = []
    for page in document.pages:
        for text in splitter.split_text(page.text):
            index = first_index + len(chunks)
            chunks.append(
                Chunk(
                    id=point_id(path, document.sha256, index),
                    text=text,
                    source=document.path.name,
                    path=path,
                    page=page.number,
                    title=document.title,
                    sha256=document.sha256,
                    collection=collection,
                    ingested_at=ingested_at,
                    chunk_index=index,
                    kind=document.kind,
                    date=document.date,
                    access=document.access,
                    section=page.section,
                    metadata=document.metadata,
                )
            )
    return chunks
