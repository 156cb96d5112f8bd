"""The UI in a real browser (Debian's chromium driven by Playwright), served the way `bronvast serve` serves it: the
REST app with the UI mounted, a users file and its login. A user logs in, asks, watches the answer stream, opens a
citation, sees the PDF page with the passage highlighted, rates the answer, sees only the documents their groups
allow and may not delete them, runs an evaluation set and exports the rating as a case, and switches to English."""

from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path

import pytest
from files import make_pdf
from outside import assert_counting, free_port, outside_listener
from prometheus_client import REGISTRY

from assistant import server
from assistant.api_v1 import OUTCOMES
from assistant.app import Bronvast
from bronvast.identity import Users
from bronvast.settings import load_settings

CHROMIUM = Path("/usr/bin/chromium")
CANARY = "KANARIEBR0WS3R"
QUESTION = "Hoeveel kost een parkeervergunning voor bewoners per jaar?"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"{CHROMIUM} is absent (`make install` installs Debian's chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="playwright is not installed (it is in the dev extra: `make install`)"),
]


def corpus(folder: Path, outside: str) -> Path:
    """A public PDF that answers the question, a restricted note (group `restricted`) holding the canary, and a
    public note whose Markdown would make a browser fetch from `outside` (a tracking beacon) and links there."""
    folder.mkdir(parents=True)
    (folder / "afval.md").write_text(
        "# Afvalinzameling\n\nDe gft-container wordt elke twee weken op dinsdag geleegd. "
        f"![logo]({outside}/pixel.png?bron=afval) Zie ook [de afvalkalender]({outside}/link?bron=afval), "
        f"<img src=\"{outside}/tag.png\"> en {outside}/kaal of www.afval-lindewaard.nl.\n", encoding="utf-8")
    make_pdf(folder / "parkeerbeleid.pdf", [
        "Parkeerbeleid gemeente Lindewaard. Dit beleid regelt het parkeren in het centrum en de wijken.",
        "Bewonersvergunning. Een parkeervergunning voor bewoners kost 84 euro per jaar. Een tweede vergunning per "
        "adres kost 168 euro per jaar. De vergunning geldt in de zone waarin het adres ligt.",
    ])
    (folder / "intern.md").write_text(
        f"# Parkeervergunning intern\n\nIntern overleg over de parkeervergunning voor bewoners: kenmerk {CANARY}. "
        "De kosten per jaar worden volgend jaar herzien.\n", encoding="utf-8")
    (folder / "bronvast-manifest.csv").write_text("file,access\nintern.md,restricted\n", encoding="utf-8")
    return folder


def questions_counted() -> float:
    return sum(REGISTRY.get_sample_value("bronvast_questions_total", {"outcome": outcome}) or 0
               for outcome in OUTCOMES)


@pytest.fixture(scope="module")
def outside():
    """A listener on another loopback address, playing the outside world: its address and the paths asked of it."""
    with outside_listener() as listening:
        yield listening


@pytest.fixture(scope="module")
def site(tmp_path_factory, outside):
    """`bronvast serve`'s stack on a free port: the REST app, the gate, the UI mounted with its login."""
    import uvicorn

    root = tmp_path_factory.mktemp("browser")
    users_file = root / "users.yaml"
    key = Users(users_file).add("medewerker", ["archief"])
    settings = load_settings(overrides=[f"data_dir={root / 'data'}", f"identity.users_file={users_file}"])
    app = Bronvast(settings)
    assert app.ingest([corpus(root / "docs", outside[0])]).exit_code == 0
    port = free_port()
    config = uvicorn.Config(server.site(app, "serve-token"), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/", key
    running.should_exit = True
    thread.join(timeout=10)
    app.close()


def test_log_in_ask_watch_it_stream_open_the_cited_page_rate_evaluate_and_switch_to_english(site, tmp_path):
    from playwright import sync_api
    url, key = site
    dataset = tmp_path / "parkeren.jsonl"
    dataset.write_text('{"id": "p1", "question": "Wat kost een bewonersvergunning per jaar?", "gold": [{"source": '
                       '"parkeerbeleid.pdf", "page": 2}], "must_contain": ["84 euro"], "answerable": true}\n',
                       encoding="utf-8")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(url, wait_until="domcontentloaded")  # never networkidle: Gradio keeps a stream open
            page.get_by_label("username").fill("medewerker")
            page.get_by_label("password").fill("bv.medewerker.wrong")
            page.get_by_role("button", name="Login").click()
            expect(page.get_by_text("Incorrect Credentials")).to_be_visible(timeout=15_000)
            page.get_by_label("username").fill("medewerker")  # the form empties after a failed login
            page.get_by_label("password").fill(key)
            page.get_by_role("button", name="Login").click()
            expect(page.get_by_role("tab", name="Vragen")).to_be_visible(timeout=30_000)
            expect(page.locator("#gesprek")).to_be_visible(timeout=15_000)

            # Every change of the answer's text is recorded: a streamed answer changes more than once.
            page.evaluate("""() => {
                window.answerTexts = [];
                new MutationObserver(() => {
                    const bot = [...document.querySelectorAll('#gesprek .bot, #gesprek [data-testid="bot"]')].pop();
                    if (bot) window.answerTexts.push(bot.innerText);
                }).observe(document.querySelector('#gesprek'), {subtree: true, childList: true, characterData: true});
            }""")
            asked_before = questions_counted()
            page.locator("#vraag textarea").fill(QUESTION)
            page.locator("#vraag textarea").press("Enter")
            sources = page.locator("#bronnen")
            expect(sources).to_contain_text("parkeerbeleid.pdf", timeout=120_000)
            texts = [text for text in page.evaluate("window.answerTexts") if text.strip()]
            assert len(set(texts)) >= 2, texts  # shown piece by piece, not at once
            conversation = page.locator("#gesprek")
            expect(conversation).to_contain_text("84 euro")
            expect(conversation).not_to_contain_text(CANARY)
            assert questions_counted() == asked_before + 1  # the UI's questions count in /metrics too

            sources.get_by_role("gridcell").filter(has_text="parkeerbeleid.pdf").first.click()
            image = page.locator("#bron-pagina img")
            expect(image).to_be_visible(timeout=30_000)
            assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 300
            expect(page.locator("#bron-tekst mark").first).to_contain_text("84 euro")

            # a thumb down with a comment, then exported as an evaluation case
            page.locator("#beoordeling-opmerking textarea").fill("De tweede vergunning had apart genoemd mogen worden.")
            conversation.get_by_role("button", name="Dislike").last.click()
            expect(page.locator("#beoordeling-status")).to_contain_text("bewaard", timeout=15_000)

            page.get_by_role("tab", name="Documenten").click()
            listed = page.locator("#documenten-lijst")
            expect(listed).to_contain_text("parkeerbeleid.pdf", timeout=15_000)
            expect(listed).not_to_contain_text("intern.md")  # restricted: not this user's group
            page.locator("#documenten-keuze input").click()
            page.get_by_role("option", name="parkeerbeleid.pdf").click()
            page.locator("#documenten-verwijderen").click()
            expect(page.locator("#documenten-status")).to_contain_text("rol 'delete'", timeout=15_000)

            page.get_by_role("tab", name="Evaluatie").click()
            page.set_input_files("#evaluatie-upload input[type=file]", [dataset])
            expect(page.locator("#evaluatie-upload")).to_contain_text(dataset.name, timeout=15_000)
            page.locator("#evaluatie-starten").click()
            expect(page.locator("#evaluatie-uitkomsten")).to_contain_text("cited_facts", timeout=120_000)
            expect(page.locator("#evaluatie-runs")).to_contain_text("parkeren.jsonl", timeout=15_000)
            expect(page.locator("#evaluatie-rapport a[href$='/report.html']")).to_be_visible()
            export = page.locator("#beoordelingen-exporteren")
            export.scroll_into_view_if_needed()  # the report's frame moves the page while it loads
            export.click()
            expect(page.locator("#beoordelingen-status")).to_contain_text("1 beoordelingen", timeout=15_000)
            expect(page.locator("#beoordelingen-bestand a[href$='/beoordelingen.jsonl']")).to_be_visible()

            page.locator("#taal").scroll_into_view_if_needed()
            page.get_by_role("radio", name="English").check()
            expect(page.get_by_role("tab", name="Ask")).to_be_visible(timeout=10_000)
            expect(page.get_by_role("tab", name="Documents")).to_be_visible()
            expect(page.get_by_role("button", name="Run evaluation")).to_be_visible()
            expect(page.locator("#evaluatie-uitkomsten")).to_contain_text("95% interval")  # the table's headers too
            page.get_by_text("View the report").click()  # the run's HTML report, in a frame that runs no script
            report = page.frame_locator("#evaluatie-rapport-inline iframe")
            expect(report.get_by_role("heading", name="Metrieken")).to_be_visible(timeout=10_000)
        finally:
            browser.close()


def test_a_documents_markdown_stays_text_and_the_browser_fetches_nothing_it_names(site, outside):
    """A source passage holding a Markdown image, a link, an <img> tag and bare addresses is shown as written: no
    image, no live link, and the outside listener is asked for nothing."""
    from playwright import sync_api
    url, key = site
    address, asked = outside
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_label("username").fill("medewerker")
            page.get_by_label("password").fill(key)
            page.get_by_role("button", name="Login").click()
            expect(page.locator("#gesprek")).to_be_visible(timeout=30_000)
            page.locator("#vraag textarea").fill("Wanneer wordt de gft-container geleegd?")
            page.locator("#vraag textarea").press("Enter")
            expect(page.locator("#bronnen")).to_contain_text("afval.md", timeout=120_000)
            conversation = page.locator("#gesprek")
            expect(conversation).to_contain_text(f"[de afvalkalender]({address}/link?bron=afval)")  # as text
            expect(conversation).not_to_contain_text("pixel.png")  # active markup is taken out of passages
            page.locator("#bronnen").get_by_role("gridcell").filter(has_text="afval.md").first.click()
            expect(page.locator("#bron-tekst")).to_contain_text(f'<img src="{address}/tag.png">')
            page.wait_for_timeout(1500)  # time for any fetch the page would have started
            assert asked == []
            live = "img[src*='127.0.0.2'], a[href*='127.0.0.2'], a[href*='afval-lindewaard']"
            assert page.locator(live).count() == 0

            assert_counting(page, address, asked)
        finally:
            browser.close()
