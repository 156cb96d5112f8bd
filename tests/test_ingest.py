"""Ingest against the real embedded Qdrant and the packaged embedder."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from conftest import DEMO_DIR, chunks_of, read_in_this_process
from files import make_eml, make_encrypted_pdf, make_pdf, make_random_bytes, make_text

from ingest.isolation import ReaderProcesses
from ingest.pipeline import Indexer
from ingest.sources import FileSource, find_files


def test_demo_corpus_chunks_carry_source_page_and_metadata(app, demo):
    chunks = chunks_of(app, demo)
    sources = {c["source"] for c in chunks}
    assert sources == {path.name for path in DEMO_DIR.iterdir()} and len(sources) == 8
    pdf_pages = {(c["source"], c["page"]) for c in chunks if c["source"].endswith(".pdf")}
    assert pdf_pages == {("beleidsnota-duurzame-mobiliteit-2025.pdf", page) for page in range(1, 6)} | {
        ("bezwaarschrift-naheffingsaanslag-parkeerbelasting.pdf", 1),
        ("bezwaarschrift-naheffingsaanslag-parkeerbelasting.pdf", 2),
    }
    assert all(c["page"] is None for c in chunks if not c["source"].endswith(".pdf"))
    for chunk in chunks:
        assert chunk["collection"] == demo
        assert len(chunk["sha256"]) == 64
        assert chunk["title"] and chunk["ingested_at"] and Path(chunk["path"]).is_absolute()
    # the parking tariff is on page 3 of the policy note
    assert any("3,20 euro" in c["text"] and c["page"] == 3 for c in chunks)
    # the latin-1 inventory was decoded, not mangled
    assert any("geïnventariseerd" in c["text"] for c in chunks if c["source"].endswith(".txt"))


def test_html_navigation_and_footer_are_not_indexed(app, demo):
    html = " ".join(c["text"] for c in chunks_of(app, demo) if c["source"].endswith(".html"))
    assert "Speelruimteplan" in html
    assert "Afvalkalender" not in html and "Cookiebeleid" not in html


def test_reingesting_unchanged_files_adds_nothing(app, demo):
    before = app.store.stats(demo)
    report = app.ingest([Path("samples/demo")], demo)
    assert {o.status for o in report.outcomes} == {"ongewijzigd"}
    assert app.store.stats(demo) == before


def test_changed_file_replaces_its_chunks(app, tmp_path):
    note = tmp_path / "memo.txt"
    note.write_text("De vergadering over de brug is verplaatst naar dinsdag.", encoding="utf-8")
    assert app.ingest([note], "replace").outcomes[0].status == "nieuw"
    note.write_text("De vergadering over de sluis is verplaatst naar donderdag.", encoding="utf-8")
    outcome = app.ingest([note], "replace").outcomes[0]
    assert (outcome.status, outcome.chunks) == ("vervangen", 1)
    texts = [c["text"] for c in chunks_of(app, "replace")]
    assert texts == ["De vergadering over de sluis is verplaatst naar donderdag."]


def test_bad_files_are_named_with_reasons_and_leave_nothing(app, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "goed.md").write_text("# Besluit\n\nHet college stemt in met de nieuwe verlichting.", encoding="utf-8")
    make_pdf(folder / "rapport.pdf", ["Pagina een over de haven.", "Pagina twee over de dijk."], title="Rapport")
    make_encrypted_pdf(folder / "geheim.pdf")
    (folder / "leeg.txt").write_bytes(b"")
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "nep.docx").write_text("dit is geen docx", encoding="utf-8")
    (folder / "tabel.xyz").write_text("a,b", encoding="utf-8")
    (folder / ".verborgen.txt").write_text("hidden files are skipped", encoding="utf-8")

    report = app.ingest([folder, tmp_path / "bestaat-niet.pdf"], "mixed")

    reasons = {o.path.name: o.reason for o in report.rejected}
    assert report.exit_code == 2
    assert set(reasons) == {"geheim.pdf", "leeg.txt", "kapot.pdf", "nep.docx", "tabel.xyz", "bestaat-niet.pdf"}
    assert "versleuteld" in reasons["geheim.pdf"]
    assert "leeg" in reasons["leeg.txt"]
    assert "PDF" in reasons["kapot.pdf"]
    assert reasons["nep.docx"] == "bestand heet .docx maar is een tekstbestand"  # type by content
    assert "niet ondersteund" in reasons["tabel.xyz"]
    assert "bestaat niet" in reasons["bestaat-niet.pdf"]
    stored = chunks_of(app, "mixed")
    assert {c["source"] for c in stored} == {"goed.md", "rapport.pdf"}
    assert sorted(c["page"] for c in stored if c["source"] == "rapport.pdf") == [1, 2]


def test_random_bytes_are_refused_as_not_text_and_the_real_texts_beside_them_indexed(app, tmp_path):
    folder = tmp_path / "ruis"
    texts = {
        "notitie.txt": "Het gemeentehuis is op vrijdag gesloten.",
        "grieks.txt": "Η πρωτεύουσα της Ελλάδας είναι η Αθήνα.",
        "chinees.md": "# 北京\n\n北京是中华人民共和国的首都。",
        "tabel.txt": "wijk;inwoners\nCentrum;12400\nNoord;8310",
    }
    for name, text in texts.items():
        make_text(folder / name, text)
    noise = {f"ruis-{size}-{seed}{suffix}": (size, seed) for size, seed, suffix in
             [(200, 1, ".txt"), (4096, 2, ".md"), (100_000, 3, ".html"), (4096, 4, ".txt"), (3000, 5, ".eml")]}
    for name, (size, seed) in noise.items():
        make_random_bytes(folder / name, size=size, seed=seed)

    report = app.ingest([folder], "ruis")

    reasons = {o.path.name: o.reason for o in report.rejected}
    assert report.exit_code == 2 and set(reasons) == set(noise)
    assert all(o.status == "geweigerd" for o in report.rejected)
    for name, text in reasons.items():
        expected = "geen e-mailbericht" if name.endswith(".eml") else "bevat geen leesbare tekst: "
        assert text.startswith(expected) and ("stuur- of onbekende tekens" in text) != name.endswith(".eml"), text
    assert {c["source"] for c in chunks_of(app, "ruis")} == set(texts)


def test_all_good_files_exit_zero(app, tmp_path):
    (tmp_path / "a.txt").write_text("Afval wordt op maandag opgehaald.", encoding="utf-8")
    assert app.ingest([tmp_path], "good").exit_code == 0


class FailingStore:
    """The real store, failing after it has written part of a file (as a full disk or a kill would)."""

    def __init__(self, store):
        self.store = store

    def __getattr__(self, name):
        return getattr(self.store, name)

    def upsert(self, collection, chunks, dense, sparse=None):
        self.store.upsert(collection, chunks[:1], dense[:1], sparse[:1] if sparse else None)
        raise OSError("schijf vol")


def test_a_write_that_fails_halfway_leaves_no_partial_document(app, tmp_path):
    long_text = "\n\n".join(f"Paragraaf {i} over de herinrichting van het marktplein en de kosten." * 6 for i in range(20))
    (tmp_path / "lang.txt").write_text(long_text, encoding="utf-8")
    store = FailingStore(app.store)
    indexer = Indexer(store, app.embedder, app.encoder, app.splitter, "partial", app.spec)
    with pytest.raises(OSError):
        next(indexer.index_sources([FileSource(tmp_path / "lang.txt")]))
    assert chunks_of(app, "partial") == []


def test_find_files_walks_folders_and_skips_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "state.txt").write_text("bronvast's own data dir")
    files, missing = find_files([tmp_path, tmp_path / "a.txt"], exclude=tmp_path / "data")
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "sub/b.txt"]
    assert missing == []


def test_an_unchanged_file_costs_only_a_hash_check(app, tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("De markt is op zaterdag.", encoding="utf-8")
    assert app.ingest([tmp_path], "hashonly").exit_code == 0

    def must_not_parse(_processes, path, *_args):
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(ReaderProcesses, "read_documents", must_not_parse)
    assert [o.status for o in app.ingest([tmp_path], "hashonly").outcomes] == ["ongewijzigd"]


def test_every_file_is_hashed_once_per_ingest(app, tmp_path, monkeypatch):
    """The identity hash the indexer computes is the one its documents carry: the reader does not hash the bytes
    again, nor does a file read after all because the content it shared with a stored file was replaced."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("De markt is op zaterdag.", encoding="utf-8")
    (folder / "b.txt").write_text("Het zwembad gaat om zeven uur open.", encoding="utf-8")
    make_eml(folder / "c.eml", attachments=[("bijlage.txt", "Het programma van het buurtfeest.".encode())])
    make_pdf(folder / "d.pdf", ["De begroting voor 2025 is sluitend."])
    (folder / "bronvast-manifest.csv").write_text("file,doc_type\nb.txt,notitie\n", encoding="utf-8")
    read_in_this_process(monkeypatch)  # where the hashing below is counted
    hashed: Counter[str] = Counter()

    def count(name: str) -> None:
        if name in {path.name for path in folder.iterdir()}:
            hashed[name] += 1

    def file_digest(handle, digest):
        count(Path(handle.name).name)
        return real_file_digest(handle, digest)

    def sha256(data=b"", **options):
        for path in folder.iterdir():  # the bytes of which file, if any
            if bytes(data) == path.read_bytes():
                count(path.name)
        return real_sha256(data, **options)

    real_file_digest, real_sha256 = hashlib.file_digest, hashlib.sha256
    monkeypatch.setattr(hashlib, "file_digest", file_digest)
    monkeypatch.setattr(hashlib, "sha256", sha256)
    documents = ["a.txt", "b.txt", "c.eml", "d.pdf"]

    assert [o.status for o in app.ingest([folder], "hash-once").outcomes] == ["nieuw"] * 4
    assert hashed == dict.fromkeys(documents, 1)
    hashed.clear()
    # a.txt changes and e.txt takes its old content: stored under a.txt when reading began, so e.txt is not read
    # ahead, but is read once a.txt is replaced; with the hash it already has.
    (folder / "e.txt").write_bytes((folder / "a.txt").read_bytes())
    (folder / "a.txt").write_text("De markt is voortaan op vrijdag.", encoding="utf-8")
    outcomes = {o.path.name: (o.status, o.chunks > 0) for o in app.ingest([folder], "hash-once").outcomes}
    assert outcomes == {"a.txt": ("vervangen", True), "b.txt": ("ongewijzigd", False),
                        "c.eml": ("ongewijzigd", False), "d.pdf": ("ongewijzigd", False), "e.txt": ("nieuw", True)}
    assert hashed == dict.fromkeys([*documents, "e.txt"], 1)
