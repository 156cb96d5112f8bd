"""Load while the index changes: a real `bronvast serve` (embedded default, extractive answers) answers 50
concurrent clients over its REST API while a real `bronvast ingest`, a client of that serve (assistant/remote.py),
replaces every document of a folder by a new version.

Every sentence of a version carries that version's marker ("stand 2024" or "stand 2025"), so every chunk does:
an answer citing a document half old and half new, or a passage that is no complete version's chunk, shows. The
serving process's resident memory is sampled throughout. The figures (answers, errors, latency, memory) are printed
at the end of the run."""

from __future__ import annotations

import json
import random
import re
import statistics
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from killing import BRONVAST, bronvast_env
from outside import free_port

from assistant.app import Bronvast
from assistant.wire import SERVER_FILE
from bronvast.settings import load_settings
from ingest.chunking import chunk_document
from ingest.readers import read_documents
from ingest.sources import FileSource

CLIENTS = 50
DOCUMENTS = 16
MARKERS = {1: "stand 2024", 2: "stand 2025"}
SUBJECTS = ["parkeren", "afvalinzameling", "de hondenbelasting", "een evenementenvergunning", "de marktplaats",
            "een terrasvergunning"]
DISTRICTS = ["Noord", "Zuid", "Oost", "West"]
# What the serving process may grow by over its resident memory before the load (models loaded, index open). The
# load adds transient memory: the ingest's read-ahead (16 small files) and one embedding batch (64 chunks), and 50
# questions in flight, 40 of them at once in worker threads (questions run beside each other and beside the
# ingest), each with its embedding and the allocator's arena for its thread: measured +242 MB on 2 cores. Half a
# GB leaves room for a busy machine, and is far below what keeping what the load passes through (every answer,
# every version read) would take.
GROWTH_CEILING_MB = 512
T = TypeVar("T")


def topic(number: int) -> tuple[str, str]:
    return SUBJECTS[number % len(SUBJECTS)], DISTRICTS[number // len(SUBJECTS) % len(DISTRICTS)]


def write_version(folder: Path, number: int, version: int) -> Path:
    """Three sections (three chunks), every sentence ending in the version's marker."""
    subject, district = topic(number)
    marker = MARKERS[version]
    sections = [
        (f"## Tarief\n\nHet tarief voor {subject} in {district} bedraagt {number + 1},{version * 25:02d} euro "
         f"({marker}). Het tarief geldt voor raadsstuk {number} ({marker})."),
        (f"## Aanvragen\n\nU vraagt {subject} in {district} aan bij het loket van stadsdeel {district} ({marker}). "
         f"De behandeltermijn is {version + 3} weken ({marker})."),
        (f"## Bezwaar\n\nTegen een besluit over {subject} in {district} kunt u binnen zes weken bezwaar maken "
         f"({marker}). Het bezwaar richt u aan het college ({marker})."),
    ]
    path = folder / f"raadsstuk-{number:02}.md"
    path.write_text("\n\n".join(sections), encoding="utf-8")
    return path


@dataclass
class FileVersion:
    sha256: str
    chunks: set[str]


def version_of(app: Bronvast, path: Path) -> FileVersion:
    """The file's identity hash and its chunk texts, as an ingest stores them (the same reader and splitter)."""
    sha = FileSource(path).identity()
    documents = read_documents(path, app.settings.ingest, sha)
    return FileVersion(sha, {c.text for d in documents for c in chunk_document(d, "x", app.splitter)})


def both_versions(app: Bronvast, folder: Path) -> dict[str, dict[int, FileVersion]]:
    """File name -> version number -> its hash and chunks; leaves version 1 in the folder."""
    versions: dict[str, dict[int, FileVersion]] = defaultdict(dict)
    for number in range(DOCUMENTS):
        for version in (2, 1):
            path = write_version(folder, number, version)
            versions[path.name][version] = version_of(app, path)
    return versions


@contextmanager
def served(data: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real `bronvast serve` over `data` with extractive answers, ready to answer; stopped afterwards."""
    port = free_port()
    server = subprocess.Popen([*BRONVAST, "serve", "--port", str(port), "--set", "answer.mode=extractive"],
                              env=bronvast_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while not ready(url):
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "serve was not ready within 180 s"
            time.sleep(0.5)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz").status_code == 200
    except httpx.ConnectError:  # not listening yet
        return False


@dataclass
class Asked:
    started: float
    ended: float
    status: int  # 0: no response (a connection error)
    body: dict = field(default_factory=dict)


@dataclass
class Load:
    """What the clients saw and what the server's memory did while they asked."""

    asked: list[Asked] = field(default_factory=list)
    listings: list[tuple[int, list[dict]]] = field(default_factory=list)  # (status, documents)
    resident_mb: list[float] = field(default_factory=list)


def ask_until(stop: threading.Event, client: httpx.Client, seed: int, load: Load) -> None:
    """One client: questions one after the other, until `stop` is set."""
    rng = random.Random(seed)
    while not stop.is_set():
        subject, district = topic(rng.randrange(DOCUMENTS))
        started = time.monotonic()
        try:
            response = client.post("/api/v1/ask", json={"question": f"Wat kost {subject} in {district}?"})
            body = response.json() if response.status_code == 200 else {"detail": response.text}
            load.asked.append(Asked(started, time.monotonic(), response.status_code, body))
        except httpx.HTTPError as exc:
            load.asked.append(Asked(started, time.monotonic(), 0, {"detail": repr(exc)}))


def list_until(stop: threading.Event, client: httpx.Client, load: Load) -> None:
    """The document list, again and again, until `stop` is set."""
    while not stop.wait(0.2):
        response = client.get("/api/v1/documents")
        load.listings.append((response.status_code, response.json() if response.status_code == 200 else []))


def sample_memory(stop: threading.Event, pid: int, load: Load) -> None:
    while not stop.wait(0.1):
        load.resident_mb.append(resident_mb(pid))


def resident_mb(pid: int, field_name: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS) or at its highest so far (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"{field_name} missing from /proc/{pid}/status")


def under_load(url: str, token: str, pid: int, work: Callable[[], T]) -> tuple[T, Load]:
    """Runs `work` while CLIENTS clients ask questions, one more lists the documents and the server's memory is
    sampled; the load starts a second before the work and stops a second after it. Returns the work's result and
    the load."""
    load, stop = Load(), threading.Event()
    clients = [httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
               for _ in range(CLIENTS + 1)]
    threads = [threading.Thread(target=ask_until, args=(stop, client, seed, load))
               for seed, client in enumerate(clients[:CLIENTS])]
    threads += [threading.Thread(target=list_until, args=(stop, clients[-1], load)),
                threading.Thread(target=sample_memory, args=(stop, pid, load))]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        result = work()
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        for client in clients:
            client.close()
    return result, load


def mixed_or_partial(answer: dict, versions: dict[str, dict[int, FileVersion]]) -> list[str]:
    """What in an answer's citations is not of one complete version per document: several versions of one
    document, a passage that is no chunk of the version it names, or one carrying another version's marker."""
    problems = []
    by_source = defaultdict(set)
    for citation in answer["citations"]:
        by_source[citation["source"]].add(citation["sha256"])
        number = next((n for n, v in versions[citation["source"]].items() if v.sha256 == citation["sha256"]), None)
        if number is None or citation["text"] not in versions[citation["source"]][number].chunks:
            problems.append(f"{citation['source']}: passage of no complete version: {citation['text'][:80]}")
        elif MARKERS[3 - number] in citation["text"]:
            problems.append(f"{citation['source']}: version {number} with the other's marker")
    problems += [f"{source}: {len(shas)} versions in one answer" for source, shas in by_source.items() if len(shas) > 1]
    return problems


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


@pytest.mark.slow
def test_fifty_clients_while_an_ingest_replaces_every_document(app, tmp_path, figures):
    data, folder = tmp_path / "data", tmp_path / "raadsstukken"
    folder.mkdir()
    versions = both_versions(app, folder)
    for name, by_number in versions.items():  # the design holds: every chunk carries its own version's marker
        for number, version in by_number.items():
            assert all(MARKERS[number] in text and MARKERS[3 - number] not in text for text in version.chunks), name
    first = Bronvast(load_settings(overrides=[f"data_dir={data}"]))
    first.embedder = app.embedder  # the same model, loaded once; the data dir is serve's once this has closed it
    try:
        assert first.ingest([folder]).exit_code == 0
    finally:
        first.close()

    with served(data) as (url, server):
        token = json.loads((data / SERVER_FILE).read_text())["token"]
        baseline_mb = resident_mb(server.pid)
        for number in range(DOCUMENTS):
            write_version(folder, number, 2)

        def ingest_new_versions() -> tuple[subprocess.CompletedProcess, float]:
            started = time.monotonic()
            done = subprocess.run([*BRONVAST, "ingest", str(folder)], env=bronvast_env(data), capture_output=True,
                                  text=True, timeout=300)
            return done, time.monotonic() - started

        (ingest, ingest_seconds), load = under_load(url, token, server.pid, ingest_new_versions)
        peak_mb = resident_mb(server.pid, "VmHWM")

    assert ingest.returncode == 0 and "gaat via" in ingest.stderr, ingest.stderr  # through the serving process
    assert ingest.stdout.count("vervangen") == DOCUMENTS
    errors = [asked for asked in load.asked if asked.status != 200]
    assert not errors, errors[:3]
    answers = [asked.body for asked in load.asked]
    assert all(answer["answer"] and (answer["refused"] or answer["citations"]) for answer in answers)
    problems = [problem for answer in answers for problem in mixed_or_partial(answer, versions)]
    assert not problems, problems[:5]
    chunk_counts = {name: {len(v.chunks) for v in by_number.values()} for name, by_number in versions.items()}
    for status, listing in load.listings:  # every document listed once, with a complete version's chunk count
        assert status == 200 and sorted(d["file"] for d in listing) == sorted(versions)
        assert all(d["chunks"] in chunk_counts[d["file"]] for d in listing)
    cited = {n: sum(any(c["sha256"] == v[n].sha256 for v in versions.values() for c in answer["citations"])
                    for answer in answers) for n in MARKERS}
    assert cited[1] and cited[2]  # answers from before the new versions and after them
    assert max(load.resident_mb) - baseline_mb < GROWTH_CEILING_MB and peak_mb - baseline_mb < GROWTH_CEILING_MB

    latencies = [asked.ended - asked.started for asked in load.asked]
    answered_at = sorted(asked.ended for asked in load.asked)
    figures(f"{CLIENTS} clients, {len(load.asked)} vragen in {answered_at[-1] - answered_at[0]:.0f} s: "
            f"{len(errors)} fouten, {sum(a['refused'] for a in answers)} geweigerd; {cited[1]} antwoorden citeren "
            f"versie 1, {cited[2]} versie 2, 0 een half of gemengd document; {len(load.listings)} documentlijsten heel")
    figures(f"latentie p50 {percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s; langste "
            f"pauze zonder antwoord {max(b - a for a, b in pairwise(answered_at)):.1f} s")
    own = re.search(r"— ([\d.]+) s", ingest.stdout).group(1)  # the summary's title: the ingest's own time
    figures(f"ingest van {DOCUMENTS} nieuwe versies via serve: {ingest_seconds:.1f} s voor de client (opstarten, "
            f"wachten op de server, {own} s de ingest zelf); RSS van serve {baseline_mb:.0f} MB voor de last, piek "
            f"{peak_mb:.0f} MB (plafond +{GROWTH_CEILING_MB} MB)")
