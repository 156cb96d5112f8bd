"""A question about one objection letter answered from its file card: the real demo letters, the real embedder and
index, the extractive mode (no model)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from files import WINDTURBINE_LETTER

from assistant.app import Bronvast
from assistant.letter_questions import across_letters, asked_aspect
from bronvast.schema import ALL_KINDS, SearchFilter
from bronvast.settings import load_settings

PARKING = "bezwaarschrift-naheffingsaanslag-parkeerbelasting.pdf"
LETTERS = PROJECT_ROOT / "samples" / "objections" / "brieven"


@pytest.mark.parametrize(("question", "aspect", "across"), [
    ("Op welke gronden maakt de indiener bezwaar tegen de naheffingsaanslag parkeerbelasting?", "grounds", False),
    ("Wat vraagt de indiener van het bezwaar tegen de naheffingsaanslag?", "request", False),
    ("Wil de indiener van het bezwaar tegen de naheffingsaanslag worden gehoord?", "hearing", False),
    ("Is het bezwaar tegen de omgevingsvergunning voor Kerkstraat 12 binnen de termijn ingediend?", "term", False),
    ("Wie maakt bezwaar tegen de weigering van de kapvergunning aan de Eikenlaan?", "writer", False),
    ("Why does the objector object to the parking fine?", "grounds", False),
    ("In welke bezwaarschriften wordt aangevoerd dat het besluit onvoldoende gemotiveerd is?", "grounds", True),
    ("Komt de grond 'ik ben niet geraadpleegd' in meer dan één bezwaarschrift voor?", "grounds", True),
    ("Welke indieners van een bezwaarschrift vragen om een hoorzitting?", "hearing", True),
    ("Which objection letters ask for a hearing?", "hearing", True),
    ("Which objectors want to be heard?", "hearing", True),
    ("In which objections is it argued that the decision lacks reasons?", "grounds", True),
    # no objection named, or no aspect asked
    ("Wat kost parkeren in zone A?", None, False),
    ("Wanneer is de bezwaarschriftencommissie opgericht?", None, False),
])
def test_what_a_question_asks_of_a_letter(question, aspect, across):
    assert (asked_aspect(question), across_letters(question)) == (aspect, across)


@pytest.fixture(scope="module")
def extractive(app, demo) -> Bronvast:
    reader = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", "answer.mode=extractive"]))
    reader.store, reader.embedder = app.store, app.embedder  # one process may open the data dir once
    return reader


def test_the_grounds_of_a_letter_come_from_its_card_in_the_writers_words(extractive, demo):
    """All three grounds of the parking letter, each with where it stands, though they sit in different chunks;
    not the subject line and the opening, which match the question best and answer nothing."""
    answer = extractive.ask("Op welke gronden maakt de indiener bezwaar tegen de naheffingsaanslag parkeerbelasting?",
                            demo)
    assert answer.notice.startswith(f"Gelezen als bezwaarschrift ({PARKING})")
    assert [s.text.split(":")[0] for s in answer.sentences] == ["Grond 1", "Grond 2", "Grond 3"]
    for words in ("parkeerapp ParkeerLinde", "Het zonebord bij de ingang", "onvoldoende gemotiveerd", "pagina 2"):
        assert words in answer.answer
    assert "Betreft:" not in answer.answer and "Hierbij maak ik bezwaar" not in answer.answer
    assert {answer.citations[s.citations[0] - 1].source for s in answer.sentences} == {PARKING}


def test_the_term_and_the_hearing_of_a_letter(extractive, demo):
    term = extractive.ask("Is het bezwaar tegen de naheffingsaanslag parkeerbelasting op tijd ingediend?", demo)
    assert "tijdig: ontvangen op maandag 14 april 2025" in term.answer and "1 mei 2025" in term.answer
    hearing = extractive.ask("Wil de indiener van het bezwaar tegen de naheffingsaanslag parkeerbelasting worden "
                             "gehoord?", demo)
    assert hearing.sentences[0].text == "De indiener vraagt niet gehoord te worden."
    assert "Ik zie af van het recht om te worden gehoord" in hearing.answer


def test_a_letter_changed_since_indexing_or_a_redacted_collection_gets_the_extract(extractive, tmp_path):
    """The file on disk must be the version indexed, and a collection made without its personal data must not get
    them back from the file: then the extract answers, from the passages as indexed."""
    letter = tmp_path / "bezwaar-windturbine.txt"
    letter.write_text(WINDTURBINE_LETTER, encoding="utf-8")
    assert extractive.ingest([letter], "brief-gewijzigd").exit_code == 0
    question = "Op welke gronden maakt de indiener bezwaar tegen de windturbine?"
    letter.write_text(WINDTURBINE_LETTER + "\nNaschrift: nog een grond.\n", encoding="utf-8")
    changed = extractive.ask(question, "brief-gewijzigd")
    assert not changed.refused and not changed.notice.startswith("Gelezen als bezwaarschrift")

    same = tmp_path / "ongewijzigd"
    same.mkdir()
    shutil.copy(letter, same / letter.name)
    assert extractive.ingest([same], "brief-ongewijzigd").exit_code == 0
    assert extractive.ask(question, "brief-ongewijzigd").notice.startswith("Gelezen als bezwaarschrift")
    hits = extractive.retriever.retrieve(question, "brief-ongewijzigd")
    labels = extractive.assistant.prompts["nl"].letter
    assert extractive.assistant.letters.answer(question, hits, "brief-ongewijzigd", labels).files == (letter.name,)

    assert extractive.ingest([same], "brief-geredigeerd", redact=list(ALL_KINDS)).exit_code == 0
    redacted = extractive.retriever.retrieve(question, "brief-geredigeerd")
    assert redacted and extractive.assistant.letters.answer(question, redacted, "brief-geredigeerd", labels) is None
    assert not extractive.ask(question, "brief-geredigeerd").notice.startswith("Gelezen als bezwaarschrift")


def test_a_question_across_letters_names_each_letter_that_answers(extractive, demo):
    """Each letter that answers is named (writer and the decision it contests) and cited; the notice says how many
    letters were read, and where the whole dossier is."""
    quoted = extractive.ask("Komt de grond 'ik ben niet geraadpleegd' in meer dan één bezwaarschrift voor, en in "
                            "welke?", demo)
    assert quoted.notice.startswith("Gelezen als bezwaarschriften: de 3 brieven")
    assert "objections dossier" in quoted.notice
    named = {s.text.split(":")[0] for s in quoted.sentences}
    assert any("Kerkstraat 12" in name for name in named) and any("Eikenlaan 23" in name for name in named)
    assert all("geraadpleegd" in s.text for s in quoted.sentences)
    assert "naheffingsaanslag" not in quoted.answer  # the parking letter has no such ground
    heard = extractive.ask("Welke indieners van een bezwaarschrift vragen om een hoorzitting?", demo)
    assert {s.text.split(",")[0] for s in heard.sentences} == {"A.M. Veldhuis-Terpstra", "G.H. Landzaat"}
    for sentence in heard.sentences:  # each cites a passage of its own letter
        cited = heard.citations[sentence.citations[0] - 1].source
        assert ("kerkstraat" in cited) == ("Veldhuis" in sentence.text)


def letter(name: str) -> str:
    """A letter by its name without format: an e-mail's letter may be cited as its attached PDF."""
    return Path(name).stem.removeprefix("bezwaarschrift-").removeprefix("bezwaar-")


def test_a_question_across_letters_reads_every_letter_the_asker_may_see(extractive, tmp_path):
    """Thirteen letters, five of which ask to be heard: the passages found hold at most four of them, yet the answer
    names exactly those five (by the letters' gold), each citing a passage of its own letter. Searched with a
    filter, only the letters it lets through are read; a question no letter answers is refused."""
    gold = json.loads((LETTERS.parent / "gold.json").read_text(encoding="utf-8"))
    folder = tmp_path / "dossier"
    folder.mkdir()
    for path in LETTERS.iterdir():
        if path.suffix in {".txt", ".md", ".docx", ".odt", ".eml"}:  # no scans: OCR adds minutes, not coverage
            shutil.copy(path, folder / path.name)
    assert extractive.ingest([folder], "dossier").exit_code == 0
    question = "Welke indieners van een bezwaarschrift vragen om een hoorzitting?"
    found = {hit.chunk.source for hit in extractive.retriever.retrieve(question, "dossier")}
    heard = {name for name in gold if (folder / name).exists() and gold[name]["hearing_requested"]}
    assert len(heard) == 5 and heard - found  # some are not among the passages found (or none is: the gate refused)

    answer = extractive.ask(question, "dossier")
    # the passages' gate refuses this question here (its words match no passage closely): the letters decide
    assert not answer.refused and answer.reason in ("letters", "extractive")
    cited = [answer.citations[s.citations[0] - 1].source for s in answer.sentences]
    assert sorted(map(letter, cited)) == sorted(map(letter, heard))  # each once, citing its own letter
    assert answer.notice.startswith("Gelezen als bezwaarschriften: de 12 brieven")  # one has no ground: no objection
    assert all(c.text for c in answer.citations) and len(answer.citations) > 4

    some = tuple(sorted(heard))[:2] + ("bezwaar-distributiecentrum-terlouw.txt",)  # read, not asking to be heard
    filtered = extractive.ask(question, "dossier", SearchFilter(sources=some))
    assert sorted(letter(filtered.citations[s.citations[0] - 1].source) for s in filtered.sentences) == sorted(
        map(letter, some[:2]))
    assert filtered.notice.startswith("Gelezen als bezwaarschriften: de 3 brieven")
    nobody = extractive.ask("In welke bezwaarschriften wordt aangevoerd dat de zonnepanelen te veel glinsteren?",
                            "dossier")
    assert nobody.refused and nobody.reason in ("not_found", "no_sentence")
