"""Folder sync, sidecar manifests, dedup, documents list/delete and crash recovery, on the real store and embedder."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import chunks_of
from killing import assert_whole, bronvast_env, run_and_kill, snapshot, stored_versions
from typer.testing import CliRunner

from assistant.cli import cli
from bronvast.edge_store import EdgeStore
from bronvast.factories import make_tokenizer
from bronvast.schema import Chunk, CollectionSpec, SparseVector
from bronvast.settings import ChunkingSettings
from bronvast.qdrant_store import QdrantStore
from bronvast.store import point_id
from ingest.chunking import make_splitter
from ingest.documents import DocumentNotFound
from ingest.pipeline import Indexer, ingest_paths

runner = CliRunner()


def collection() -> str:
    return f"sync-{uuid.uuid4().hex[:8]}"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def statuses(report) -> dict[str, str]:
    return {o.path.name: o.status for o in report.outcomes}


def stored(app, name: str) -> dict[str, set[str]]:
    """Every name a collection cites -> the texts stored for it."""
    found: dict[str, set[str]] = {}
    for chunk in chunks_of(app, name):
        for source in (chunk["source"], *chunk["also_sources"]):
            found.setdefault(source, set()).add(chunk["text"])
    return found


# Folder sync


def test_sync_adds_replaces_and_removes_only_under_the_folder(app, tmp_path):
    name = collection()
    folder = tmp_path / "map"
    write(folder / "a.txt", "De brug gaat in maart open.")
    write(folder / "b.txt", "Het zwembad sluit in de zomer.")
    write(folder / "sub" / "c.txt", "De bibliotheek verhuist naar het station.")
    outside = write(tmp_path / "buiten.txt", "De markt is op zaterdag.")
    app.ingest([folder, outside], name)

    write(folder / "a.txt", "De brug gaat in april open.")
    (folder / "b.txt").unlink()
    (folder / "sub" / "c.txt").unlink()
    write(folder / "d.txt", "Het stadhuis krijgt zonnepanelen.")
    without = app.ingest([folder], name)
    assert statuses(without) == {"a.txt": "vervangen", "d.txt": "nieuw"}
    assert set(stored(app, name)) == {"a.txt", "b.txt", "c.txt", "d.txt", "buiten.txt"}  # nothing deleted

    report = app.ingest([folder], name, sync=True)
    assert statuses(report) == {"a.txt": "ongewijzigd", "d.txt": "ongewijzigd", "b.txt": "verwijderd",
                                "c.txt": "verwijderd"}
    assert report.exit_code == 0
    assert stored(app, name) == {
        "a.txt": {"De brug gaat in april open."}, "d.txt": {"Het stadhuis krijgt zonnepanelen."},
        "buiten.txt": {"De markt is op zaterdag."},  # not under the folder synced
    }


def test_sync_of_a_missing_folder_deletes_nothing(app, tmp_path):
    name = collection()
    write(tmp_path / "map" / "a.txt", "De brug gaat in maart open.")
    app.ingest([tmp_path / "map"], name)
    report = app.ingest([tmp_path / "weg"], name, sync=True)
    assert report.exit_code == 2 and set(stored(app, name)) == {"a.txt"}


def test_sync_through_the_cli_shows_removed_rows(data_dir, tmp_path):
    folder = tmp_path / "map"
    write(folder / "a.txt", "De brug gaat in maart open.")
    write(folder / "b.txt", "Het zwembad sluit in de zomer.")
    assert runner.invoke(cli, ["ingest", str(folder), "--collection", "s"]).exit_code == 0
    (folder / "b.txt").unlink()
    result = runner.invoke(cli, ["ingest", str(folder), "--collection", "s", "--sync"])
    assert result.exit_code == 0, result.output
    assert "b.txt" in result.stdout and "verwijderd" in result.stdout
    listed = json.loads(runner.invoke(cli, ["documents", "list", "--collection", "s", "--json"]).stdout)
    assert [d["file"] for d in listed] == ["a.txt"]


# Manifests


def test_a_csv_manifest_sets_metadata_and_a_changed_row_reindexes(app, tmp_path):
    name = collection()
    write(tmp_path / "nota.txt", "De raad besluit over de begroting.")
    write(tmp_path / "sub" / "brief.txt", "Geachte heer, uw bezwaar is ontvangen.")
    manifest = write(tmp_path / "bronvast-manifest.csv", (
        "file,title,date,doc_type,access,openbaarheid,zaaknummer\n"
        "nota.txt,Begrotingsnota,2024-03-01,nota,raad,openbaar,Z-1\n"
        "sub/brief.txt,,,brief,juridisch; bezwaar,beperkt tot 2030-01-01,\n"
    ))
    report = app.ingest([tmp_path], name)
    assert report.exit_code == 0, report.outcomes
    assert statuses(report) == {"nota.txt": "nieuw", "brief.txt": "nieuw"}  # the manifest is no document
    chunks = {c["source"]: c for c in chunks_of(app, name)}
    nota, brief = chunks["nota.txt"], chunks["brief.txt"]
    assert (nota["title"], nota["date"], nota["access"]) == ("Begrotingsnota", "2024-03-01", ["raad"])
    assert (nota["doc_type"], nota["openbaarheid"], nota["zaaknummer"]) == ("nota", "openbaar", "Z-1")
    assert brief["access"] == ["juridisch", "bezwaar"] and brief["openbaarheid"] == "beperkt tot 2030-01-01"
    assert brief["title"] == "Geachte heer, uw bezwaar is ontvangen." and "zaaknummer" not in brief

    manifest.write_text(manifest.read_text(encoding="utf-8").replace("Z-1", "Z-2"), encoding="utf-8")
    assert statuses(app.ingest([tmp_path], name)) == {"nota.txt": "vervangen", "brief.txt": "ongewijzigd"}
    assert {c["zaaknummer"] for c in chunks_of(app, name) if c["source"] == "nota.txt"} == {"Z-2"}


def test_a_yaml_manifest_with_bad_values_rejects_the_file_and_names_line_and_field(app, tmp_path):
    name = collection()
    write(tmp_path / "a.txt", "Het park wordt heringericht.")
    write(tmp_path / "b.txt", "De haven wordt uitgediept.")
    write(tmp_path / "c.txt", "Het plein krijgt bomen.")
    manifest = write(tmp_path / "bronvast-manifest.yaml", (
        "- file: a.txt\n  access: [bestuur, raad]\n  doc_type: besluit\n"
        "- file: b.txt\n  date: 2024-13-01\n"
        "- file: c.txt\n  openbaarheid: geheim\n"
        "- file: weg.txt\n  title: Bestaat niet\n"
    ))
    report = app.ingest([tmp_path], name)
    reasons = {o.path.name: o.reason for o in report.rejected}
    assert report.exit_code == 2 and set(reasons) == {"b.txt", "c.txt", "bronvast-manifest.yaml"}
    assert f"manifest {manifest} regel 4, veld date" in reasons["b.txt"] and "2024-13-01" in reasons["b.txt"]
    assert "regel 6, veld openbaarheid" in reasons["c.txt"]
    assert "regel 8, veld file" in reasons["bronvast-manifest.yaml"] and "weg.txt" in reasons["bronvast-manifest.yaml"]
    (a,) = chunks_of(app, name)
    assert a["access"] == ["bestuur", "raad"] and a["doc_type"] == "besluit"


# Dedup


def test_identical_content_is_stored_once_and_cited_under_both_names(app, tmp_path):
    name = collection()
    text = "Parkeren in zone A kost 3,20 euro per uur."
    write(tmp_path / "a.txt", text)
    write(tmp_path / "kopie" / "b.txt", text)
    report = app.ingest([tmp_path], name)
    assert statuses(report) == {"a.txt": "nieuw", "b.txt": "nieuw"}
    assert "zelfde inhoud als a.txt" in [o for o in report.outcomes if o.path.name == "b.txt"][0].reason
    (chunk,) = app.store.chunks(name)
    assert chunk.also_sources == ("b.txt",) and chunk.cited_as == "a.txt (ook: b.txt)"
    (cited, *_) = app.ask("Wat kost parkeren in zone A?", name).citations  # both names as data, joined for display
    assert (cited.source, cited.also, cited.cited_as) == ("a.txt", ("b.txt",), "a.txt (ook: b.txt)")
    assert (app.store.stats(name).documents, app.store.stats(name).chunks) == (2, 1)
    listed = {d.file: d for d in app.documents(name)}
    assert set(listed) == {"a.txt", "b.txt"} and listed["b.txt"].same_as == [str((tmp_path / "a.txt").resolve())]
    assert statuses(app.ingest([tmp_path], name)) == {"a.txt": "ongewijzigd", "b.txt": "ongewijzigd"}

    # Removing the first name leaves the content under the second.
    (tmp_path / "a.txt").unlink()
    assert statuses(app.ingest([tmp_path], name, sync=True)) == {"b.txt": "ongewijzigd", "a.txt": "verwijderd"}
    (chunk,) = app.store.chunks(name)
    assert (chunk.source, chunk.also_sources, chunk.cited_as) == ("b.txt", (), "b.txt")
    # The last name goes, and the points with it.
    assert app.delete_document("b.txt", name) == [str((tmp_path / "kopie" / "b.txt").resolve())]
    assert chunks_of(app, name) == []


def test_removing_or_changing_the_second_name_keeps_the_first(app, tmp_path):
    name = collection()
    text = "Het zwembad is in juli gesloten voor onderhoud."
    write(tmp_path / "a.txt", text)
    write(tmp_path / "b.txt", text)
    write(tmp_path / "c.txt", text)
    app.ingest([tmp_path], name)
    (tmp_path / "b.txt").unlink()
    write(tmp_path / "c.txt", "Het zwembad is in augustus gesloten.")
    report = app.ingest([tmp_path], name, sync=True)
    assert statuses(report) == {"a.txt": "ongewijzigd", "b.txt": "verwijderd", "c.txt": "vervangen"}
    assert stored(app, name) == {"a.txt": {text}, "c.txt": {"Het zwembad is in augustus gesloten."}}
    assert all(not c["also_paths"] for c in chunks_of(app, name))

    # A changed first name: its old content lives on under the copy's name.
    write(tmp_path / "d.txt", text)
    app.ingest([tmp_path], name)
    write(tmp_path / "a.txt", "Het zwembad is in september open.")
    assert statuses(app.ingest([tmp_path], name))["a.txt"] == "vervangen"
    assert stored(app, name) == {"a.txt": {"Het zwembad is in september open."}, "d.txt": {text},
                                 "c.txt": {"Het zwembad is in augustus gesloten."}}


# documents list / delete


def test_documents_list_and_delete_through_the_cli(data_dir, tmp_path):
    write(tmp_path / "een" / "nota.txt", "De raad besluit over de begroting.")
    write(tmp_path / "twee" / "nota.txt", "De raad besluit over de haven.")
    write(tmp_path / "een" / "brief.txt", "Uw bezwaar is ontvangen.")
    assert runner.invoke(cli, ["ingest", str(tmp_path), "-c", "docs"]).exit_code == 0

    listed = json.loads(runner.invoke(cli, ["documents", "list", "-c", "docs", "--json"]).stdout)
    assert [d["file"] for d in listed] == ["brief.txt", "nota.txt", "nota.txt"]
    assert set(listed[0]) == {"file", "path", "kind", "chunks", "date", "access", "indexed_at", "same_as"}
    assert (listed[0]["kind"], listed[0]["chunks"], listed[0]["access"]) == ("text", 1, ["public"])
    table = runner.invoke(cli, ["documents", "list", "-c", "docs"])
    assert table.exit_code == 0 and "brief.txt" in table.stdout

    ambiguous = runner.invoke(cli, ["documents", "delete", "nota.txt", "-c", "docs"])
    assert ambiguous.exit_code == 1 and "geef het pad" in ambiguous.stderr
    assert str(tmp_path / "een" / "nota.txt") in ambiguous.stderr.replace("\n", "")
    missing = runner.invoke(cli, ["documents", "delete", "weg.txt", "-c", "docs"])
    assert missing.exit_code == 1 and "geen document 'weg.txt'" in missing.stderr

    assert runner.invoke(cli, ["documents", "delete", "brief.txt", "-c", "docs"]).exit_code == 0
    by_path = runner.invoke(cli, ["documents", "delete", str(tmp_path / "twee" / "nota.txt"), "-c", "docs"])
    assert by_path.exit_code == 0, by_path.output
    listed = json.loads(runner.invoke(cli, ["documents", "list", "-c", "docs", "--json"]).stdout)
    assert [d["path"] for d in listed] == [str((tmp_path / "een" / "nota.txt").resolve())]
    assert runner.invoke(cli, ["documents", "list", "-c", "bestaat-niet"]).exit_code == 1


# Crash recovery, on each embedded engine


@pytest.fixture(params=["edge", "local"])
def store(request, tmp_path):
    store = EdgeStore.open(tmp_path / "edge") if request.param == "edge" else QdrantStore.local(tmp_path / "q")
    yield store
    store.close()


def version(path: str, sha: str, n: int, ingested_at: str, total: int | None = None, **fields) -> list[Chunk]:
    return [
        Chunk(point_id(path, sha, i), f"{path} {sha[:1]} {i}", Path(path).name, path, None, "T", sha, "c",
              ingested_at, i, chunks_total=n if total is None else total, **fields)
        for i in range(n)
    ]


def test_recover_removes_partial_versions_and_keeps_the_newest_complete_one(store):
    store.ensure_collection("c", CollectionSpec(2, "test", "dutch"))
    points = (
        version("/d/a.txt", "1" * 64, 3, "2025-01-01T00:00:00")  # complete, older
        + version("/d/a.txt", "2" * 64, 2, "2025-01-02T00:00:00")  # complete, newer: stays
        + version("/d/b.txt", "3" * 64, 2, "2025-01-02T00:00:00", total=5)  # cut off: goes
        + version("/d/c.txt", "4" * 64, 1, "2025-01-02T00:00:00", total=0)  # written before chunks_total: stays
        + version("/d/d.txt", "5" * 64, 1, "2025-01-01T00:00:00", also_paths=("/d/e.txt",))  # older, has a copy
        + version("/d/d.txt", "6" * 64, 1, "2025-01-03T00:00:00")
    )
    store.upsert("c", points, [[1.0, 0.0]] * len(points), [SparseVector([1], [1.0])] * len(points))
    indexer = Indexer(store, None, None, None, "c", None)
    assert indexer.recover() == 3
    kept = {(v.path, v.sha256[0], v.points, v.also_paths) for v in store.versions("c")}
    assert kept == {("/d/a.txt", "2", 2, ()), ("/d/c.txt", "4", 1, ()), ("/d/d.txt", "6", 1, ()),
                    ("/d/e.txt", "5", 1, ())}
    assert indexer.recover() == 0


def test_delete_of_an_unknown_name_raises(app):
    name = collection()
    with pytest.raises(DocumentNotFound):
        app.delete_document("niets.txt", name)


def test_a_chunk_payload_round_trips_the_new_fields():
    chunk = replace(version("/d/a.txt", "1" * 64, 1, "t")[0], also_paths=("/e/b.txt",), also_sources=("b.txt",))
    payload = chunk.payload()
    assert payload["chunks_total"] == 1 and payload["also_sources"] == ["b.txt"]
    assert Chunk.from_payload(chunk.id, payload) == chunk


# A real kill -9 in the middle of an ingest


SMALL_CHUNKS = ChunkingSettings(chunk_size=24, chunk_overlap=0)
KILL_FILES = 40


def kill_corpus(folder: Path, version: int) -> None:
    """Files of a few short chunks each; every tenth file a copy of the one before (dedup)."""
    words = "gemeente raad besluit brug haven park plein markt zwembad station begroting tarief vergunning".split()
    for i in range(KILL_FILES):
        n = i - 1 if i % 10 == 9 else i
        text = "\n\n".join(
            f"Document {n} versie {version} alinea {p}: " + " ".join(words[(n * 7 + p * 3 + k) % len(words)]
                                                                     for k in range(12)) + "."
            for p in range(2)
        )
        write(folder / f"doc{i:03}.txt", text)


def small_indexer(app, store, name: str) -> Indexer:
    splitter = make_splitter(SMALL_CHUNKS, make_tokenizer(app.settings).tokenize)
    return Indexer(store, app.embedder, app.encoder, splitter, name, app.spec)


KILLER = """
import os, signal, sys
from bronvast.edge_store import EdgeStore
from ingest.pipeline import Indexer

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if os.environ["KILL_AT"] == "mid-write":  # one point of a new version written, the rest not
    upsert = EdgeStore.upsert
    def partial_upsert(self, collection, chunks, dense, sparse=None):
        upsert(self, collection, chunks[:1], dense[:1], sparse[:1] if sparse else None)
        die()
    EdgeStore.upsert = partial_upsert
elif os.environ["KILL_AT"] == "before-delete":  # a changed file's new version written, the old one not yet gone
    forget = Indexer._forget
    def forget_then_die(self, name, keep_sha):
        if any(v.sha256 != keep_sha for v in self.catalog.named(name)):
            die()
        forget(self, name, keep_sha)
    Indexer._forget = forget_then_die

from assistant.cli import main
sys.argv[0] = "bronvast"
main()
"""


@pytest.mark.slow
def test_an_ingest_killed_with_sigkill_is_made_whole_by_the_next_run(app, tmp_path):
    folder, data = tmp_path / "docs", tmp_path / "data"
    kill_corpus(folder, version=1)
    store = EdgeStore.open(data / "edge")
    old = sorted(folder.iterdir())[-KILL_FILES // 4 :]
    ingest_paths(old, small_indexer(app, store, "k"))  # the last files exist in an older version
    old_time = max(v.ingested_at for v in store.versions("k"))
    store.close()
    time.sleep(1)  # ingested_at counts seconds
    kill_corpus(folder, version=2)
    (tmp_path / "killer.py").write_text(KILLER, encoding="utf-8")
    command = [sys.executable, str(tmp_path / "killer.py"), "ingest", str(folder), "-c", "k",
               "--set", "store.upsert_batch=1", "--set", f"chunking.chunk_size={SMALL_CHUNKS.chunk_size}",
               "--set", "chunking.chunk_overlap=0"]

    def soon_after_a_write(process: subprocess.Popen) -> None:
        # The ingest holds the store's lock: watch its write-ahead log being written instead of the points.
        launched = time.time()  # seconds before the child, still loading, can write anything
        wal = data / "edge" / "k" / "wal"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            if any(f.stat().st_mtime > launched for f in wal.iterdir()):
                break
            time.sleep(0.1)
        time.sleep(0.5)  # then killed, unless, on a fast machine, it has finished by now

    def killed(kill_at: str) -> list:
        kill_moment = soon_after_a_write if kill_at == "timer" else lambda process: process.wait(timeout=600)
        returncode = run_and_kill(command, bronvast_env(data, KILL_AT=kill_at), kill_moment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert returncode == -signal.SIGKILL or (kill_at == "timer" and returncode == 0)
        return stored_versions(data / "edge", "k")  # Edge itself survives the kill: the shard opens

    # A kill cutting a new version off mid-write; one between writing a changed file's new version and deleting
    # its old one; then one at some moment, soon after the run (which starts by repairing the last) writes.
    versions = killed("mid-write")
    assert sum(not v.complete for v in versions) == 1 and any(v.ingested_at > old_time for v in versions)
    versions = killed("before-delete")
    paths = [v.path for v in versions if v.complete]
    assert len(paths) - len(set(paths)) == 1 and all(v.complete for v in versions)
    killed("timer")

    store = EdgeStore.open(data / "edge")
    try:
        report = ingest_paths([folder], small_indexer(app, store, "k"))
        assert report.exit_code == 0
        assert_whole(store, "k", folder.iterdir())
        assert not any("versie 1" in c.text for c in store.chunks("k"))
        result = snapshot(store, "k")
    finally:
        store.close()

    clean = EdgeStore.open(tmp_path / "clean")
    try:
        ingest_paths([folder], small_indexer(app, clean, "k"))
        assert snapshot(clean, "k") == result
    finally:
        clean.close()


def test_documents_through_the_rest_api_and_the_remote_app(app, tmp_path):
    from fastapi.testclient import TestClient

    from assistant.api import build_api
    from assistant.wire import ServerInfo
    from assistant.remote import RemoteBronvast

    name = collection()
    write(tmp_path / "een" / "nota.txt", "De raad besluit over de begroting.")
    write(tmp_path / "twee" / "nota.txt", "De raad besluit over de haven.")
    api = TestClient(build_api(app, "geheim"), headers={"Authorization": "Bearer geheim"})
    remote = RemoteBronvast(app.settings, ServerInfo("http://testserver", "geheim"))
    remote.client = api
    report = remote.ingest([tmp_path], name, sync=True)
    assert report.exit_code == 0 and len(report.outcomes) == 2

    listed = remote.documents(name)
    assert [d.path for d in listed] == [str((tmp_path / d / "nota.txt").resolve()) for d in ("een", "twee")]
    assert api.get("/api/documents", params={"collection": name}).json()[0]["file"] == "nota.txt"
    assert api.get("/api/documents").status_code in (200, 400)
    anonymous = TestClient(build_api(app, "geheim"))  # no token, no identity configuration: anonymous, no roles
    assert anonymous.delete("/api/documents", params={"target": "weg.txt", "collection": name}).status_code == 403

    with pytest.raises(DocumentNotFound, match="geef het pad"):
        remote.delete_document("nota.txt", name)
    assert api.delete("/api/documents", params={"target": "weg.txt", "collection": name}).status_code == 404
    assert remote.delete_document(str(tmp_path / "twee" / "nota.txt"), name) == [str(tmp_path / "twee" / "nota.txt")]
    assert [d.file for d in remote.documents(name)] == ["nota.txt"]
