"""Every reader fuzzed: the thousand malformed files of tests/fuzz_corpus.py ingested by the real `bronvast ingest`,
a process of its own with its reader workers (ingest/isolation.py), watched from outside through /proc.

The ingest must end as documented (exit code 2: files rejected), without a traceback, naming every file as indexed
or as rejected with a reason; random bytes under a text suffix must be refused, no reader may hang (the time limit
is never reached), and no worker may hold more memory than its limit. The figures (files, outcomes, reasons,
seconds, peak memory) are printed under "bronvast figures" at the end of the run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from fuzz_corpus import NOISE_IN_TEXT, OCR_SEEDS, write_corpus
from process_tree import watch

from bronvast.edge_store import EdgeStore
from bronvast.settings import PROJECT_ROOT

TIMEOUT_S = 20  # per file: forty times the slowest file of the corpus, so reaching it means a reader hangs
MEMORY_MB = 512  # per worker: every honest file of the corpus needs far less, every bomb far more
OCR = shutil.which("tesseract") is not None  # without it scans and images are refused (OCR is niet beschikbaar)
MUST_BE_REFUSED = [
    "hostile-zip-bomb.docx", "hostile-zip-bomb.odt", "hostile-zip-bomb-lying-size.odt", "hostile-image-bomb-rgb.png",
    "hostile-image-claims-huge.png", "hostile-image-claims-huge.tif", "hostile-image-claims-huge.jpg",
    "hostile-huge-page.pdf", "hostile-billion-laughs.xml", "hostile-billion-laughs.odt",
    "hostile-external-entity.xml", "hostile-external-entity.odt", "hostile-entity-docx.docx", "hostile-deep.html",
    "hostile-deep-unclosed.htm",
]
REASON_CLASSES = [  # (label, what its reason says), the first that fits
    ("tijdslimiet", ["lezen duurde langer"]), ("geheugenlimiet", ["geheugen nodig"]),
    ("lezer brak af", ["de lezer brak af", "stopte onverwacht"]), ("ander type dan de naam", ["bestand heet"]),
    ("leeg", ["leeg bestand"]), ("geen leesbare tekst", ["geen leesbare tekst", "geen tekst om te indexeren"]),
    ("DOCTYPE, te groot, te diep", ["DOCTYPE", "te groot", "te diep"]),
    ("geen e-mail of archiefrecord", ["geen e-mailbericht", "e-mail zonder tekst", "geen MDTO- of TMLO-record"]),
    ("fout van een bibliotheek", ["kon niet gelezen worden"]),
    ("beschadigd of ongeldig", ["beschadigd", "geen geldig", "geen geldige"]),
]


def test_every_reader_survives_the_fuzz_corpus(tmp_path, figures):
    corpus = write_corpus(tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "BRONVAST_DATA_DIR": str(tmp_path / "data"),
           "COLUMNS": "5000",  # one line per file in the summary table
           "BRONVAST_INGEST__FILE_TIMEOUT_S": str(TIMEOUT_S), "BRONVAST_INGEST__FILE_MEMORY_MB": str(MEMORY_MB),
           "BRONVAST_INGEST__OCR_DPI": "100"}  # damaged PDFs are mostly "scans": OCR at 300 dpi would take minutes
    started = time.perf_counter()
    with (tmp_path / "stdout").open("w") as stdout, (tmp_path / "stderr").open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", "corpus"], cwd=tmp_path,
                                   env=env, stdout=stdout, stderr=stderr)
        watched = watch(process)
    seconds = time.perf_counter() - started
    output, errors = (tmp_path / "stdout").read_text(), (tmp_path / "stderr").read_text()

    assert process.returncode == 2, errors[-2000:]
    assert "Traceback" not in output + errors, errors[-4000:]
    rows = summary(output)
    assert sorted(rows) == sorted(f"corpus/{name}" for name in corpus)  # every file, by its own name
    assert {status for status, _ in rows.values()} == {"nieuw", "geweigerd"}
    rejected = {Path(path).name: reason for path, (status, reason) in rows.items() if status == "geweigerd"}
    assert all(rejected.values()), [name for name, reason in rejected.items() if not reason]
    assert {name for name, kind in corpus.items() if kind == NOISE_IN_TEXT} <= set(rejected)
    assert not [name for name, reason in rejected.items() if "lezen duurde langer" in reason]  # no reader hangs
    assert set(MUST_BE_REFUSED) <= set(rejected)
    for bomb in ("hostile-zip-bomb.docx", "hostile-image-bomb-rgb.png"):
        assert f"meer dan {MEMORY_MB} MB geheugen" in rejected[bomb]
    assert "bijlage.docx" in rows["corpus/hostile-mail-with-zip-bomb.eml"][1]  # the mail indexed, its bomb skipped
    seeds = {name for name, kind in corpus.items() if kind == "seed"}
    readable = seeds if OCR else {name for name in seeds if Path(name).stem.removeprefix("seed-") not in OCR_SEEDS}
    assert not readable & set(rejected), {name: rejected[name] for name in readable & set(rejected)}  # valid: indexed
    indexed = len(rows) - len(rejected)

    store = EdgeStore.open(tmp_path / "data" / "edge")
    try:
        assert not [c.source for c in store.chunks("default") if "root:x:0:0" in c.text]  # no external entity read
    finally:
        store.close()
    assert watched.workers >= 2
    assert watched.peak_worker_mb <= MEMORY_MB

    classes = Counter(reason_class(reason) for reason in rejected.values())
    ingest_seconds = float(re.search(r"— ([\d.]+) s", output).group(1))
    figures(f"{len(rows)} files in {seconds:.0f} s (the ingest itself {ingest_seconds:.0f} s): {indexed} indexed, "
            f"{len(rejected)} rejected; workers started {watched.workers}, their CPU {watched.worker_cpu_s:.0f} s")
    figures("rejected by reason: " + ", ".join(f"{label} {n}" for label, n in classes.most_common()))
    figures(f"peak RSS: the process tree {watched.peak_tree_mb:.0f} MB at once, the ingest process "
            f"{watched.peak_ingest_mb:.0f} MB, the largest worker {watched.peak_worker_mb:.0f} MB "
            f"(limit {MEMORY_MB} MB)")


def summary(output: str) -> dict[str, tuple[str, str]]:
    """The CLI's summary table: file as shown -> (status, reason); a reason folded over lines joined again."""
    rows: dict[str, tuple[str, str]] = {}
    last = ""
    for line in output.splitlines():
        if not line.startswith("│"):
            continue
        name, status, _chunks, reason = (cell.strip() for cell in line.strip().strip("│").split("│"))
        if name:
            rows[name], last = (status, reason), name
        else:
            rows[last] = (rows[last][0], f"{rows[last][1]} {reason}")
    return rows


def reason_class(reason: str) -> str:
    return next((label for label, cues in REASON_CLASSES if any(cue in reason for cue in cues)), "overig")
