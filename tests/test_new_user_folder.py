"""Issue 3 as a new user tries it: one folder with a scanned PDF, an image, an e-mail with an attachment, an MDTO
record and a manifest, ingested at once; every fact is found by the real retriever and cited with its file and
page, and the metadata is right. Needs Tesseract (make install puts it in)."""

from __future__ import annotations

import shutil
import uuid

import pytest
from conftest import chunks_of
from files import make_docx, make_eml, make_mdto
from scans import save_image, save_scanned_pdf, scan

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")


@pytest.fixture(scope="module")
def folder(app, tmp_path_factory):
    root = tmp_path_factory.mktemp("map")
    cover = scan(["Gemeente Lindewaard", "Verslag van de schouw van de Vaartbrug."])
    findings = scan(["De Vaartbrug heeft een scheur van 14 centimeter", "in de tweede pijler aan de oostkant."])
    save_scanned_pdf(root / "schouw-vaartbrug.pdf", [cover, findings])
    save_image(root / "bord-molenpad.png", [scan(["Het Molenpad is vanaf 3 juni", "afgesloten voor fietsers."])])
    attachment = make_docx(root.parent / "tmp-bijlage.docx", "Kapbesluit Dorpsweide",
                           [("Besluit", "De gemeente kapt vier essen aan de Dorpsweide wegens essentaksterfte.")])
    make_eml(root / "kapmelding.eml", subject="Melding kap essen Dorpsweide", text="Zie de bijlage voor de kap.",
             attachments=[("kapbesluit.docx", attachment.read_bytes())])
    make_mdto(root / "bouwdossier.xml")
    (root / "bronvast-manifest.csv").write_text(
        "file,doc_type,access,openbaarheid\nschouw-vaartbrug.pdf,inspectierapport,beheer,beperkt tot 2031-01-01\n",
        encoding="utf-8",
    )
    collection = f"nieuw-{uuid.uuid4().hex[:8]}"
    report = app.ingest([root], collection)
    assert report.exit_code == 0, report.outcomes
    return collection


@pytest.mark.parametrize("question, source, page", [
    ("Hoe groot is de scheur in de pijler van de Vaartbrug?", "schouw-vaartbrug.pdf", 2),
    ("Vanaf wanneer is het Molenpad afgesloten voor fietsers?", "bord-molenpad.png", None),  # one image: no pages
    ("Hoeveel essen kapt de gemeente aan de Dorpsweide?", "kapbesluit.docx", None),
    ("Waarom is het bouwdossier van de Kerkstraat 12 beperkt openbaar?", "bouwdossier.xml", None),
])
def test_every_fact_is_found_and_cited_with_file_and_page(app, folder, question, source, page):
    hits = app.retriever.retrieve(question, folder)
    assert hits, f"refused: {question}"
    assert (hits[0].chunk.source, hits[0].chunk.page) == (source, page)


def test_metadata_of_each_kind_of_file(app, folder):
    chunks = chunks_of(app, folder)
    by_source = {}
    for chunk in chunks:
        by_source.setdefault(chunk["source"], chunk)
    scan_pdf = by_source["schouw-vaartbrug.pdf"]
    assert scan_pdf["ocr_pages"] == "1,2" and scan_pdf["doc_type"] == "inspectierapport"
    assert scan_pdf["access"] == ["beheer"] and scan_pdf["openbaarheid"] == "beperkt tot 2031-01-01"
    assert by_source["bord-molenpad.png"]["kind"] == "image"
    mail, attachment = by_source["kapmelding.eml"], by_source["kapbesluit.docx"]
    assert mail["doc_type"] == "e-mail" and mail["title"] == "Melding kap essen Dorpsweide"
    assert mail["attachments"] == "kapbesluit.docx" and attachment["parent_source"] == "kapmelding.eml"
    record = by_source["bouwdossier.xml"]
    assert record["identifier"] == "NL-0999-10001-BD-2019-0457" and record["doc_type"] == "archiefrecord"
    assert record["openbaarheid"].startswith("beperkt openbaar tot 2040") and record["access"] == ["restricted"]
    assert "bronvast-manifest.csv" not in by_source
