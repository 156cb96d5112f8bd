"""Crash safety under repetition: a real `bronvast ingest` killed with SIGKILL at random moments, again and again,
over an initial ingest of a few hundred files in four formats, a folder sync after files changed, came and went,
and a sync that removes a whole subfolder's documents; after each phase the command runs to completion, and the
collection is compared, document by document, with a clean ingest of the final folder in a data dir of its own.

Kill moments are keyed on real progress, so they land in the work rather than in model loading: the CLI's own
progress bar (made to draw into a pipe) says how many files a run has settled; each kill is aimed at a randomly drawn
item of the phase's work (a file to write, a document to remove) and made at a random moment of the step expected
to settle it. `make reliability` runs it with RELIABILITY_KILLS=20; `make test` leaves it out (model loading costs
every process seconds: about 3 minutes), and keeps the single real kill of tests/test_sync.py. The figures, kills by where they landed, are printed at the end of the run."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from files import make_docx, make_html, make_text
from killing import BRONVAST, assert_whole, bronvast_env, run_and_kill, snapshot, stored_versions

from assistant.app import Bronvast
from bronvast.edge_store import EdgeStore
from bronvast.settings import load_settings
from bronvast.store import Version
from ingest.readers import document_key
from ingest.sources import FileSource, find_files

KILLS = int(os.environ.get("RELIABILITY_KILLS", "0"))
pytestmark = pytest.mark.skipif(KILLS == 0, reason="kills a real ingest 20 times: make reliability")
SHARES = {"eerste ingest": 0.4, "sync": 0.35, "verwijderen": 0.25}  # of the kills, per phase
FILES = 240
COLLECTION = "crash"
WORDS = ["gemeente", "raad", "besluit", "brug", "haven", "park", "plein", "markt", "zwembad", "station", "begroting",
         "tarief", "vergunning", "wijk", "subsidie", "afval", "riolering", "fietspad", "school", "bibliotheek",
         "parkeren", "zone", "kade", "dijk", "gemaal"]
# The CLI's progress bar drawn into a pipe, without colours, wide enough that nothing wraps.
DRAWN_BAR = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "NO_COLOR": "1", "COLUMNS": "200"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SETTLED = re.compile(r"Indexeren\D*?(\d+)/(\d+|\?)")


def write_document(path: Path, rng: random.Random, number: int, version: int) -> None:
    """Short paragraphs under one heading naming the document and its version, in the format of its suffix: one
    chunk, or for one document in ten, a few (embedding is what a process spends its work on)."""
    paragraphs = [f"Dossier {number} versie {version} alinea {p}: "
                  + " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 30))) + "."
                  for p in range(8 if number % 10 == 3 else rng.randint(1, 2))]
    heading = f"Dossier {number}"
    if path.suffix == ".docx":
        make_docx(path, heading, [(heading, "\n".join(paragraphs))])
    elif path.suffix == ".html":
        make_html(path, f"<h2>{heading}</h2>" + "".join(f"<p>{text}</p>" for text in paragraphs))
    elif path.suffix == ".md":
        make_text(path, f"## {heading}\n\n" + "\n\n".join(paragraphs))
    else:
        make_text(path, "\n\n".join(paragraphs))


def document_path(folder: Path, number: int) -> Path:
    return folder / f"map{number % 10}" / f"dossier{number:03}.{('txt', 'md', 'html', 'docx')[number % 4]}"


def write_corpus(folder: Path, rng: random.Random) -> None:
    """FILES documents in ten subfolders; every twentieth a copy of one in another subfolder (stored once, dedup)."""
    for number in range(FILES):
        path = document_path(folder, number)
        if number % 20 == 19:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(document_path(folder, number - 16), path)
        else:
            write_document(path, rng, number, version=1)


def change_files(folder: Path, rng: random.Random) -> None:
    """A new version of one file in eight, one in fifteen gone, twenty new ones."""
    present = sorted(find_files([folder])[0])
    for path in rng.sample(present, len(present) // 8):
        write_document(path, rng, int(path.stem.removeprefix("dossier")), version=2)
    for path in rng.sample(present, len(present) // 15):
        path.unlink(missing_ok=True)
    for number in range(FILES, FILES + 20):
        write_document(document_path(folder, number), rng, number, version=1)


class ProgressBar:
    """How many files (and removed documents) a `bronvast ingest` child has settled, read from its own progress bar
    on stderr, and each step by which that count went up (a group of files written together, one file, a removal)."""

    def __init__(self, stream):
        self.total_known_at: float | None = None  # the files are counted: the models are loaded, work begins
        self.steps: list[tuple[float, int]] = [(time.monotonic(), 0)]  # (when, settled)
        self.ended = False
        self.changed = threading.Condition()
        threading.Thread(target=self._follow, args=(stream,), daemon=True).start()

    @property
    def settled(self) -> int:
        return self.steps[-1][1]

    def _follow(self, stream) -> None:
        pending = ""
        while chunk := os.read(stream.fileno(), 65536):
            *frames, pending = re.split(r"[\r\n]", pending + chunk.decode("utf-8", "replace"))
            for frame in frames:
                match = SETTLED.search(ANSI.sub("", frame))
                if match and match.group(2) != "?":
                    self.total_known_at = self.total_known_at or time.monotonic()
                    if int(match.group(1)) > self.settled:
                        with self.changed:
                            self.steps.append((time.monotonic(), int(match.group(1))))
                            self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for_step(self, seen: int, timeout: float) -> None:
        """Until more than `seen` are settled, the child has gone, or `timeout` seconds have passed."""
        with self.changed:
            self.changed.wait_for(lambda: self.settled > seen or self.ended, timeout)

    def last_step(self) -> tuple[float, int]:
        """How long the last step took and how many it settled (0, 0 before the second: the first includes
        loading the models)."""
        if len(self.steps) < 3:
            return 0.0, 0
        (before, settled_before), (now, settled) = self.steps[-2:]
        return now - before, settled - settled_before


def pending(versions: list[Version], folder: Path, sync: bool) -> tuple[list[int], int]:
    """What a run over `folder` still has to do, judged from the stored versions: the places (1-based, in the
    ingest's file order) of the files whose current content no complete version holds under their name, and how
    many documents it has to remove (with --sync: names under the folder whose file is gone)."""
    held = {(name, v.sha256) for v in versions if v.complete for name in v.names}
    files = find_files([folder])[0]
    to_write = [place for place, path in enumerate(files, 1)
                if (document_key(path), FileSource(path).identity()) not in held]
    present = {document_key(path) for path in files}
    names = {name for v in versions if v.complete for name in v.names}
    gone = [n for n in names if n not in present and Path(n).is_relative_to(folder.resolve())] if sync else []
    return to_write, len(gone)


def cut_off(versions: list[Version]) -> set[tuple[str, str]]:
    """Versions with fewer points than chunks_total: a kill in the middle of writing them."""
    return {(v.path, v.sha256) for v in versions if not v.complete}


def doubled(versions: list[Version]) -> set[tuple[str, str]]:
    """Paths with two complete versions: a kill between writing a changed file's new version and removing the old."""
    complete = Counter(v.path for v in versions if v.complete)
    return {(v.path, v.sha256) for v in versions if v.complete and complete[v.path] > 1}


def landed(before: list[Version], after: list[Version], left: tuple[list[int], int], returncode: int,
           working: bool) -> str:
    """Where a kill landed, judged from the store before and after the killed run; `working`: the run had counted
    its files (its models were loaded)."""
    if returncode == 0:
        return "na afloop (het proces was al klaar)"
    if cut_off(after) - cut_off(before):
        return "midden in het schrijven van een versie"
    if doubled(after) - doubled(before):
        return "tussen het schrijven van een nieuwe versie en het wissen van de oude"
    if not working:
        return "tijdens het opstarten"
    if sorted(map(repr, before)) == sorted(map(repr, after)):
        return "aan het werk (lezen, hashen, embedden), nog niets geschreven"
    if not left[0] and not left[1]:
        return "na het laatste schrijven"
    return "tussen twee schrijfacties"


class Killer:
    """Runs one `bronvast ingest` command over and over against one data dir: killed at drawn moments, then to
    completion; keeps count of processes, kills by where they landed, and the time the models took to load."""

    def __init__(self, folder: Path, data: Path, rng: random.Random):
        self.folder, self.data, self.rng = folder, data, rng
        self.landings: dict[str, Counter] = {}
        self.processes = 0
        self.startups: list[float] = []
        self.bar: ProgressBar | None = None  # the last killed run's

    def phase(self, label: str, kills: int, sync: bool) -> None:
        """Kills the phase's command `kills` times at moments spread over its work, then runs it to completion."""
        command = [*BRONVAST, "ingest", str(self.folder), "--collection", COLLECTION, *(["--sync"] if sync else [])]
        versions = self.versions()
        left = to_write, to_remove = pending(versions, self.folder, sync)
        files = len(find_files([self.folder])[0])
        # The work items: a file's place in the run's order, then the removals (settled after every file).
        work = to_write + [files + ordinal for ordinal in range(1, to_remove + 1)]
        landings = self.landings.setdefault(label, Counter())
        for item in sorted(self.rng.sample(work, min(kills, len(work)))):
            removed = to_remove - left[1]  # by the runs killed before: this run has that many fewer to do
            place = item if item <= files else files + max(0, item - files - removed)
            returncode = run_and_kill(command, bronvast_env(self.data, **DRAWN_BAR), self.kill_after(place),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            assert returncode in (-signal.SIGKILL, 0)
            self.processes += 1
            after = self.versions()
            left = pending(after, self.folder, sync)
            landings[landed(versions, after, left, returncode, self.bar.total_known_at is not None)] += 1
            versions = after
        self.processes += 1
        done = subprocess.run(command, env=bronvast_env(self.data), capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr

    def kill_after(self, place: int):
        """A kill at a random moment of the step predicted to settle the item at `place`: one as large as the step
        before it would reach it. Waiting for the step that does settle it would kill at its end, after a write."""
        def kill_moment(process: subprocess.Popen) -> None:
            launched = time.monotonic()
            bar = self.bar = ProgressBar(process.stderr)
            while process.poll() is None and bar.settled < place:
                assert time.monotonic() < launched + 300, "no kill moment within 300 s"
                seen = bar.settled
                seconds, size = bar.last_step()
                if seen + size >= place:
                    bar.wait_for_step(seen, self.rng.uniform(0, seconds))
                    break
                bar.wait_for_step(seen, 1.0)
            if bar.total_known_at:
                self.startups.append(bar.total_known_at - launched)
        return kill_moment

    def versions(self) -> list[Version]:
        return stored_versions(self.data / "edge", COLLECTION)


@pytest.mark.slow
def test_repeated_kills_leave_the_collection_equal_to_a_clean_ingest(app, tmp_path, figures):
    started = time.monotonic()
    rng = random.Random(19)  # the files; the kills draw from their own, which timing makes draw more or less
    folder, data = tmp_path / "dossiers", tmp_path / "data"
    write_corpus(folder, rng)
    killer = Killer(folder, data, random.Random(20))
    shares = {label: round(KILLS * share) for label, share in SHARES.items()}
    shares["eerste ingest"] += KILLS - sum(shares.values())

    killer.phase("eerste ingest", shares["eerste ingest"], sync=False)
    change_files(folder, rng)
    killer.phase("sync", shares["sync"], sync=True)
    shutil.rmtree(folder / "map3")
    killer.phase("verwijderen", shares["verwijderen"], sync=True)

    final = find_files([folder])[0]
    store = EdgeStore.open(data / "edge")
    try:
        assert_whole(store, COLLECTION, final)
        result = snapshot(store, COLLECTION)
    finally:
        store.close()
    clean = Bronvast(load_settings(overrides=[f"data_dir={tmp_path / 'clean'}"]))
    clean.embedder = app.embedder  # the same model, loaded once
    try:
        assert clean.ingest([folder], COLLECTION).exit_code == 0
        assert snapshot(clean.store, COLLECTION) == result  # nothing lost, doubled or half indexed
    finally:
        clean.close()

    kills = sum(sum(counts.values()) for counts in killer.landings.values())
    assert kills == KILLS
    figures(f"{kills} kills (SIGKILL) van een echte `bronvast ingest`, {killer.processes} processen, "
            f"{len(final)} bestanden aan het eind; {time.monotonic() - started:.0f} s in totaal; opstarten tot de "
            f"bestanden geteld zijn {sum(killer.startups) / max(1, len(killer.startups)):.1f} s per proces")
    for label, counts in killer.landings.items():
        figures(f"{label}: " + ", ".join(f"{n} {where}" for where, n in counts.most_common()))
    figures("na elke fase tot het eind gedraaid: de collectie is per document gelijk aan een schone ingest")
