"""The source viewer (assistant/sources.py): a cited PDF page as a picture with the passage highlighted, other
formats and changed files as text from the index, access in the store's query (a hidden document is as missing
as one that is not there), over REST and through the remote application. Real: Qdrant Edge, the packaged
embedder, PDFs made by fpdf2 and rendered by pdfium."""

from __future__ import annotations

import io
import json
import time

import pytest
from fastapi.testclient import TestClient
from files import make_docx, make_pdf, make_text
from PIL import Image

import assistant.sources
from assistant.api import build_api
from assistant.app import Bronvast
from assistant.remote import RemoteBronvast
from assistant.sources import CHANGED, NOT_RENDERED, merged_text, passage_spans
from assistant.wire import ServerInfo
from bronvast.edge_store import EdgeStore
from bronvast.qdrant_store import QdrantStore
from bronvast.schema import ANONYMOUS, Caller, Chunk, CollectionSpec, SearchFilter, SourceView
from bronvast.settings import load_settings
from bronvast.store import point_id
from ingest.documents import DocumentNotFound

COLLECTION = "bronnen"
TOKEN = "geheim-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LAWYER = Caller("jurist", groups=("juridisch",))
WASTE_PAGE = ("Afvalstoffenheffing. De gemeente Lindewaard int jaarlijks de afvalstoffenheffing voor elk huishouden. "
              "Een eenpersoonshuishouden betaalt 290 euro, een meerpersoonshuishouden 350 euro per jaar.")
PARKING_PAGE = ("Parkeertarieven. Parkeren in zone A van het centrum kost 3,20 euro per uur, van maandag tot en met "
                "zaterdag tussen negen en achttien uur. In zone B betaalt u 2,10 euro per uur. Bewoners met een "
                "parkeervergunning parkeren gratis in hun eigen zone. Een bezoekersvergunning kost 45 euro per jaar "
                "en is aan te vragen bij het loket Parkeren van het stadskantoor.")
MARKET_PAGE = ("Marktgelden. Een standplaats op de weekmarkt kost 12 euro per dag. Wie een vaste plaats heeft, "
               "betaalt 480 euro per jaar. In zone B betaalt u 2,10 euro per meter voor een extra kraam.")
PARKING = "Wat kost parkeren in zone A van het centrum per uur?"
DOG_TAX = "De hondenbelasting bedraagt 120 euro per hond per jaar en wordt in maart geheven."
SECRET = "Het interne dossier over de haven heeft kenmerk HAVEN-7731 en wordt vertrouwelijk behandeld."


@pytest.fixture(scope="module")
def viewer(app, tmp_path_factory) -> Bronvast:
    """The session app's store and embedder with extractive answers, over a PDF, a Word document, a long text, a
    PDF that is changed after indexing and a document for the group "juridisch" only."""
    folder = tmp_path_factory.mktemp("bronnen")
    make_pdf(folder / "tarieven.pdf", [WASTE_PAGE, PARKING_PAGE])
    make_pdf(folder / "gewijzigd.pdf", [MARKET_PAGE])
    make_docx(folder / "belastingen.docx", "Belastingen", [("Hondenbelasting", DOG_TAX)])
    make_text(folder / "zinnen.txt", " ".join(f"Dit is zin nummer {n} van de lange tekst." for n in range(1, 121)))
    make_text(folder / "haven.md", f"# Haven\n\n{SECRET}")
    make_text(folder / "bronvast-manifest.csv", "file,access\nhaven.md,juridisch\n")
    report = app.ingest([folder], COLLECTION)
    assert report.exit_code == 0, report.rejected
    fast = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", "answer.mode=extractive"]))
    fast.store, fast.embedder = app.store, app.embedder
    return fast


def highlighted_pixels(png: bytes) -> int:
    """Pixels of the highlight's yellow over the white page."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 240 and 225 < g < 250 and 120 < b < 170)


def marked(view: SourceView) -> str:
    return " ".join(" ".join(view.text[start:end].split()) for start, end in view.marks)


def test_a_cited_pdf_page_is_its_picture_with_the_passage_highlighted(viewer):
    answer = viewer.ask(PARKING, COLLECTION)
    citation = next(c for c in answer.citations if c.source == "tarieven.pdf")
    assert citation.page == 2
    view = viewer.source(citation.source, citation.page, citation.text, COLLECTION, sha256=citation.sha256)
    assert (view.source, view.page, view.kind, view.pages, view.note) == ("tarieven.pdf", 2, "pdf", 2, "")
    image = Image.open(io.BytesIO(view.image))
    assert image.format == "PNG" and 1000 < image.width <= 1400
    assert highlighted_pixels(view.image) > 1000
    plain = viewer.source("tarieven.pdf", 2, "", COLLECTION)  # the same page without a passage: nothing marked
    assert plain.marks == [] and highlighted_pixels(plain.image) == 0
    # the page's text is pdfium's, the marks hold the cited passage
    assert "In zone B betaalt u 2,10 euro" in " ".join(view.text.split()) and "\r" not in view.text
    assert marked(view) == " ".join(citation.text.split())


def test_a_pdf_page_without_a_citation_page_is_found_by_its_passage(viewer):
    view = viewer.source("tarieven.pdf", None, "Een eenpersoonshuishouden betaalt 290 euro", COLLECTION)
    assert view.page == 1 and view.image and marked(view) == "Een eenpersoonshuishouden betaalt 290 euro"


def test_a_page_the_document_does_not_have_is_not_found(viewer):
    with pytest.raises(DocumentNotFound, match="geen pagina 9"):
        viewer.source("tarieven.pdf", 9, "", COLLECTION)


def test_a_word_document_is_text_with_the_passage_marked_and_no_picture(viewer):
    view = viewer.source("belastingen.docx", None, DOG_TAX, COLLECTION)
    assert (view.kind, view.page, view.image, view.pages, view.note) == ("docx", None, None, None, "")
    assert DOG_TAX in view.text and marked(view) == DOG_TAX


def test_a_long_document_reads_as_one_text_without_the_chunks_overlap(viewer):
    chunks = [chunk for chunk in viewer.store.chunks(COLLECTION) if chunk.source == "zinnen.txt"]
    assert len(chunks) > 2  # it was split, with overlap
    view = viewer.source("zinnen.txt", None, "zin nummer 77 van de lange tekst.", COLLECTION)
    assert [view.text.count(f"zin nummer {n} van") for n in range(1, 121)] == [1] * 120
    assert [view.text[start:end] for start, end in view.marks] == ["zin nummer 77 van de lange tekst."]


def test_a_file_changed_since_indexing_is_shown_from_the_index_with_a_note(viewer):
    path = next(c.path for c in viewer.store.chunks(COLLECTION) if c.source == "gewijzigd.pdf")
    make_pdf(path, ["Een heel andere tekst."])
    view = viewer.source("gewijzigd.pdf", 1, "betaalt 480 euro per jaar.", COLLECTION)
    assert view.image is None and view.note == CHANGED and view.pages == 1
    assert "Marktgelden" in view.text and marked(view) == "betaalt 480 euro per jaar."


def test_a_page_pdfium_cannot_render_is_text_with_a_note(viewer, monkeypatch):
    def broken(*args):
        raise assistant.sources.pypdfium2.PdfiumError("kapot")

    monkeypatch.setattr(assistant.sources, "highlighted_png", broken)
    view = viewer.source("tarieven.pdf", 2, "In zone B betaalt u 2,10 euro per uur.", COLLECTION)
    assert view.image is None and view.note == NOT_RENDERED and "Parkeertarieven" in view.text


def test_a_hidden_document_is_as_missing_as_one_that_is_not_there(viewer):
    with pytest.raises(DocumentNotFound) as hidden:
        viewer.source("haven.md", None, "", COLLECTION, ANONYMOUS)
    with pytest.raises(DocumentNotFound) as missing:
        viewer.source("nergens.md", None, "", COLLECTION, ANONYMOUS)
    assert str(hidden.value) == "'haven.md' staat niet in collectie 'bronnen'"
    assert str(hidden.value).replace("haven.md", "X") == str(missing.value).replace("nergens.md", "X")
    view = viewer.source("haven.md", None, SECRET, COLLECTION, LAWYER)
    assert marked(view) == SECRET


def test_the_cited_version_or_else_the_latest(viewer, tmp_path):
    first, second = make_text(tmp_path / "een" / "nota.txt", "De oude nota."), tmp_path / "twee" / "nota.txt"
    assert viewer.ingest([first], COLLECTION).exit_code == 0
    time.sleep(1.1)  # ingest times are recorded to the second
    assert viewer.ingest([make_text(second, "De nieuwe nota.")], COLLECTION).exit_code == 0
    old = next(v.sha256 for v in viewer.store.versions(COLLECTION) if v.path == str(first.resolve()))
    assert viewer.source("nota.txt", collection=COLLECTION).text == "De nieuwe nota."
    assert viewer.source("nota.txt", collection=COLLECTION, sha256=old).text == "De oude nota."


def test_rest_route_page_picture_and_404(viewer):
    api = TestClient(build_api(viewer, TOKEN), headers=AUTH)
    params = {"source": "tarieven.pdf", "page": 2, "passage": "In zone B betaalt u 2,10 euro per uur.",
              "collection": COLLECTION}
    body = api.get("/api/v1/sources", params=params).json()
    assert SourceView.from_json(body) == viewer.source("tarieven.pdf", 2, params["passage"], COLLECTION)
    assert body["image_png_base64"] and "image" not in body
    png = api.get("/api/v1/sources/page.png", params=params)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    no_picture = api.get("/api/v1/sources/page.png", params={"source": "belastingen.docx", "collection": COLLECTION})
    assert no_picture.status_code == 404
    anonymous = {"X-Bronvast-Caller": json.dumps({"name": "anoniem", "groups": [], "roles": []})}
    hidden = api.get("/api/v1/sources", params={"source": "haven.md", "collection": COLLECTION}, headers=anonymous)
    assert hidden.status_code == 404 and hidden.json() == {"detail": "'haven.md' staat niet in collectie 'bronnen'"}
    assert "/api/v1/sources" in api.get("/api/v1/openapi.json").json()["paths"]


def test_the_remote_application_gets_the_same_view(viewer):
    remote = RemoteBronvast(viewer.settings, ServerInfo("http://testserver", TOKEN))
    remote.client = TestClient(build_api(viewer, TOKEN), headers=AUTH)
    passage = "Een bezoekersvergunning kost 45 euro per jaar"
    assert remote.source("tarieven.pdf", 2, passage, COLLECTION) == viewer.source("tarieven.pdf", 2, passage,
                                                                                   COLLECTION)
    assert remote.source("haven.md", None, SECRET, COLLECTION, LAWYER).text.endswith(SECRET)
    with pytest.raises(DocumentNotFound, match="'haven.md' staat niet in collectie 'bronnen'"):
        remote.source("haven.md", None, "", COLLECTION, ANONYMOUS)


def test_passages_are_found_run_by_run_whatever_the_spacing():
    text = "Kop\r\nDe raad besluit over de begroting van 2025 en\r\nover de haven-\r\nuitbreiding in het noorden."
    passage = "De raad besluit over de begroting van 2025 en over de havenuitbreiding in het noorden."
    # the second run holds the word hyphenated across a line: it is skipped, the first still found
    assert [text[start:end] for start, end in passage_spans(text, passage)] == ["De raad besluit over de begroting van"]
    assert passage_spans(text, "de begroting van 2025 en over de") == [(text.index("de begroting"), text.index("\r\nover") + 9)]
    assert passage_spans(text, "niets hiervan staat er") == []


def test_merged_text_leaves_the_overlap_out_once():
    def chunk(index: int, text: str, page: int | None = None) -> Chunk:
        return Chunk(str(index), text, "a.txt", "/a.txt", page, "", "", "", "", index)

    first = "Een twee drie vier vijf zes zeven acht negen tien elf twaalf."
    second = "zeven acht negen tien elf twaalf. Dertien veertien."
    assert merged_text([chunk(0, first), chunk(1, second)]) == first + " Dertien veertien."
    assert merged_text([chunk(0, "Pagina een.", 1), chunk(1, "Pagina twee.", 2)]) == "Pagina een.\n\nPagina twee."


@pytest.mark.parametrize("engine", ["local", "edge"])
def test_both_engines_filter_the_scroll_by_source_and_visibility(engine, tmp_path):
    store = QdrantStore.local(tmp_path / "qdrant") if engine == "local" else EdgeStore.open(tmp_path / "edge")
    try:
        store.ensure_collection("c", CollectionSpec(2, "test-embedder", "dutch"))
        chunks = [Chunk(point_id(f"/d/{name}", "a" * 64, 0), name, name, f"/d/{name}", None, "", "a" * 64, "c", "t",
                        0, access=access, metadata=until)
                  for name, access, until in [("open.txt", ("public",), {}), ("dicht.txt", ("juridisch",), {}),
                                              ("later.txt", ("archief",), {"public_from": "2030-01-01"})]]
        store.upsert("c", chunks, [[1, 0], [0, 1], [1, 1]])

        def sources(name: str, groups: tuple[str, ...], today: str) -> list[str]:
            where = Caller(groups=groups).restrict(SearchFilter(sources=(name,)), today)
            return [chunk.source for chunk in store.chunks_where("c", where)]

        assert sources("open.txt", (), "2026-01-01") == ["open.txt"]
        assert sources("dicht.txt", (), "2026-01-01") == [] and sources("dicht.txt", ("juridisch",), "2026-01-01")
        assert sources("later.txt", (), "2029-12-31") == [] and sources("later.txt", (), "2030-01-01")
        assert sorted(chunk.source for chunk in store.chunks("c")) == ["dicht.txt", "later.txt", "open.txt"]
    finally:
        store.close()
