"""Files read in worker processes within a time and a memory limit (ingest/isolation.py): a file that crosses one is
rejected by name with the limit, the ingest goes on with the next file, and no worker outlives its use."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from files import make_docx, make_eml, make_odt, make_pdf, make_text
from fuzz_corpus import zip_bomb_docx
from process_tree import command, descendants, running, workers_below
from scans import save_image, scan

from bronvast.settings import IngestSettings
from ingest.isolation import ReaderProcesses
from ingest.parsed import UnreadableFile
from ingest.pipeline import Indexer, ingest_paths
from ingest.readers import read_documents

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is niet geïnstalleerd")
LIMITS = IngestSettings(file_timeout_s=2, file_memory_mb=512)


def long_scan(path: Path, frames: int = 40) -> Path:
    """A TIFF of `frames` pages with a line of text each: a real file, just slow (OCR reads a page in about 0.3 s)."""
    return save_image(path, [scan(["Pagina van een lange scan van de gemeente."])] * frames)


@pytest.fixture
def processes():
    readers = ReaderProcesses(LIMITS)
    yield readers
    readers.close()


@needs_tesseract
def test_files_over_a_limit_are_rejected_by_name_and_the_next_file_is_indexed(app, tmp_path, processes):
    folder = tmp_path / "map"
    long_scan(folder / "a-lange-scan.tif")
    (folder / "b-bom.docx").write_bytes(zip_bomb_docx(1024))  # inflates to 1 GB in python-docx
    make_text(folder / "c-besluit.txt", "Het college besluit de brug over de haven te vernieuwen.")
    indexer = Indexer(app.store, app.embedder, app.encoder, app.splitter, "isolatie", app.spec, reading=LIMITS,
                      processes=processes)

    started = time.perf_counter()
    report = ingest_paths([folder], indexer)

    outcomes = {o.path.name: (o.status, o.reason) for o in report.outcomes}
    assert outcomes == {
        "a-lange-scan.tif": ("geweigerd", "lezen duurde langer dan 2 s (ingest.file_timeout_s)"),
        "b-bom.docx": ("geweigerd", "lezen had meer dan 512 MB geheugen nodig (ingest.file_memory_mb)"),
        "c-besluit.txt": ("nieuw", ""),
    }
    assert time.perf_counter() - started < 30  # the scan alone would take minutes
    assert [c.text for c in app.store.chunks("isolatie")] == ["Het college besluit de brug over de haven te vernieuwen."]
    left = [command(pid) for pid in descendants(os.getpid())]
    assert not [c for c in left if c.startswith(b"tesseract")]  # the slow worker's OCR was killed with it


@needs_tesseract
def test_a_worker_killed_mid_file_is_named_with_its_signal_and_replaced(tmp_path, processes):
    scan_file = long_scan(tmp_path / "lang.tif")
    good = make_text(tmp_path / "goed.txt", "Het zwembad gaat in juni weer open.")
    patient = ReaderProcesses(IngestSettings(file_timeout_s=120))
    try:
        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(patient.read_documents, scan_file, None)
            (worker,) = wait_for(lambda: {pid for pid in workers_below(os.getpid()) if ocr_below(pid)})
            os.kill(worker, signal.SIGKILL)  # as the kernel's OOM killer would
            with pytest.raises(UnreadableFile, match=r"^de lezer brak af \(signaal 9, SIGKILL\)$"):
                reading.result(timeout=60)
        assert patient.read_documents(good, None)[0].pages[0].text == "Het zwembad gaat in juni weer open."
    finally:
        patient.close()


def test_documents_read_in_a_worker_are_those_read_here(tmp_path, processes):
    files = [
        make_pdf(tmp_path / "nota.pdf", ["Pagina een over de haven.", "Pagina twee over de dijk."], title="Nota"),
        make_docx(tmp_path / "besluit.docx", "Besluit", [("1. Aanleiding", "De raad vroeg om een brug.")]),
        make_odt(tmp_path / "memo.odt", [("h", 1, "Memo"), ("p", "Snoeiafval wordt opgehaald.")], title="Memo"),
        make_eml(tmp_path / "mail.eml", attachments=[("bijlage.md", b"# Bijlage\n\nDe tekening.")]),
        make_text(tmp_path / "tarieven.md", "# Tarieven\n\n## Zone A\n\n3,20 euro per uur."),
    ]
    if shutil.which("tesseract"):
        files.append(save_image(tmp_path / "scan.png", [scan(["Parkeren kost 3,20 euro per uur."])]))
    for path in files:
        assert processes.read_documents(path, None, "0" * 64) == read_documents(path, None, "0" * 64), path.name


def test_workers_start_once_serve_every_ingest_and_stop_on_close(app, tmp_path):
    first = make_text(tmp_path / "een.txt", "De markt is op zaterdag.")
    second = make_text(tmp_path / "twee.txt", "De bibliotheek sluit om vijf uur.")
    assert app.ingest([first], "iso-een").outcomes[0].status == "nieuw"
    serving = workers_below(os.getpid())
    assert serving  # the application reads its files in workers
    assert app.ingest([second], "iso-twee").outcomes[0].status == "nieuw"
    assert workers_below(os.getpid()) == serving  # the same ones, not started again

    readers = ReaderProcesses(LIMITS)
    readers.read_documents(first, None)
    own = workers_below(os.getpid()) - serving
    assert len(own) == 1
    readers.close()
    assert not [pid for pid in own if running(pid)]
    readers.read_documents(second, None)  # a closed one starts afresh
    own = workers_below(os.getpid()) - serving
    del readers  # never closed: its workers go with it
    gc.collect()
    assert own and not [pid for pid in own if running(pid)]


@needs_tesseract
def test_a_worker_leaves_when_the_process_that_started_it_is_killed(tmp_path):
    scan_file = long_scan(tmp_path / "lang.tif", frames=200)  # a minute of OCR
    script = ("import sys; from pathlib import Path; from bronvast.settings import IngestSettings; "
              "from ingest.isolation import ReaderProcesses; "
              "ReaderProcesses(IngestSettings()).read_documents(Path(sys.argv[1]), None)")
    ingest = subprocess.Popen([sys.executable, "-c", script, str(scan_file)])
    try:
        below = wait_for(lambda: [pid for pid in descendants(ingest.pid)[1:]
                                  if any(command(p).startswith(b"tesseract") for p in descendants(pid))])
        left = descendants(ingest.pid)[1:]
        ingest.kill()
        ingest.wait()
        wait_for(lambda: not [pid for pid in left if running(pid)], timeout_s=5)  # the worker and its OCR
    finally:
        ingest.kill()
    assert below


def ocr_below(pid: int) -> bool:
    return any(command(child).startswith(b"tesseract") for child in descendants(pid)[1:])


def wait_for(condition, timeout_s: float = 30):
    """The first true value of `condition()`, polled; fails after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"niet binnen {timeout_s} s")
