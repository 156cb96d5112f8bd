"""The UI's tabs as functions (the browser test, tests/test_browser.py, drives them on a page): filters, the
sources table and viewer, ratings, documents, evaluation and the language switch."""

from __future__ import annotations

import pandas as pd
import pytest

from assistant.app import Bronvast
from assistant.ui.chat import answer_number, open_source, search_filter, source_rows
from assistant.ui.documents import add_documents, collection_rows, delete, document_rows
from assistant.ui.evaluation import compare, export_ratings, run_set
from assistant.ui.labels import DUTCH, ENGLISH, HEADERS, WORDS, headers
from assistant.ui.shared import Translation, inert_markdown, marked_html
from bronvast.schema import ANONYMOUS, Answer, Caller, Citation
from bronvast.settings import load_settings

CANARY = "KANARIEU1TAB"
ARCHIVIST = Caller("archivaris", ("restricted",), ("ingest",))
QUESTION = "Hoe lang duurt de beslissing over een dakkapel?"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A public note and a restricted one (group `restricted`) holding the canary."""
    root = tmp_path_factory.mktemp("ui")
    docs = root / "docs"
    docs.mkdir()
    (docs / "openbaar.md").write_text("# Dakkapel\n\nDe gemeente beslist binnen acht weken over een aanvraag voor "
                                      "een dakkapel aan de voorkant van een woning.\n", encoding="utf-8")
    (docs / "geheim.md").write_text(f"# Dakkapel intern\n\nIntern dossier {CANARY}: de beslissing over de dakkapel "
                                    "aan de Kerkstraat duurt acht weken.\n", encoding="utf-8")
    (docs / "bronvast-manifest.csv").write_text("file,access\ngeheim.md,restricted\n", encoding="utf-8")
    application = Bronvast(load_settings(overrides=[f"data_dir={root / 'data'}", "answer.mode=extractive"]))
    assert application.ingest([docs]).exit_code == 0
    yield application
    application.close()


def test_the_filters_become_a_search_filter_and_a_bad_date_a_message():
    where = search_filter(["pdf", "docx"], "2024-01-01", "")
    assert where.kinds == ("pdf", "docx") and where.after == "2024-01-01" and where.before is None
    assert search_filter([], "", "") is None
    with pytest.raises(ValueError, match="1 maart"):
        search_filter([], "1 maart", "")


def test_the_sources_table_has_a_row_per_citation_and_none_for_a_refusal():
    citation = Citation(1, "nota.pdf", 3, "Een lange passage " * 20, 0.9, also=("kopie.pdf",))
    rows = source_rows(Answer("v", "a [1]", False, [citation]))
    assert rows[0][:3] == [1, "nota.pdf (ook: kopie.pdf)", 3] and rows[0][3].endswith(" …") and len(rows[0][3]) < 170
    assert source_rows(Answer("v", "Geen antwoord.", True, [citation])) == [] and source_rows(None) == []


def test_a_rating_finds_its_answer_by_counting_the_assistants_messages():
    history = [{"role": "user"}, {"role": "assistant"}, {"role": "user"}, {"role": "assistant"}]
    assert answer_number(history, 1) == 0 and answer_number(history, 3) == 1


def test_the_viewer_opens_what_the_caller_may_see_and_nothing_else(app):
    answer = app.ask(QUESTION, caller=ARCHIVIST)
    secret = next(n for n, c in enumerate(answer.citations) if c.source == "geheim.md")
    image, shown = open_source(app, answer, secret, "", ARCHIVIST)
    assert CANARY in shown and "<mark>" in shown  # a text format: no picture, the passage marked
    assert image.constructor_args["visible"] is False
    image, shown = open_source(app, answer, secret, "", ANONYMOUS)  # a citation handed to someone else
    assert shown.startswith("<p>Fout:") and "staat niet in collectie" in shown and CANARY not in shown
    assert open_source(app, answer, 99, "", ARCHIVIST) == (None, "")


def test_document_lists_and_counts_hold_only_what_the_caller_may_see(app):
    assert {row[0] for row in document_rows(app, "", ANONYMOUS)} == {"openbaar.md"}
    assert {row[0] for row in document_rows(app, "", ARCHIVIST)} == {"openbaar.md", "geheim.md"}
    assert collection_rows(app, ANONYMOUS) == [["default", 1]] and collection_rows(app, ARCHIVIST) == [["default", 2]]


def test_adding_and_deleting_need_their_roles(app, tmp_path):
    upload = tmp_path / "nieuw.md"
    upload.write_text("# Nieuw\n\nEen nieuw document.\n", encoding="utf-8")
    message, rows = add_documents(app, [str(upload)], "", ANONYMOUS)
    assert message.startswith("Fout:") and "'ingest'" in message and rows == []
    assert not (app.settings.data_dir / "uploads" / "default" / "nieuw.md").exists()  # refused before the copy
    assert "'delete'" in delete(app, "openbaar.md", "", ARCHIVIST)
    assert delete(app, None, "", ARCHIVIST) == "Kies eerst een document."
    assert add_documents(app, None, "", ARCHIVIST) == ("Kies eerst een of meer bestanden.", [])


def test_uploading_shows_progress_per_file(app, tmp_path):
    steps = []
    uploads = []
    for name in ("een.md", "twee.md"):
        (tmp_path / name).write_text(f"# {name}\n\nTekst van {name} over de dakkapel.\n", encoding="utf-8")
        uploads.append(str(tmp_path / name))
    message, rows = add_documents(app, uploads, "uploads", ARCHIVIST, lambda done, **_: steps.append(done))
    assert [row[0] for row in rows] == ["een.md", "twee.md"] and message == "nieuw: 2"
    assert steps == [(1, 2), (2, 2)]


def test_evaluation_without_input_gives_messages(app):
    assert run_set(app, None, None, "", None)[0] == "Kies of upload eerst een evaluatieset."
    assert compare(app, "", "run")[0] == "Kies twee runs."
    assert compare(app, "../x", "y")[0].startswith("Fout:")
    assert export_ratings(app, ANONYMOUS) == ("Er zijn nog geen beoordelingen.", None)


def test_every_word_and_table_has_both_languages():
    assert all(len(pair) == 2 and all(word.strip() for word in pair) for pair in WORDS.values())
    assert all(len(dutch) == len(english) for dutch, english in HEADERS.values())


def test_the_switch_keeps_a_tables_rows_under_its_new_headers():
    import gradio as gr

    words = Translation()
    with gr.Blocks():
        label = words.add(gr.Textbox(), "question")
        table = words.add(gr.Dataframe(headers=headers(DUTCH, "sources")), "sources", "headers")
    assert words.tables == [table] and words.components == [label, table]
    rows = pd.DataFrame([[1, "nota.pdf", 3, "passage"]], columns=headers(DUTCH, "sources"))
    label_update, table_update = words.updates(ENGLISH, rows)
    assert label_update["label"] == "Question"
    assert list(table_update["value"].columns) == ["No.", "File", "Page", "Passage"]
    assert table_update["value"].values.tolist() == [[1, "nota.pdf", 3, "passage"]]


def test_marked_text_is_escaped_and_marks_never_nest():
    shown = marked_html("<b>a</b> bc", [(0, 4), (2, 6), (9, 11)])
    assert shown == "<mark>&lt;b&gt;a&lt;/</mark>b&gt; <mark>bc</mark>"


def test_document_text_for_the_chat_keeps_no_markdown_syntax_alive():
    shown = inert_markdown("![x](http://a.nl/p.png) [y](https://b.nl) <img src=x> www.c.nl d@e.nl *f* 3,20 euro.")
    assert shown == ("\\!\\[x\\]\\(http\\://a.nl/p.png\\) \\[y\\]\\(https\\://b.nl\\) &lt;img src=x&gt; "
                     "www\\.c.nl d\\@e.nl \\*f\\* 3,20 euro.")
