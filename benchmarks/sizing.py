"""Sizing from measurements: what a collection of 10k, 100k and 1M chunks costs on Qdrant Edge, and what ingest
does per core (`make bench-sizing`).

Store, per size in --sizes, each built from scratch with the default settings (load_settings; store.exact_below,
store.hnsw_ef, store.upsert_batch) into a folder of its own and used through the ChunkStore interface:
- the chunks are those of benchmarks/store_latency.py: embeddings by the default embedder of real Dutch passages,
  topped up with perturbed copies of them (at 1M all but a thousand vectors are such synthetic copies), each with the
  payload of a real chunk (text of a real passage, source, path, kind, date, access, ...) and, as in a real ingest,
  the BM25 sparse vector of its text;
- written in batches of WRITE_BATCH; Edge builds its HNSW graph inside the upsert once the unindexed segment holds
  exact_below points, so the upserts in which Edge's indexed-vector count grew are counted as index building and the
  others as writing; their sum is the time until the collection is written, indexed and searchable;
- disk: the allocated size of the collection's folder (du), in MB and in MB per 100,000 chunks;
- memory and latency in a fresh child process per size: its RSS before it opens the store (Python and the modules
  bronvast loads, no models), then the store opened cold and every vac-nl question searched, unfiltered and with a
  filter (kind + access, store_latency's FILTERS); RSS after the queries and the peak (VmHWM); search p50/p95 in ms,
  the search alone: the questions are embedded beforehand (the median embedding time is reported once, apart).

Ingest per core: the real pipeline (Bronvast.ingest into a temporary data dir, models loaded before timing) in a
child process pinned to core 0 from its first instruction; the reader workers it starts inherit that, which the child
checks in /proc. Text: the generated corpus of benchmarks/ingest_throughput.py (PDFs with a text layer and one-page
DOCX, HTML and text files); OCR: image-only PDFs of A4 pages of Dutch text drawn here at 300 dpi. Pages/s per core and
hours per 100,000 pages per core.

    .venv/bin/python benchmarks/sizing.py [--sizes 10000,100000,1000000] [--skip-ingest] [--skip-store] [--keep DIR]

The store part is skipped (with a message) when ../shared is absent. 1M chunks take one to two hours on 2 cores.
Results go to --out as JSON too (default <data dir>/bench/sizing.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.app import Bronvast  # noqa: E402
from benchmarks.ingest_throughput import TOPICS, make_corpus, page_text  # noqa: E402
from benchmarks.store_latency import (  # noqa: E402
    COLLECTION,
    FILTERS,
    SHARED,
    TOP_K,
    chunks_like_real_ones,
    perturbed,
    real_passages,
    real_questions,
)
from bronvast.edge_store import EdgeStore  # noqa: E402
from bronvast.factories import embedder_name, make_embedder, make_sparse_encoder, make_store  # noqa: E402
from bronvast.schema import CollectionSpec  # noqa: E402
from bronvast.settings import Settings, load_settings  # noqa: E402

WRITE_BATCH = 10_000  # chunks per upsert: a folder's worth. One upsert per file (~20 chunks) would time Edge's flush
# per call (about 0.15 s) rather than the collection's size; a real ingest waits for its embedder far longer anyway.
TEXT_PAGES = 200
OCR_PAGES = 24
SCAN_PAGES_PER_PDF = 6
DPI = 300
A4 = (2480, 3508)  # pixels at 300 dpi
MARGIN = 236  # 2 cm
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core, installed by make install
FONT_PX = 42  # 10 pt at 300 dpi
LINE_CHARS = 80  # what fits in A4's width between the margins at FONT_PX
PAGE_HOURS = 100_000 / 3600  # hours for 100,000 pages at 1 page/s


@dataclass
class StoreRow:
    chunks: int
    vectors: str
    write_s: float = 0.0  # upserts in which Edge built no HNSW graph
    index_s: float = 0.0  # upserts that blocked on an HNSW build (each with its own batch's write)
    indexed: int = 0  # vectors in HNSW-indexed segments at the end; the rest sit in the unindexed segment
    disk_mb: float = 0.0
    disk_parts_mb: dict = field(default_factory=dict)  # segments, write-ahead log (preallocated), ...
    mb_per_100k: float = 0.0
    seconds: float = 0.0  # the whole size: chunks made, written, measured on disk and in the child
    serving: dict = field(default_factory=dict)  # the child's RSS and latency figures


def store_settings(data_dir: Path) -> Settings:
    return load_settings(overrides=[f"data_dir={data_dir}", "store.backend=qdrant-edge"])


def hnsw_indexed(store: EdgeStore) -> int:
    """Dense vectors in HNSW segments, from Edge's own counters (the ChunkStore interface has no such question).
    Edge counts a sparse vector as indexed from its write on, and every chunk here carries one."""
    info = store.shards[COLLECTION].info()
    return info.indexed_vectors_count - info.points_count


def write_collection(store: EdgeStore, chunks, vectors: np.ndarray, sparse, row: StoreRow) -> None:
    store.ensure_collection(COLLECTION, CollectionSpec(vectors.shape[1], "benchmark", "dutch"))
    started, next_report = time.perf_counter(), len(chunks) / 10
    for start in range(0, len(chunks), WRITE_BATCH):
        end, indexed_before, batch_started = start + WRITE_BATCH, hnsw_indexed(store), time.perf_counter()
        store.upsert(COLLECTION, chunks[start:end], vectors[start:end].tolist(), sparse[start:end])
        seconds, row.indexed = time.perf_counter() - batch_started, hnsw_indexed(store)
        if row.indexed > indexed_before:
            row.index_s += seconds
        else:
            row.write_s += seconds
        if min(end, len(chunks)) >= next_report:
            next_report += len(chunks) / 10
            print(f"  {min(end, len(chunks)):>9} / {len(chunks)} chunks written, {row.indexed} indexed, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)


def disk_mb(folder: Path) -> float:
    """Allocated size, as du counts it: Edge's files are sparse, their apparent size says less."""
    return sum(path.stat().st_blocks * 512 for path in folder.rglob("*") if path.is_file()) / 2**20


def memory_mb() -> dict[str, float]:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}  # kB


def measure_size(size: int, work: Path, texts, real: np.ndarray, sparse_by_passage, questions: Path) -> StoreRow:
    started = time.perf_counter()
    rng = np.random.default_rng(20250101)  # store_latency's seed
    vectors, sources = perturbed(real, size, rng)
    row = StoreRow(size, f"{min(size, len(real))} real passage embeddings + {max(0, size - len(real))} synthetic "
                         "perturbed copies")
    print(f"{size} chunks: {row.vectors}", flush=True)
    chunks = chunks_like_real_ones(texts, sources, rng)
    data_dir = work / f"store-{size}"
    shutil.rmtree(data_dir, ignore_errors=True)  # a kept folder of an earlier run would turn writes into overwrites
    store = make_store(store_settings(data_dir))
    write_collection(store, chunks, vectors, [sparse_by_passage[s] for s in sources], row)
    store.close()
    del vectors, chunks  # the child below must not share the machine with a gigabyte of these
    collection = data_dir / "edge" / COLLECTION
    row.disk_mb = disk_mb(collection)
    row.disk_parts_mb = {part.name: disk_mb(part) for part in collection.iterdir() if part.is_dir()}
    row.mb_per_100k = row.disk_mb * 100_000 / size
    row.serving = run_child(["--serve-child", str(data_dir), "--questions", str(questions)], work)
    row.seconds = time.perf_counter() - started
    return row


def run_child(arguments: list[str], work: Path, pinned: bool = False) -> dict:
    """This script in a fresh process with `arguments`; its result, which it writes as JSON to --result."""
    result = work / "child.json"
    command = [sys.executable, str(Path(__file__).resolve()), *arguments, "--result", str(result)]
    cores = os.sched_getaffinity(0)
    if pinned:
        # On this thread only, just for the fork: the child then runs on core 0 from its first instruction, before
        # Python, ONNX Runtime or OpenMP size a thread pool, and this process keeps every core.
        os.sched_setaffinity(0, {0})
    try:
        child = subprocess.Popen(command)
    finally:
        os.sched_setaffinity(0, cores)
    if child.wait():
        raise SystemExit(f"child process failed ({child.returncode}): {' '.join(command)}")
    return json.loads(result.read_text(encoding="utf-8"))


def serve_child(data_dir: Path, questions: Path) -> dict:
    """A process that opens the collection cold and answers every question, unfiltered and filtered."""
    vectors = np.load(questions).tolist()
    baseline = memory_mb()
    store = make_store(store_settings(data_dir))
    opened = memory_mb()
    latency = {}
    for label, where in FILTERS.items():
        times = []
        for vector in vectors:
            started = time.perf_counter()
            store.search(COLLECTION, vector, TOP_K, where=where)
            times.append((time.perf_counter() - started) * 1000)
        latency[label] = {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}
    after = memory_mb()
    store.close()
    return {"baseline_rss_mb": baseline["VmRSS"], "opened_rss_mb": opened["VmRSS"], "after_rss_mb": after["VmRSS"],
            "peak_rss_mb": after["VmHWM"], "questions": len(vectors), "search": latency}


def measure_store(sizes: list[int], work: Path, settings: Settings, passages: int, save) -> dict:
    """Every size in turn; `save(figures so far)` after each, so a long run that is stopped keeps what it has."""
    embedder, encoder = make_embedder(settings), make_sparse_encoder(settings)
    texts, questions = real_passages(passages), real_questions()
    started = time.perf_counter()
    real = np.array(embedder.get_text_embedding_batch(texts), dtype=np.float32)
    print(f"embedded {len(texts)} real passages in {time.perf_counter() - started:.0f} s", flush=True)
    embedding_ms, query_vectors = [], []
    for question in questions:
        started = time.perf_counter()
        query_vectors.append(embedder.get_query_embedding(question))
        embedding_ms.append((time.perf_counter() - started) * 1000)
    np.save(work / "questions.npy", np.array(query_vectors, dtype=np.float32))
    sparse_by_passage = encoder.documents(texts)
    store = {"embedder": embedder_name(settings), "questions": len(questions),
             "query_embedding_median_ms": statistics.median(embedding_ms),
             "hnsw_ef": settings.store.hnsw_ef, "exact_below": settings.store.exact_below,
             "upsert_batch": settings.store.upsert_batch, "write_batch": WRITE_BATCH, "sizes": []}
    for size in sizes:
        store["sizes"].append(asdict(measure_size(size, work, texts, real, sparse_by_passage, work / "questions.npy")))
        save(store)
        print_store(store)
    return store


def scanned_page(rng: random.Random, topic, face) -> Image.Image:
    """A greyscale A4 page at 300 dpi with about 500 words of Dutch text, like a scanned letter."""
    page = Image.new("L", A4, 255)
    draw, y = ImageDraw.Draw(page), MARGIN
    for paragraph in page_text(rng, topic) + page_text(rng, topic):
        for line in textwrap.wrap(paragraph, LINE_CHARS):
            draw.text((MARGIN, y), line, font=face, fill=0)
            y += int(FONT_PX * 1.7)
        y += FONT_PX
    return page


def write_scans(folder: Path, pages: int) -> None:
    """Image-only PDFs (Pillow's PDF writer, no text layer) of SCAN_PAGES_PER_PDF pages each."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    face = ImageFont.truetype(FONT_FILE, FONT_PX) if Path(FONT_FILE).is_file() else ImageFont.load_default(FONT_PX)
    for start in range(0, pages, SCAN_PAGES_PER_PDF):
        first, *rest = [scanned_page(rng, TOPICS[n % len(TOPICS)], face)
                        for n in range(start, min(start + SCAN_PAGES_PER_PDF, pages))]
        first.save(folder / f"scan-{start:03}.pdf", "PDF", resolution=DPI, save_all=True, append_images=rest)


def ingest_child(folder: Path) -> dict:
    """The real pipeline over `folder` on the core this process was pinned to, models loaded before timing."""
    with tempfile.TemporaryDirectory(prefix="bronvast-sizing-ingest-") as data_dir:
        app = Bronvast(load_settings(overrides=[f"data_dir={data_dir}"]))
        app.embedder, app.spec, app.splitter, app.store  # noqa: B018  (loaded before timing)
        pin_every_thread()
        affinity: dict[str, set[str]] = {"threads": set(), "children": set()}

        def on_file(outcome) -> None:  # the reader workers live from the first file on
            affinity["threads"] |= {cores(task) for task in Path("/proc/self/task").iterdir()}
            affinity["children"] |= {cores(Path(f"/proc/{pid}")) for pid in descendants(os.getpid())}

        started = time.perf_counter()
        report = app.ingest([folder], on_file=on_file)
        seconds = time.perf_counter() - started
        app.close()
    return {"files": len(report.outcomes), "chunks": sum(o.chunks for o in report.outcomes),
            "rejected": [f"{o.path.name}: {o.reason}" for o in report.rejected], "seconds": seconds,
            "embedder": app.settings.embedding.backend, "affinity_self": sorted(os.sched_getaffinity(0)),
            "affinity_threads": sorted(affinity["threads"]), "affinity_children": sorted(affinity["children"])}


def pin_every_thread() -> None:
    """ONNX Runtime pins the threads of its pool to cores of its own choosing (core 1 too), past the affinity this
    process was started with: they go back onto the main thread's core, as in a container given one core."""
    for task in Path("/proc/self/task").iterdir():
        os.sched_setaffinity(int(task.name), os.sched_getaffinity(0))


def cores(proc: Path) -> str:
    """The CPUs a process or thread may run on, as /proc lists them ("0", "0-1")."""
    status = (proc / "status").read_text()
    return status.split("Cpus_allowed_list:", 1)[1].split()[0]


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (reader workers, and Tesseract or pdftoppm under them), found through /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue  # it ended while we looked
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def measure_ingest(work: Path) -> list[dict]:
    text = make_corpus(work / "text", TEXT_PAGES)
    write_scans(work / "ocr", OCR_PAGES)
    rows = []
    for kind, folder, pages in (("text", text.folder, text.pages), ("ocr", work / "ocr", OCR_PAGES)):
        print(f"ingest {kind}: {pages} pages, one core ...", flush=True)
        row = {"kind": kind, "pages": pages} | run_child(["--ingest-child", str(folder)], work, pinned=True)
        row["pages_per_s"] = pages / row["seconds"]
        row["hours_per_100k_pages"] = PAGE_HOURS / row["pages_per_s"]
        if row["rejected"]:
            print(f"  rejected: {row['rejected']}")
        rows.append(row)
    return rows


def print_store(store: dict) -> None:
    print(f"\nQdrant Edge, {store['embedder']} vectors (384 d), hnsw_ef {store['hnsw_ef']}, exact search below "
          f"{store['exact_below']} chunks, upserts of {store['write_batch']}; {store['questions']} vac-nl questions, "
          f"top {TOP_K}; query embedding (apart) median {store['query_embedding_median_ms']:.1f} ms")
    print(f"{'chunks':>9}{'write s':>9}{'HNSW s':>8}{'indexed':>9}{'disk MB':>9}{'MB/100k':>9}"
          f"{'RSS MB base/after/peak':>24}{'search p50/p95 ms':>19}{'filtered p50/p95':>18}")
    for row in store["sizes"]:
        serving, search = row["serving"], row["serving"]["search"]
        rss = f"{serving['baseline_rss_mb']:.0f} / {serving['after_rss_mb']:.0f} / {serving['peak_rss_mb']:.0f}"
        print(f"{row['chunks']:>9}{row['write_s']:>9.0f}{row['index_s']:>8.0f}{row['indexed']:>9}"
              f"{row['disk_mb']:>9.0f}{row['mb_per_100k']:>9.0f}{rss:>24}"
              f"{latency(search['no filter']):>19}{latency(search['kind+access']):>18}")
    for row in store["sizes"]:
        parts = ", ".join(f"{name} {mb:.0f} MB" for name, mb in row["disk_parts_mb"].items())
        print(f"  {row['chunks']}: {row['vectors']}; on disk {parts}; {row['seconds']:.0f} s in all")


def latency(figures: dict) -> str:
    return f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}"


def print_ingest(rows: list[dict]) -> None:
    print("\nIngest on one core (the real pipeline, models loaded before timing)")
    print(f"{'kind':<6}{'pages':>7}{'files':>7}{'chunks':>8}{'s':>8}{'pages/s':>9}{'h / 100k pages':>16}"
          f"  core of the process, its threads / reader workers")
    for row in rows:
        print(f"{row['kind']:<6}{row['pages']:>7}{row['files']:>7}{row['chunks']:>8}{row['seconds']:>8.0f}"
              f"{row['pages_per_s']:>9.2f}{row['hours_per_100k_pages']:>16.1f}  {row['affinity_self']}, "
              f"{row['affinity_threads']} / {row['affinity_children']}")


def save(results: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="collection sizes in chunks, comma-separated")
    parser.add_argument("--passages", type=int, default=1000, help="real passages to embed, as store_latency does")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-store", action="store_true")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument("--out", type=Path, help="JSON results (default: <data dir>/bench/sizing.json)")
    # How this script runs itself as a measuring child process.
    parser.add_argument("--serve-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ingest-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child or args.ingest_child:
        result = serve_child(args.serve_child, args.questions) if args.serve_child else ingest_child(args.ingest_child)
        args.result.write_text(json.dumps(result), encoding="utf-8")
        return

    settings = load_settings()
    out = args.out or settings.data_dir / "bench" / "sizing.json"
    results: dict = {"run_at": datetime.now().astimezone().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
                     "part_seconds": {}}
    with tempfile.TemporaryDirectory(prefix="bronvast-sizing-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_ingest:
            started = time.perf_counter()
            results["ingest"] = measure_ingest(work)
            results["part_seconds"]["ingest"] = round(time.perf_counter() - started)
            save(results, out)
        if not args.skip_store and not SHARED.is_dir():
            print(f"store part skipped: {SHARED} is absent (real passages and questions come from there)")
        elif not args.skip_store:
            started = time.perf_counter()
            sizes = [int(size) for size in args.sizes.split(",")]
            results["store"] = measure_store(sizes, work, settings, args.passages,
                                             lambda store: save(results | {"store": store}, out))
            results["part_seconds"]["store"] = round(time.perf_counter() - started)

    print(f"\nSizing, measured {results['run_at']} on {results['cpus']} cores; seconds per part: "
          f"{results['part_seconds']}")
    if "store" in results:
        print_store(results["store"])
    if "ingest" in results:
        print_ingest(results["ingest"])
    save(results, out)
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
