"""The Bezwaren tab: its helpers on a hand-built dossier (rows, the card, escaping of untrusted letter text), and the
tab itself in a real browser (Debian's chromium driven by Playwright) over the real application."""

from __future__ import annotations

import importlib.util
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from outside import assert_counting, free_port, outside_listener

from assistant.ui import build_ui
from assistant.ui.objections import (
    QUOTE_NOT_FOUND,
    cluster_rows,
    copy_uploads,
    highlighted_text,
    letter_card_html,
    letter_choices,
    objection_rows,
    parse_received,
    read_objections,
    rejected_html,
)
from bronvast.schema import Dossier, Ground, GroundCluster, LetterCard

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = "<img src=x onerror=alert(1)>"
MARKDOWN_IMAGE = "![p](http://127.0.0.2:9/p.png)"


CARD_TAGS = {"div", "h3", "h4", "table", "tr", "th", "td", "ol", "ul", "li", "strong", "small", "blockquote", "p",
             "mark"}


def tags_in(markup: str) -> set[str]:
    """Every tag a browser would build from the markup (with their attributes checked: only our own class/style)."""
    found: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.add(tag)
            assert {name for name, _ in attrs} <= {"class", "style"}, (tag, attrs)

    Tags().feed(markup)
    return found


def card(**fields) -> LetterCard:
    values = {
        "file": "bezwaar-bakker.txt", "letter_date": "2025-03-20", "received_date": "2025-03-21",
        "sender": "indiener 1", "gemachtigde": None, "decision_date": "2025-02-14",
        "decision_reference": "Z-2025-04410", "decision_subject": "omgevingsvergunning distributiecentrum",
        "grounds": (Ground("Geluidsoverlast 's nachts", "ernstige geluidsoverlast in de nachtelijke uren", "alinea 4",
                           True),
                    Ground("Verkeer", "een quote die er niet staat", "alinea 5", False)),
        "request": "Herroep het besluit.", "hearing_requested": True, "pro_forma": False, "missing": (),
        "deadline": "2025-03-28", "on_time": True, "on_time_reason": "ontvangen binnen de termijn",
        "decision_deadline": "2025-05-09", "notes": ("Termijn gerekend vanaf de datum van het besluit.",),
        "text": "Geacht college,\n\nTen eerste leidt het tot ernstige geluidsoverlast in de nachtelijke uren.\n\n"
                f"{HOSTILE} {MARKDOWN_IMAGE} <a href=\"http://example.org\">link</a>\n\nMet vriendelijke groet,",
    }
    values.update(fields)
    return LetterCard(**values)


@pytest.fixture
def dossier() -> Dossier:
    second = card(file="bezwaar-jansen.pdf", letter_date=None, received_date=None, gemachtigde="Advocatenkantoor X",
                  deadline=None, on_time=None, on_time_reason=None, hearing_requested=False, pro_forma=True,
                  missing=("ondertekening", "gronden"), grounds=())
    clusters = (GroundCluster("geluidsoverlast", 2, ("bezwaar-bakker.txt", "bezwaar-jansen.pdf"), ("a", "b")),)
    return Dossier((card(), second), clusters, (("kapot.pdf", "PDF is versleuteld"),))


def test_the_overview_has_one_row_per_letter_in_the_columns_of_the_table(dossier):
    assert objection_rows(dossier) == [
        ["bezwaar-bakker.txt", "2025-03-20", "2025-03-21", "2025-03-28", "ja", "nee", "ja", "", 2, ""],
        ["bezwaar-jansen.pdf", "", "", "", "onbekend", "ja", "nee", "Advocatenkantoor X", 0, "ondertekening, gronden"],
    ]
    assert cluster_rows(dossier) == [["geluidsoverlast", 2, "bezwaar-bakker.txt, bezwaar-jansen.pdf"]]
    assert letter_choices(dossier) == [("bezwaar-bakker.txt", 0), ("bezwaar-jansen.pdf", 1)]


def test_the_card_escapes_the_letter_and_marks_the_quotes_found(dossier):
    shown = letter_card_html(dossier.letters[0])
    assert tags_in(shown) <= CARD_TAGS  # the letter's <img> and <a> are text, not tags
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert MARKDOWN_IMAGE in shown  # left as plain text: the card is HTML, never Markdown
    assert "<mark>ernstige geluidsoverlast in de nachtelijke uren</mark>" in shown
    assert shown.count("<mark>") == 1  # the unverified quote is not in the letter, so nothing else is marked
    assert QUOTE_NOT_FOUND in shown and shown.count(QUOTE_NOT_FOUND) == 1
    for value in ("Z-2025-04410", "2025-03-28", "2025-05-09", "alinea 4", "Herroep het besluit.",
                  "Termijn gerekend vanaf de datum van het besluit.", "indiener 1"):
        assert value in shown


def test_quotes_are_marked_across_line_breaks_and_their_own_markup_stays_text():
    text = "Zie <b>dit</b>:\nhet plan\n  is te hoog & te breed. Verder niets."
    marked = highlighted_text(text, ["<b>dit</b>: het plan is te hoog & te breed.", "is te hoog", "afwezig"])
    # the two overlapping quotes become one mark; the quote's own tags are escaped inside it
    assert marked == ("Zie <mark>&lt;b&gt;dit&lt;/b&gt;:\nhet plan\n  is te hoog &amp; te breed.</mark> Verder niets.")


def test_file_names_and_reasons_of_unread_files_are_escaped():
    shown = rejected_html(Dossier((), (), (("<script>x</script>.pdf", "kan <b>niet</b> gelezen worden"),)))
    assert "&lt;script&gt;x&lt;/script&gt;.pdf" in shown and "&lt;b&gt;niet&lt;/b&gt;" in shown
    assert rejected_html(Dossier(())) == ""


def test_a_received_date_must_be_a_date():
    assert parse_received("  ") is None and parse_received(None) is None
    assert str(parse_received(" 2025-03-21 ")) == "2025-03-21"
    with pytest.raises(ValueError, match="JJJJ-MM-DD"):
        parse_received("21-03-2025")


class NeverCalled:
    def objections(self, *args, **kwargs):
        raise AssertionError("the letters must not be read")


def test_a_bad_date_or_no_letters_gives_a_message_not_an_exception(tmp_path):
    letter = tmp_path / "brief.txt"
    letter.write_text("Geacht college,", encoding="utf-8")
    status, overview, clusters, _, shown, unread, exports, kept = read_objections(
        NeverCalled(), [str(letter)], False, "21 maart")
    assert status.startswith("Fout:") and "JJJJ-MM-DD" in status
    assert (overview, clusters, shown, unread, exports, kept) == ([], [], "", "", None, None)
    assert read_objections(NeverCalled(), None, False, "")[0] == "Kies eerst een of meer brieven."


def test_uploads_keep_their_names_in_one_folder_and_a_manifest_is_not_a_letter(tmp_path):
    uploads = []
    for folder, name in (("a1", "brief.txt"), ("b2", "brief.txt"), ("c3", "bronvast-manifest.csv")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(folder, encoding="utf-8")
        uploads.append(str(tmp_path / folder / name))
    target = tmp_path / "brieven"
    target.mkdir()
    letters = copy_uploads(uploads, target)
    assert letters == [target / "brief.txt", target / "2" / "brief.txt"]
    assert [path.read_text() for path in letters] == ["a1", "b2"]
    assert (target / "bronvast-manifest.csv").is_file()  # beside the letters, where the reader looks for it


# --- the tab in a real browser ---------------------------------------------------------------------------------

LETTER = """A. {name}
Dorpsstraat {number}
1234 AB Oosterveld

Oosterveld, {written}

Aan het college van burgemeester en wethouders van de gemeente Oosterveld

Betreft: bezwaar tegen omgevingsvergunning distributiecentrum

Geacht college,

Hierbij maak ik bezwaar tegen uw besluit van 14 februari 2025 met kenmerk Z-2025-04410, waarbij een
omgevingsvergunning is verleend voor een distributiecentrum aan de Industrieweg.

Ten eerste leidt het distributiecentrum tot ernstige geluidsoverlast in de nachtelijke uren door vrachtverkeer.

Ten tweede neemt de verkeersdrukte op de Dorpsstraat sterk toe, wat gevaarlijk is voor schoolgaande kinderen.
{extra}
Ik verzoek u het besluit te herroepen. Ik wil graag worden gehoord.

Met vriendelijke groet,

A. {name}
{postscript}"""


@pytest.fixture
def pixel_server():
    """A listener on another loopback address: yields its address and the paths the browser asked it for."""
    with outside_listener() as listening:
        yield listening


@pytest.fixture
def served_ui(app):
    ui = build_ui(app)
    port = free_port()
    ui.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    ui.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (`make install` installs Debian's chromium)")
@pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                    reason="playwright is not installed (it is in the dev extra: `make install`)")
def test_the_bezwaren_tab_reads_letters_in_a_browser_and_fetches_nothing_a_letter_names(
        tmp_path, pixel_server, served_ui):
    from playwright import sync_api
    pixel, asked = pixel_server
    letters = tmp_path / "upload"
    letters.mkdir()
    hostile = f"![kaart]({pixel}/pixel.png) en <img src=\"{pixel}/tag.png\"> en <img src=x onerror=alert(1)>"
    (letters / "bezwaar-bakker.txt").write_text(
        LETTER.format(name="Bakker", number=4, written="20 maart 2025", extra="", postscript=""), encoding="utf-8")
    (letters / "bezwaar-de-vries.txt").write_text(LETTER.format(  # in a ground (marked) and after the signature
        name="de Vries", number=9, written="18 maart 2025", extra=f"\nZie ook {hostile}.\n",
        postscript=f"\nBijlage: {hostile}\n"), encoding="utf-8")
    started = time.monotonic()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(served_ui, wait_until="domcontentloaded")  # never networkidle: Gradio keeps a stream open
            expect = sync_api.expect
            page.get_by_role("tab", name="Bezwaren").click()
            page.set_input_files("#bezwaren-brieven input[type=file]", sorted(letters.iterdir()))
            # Uploaded once each file links to its copy on the server: Gradio's <cache>/<hash>/<the user's name>.
            for letter in letters.iterdir():
                expect(page.locator(f"#bezwaren-brieven a[href$='/{letter.name}']")).to_be_visible(timeout=15_000)
            received = page.get_by_label("Ontvangstdatum (JJJJ-MM-DD, optioneel)")
            received.fill("21 maart 2025")
            page.get_by_role("button", name="Brieven lezen").click()
            expect(page.locator("#bezwaren-status")).to_contain_text("is geen datum: schrijf de ontvangstdatum als "
                                                                      "JJJJ-MM-DD", timeout=10_000)
            received.fill("2025-03-21")
            page.get_by_role("button", name="Brieven lezen").click()

            overview = page.locator("#bezwaren-overzicht")
            expect(overview).to_contain_text("bezwaar-bakker.txt", timeout=30_000)  # the user's names, not Gradio's
            expect(overview).to_contain_text("bezwaar-de-vries.txt")
            expect(overview).to_contain_text("2025-03-28")  # the objection term's last day: six weeks after 14-2
            expect(overview).to_contain_text("2025-03-21")
            # both letters raise the same grounds: the clusters name both
            expect(page.locator("#bezwaren-clusters")).to_contain_text("bezwaar-bakker.txt, bezwaar-de-vries.txt")
            for name in ("bezwaren.docx", "bezwaren.csv", "bezwaren.json", "bezwaren.md", "clusters.csv"):
                expect(page.locator(f"#bezwaren-exports a[href$='/{name}']")).to_be_visible()

            page.locator("#bezwaren-brief input").click()
            page.get_by_role("option", name="bezwaar-de-vries.txt").click()
            shown = page.locator("#bezwaren-kaart")
            expect(shown).to_contain_text(f"![kaart]({pixel}/pixel.png)")  # shown as text
            expect(shown.locator("mark").first).to_contain_text("geluidsoverlast")
            page.wait_for_timeout(1000)  # time for any fetch or script the card would have started
            assert (asked, dialogs, shown.locator("img, a").count()) == ([], [], 0)

            assert_counting(page, pixel, asked)
        finally:
            browser.close()
    assert time.monotonic() - started < 60
