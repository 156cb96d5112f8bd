"""Scans: images and PDF pages without a text layer are read with Tesseract; running headers and footers dropped.

The scanned pages are drawn in the test (tests/scans.py). OCR output may differ slightly between Tesseract
versions, so the assertions look for a few key words and a number, never for the exact text.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pypdfium2
import pytest
from conftest import read_in_this_process
from files import make_eml, make_image_only_pdf, make_pdf
from scans import (
    A4,
    make_pdf_with_running_lines,
    save_image,
    save_mixed_pdf,
    save_pdf_last_page_pdfium_cannot_load,
    save_pdf_pdfium_cannot_open,
    save_scanned_pdf,
    scan,
)
from typer.testing import CliRunner

from assistant.cli import cli
from bronvast.settings import IngestSettings
from ingest import ocr
from ingest.pages import drop_running_lines, line_key, repeated_keys
from ingest.parsed import UnreadableFile
from ingest.readers import SUPPORTED_SUFFIXES, read_document

PARKING = [
    "Gemeente Lindewaard",
    "Parkeren in de binnenstad",
    "Het tarief voor straatparkeren bedraagt 3,20 euro per uur.",
    "Bewoners vragen een parkeervergunning aan bij het gemeentelijk loket.",
    "Tegen een besluit kunt u binnen zes weken bezwaar maken.",
]
WASTE = [
    "Afvalinzameling",
    "De groene container wordt op dinsdag geleegd.",
    "Grofvuil haalt de gemeente op afspraak op, 12 keer per jaar.",
]

# A full A4 page of running text (about 45 lines), as a real scanned letter or memo has: what the timing is about.
FULL_PAGE = PARKING + [""] + [
    line
    for _ in range(4)
    for line in (
        "Op grond van artikel 2 van de Parkeerverordening 2025 stelt het college de tarieven vast. In de",
        "binnenstad geldt betaald parkeren van maandag tot en met zaterdag tussen 9.00 en 21.00 uur. Op",
        "zondag en op feestdagen is parkeren gratis. Een bezoekersvergunning kost 45,00 euro per jaar en",
        "geeft recht op 120 uur parkeren tegen een verlaagd tarief. Ondernemers kunnen een",
        "bedrijfsvergunning aanvragen; de aanvraag wordt binnen acht weken afgehandeld.",
        "De gemeente evalueert de tarieven elk jaar en publiceert de uitkomst op de website.",
        "Wie het niet eens is met een besluit, kan binnen zes weken schriftelijk bezwaar maken.",
        "Daarna beslist het college binnen twaalf weken over het bezwaar.",
        "",
    )
]
needs_tesseract = pytest.mark.skipif(
    ocr.unavailable_reason(ocr.OcrOptions()) is not None and not os.environ.get("CI"),
    reason="Tesseract met het Nederlandse taalpakket ontbreekt (make install installeert het)",
)


def words(text: str) -> str:
    """OCR text flattened for robust assertions: lower case, single spaces."""
    return re.sub(r"\s+", " ", text).lower()


def assert_parking(text: str) -> None:
    flat = words(text)
    for word in ("lindewaard", "binnenstad", "parkeervergunning", "loket", "bezwaar"):
        assert word in flat, (word, text)
    assert "3,20 euro" in flat, text


def no_tesseract(monkeypatch):
    """Tesseract as if it were not installed."""
    read_in_this_process(monkeypatch)
    real = ocr.shutil.which
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None if name == "tesseract" else real(name))


# --- images -----------------------------------------------------------------------------------------------------


def test_image_suffixes_are_supported():
    for suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        assert SUPPORTED_SUFFIXES[suffix] == "image"


@needs_tesseract
def test_png_a4_page_at_300_dpi_is_read_and_timed(tmp_path):
    path = save_image(tmp_path / "parkeren_binnenstad.png", [scan(FULL_PAGE, size=A4)])

    started = time.perf_counter()
    doc = read_document(path)
    seconds = time.perf_counter() - started

    print(f"\nOCR van één A4-pagina op 300 dpi (PNG, {ocr.OcrOptions().languages}): {seconds:.2f} s")
    assert doc.kind == "image"
    assert doc.title == "parkeren_binnenstad"
    assert [p.number for p in doc.pages] == [None]
    assert_parking(doc.pages[0].text)


@needs_tesseract
def test_jpeg_is_read(tmp_path):
    doc = read_document(save_image(tmp_path / "Tarieven.JPG", [scan(PARKING)]))
    assert doc.kind == "image" and doc.title == "Tarieven"
    assert_parking(doc.pages[0].text)


@needs_tesseract
def test_multipage_tiff_gives_one_page_per_frame(tmp_path):
    doc = read_document(save_image(tmp_path / "scan.tiff", [scan(PARKING), scan(WASTE)]))

    assert [p.number for p in doc.pages] == [1, 2]
    assert_parking(doc.pages[0].text)
    assert "dinsdag" in words(doc.pages[1].text) and "grofvuil" in words(doc.pages[1].text)
    assert "dinsdag" not in words(doc.pages[0].text)


def test_damaged_image_is_rejected_with_a_reason(tmp_path):
    path = tmp_path / "kapot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"geen afbeelding" * 20)
    with pytest.raises(UnreadableFile, match="afbeeldingsbestand"):
        read_document(path)


@needs_tesseract
def test_blank_image_has_no_text(tmp_path):
    with pytest.raises(UnreadableFile, match="geen leesbare tekst"):
        read_document(save_image(tmp_path / "leeg.png", [scan([])]))


# --- scanned PDFs -----------------------------------------------------------------------------------------------


@needs_tesseract
def test_a4_scanned_pdf_page_is_rendered_and_read_and_timed(tmp_path):
    path = save_scanned_pdf(tmp_path / "parkeren.pdf", [scan(FULL_PAGE, size=A4)])

    started = time.perf_counter()
    doc = read_document(path)
    seconds = time.perf_counter() - started

    print(f"\nOCR van één gescande A4-PDF-pagina (weergave op 300 dpi + Tesseract): {seconds:.2f} s")
    assert doc.kind == "pdf"
    assert [p.number for p in doc.pages] == [1]
    assert doc.metadata == {"ocr_pages": "1"}
    assert_parking(doc.pages[0].text)


@needs_tesseract
def test_scanned_pdf_keeps_page_numbers_and_drops_running_header_and_footer(tmp_path):
    header = "Gemeente Lindewaard - Beleidsnota 2025"
    bodies = [PARKING[1:], WASTE, ["Openingstijden", "Het stadhuis is op maandag tot en met vrijdag open."]]
    pages = [scan([header, "", *body, "", f"Pagina {n} van 3"]) for n, body in enumerate(bodies, start=1)]
    doc = read_document(save_scanned_pdf(tmp_path / "nota.pdf", pages))

    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.metadata["ocr_pages"] == "1,2,3"
    assert "3,20 euro" in words(doc.pages[0].text)
    assert "grofvuil" in words(doc.pages[1].text)
    assert "stadhuis" in words(doc.pages[2].text)
    for page in doc.pages:
        assert "beleidsnota" not in words(page.text), page.text
        assert "pagina" not in words(page.text), page.text


@needs_tesseract
def test_mixed_pdf_only_the_scanned_page_is_ocrd(tmp_path):
    text_page = "Deze pagina heeft een tekstlaag: de vergadering begint om half acht in de raadzaal."
    doc = read_document(save_mixed_pdf(tmp_path / "gemengd.pdf", text_page, scan(PARKING)))

    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[0].text == text_page
    assert doc.metadata == {"ocr_pages": "2"}
    assert_parking(doc.pages[1].text)


@needs_tesseract
def test_pdf_of_only_shapes_is_still_rejected_after_ocr(tmp_path):
    with pytest.raises(UnreadableFile, match="geen leesbare tekst: geen tekstlaag, en ook OCR vond er geen tekst in"):
        read_document(make_image_only_pdf(tmp_path / "vormen.pdf"))


def test_text_pdf_is_not_ocrd(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "ocr_pdf_pages", lambda *a: pytest.fail("a page with a text layer went to OCR"))
    doc = read_document(make_pdf(tmp_path / "tekst.pdf", ["Gewone tekst met een tekstlaag, geen scan."]))
    assert doc.metadata == {}


# --- OCR unavailable or off -------------------------------------------------------------------------------------


def test_scan_without_tesseract_is_rejected_saying_ocr_is_unavailable_and_how_to_install(tmp_path, monkeypatch):
    path = save_scanned_pdf(tmp_path / "scan.pdf", [scan(PARKING)])
    no_tesseract(monkeypatch)
    with pytest.raises(UnreadableFile) as info:
        read_document(path)
    message = str(info.value)
    assert "bevat geen leesbare tekst (bijvoorbeeld een scan zonder tekstlaag)" in message
    assert "OCR is niet beschikbaar" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-nld" in message and "make install" in message


def test_image_without_tesseract_is_rejected(tmp_path, monkeypatch):
    path = save_image(tmp_path / "scan.png", [scan(PARKING)])
    no_tesseract(monkeypatch)
    with pytest.raises(UnreadableFile, match="OCR is niet beschikbaar"):
        read_document(path)


def test_mixed_pdf_without_tesseract_keeps_its_text_pages(tmp_path, monkeypatch):
    path = save_mixed_pdf(tmp_path / "gemengd.pdf", "Alleen deze pagina heeft een tekstlaag, de tweede is een scan.",
                          scan(PARKING))
    no_tesseract(monkeypatch)
    doc = read_document(path)
    assert [p.number for p in doc.pages] == [1]
    assert doc.metadata == {}


def test_ocr_off_in_settings(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "ocr_image", lambda *a: pytest.fail("OCR ran although it is off"))
    off = IngestSettings(ocr=False)
    with pytest.raises(UnreadableFile, match=r"OCR staat uit \(ingest.ocr\)"):
        read_document(save_scanned_pdf(tmp_path / "scan.pdf", [scan(PARKING)]), off)
    with pytest.raises(UnreadableFile, match="OCR staat uit"):
        read_document(save_image(tmp_path / "scan.png", [scan(PARKING)]), off)


def test_missing_language_pack_is_named(tmp_path):
    if ocr.shutil.which("tesseract") is None:
        pytest.skip("Tesseract ontbreekt")
    reason = ocr.unavailable_reason(ocr.OcrOptions(languages="nld+xyz"))
    assert "xyz" in reason and "tesseract-ocr-xyz" in reason
    with pytest.raises(UnreadableFile, match="tesseract-ocr-xyz"):
        read_document(save_image(tmp_path / "scan.png", [scan(PARKING)]), IngestSettings(ocr_languages="nld+xyz"))


# --- pages PDFium cannot draw: pdftoppm, else the page is skipped with a warning -----------------------------------

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="poppler's pdftoppm ontbreekt (make install installeert poppler-utils): de tweede weergave is niet getest",
)
THREE = [
    ["Het college stelt de parkeertarieven voor de binnenstad vast."],
    ["Grofvuil wordt op dinsdag opgehaald, na aanmelding bij het loket."],
    ["Het stadhuis is open van maandag tot en met vrijdag."],
]
NO_PDFTOPPM = "pdftoppm: niet geïnstalleerd (apt-get install poppler-utils)"
BOTH_FAIL = "PDFium: Data format error; pdftoppm: Syntax Error: Bad image stream"  # pdfium_fails_on + pdftoppm_fails


def three_scans() -> list:
    return [scan(lines) for lines in THREE]


def assert_three(pages, numbers=(1, 2, 3)) -> None:
    """The pages read are `numbers`, each with its own text."""
    assert [p.number for p in pages] == list(numbers)
    for page in pages:
        assert {1: "parkeertarieven", 2: "grofvuil", 3: "stadhuis"}[page.number] in words(page.text), page.text


def no_pdftoppm(monkeypatch):
    """pdftoppm as if poppler-utils were not installed."""
    read_in_this_process(monkeypatch)
    real = ocr.shutil.which
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None if name == "pdftoppm" else real(name))


def pdfium_fails_on(monkeypatch, number: int) -> list[int]:
    """PDFium fails on page `number` (the seam: any page PDFium cannot draw); returns the pages pdftoppm is
    asked for."""
    read_in_this_process(monkeypatch)
    pdfium, poppler, asked = ocr.PageRenderer.pdfium, ocr.PageRenderer.poppler, []

    def failing(self, n):
        if n == number:
            raise ocr.OcrFailed("PDFium: Data format error")
        return pdfium(self, n)

    def counted(self, n):
        asked.append(n)
        return poppler(self, n)

    monkeypatch.setattr(ocr.PageRenderer, "pdfium", failing)
    monkeypatch.setattr(ocr.PageRenderer, "poppler", counted)
    return asked


def pdftoppm_fails(monkeypatch):
    read_in_this_process(monkeypatch)

    def failing(self, n):
        raise ocr.OcrFailed("pdftoppm: Syntax Error: Bad image stream")

    monkeypatch.setattr(ocr.PageRenderer, "poppler", failing)


@needs_tesseract
@needs_pdftoppm
def test_pdf_pdfium_cannot_open_is_drawn_page_by_page_by_pdftoppm(tmp_path):
    """The issue's file: PDFium refuses the whole PDF (Data format error), pypdf reads it; pdftoppm draws it."""
    path = save_pdf_pdfium_cannot_open(tmp_path / "ministerie.pdf", three_scans())
    with pytest.raises(pypdfium2.PdfiumError, match="Data format error"):
        pypdfium2.PdfDocument(path)

    doc = read_document(path)

    assert_three(doc.pages)
    assert doc.metadata == {"ocr_pages": "1,2,3"}


@needs_tesseract
@needs_pdftoppm
def test_page_pdfium_cannot_load_is_drawn_by_pdftoppm(tmp_path):
    path = save_pdf_last_page_pdfium_cannot_load(tmp_path / "nota.pdf", three_scans())
    with pypdfium2.PdfDocument(path) as pdf, pytest.raises(pypdfium2.PdfiumError, match="Failed to load page"):
        pdf[2]

    doc = read_document(path)

    assert_three(doc.pages)
    assert doc.metadata == {"ocr_pages": "1,2,3"}


@needs_tesseract
@needs_pdftoppm
def test_a_middle_page_pdfium_fails_on_is_drawn_by_pdftoppm_alone(tmp_path, monkeypatch):
    asked = pdfium_fails_on(monkeypatch, 2)
    doc = read_document(save_scanned_pdf(tmp_path / "nota.pdf", three_scans()))
    assert asked == [2]
    assert_three(doc.pages)
    assert doc.metadata == {"ocr_pages": "1,2,3"}


@needs_tesseract
def test_page_neither_renderer_draws_costs_that_page_the_rest_is_indexed_and_found(app, tmp_path, monkeypatch):
    pdfium_fails_on(monkeypatch, 2)
    pdftoppm_fails(monkeypatch)
    path = save_scanned_pdf(tmp_path / "nota.pdf", three_scans())

    doc = read_document(path)
    assert_three(doc.pages, (1, 3))
    assert doc.metadata == {"ocr_pages": "1,3", "unrendered_pages": f"2 ({BOTH_FAIL})"}

    outcome = app.ingest([path], "onweergeefbaar").outcomes[0]
    assert (outcome.status, outcome.reason) == ("nieuw", f"pagina's niet weer te geven voor OCR, overgeslagen: "
                                                         f"2 ({BOTH_FAIL})")
    assert {chunk.page for chunk in app.store.chunks("onweergeefbaar")} == {1, 3}
    hits = app.retriever.retrieve("Wanneer is het stadhuis open?", "onweergeefbaar")
    assert hits and hits[0].chunk.page == 3 and "stadhuis" in words(hits[0].chunk.text)


@needs_tesseract
def test_without_pdftoppm_a_page_pdfium_cannot_load_is_skipped_saying_so(tmp_path, monkeypatch, caplog):
    no_pdftoppm(monkeypatch)
    doc = read_document(save_pdf_last_page_pdfium_cannot_load(tmp_path / "nota.pdf", three_scans()))
    assert_three(doc.pages, (1, 2))
    assert doc.metadata == {"ocr_pages": "1,2",
                            "unrendered_pages": f"3 (PDFium: Failed to load page; {NO_PDFTOPPM})"}
    assert "nota.pdf: pagina's niet weer te geven voor OCR, overgeslagen: 3 (PDFium" in caplog.text


@needs_tesseract
def test_pdf_not_one_page_of_which_can_be_drawn_is_rejected_naming_the_renderers_errors(app, tmp_path, monkeypatch):
    no_pdftoppm(monkeypatch)
    path = save_pdf_pdfium_cannot_open(tmp_path / "ministerie.pdf", three_scans())
    expected = ("PDF kon niet voor OCR worden weergegeven: pagina's 1-3 "
                f"(PDFium: Failed to load document (Data format error); {NO_PDFTOPPM})")

    with pytest.raises(UnreadableFile) as info:
        read_document(path)
    assert str(info.value) == expected

    outcome = app.ingest([path], "onweergeefbaar-alles").outcomes[0]
    assert (outcome.status, outcome.reason) == ("geweigerd", expected)


@needs_tesseract
def test_text_pages_stay_when_no_scanned_page_can_be_drawn(tmp_path, monkeypatch):
    """"Only if no page could be read": a text layer counts; the scanned page is the one skipped."""
    path = save_mixed_pdf(tmp_path / "gemengd.pdf", "Deze pagina heeft een tekstlaag: de raad vergadert om acht uur.",
                          scan(PARKING))
    pdfium_fails_on(monkeypatch, 2)
    pdftoppm_fails(monkeypatch)
    doc = read_document(path)
    assert [p.number for p in doc.pages] == [1]
    assert doc.metadata == {"unrendered_pages": f"2 ({BOTH_FAIL})"}


@needs_tesseract
def test_skipped_page_of_a_mail_attachment_is_reported_with_the_mail(app, tmp_path, monkeypatch):
    no_pdftoppm(monkeypatch)
    scan_pdf = save_pdf_last_page_pdfium_cannot_load(tmp_path / "bijlage.pdf", three_scans()).read_bytes()
    path = make_eml(tmp_path / "aanvraag.eml", attachments=[("scan.pdf", scan_pdf)])

    outcome = app.ingest([path], "onweergeefbaar-mail").outcomes[0]

    assert outcome.status == "nieuw"
    assert outcome.reason == ("scan.pdf: pagina's niet weer te geven voor OCR, overgeslagen: "
                              f"3 (PDFium: Failed to load page; {NO_PDFTOPPM})")


@needs_tesseract
def test_cli_ingest_summary_shows_the_skipped_page(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    no_pdftoppm(monkeypatch)
    save_pdf_last_page_pdfium_cannot_load(tmp_path / "docs" / "nota.pdf", three_scans())

    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "docs")])

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"pagina's niet weer te geven voor OCR, overgeslagen: 3 (PDFium: Failed to load page; {NO_PDFTOPPM})" \
        in result.stdout


@needs_pdftoppm
def test_pdftoppm_error_is_its_last_stderr_line(tmp_path):
    data = save_scanned_pdf(tmp_path / "een.pdf", [scan(["Eén pagina."])]).read_bytes()
    with ocr.PageRenderer(data, 72) as renderer:
        assert renderer.poppler(1).size[0] > 0
        with pytest.raises(ocr.OcrFailed, match=r"^pdftoppm: Wrong page range given"):
            renderer.poppler(5)
        with pytest.raises(ocr.OcrFailed, match=r"^PDFium: Failed to load page; pdftoppm: Wrong page range"):
            renderer.render(5)
        folder = Path(renderer._folder.name)
    assert not folder.exists()  # its temporary copy of the PDF is gone


def test_unrendered_pages_are_grouped_by_reason_as_ranges():
    assert ocr.describe_unrendered({7: "b", 1: "a", 2: "a", 3: "a", 5: "a"}) == "1-3, 5 (a); 7 (b)"


# --- running headers and footers ----------------------------------------------------------------------------------


def page(n: int, total: int, body: str, header: str = "Gemeente Lindewaard — Beleidsnota 2025") -> str:
    return f"{header}\n\n{body}\n\nPagina {n} van {total}"


def test_line_key_ignores_numbers_case_and_punctuation():
    assert line_key("Pagina 3 van 12") == line_key("pagina 4 van 12") == line_key("Pagina  10 van 12.")
    assert line_key("Gemeente Lindewaard — Beleidsnota 2025") == line_key("Gemeente Lindewaard - Beleidsnota 2025")
    assert line_key("Pagina 3 van 12") != line_key("Bijlage 3")


def test_running_header_and_page_number_footer_are_dropped():
    bodies = ["Het tarief is 3,20 euro per uur.", "Vergunningen via het loket.", "Bezwaar binnen zes weken.",
              "De raad besluit in maart."]
    result = drop_running_lines([page(n, 4, body) for n, body in enumerate(bodies, start=1)])
    assert [text.strip() for text in result] == bodies


def test_bare_and_dashed_page_numbers_are_dropped():
    pages = [f"Tekst van pagina {word}.\n- {n} -" for n, word in enumerate(["een", "twee", "drie"], start=1)]
    assert [t.strip() for t in drop_running_lines(pages)] == ["Tekst van pagina een.", "Tekst van pagina twee.",
                                                              "Tekst van pagina drie."]
    pages = [f"{n}\nInhoud {word}" for n, word in enumerate(["a", "b", "c", "d"], start=3)]  # numbering after a cover
    assert [t.strip() for t in drop_running_lines(pages)] == ["Inhoud a", "Inhoud b", "Inhoud c", "Inhoud d"]


def test_header_words_inside_the_body_stay():
    body = "Regel een\nRegel twee\nRegel drie\nGemeente Lindewaard — Beleidsnota 2025\nRegel vier\nRegel vijf\nslot"
    pages = [page(n, 3, body) for n in (1, 2, 3)]
    for text in drop_running_lines(pages):
        assert text.count("Beleidsnota 2025") == 1 and "Pagina" not in text


def test_single_and_two_page_documents_are_untouched():
    assert drop_running_lines([page(1, 1, "Alleen deze pagina.")]) == [page(1, 1, "Alleen deze pagina.")]
    two = [page(1, 2, "Een."), page(2, 2, "Twee.")]
    assert drop_running_lines(two) == two
    assert drop_running_lines([]) == []


def test_lines_on_fewer_than_sixty_percent_of_pages_stay():
    pages = [page(1, 5, "Een."), page(2, 5, "Twee."), "Drie.", "Vier.", "Vijf."]
    assert repeated_keys(pages) == set()  # header and footer on 2 of 5 pages
    pages = [page(n, 5, f"Tekst {word}.") for n, word in zip((1, 2, 3), "abc", strict=True)] + ["Vier.", "Vijf."]
    assert len(repeated_keys(pages)) == 2  # 3 of 5 pages: 60%


def test_numbered_headings_at_the_top_of_pages_stay():
    pages = [f"Artikel {n}\nDe tekst van artikel {n}.\n{body}" for n, body in zip((1, 2, 4, 7), "abcd", strict=True)]
    assert drop_running_lines(pages) == pages


def test_text_pdf_with_running_header_and_footer(tmp_path):
    bodies = [
        "Parkeren in de binnenstad kost 3,20 euro per uur.",
        "Bewoners vragen een parkeervergunning aan bij het loket.",
        "Tegen een besluit kunt u binnen zes weken bezwaar maken.",
        "De gemeenteraad besluit in maart over de nieuwe tarieven.",
    ]
    header, footer = "Gemeente Lindewaard - Beleidsnota 2025", "Pagina {page} van {pages}"
    path = make_pdf_with_running_lines(tmp_path / "nota.pdf", bodies, header=header, footer=footer)
    doc = read_document(path)

    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert [p.text for p in doc.pages] == bodies
    assert doc.metadata == {}
