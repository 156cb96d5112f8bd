"""Uploads (assistant/uploads.py) through the REST API (FastAPI's TestClient) and the UI's function: the limits, the
type by content, names, the quarantine, replacing, and a crash at every step repaired by recover_uploads."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from files import make_docx, make_pdf

from assistant import uploads
from assistant.api import build_api
from assistant.app import Bronvast
from assistant.ui.documents import add_documents, delete
from assistant.uploads import QUARANTINE, UPLOADS, recover_uploads
from bronvast.schema import Caller
from bronvast.settings import load_settings
from ingest.manifest import Manifests
from ingest.sources import FileSource

TOKEN = "geheim-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CLERK = Caller("griffier", (), ("ingest", "delete"))
LIMITS = ["serve.upload_max_files=3", "serve.upload_max_file_bytes=2KiB", "serve.upload_max_request_bytes=5KiB"]


def sharing(app: Bronvast, *overrides: str) -> Bronvast:
    """An application on the session app's data dir, store and embedder (one process opens a data dir once), with
    other settings."""
    other = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", "answer.mode=extractive",
                                              *overrides]))
    other.store, other.embedder = app.store, app.embedder
    return other


@pytest.fixture(scope="module")
def uploader(app) -> Bronvast:
    return sharing(app)


@pytest.fixture(scope="module")
def limited(app) -> Bronvast:
    return sharing(app, *LIMITS)


def client(app: Bronvast) -> TestClient:
    return TestClient(build_api(app, TOKEN), headers=AUTH)


def post(app: Bronvast, collection: str, *files: tuple[str, bytes]):
    return client(app).post("/api/v1/documents", data={"collection": collection},
                            files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def note(text: str) -> bytes:
    return f"# Notitie\n\n{text}\n".encode()


def folder(app: Bronvast, kind: str, collection: str) -> Path:
    return app.settings.data_dir / kind / collection


def stored(app: Bronvast, collection: str) -> dict[str, bytes]:
    uploaded = folder(app, UPLOADS, collection)
    return {p.name: p.read_bytes() for p in uploaded.iterdir()} if uploaded.is_dir() else {}


def assert_consistent(app: Bronvast, collection: str) -> None:
    """Every file in the uploads folder is indexed with its content, every uploaded document has its file, and the
    quarantine is empty."""
    uploaded = folder(app, UPLOADS, collection).resolve()
    files = {p.name: FileSource.of(p, Manifests()).identity() for p in uploaded.iterdir()} if uploaded.is_dir() else {}
    versions = app.store.versions(collection) if collection in app.store.collections() else []
    indexed = {Path(v.path).name: v.sha256 for v in versions if Path(v.path).parent == uploaded}
    assert files == indexed
    assert all(v.complete for v in versions)
    quarantine = folder(app, QUARANTINE, collection)
    assert not quarantine.exists() or not any(quarantine.iterdir())


def test_limits_refuse_the_whole_request_naming_the_file(limited):
    kilobytes = [(f"{n}.md", note("x" * 1900)) for n in "abc"]
    too_many = post(limited, "up-grenzen", *kilobytes, ("d.md", note("d")))
    assert too_many.status_code == 400
    assert too_many.json()["detail"] == "te veel bestanden in één keer: 4, hoogstens 3 (serve.upload_max_files)"
    too_large = post(limited, "up-grenzen", ("klein.md", note("klein")), ("groot.md", note("x" * 3000)))
    assert too_large.status_code == 413
    assert too_large.json()["detail"] == ("groot.md is groter dan 2 KB, de grens per bestand "
                                          "(serve.upload_max_file_bytes)")
    together = post(limited, "up-grenzen", *kilobytes)
    assert together.status_code == 413
    assert together.json()["detail"] == ("met c.md zijn de bestanden samen groter dan 5 KB, de grens per keer "
                                         "(serve.upload_max_request_bytes)")
    far_over = post(limited, "up-grenzen", ("enorm.md", b"x" * 200_000))  # the server stops reading: no names
    assert far_over.status_code == 413
    twice = post(limited, "up-grenzen", ("a.md", b"1"), ("a.md", b"2"))
    assert twice.json()["detail"] == "meer dan één bestand heet a.md"
    assert post(limited, "up-grenzen", ("..", b"1")).json()["detail"] == "ongeldige bestandsnaam: '..'"
    assert not folder(limited, UPLOADS, "up-grenzen").exists()
    assert not any(folder(limited, QUARANTINE, "up-grenzen").iterdir())
    assert post(limited, "up-grenzen", *kilobytes[:2]).status_code == 200  # within every limit


def test_the_type_is_decided_by_content_and_a_refused_file_is_removed_with_its_reason(uploader, tmp_path):
    word = make_docx(tmp_path / "w.docx", "Besluit", [("Besluit", "Het college besluit tot aanleg van een fietspad.")])
    pdf = make_pdf(tmp_path / "p.pdf", ["De gemeente plant 40 nieuwe bomen in het park."])
    response = post(uploader, "up-typen",
                    ("besluit.pdf", word.read_bytes()),  # a Word document named .pdf
                    ("download.pdf", b"<!DOCTYPE html><html><body>404 Not Found</body></html>"),  # an error page
                    ("tabel.xlsx", b"naam;bedrag\nJan;12"),
                    ("leeg.md", b""),  # passes the quarantine, refused by the reader
                    ("bomen.pdf", pdf.read_bytes()), ("besluit.docx", word.read_bytes()))
    assert response.status_code == 200
    outcomes = [(Path(o["path"]).name, o["status"], o["reason"]) for o in response.json()["outcomes"]]
    assert outcomes == [
        ("besluit.pdf", "geweigerd", "bestand heet .pdf maar is een DOCX-bestand (Word)"),
        ("download.pdf", "geweigerd", "bestand heet .pdf maar is een HTML-bestand"),
        ("tabel.xlsx", "geweigerd", "bestandstype '.xlsx' wordt niet ondersteund"),
        ("leeg.md", "geweigerd", "leeg bestand"),
        ("bomen.pdf", "nieuw", ""), ("besluit.docx", "nieuw", ""),
    ]
    assert set(stored(uploader, "up-typen")) == {"bomen.pdf", "besluit.docx"}
    assert_consistent(uploader, "up-typen")


def test_names_never_leave_the_uploads_folder(uploader):
    names = ["../../ontsnapt.md", "/etc/absoluut.md", "..\\..\\windows.md", "ｂｒｅｅｄ．ｍｄ", "x" * 300 + ".md"]
    response = post(uploader, "up-namen", *[(name, note(f"Tekst {n}.")) for n, name in enumerate(names)])
    assert [o["status"] for o in response.json()["outcomes"]] == ["nieuw"] * 5
    kept = sorted(stored(uploader, "up-namen"))
    assert kept[:4] == ["absoluut.md", "breed.md", "ontsnapt.md", "windows.md"]
    assert kept[4].endswith(".md") and len(kept[4].encode()) <= 200
    data_dir = uploader.settings.data_dir
    assert not (data_dir.parent / "ontsnapt.md").exists() and not (data_dir / "ontsnapt.md").exists()
    assert_consistent(uploader, "up-namen")


def test_an_upload_replaces_its_name_and_a_refused_one_keeps_the_indexed_version(uploader, tmp_path):
    def status(response) -> str:
        return response.json()["outcomes"][0]["status"]

    assert status(post(uploader, "up-vervang", ("brief.md", note("Versie een.")))) == "nieuw"
    assert status(post(uploader, "up-vervang", ("brief.md", note("Versie twee.")))) == "vervangen"
    assert stored(uploader, "up-vervang") == {"brief.md": note("Versie twee.")}
    refused = post(uploader, "up-vervang", ("brief.md", b"   "))  # refused by the reader: the indexed file stays
    assert refused.json()["outcomes"][0]["reason"] == "leeg bestand"
    pdf = make_pdf(tmp_path / "p.pdf", ["Een PDF."]).read_bytes()
    wrong = post(uploader, "up-vervang", ("brief.md", pdf))  # refused in the quarantine
    assert wrong.json()["outcomes"][0]["reason"] == "bestand heet .md maar is een PDF-bestand"
    assert stored(uploader, "up-vervang") == {"brief.md": note("Versie twee.")}
    assert_consistent(uploader, "up-vervang")


def test_an_ingest_that_fails_leaves_nothing_behind(uploader, tmp_path):
    """A collection made with personal-data redaction refuses the upload's default profile before reading."""
    source = tmp_path / "bezwaar.md"
    source.write_bytes(note("Bezwaar van een inwoner."))
    assert uploader.ingest([source], "up-bezwaren", redact=["bsn"]).exit_code == 0
    response = post(uploader, "up-bezwaren", ("nieuw.md", note("Nog een bezwaar.")))
    assert response.status_code == 400 and "up-bezwaren" in response.json()["detail"]
    assert stored(uploader, "up-bezwaren") == {}
    assert_consistent(uploader, "up-bezwaren")


def test_the_ui_upload_has_the_same_limits_checks_and_quarantine(limited, tmp_path):
    def written(name: str, data: bytes) -> str:
        (tmp_path / name).write_bytes(data)
        return str(tmp_path / name)

    big = [written("goed.md", note("Tekst.")), written("groot.md", note("x" * 3000))]
    assert add_documents(limited, big, "up-ui", CLERK) == (
        "Fout: groot.md is groter dan 2 KB, de grens per bestand (serve.upload_max_file_bytes)", [])
    steps = []
    mixed = [written("goed.md", note("Tekst.")), written("scan.png", note("Geen afbeelding."))]
    message, rows = add_documents(limited, mixed, "up-ui", CLERK, lambda done, **_: steps.append(done))
    assert message == "nieuw: 1, geweigerd: 1" and steps == [(1, 2), (2, 2)]
    assert rows == [["goed.md", "nieuw", 1, "", ""],
                    ["scan.png", "geweigerd", "", "", "bestand heet .png maar is een tekstbestand"]]
    assert stored(limited, "up-ui") == {"goed.md": note("Tekst.")}
    assert_consistent(limited, "up-ui")
    assert delete(limited, "goed.md", "up-ui", CLERK) == "Verwijderd: goed.md"
    assert stored(limited, "up-ui") == {}  # deleting the document deletes the uploaded file


class Crash(BaseException):
    """Stands for a kill -9: not an Exception, so the upload's error handling (`except Exception`) does not see it,
    as it would not see a kill, and nothing after it runs."""


class Crashing:
    """A module (os, shutil) as assistant/uploads.py sees it, one of its functions crashing at its nth call; the
    module itself, which the rest of the process uses, stays as it is."""

    def __init__(self, module, name: str, nth: int):
        self.module, self.name, self.nth, self.calls = module, name, nth, 0

    def __getattr__(self, attr):
        real = getattr(self.module, attr)
        if attr != self.name:
            return real

        def call(*args):
            self.calls += 1
            if self.calls == self.nth:
                raise Crash(attr)
            return real(*args)
        return call


def crash_in_ingest(app: Bronvast, after: int):
    """app.ingest crashing after `after` files' outcomes (0: before it begins)."""
    real = app.ingest

    def ingest(paths, collection=None, on_start=None, on_file=None, sync=False, redact=None, caller=None):
        if after == 0:
            raise Crash("ingest")
        heard = []

        def hear(outcome):
            on_file(outcome)
            heard.append(outcome)
            if len(heard) == after:
                raise Crash("ingest")
        return real(paths, collection, on_start, hear, sync, redact, caller)
    return ingest


def crash_at_call(function, nth: int):
    calls = []

    def crashing(*args, **kwargs):
        calls.append(args)
        if len(calls) == nth:
            raise Crash(function.__name__)
        return function(*args, **kwargs)
    return crashing


# Where the crash comes, and what the upload (a.md replaced, b.md new, c.pdf wrong type, d.md empty) then comes to.
BEFORE_THE_MOVE = {"a.md": note("a, eerste versie")}
AFTER_THE_MOVE = {"a.md": note("a, tweede versie"), "b.md": note("b")}
CRASHES = {
    "while-received": (lambda mp, app: mp.setattr(uploads, "copy_at_most", crash_at_call(uploads.copy_at_most, 2)),
                       BEFORE_THE_MOVE),
    "journal-written": (lambda mp, app: mp.setattr(uploads, "os", Crashing(os, "link", 1)), BEFORE_THE_MOVE),
    "linked-not-renamed": (lambda mp, app: mp.setattr(uploads, "os", Crashing(os, "replace", 1)), BEFORE_THE_MOVE),
    "half-moved": (lambda mp, app: mp.setattr(uploads, "os", Crashing(os, "replace", 2)),
                   {"a.md": note("a, tweede versie")}),
    "before-ingest": (lambda mp, app: mp.setattr(app, "ingest", crash_in_ingest(app, 0)), AFTER_THE_MOVE),
    "mid-ingest": (lambda mp, app: mp.setattr(app, "ingest", crash_in_ingest(app, 1)), AFTER_THE_MOVE),
    "while-settling": (lambda mp, app: mp.setattr(uploads.Batch, "settle", crash_at_call(uploads.Batch.settle, 2)),
                       AFTER_THE_MOVE),
    "before-cleanup": (lambda mp, app: mp.setattr(uploads, "shutil", Crashing(shutil, "rmtree", 1)), AFTER_THE_MOVE),
}


@pytest.mark.parametrize("where", sorted(CRASHES))
def test_a_crash_at_any_step_is_repaired_at_start(uploader, monkeypatch, where):
    """The upload is killed at a step; recover_uploads (run by `bronvast serve` at start) leaves the uploads folder
    and the index agreeing, the quarantine empty, and the upload either not begun or done."""
    crashing = uploader
    collection = f"up-crash-{where}"
    uploads.upload(crashing, [uploads.Incoming("a.md", io.BytesIO(note("a, eerste versie")))], collection, CLERK)
    batch = [("a.md", note("a, tweede versie")), ("b.md", note("b")), ("c.pdf", note("c")), ("d.md", b"")]
    arrange, expected = CRASHES[where]
    with monkeypatch.context() as patched:
        arrange(patched, crashing)
        with pytest.raises(Crash):
            uploads.upload(crashing, [uploads.Incoming(n, io.BytesIO(data)) for n, data in batch], collection, CLERK)
    journals = list(folder(crashing, QUARANTINE, collection).glob(f"*/{uploads.JOURNAL}"))
    assert [json.loads(j.read_text()) for j in journals] in ([], [["a.md", "b.md", "d.md"]])  # c.pdf: refused first

    assert recover_uploads(crashing) == 1
    assert stored(crashing, collection) == expected
    assert_consistent(crashing, collection)
    assert recover_uploads(crashing) == 0
