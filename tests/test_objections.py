"""Objection letters read into file cards: the fields found by rules, the grounds and their quotes, pseudonyms,
clustering and the `bronvast objections` command, on small letters written here and the real embedder."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from files import WINDTURBINE_LETTER as LETTER
from typer.testing import CliRunner

from assistant.cli import cli
from assistant.objections.grounds import quote_found, read_with_model
from assistant.objections.reading import read_letter
from bronvast.schema import ObjectionOptions
from bronvast.settings import IngestSettings
from ingest.manifest import Manifests

PRO_FORMA = """Aan het college van burgemeester en wethouders
Postbus 1250, 4730 AG Lindewaard

Lindewaard, 20 maart 2025

Betreft: bezwaar WOZ-beschikking 2025, beschikkingsnummer 2025-118-0042

Geachte heer, mevrouw,

Hierbij maak ik pro forma bezwaar tegen de WOZ-beschikking van 28 februari 2025. De gronden van mijn bezwaar zal
ik later aanvullen. Ik verzoek u mij daarvoor een termijn van vier weken te geven.

Met vriendelijke groet,

Karin Smits
Beukenlaan 3
4732 CD Lindewaard
"""

BARE = """Ik ben het niet eens met de boete. Ik stond er maar vijf minuten en er was geen bord te zien.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("brieven")
    write(folder, "de-vries.txt", LETTER)
    write(folder, "smits.txt", PRO_FORMA)
    write(folder, "kaal.txt", BARE)
    (folder / "bronvast-manifest.csv").write_text("file,received_date\nde-vries.txt,2025-03-31\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cards(app, letters) -> dict:
    dossier = app.objections([letters], ObjectionOptions())
    return {card.file: card for card in dossier.letters}


def test_fields_of_a_complete_letter_are_read(cards):
    card = cards["de-vries.txt"]
    assert (card.letter_date, card.decision_date, card.decision_reference) == ("2025-03-03", "2025-02-14",
                                                                                 "Z-2025-04410")
    assert card.decision_subject.startswith("omgevingsvergunning windturbine De Hooge Weide")
    assert card.received_date == "2025-03-31"  # from the manifest
    assert card.hearing_requested and not card.pro_forma and card.gemachtigde is None
    assert card.missing == ()
    assert card.request == "Ik verzoek u het besluit te herroepen."


def test_the_deadline_follows_the_law_and_a_late_letter_is_flagged_not_judged(cards):
    card = cards["de-vries.txt"]
    # made known 14 Feb 2025 (a Friday): the term runs from 15 Feb to Friday 28 March; received 31 March
    assert card.deadline == "2025-03-28"
    assert card.on_time is False
    assert any("Awb 6:11" in note for note in card.notes)
    assert card.decision_deadline == "2025-05-09"  # six weeks after the term ended (Awb 7:10)


def test_grounds_are_the_letters_own_sentences_with_their_location(cards):
    grounds = cards["de-vries.txt"].grounds
    assert [g.summary.split()[:3] for g in grounds] == [["Zal", "de", "windturbine"], ["Ben", "ik", "bang"]]
    assert grounds[0].quote.startswith("Ten eerste zal de windturbine veel geluidsoverlast geven.")
    assert "verkeersveiligheid" in grounds[1].quote
    assert all(g.quote_verified for g in grounds)
    assert all(g.location.startswith("alinea ") for g in grounds)


def test_a_pro_forma_letter_is_flagged_and_lacks_grounds(cards):
    card = cards["smits.txt"]
    assert card.pro_forma
    assert card.decision_reference == "2025-118-0042"
    assert card.decision_date == "2025-02-28"
    assert "gronden" in card.missing
    assert any("Awb 6:6" in note for note in card.notes)


def test_missing_elements_and_dates_give_unknown_not_a_guess(cards):
    card = cards["kaal.txt"]
    assert set(card.missing) >= {"naam en adres", "datum", "ondertekening", "omschrijving van het besluit"}
    assert card.on_time is None and "besluit" in card.on_time_reason
    assert card.deadline is None and card.decision_deadline is None


def test_names_addresses_and_contact_details_are_pseudonymised(cards):
    card = cards["de-vries.txt"]
    assert card.sender.startswith("indiener ")
    for personal in ("Vries", "Lindelaan 14", "j.devries@example.org", "Johan"):
        assert personal not in card.text
    assert "[ADRES]" in card.text and "[E-MAIL]" in card.text


def test_addresses_in_any_form_are_hidden_and_the_text_around_them_kept():
    from assistant.objections.privacy import Pseudonymiser

    text = Pseudonymiser().text("Anna Bakker\nSlootkant 139\n4735 AB Lindewaard\n\nIk woon aan de Lindelaan 14 en "
                                "word gestoord. Grond 2\nMijn buurman, de heer K. de Wit, ook.\nWOZ-beschikking 2025",
                                "Anna Bakker")
    # street, number and postcode become one [ADRES] (ingest/redact.py); the place names a municipality, not a home
    assert text == ("indiener 1\n[ADRES] Lindewaard\n\nIk woon aan de [ADRES] en word gestoord. Grond 2\n"
                    "Mijn buurman, persoon 1, ook.\nWOZ-beschikking 2025")  # a year is no house number


def test_show_names_keeps_them(app, letters):
    dossier = app.objections([letters / "de-vries.txt"], ObjectionOptions(show_names=True))
    assert dossier.letters[0].sender == "J.P. de Vries"
    assert "Lindelaan 14" in dossier.letters[0].text


def test_a_fabricated_quote_is_flagged_and_a_reworded_one_found(letters):
    letter = read_letter(letters / "de-vries.txt", Manifests(), IngestSettings())
    assert quote_found("Ten eerste zal de windturbine veel geluidsoverlast geven.", letter) is not None
    # a line break and a changed quote mark: found after normalisation
    assert quote_found("ten eerste zal de windturbine veel\ngeluidsoverlast geven", letter) is not None
    assert quote_found("De windturbine verstoort het uitzicht op de polder volledig.", letter) is None


class ScriptedLLM:
    """An LLM for an exact-content case: the model's JSON is given, so the check of its quotes is what is tested."""

    def __init__(self, content: str):
        self.content = content

    def chat(self, messages, **kwargs):
        from llama_index.core.llms import ChatMessage, ChatResponse
        return ChatResponse(message=ChatMessage(role="assistant", content=self.content))


def test_a_models_quotes_are_checked_and_an_invented_one_flagged(letters):
    letter = read_letter(letters / "de-vries.txt", Manifests(), IngestSettings())
    reply = {"grounds": [
        {"summary": "Geluidsoverlast", "quote": "Ten eerste zal de windturbine veel geluidsoverlast geven."},
        {"summary": "Slagschaduw", "quote": "De draaiende wieken geven de hele middag slagschaduw in mijn tuin."},
    ], "request": "besluit herroepen", "decision_subject": "omgevingsvergunning windturbine"}
    grounds, reading = read_with_model(ScriptedLLM(json.dumps(reply)), letter, "lees")
    assert [g.quote_verified for g in grounds] == [True, False]
    assert grounds[1].location == "niet gevonden in de brief"
    assert grounds[1].quote == reply["grounds"][1]["quote"]  # kept and flagged, not dropped
    assert reading.request == "besluit herroepen"


def test_unreadable_files_are_named_with_their_reason(app, tmp_path):
    write(tmp_path, "leeg.txt", "")
    (tmp_path / "brief.xyz").write_text("tekst", encoding="utf-8")
    dossier = app.objections([tmp_path, tmp_path / "weg.pdf"], ObjectionOptions())
    reasons = dict(dossier.rejected)
    assert reasons["leeg.txt"] == "leeg bestand"
    assert "niet ondersteund" in reasons["brief.xyz"]
    assert "bestaat niet" in reasons["weg.pdf"]
    assert dossier.letters == ()


def test_recurring_grounds_cluster_across_a_dossier(app, tmp_path):
    """The mechanics: the same objection in other words forms one cluster, another objection its own (how well
    real paraphrases cluster is measured by `bronvast eval objections`, README)."""
    noise = ["De windturbine gaat dag en nacht veel geluidsoverlast veroorzaken in onze straat.",
             "Ik vrees dat de windturbine dag en nacht geluidsoverlast geeft, vooral 's nachts in onze straat.",
             "Het geluid van de turbine zal onze rust verstoren, het wordt een constante bron van geluidshinder."]
    trees = ["Voor de bouw worden twintig oude eiken gekapt, dat is een groot verlies voor de natuur.",
             "Voor de windturbine worden oude eiken gekapt, een groot verlies voor de natuur en de vleermuizen."]
    for number, (first, second) in enumerate([(noise[0], trees[0]), (noise[1], trees[1]), (noise[2], None)], 1):
        body = f"{first}\n\n" + (f"Daarnaast: {second}\n\n" if second else "")
        write(tmp_path, f"brief-{number}.txt", f"Geacht college,\n\n{body}Met vriendelijke groet,\n\nA. Bakker\n")
    dossier = app.objections([tmp_path], ObjectionOptions(clusters=True))
    assert [len(card.grounds) for card in dossier.letters] == [2, 2, 1]
    biggest = dossier.clusters[0]
    assert biggest.count == 3 and set(biggest.letters) == {"brief-1.txt", "brief-2.txt", "brief-3.txt"}
    assert "geluid" in biggest.label.casefold() or "lawaai" in biggest.label.casefold()
    assert dossier.clusters[1].count == 2


def test_the_command_prints_json_and_writes_exports(letters, tmp_path):
    result = CliRunner().invoke(cli, ["objections", "summarize", str(letters / "de-vries.txt"), "--json",
                                      "--out", str(tmp_path / "uit")])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert [letter["file"] for letter in output["letters"]] == ["de-vries.txt"]
    assert output["letters"][0]["deadline"] == "2025-03-28"
    assert "text" not in output["letters"][0]
    assert {p.name for p in (tmp_path / "uit").iterdir()} == {"bezwaren.json", "bezwaren.md", "bezwaren.csv",
                                                              "bezwaren.docx"}
    assert docx.Document(tmp_path / "uit" / "bezwaren.docx").tables[0].rows[1].cells[0].text == "de-vries.txt"


def test_the_command_refuses_a_bad_date_and_names_a_missing_file(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(cli, ["objections", "summarize", str(tmp_path), "--received", "31-02-2025"])
    assert bad.exit_code == 1 and "verwacht een datum" in bad.output
    missing = runner.invoke(cli, ["objections", "dossier", str(tmp_path / "weg.txt")])
    assert missing.exit_code == 2 and "weg.txt" in missing.output and "Traceback" not in missing.output


def reading_model(body: dict) -> str:
    """A stand-in for a capable model over an OpenAI-compatible server: it quotes the letter's arguing sentences
    (one with its line breaks and case changed, as models do) and invents one quote."""
    letter = body["messages"][-1]["content"]
    arguing = [s for s in letter.replace("\n", " ").split(". ") if "geluidsoverlast" in s or "omdat" in s]
    grounds = [{"summary": "Geluidsoverlast", "quote": arguing[0].lower() + "."},
               {"summary": "Verkeer", "quote": arguing[1] + "."},
               {"summary": "Slagschaduw", "quote": "De wieken werpen de hele middag slagschaduw op mijn tuin."}]
    return json.dumps({"grounds": grounds, "request": "besluit herroepen", "decision_subject": "windturbine"})


def test_generative_summaries_through_an_openai_compatible_server(app, letters):
    from fake_openai import FakeOpenAI

    from assistant.app import Bronvast
    from bronvast.settings import load_settings

    with FakeOpenAI(reading_model) as fake:
        overrides = [f"data_dir={app.settings.data_dir}", "objections.summaries=generative",
                     "llm.backend=openai-compatible", f"llm.base_url={fake.base_url}", "llm.model=fake-ministral",
                     "llm.max_retries=0", "llm.timeout_s=5"]
        generative = Bronvast(load_settings(overrides=overrides))
        generative.embedder = app.embedder
        card = generative.objections([letters / "de-vries.txt"], ObjectionOptions()).letters[0]
    request = fake.requests[0]
    assert request["response_format"]["type"] == "json_schema"  # constrained to the schema, not asked nicely
    assert [g.summary for g in card.grounds] == ["Geluidsoverlast", "Verkeer", "Slagschaduw"]
    assert [g.quote_verified for g in card.grounds] == [True, True, False]
    assert card.grounds[2].location == "niet gevonden in de brief"
    assert any("niet teruggevonden" in note for note in card.notes)
    assert card.request == "besluit herroepen" and card.deadline == "2025-03-28"  # the rules still set the dates


def test_letters_are_stored_only_when_asked_and_then_redacted(letters, data_dir):
    runner = CliRunner()
    summarized = runner.invoke(cli, ["objections", "summarize", str(letters / "de-vries.txt")])
    assert summarized.exit_code == 0, summarized.output
    assert json.loads(runner.invoke(cli, ["status", "--json"]).stdout)["collections"] == []  # nothing stored
    stored = runner.invoke(cli, ["objections", "summarize", str(letters / "de-vries.txt"), "-c", "bezwaren"])
    assert stored.exit_code == 0, stored.output
    assert "Geïndexeerd in collectie 'bezwaren'" in stored.stderr
    listed = json.loads(runner.invoke(cli, ["documents", "list", "-c", "bezwaren", "--json"]).stdout)
    assert [document["file"] for document in listed] == ["de-vries.txt"]
    answer = json.loads(runner.invoke(cli, ["ask", "Welke geluidsoverlast geeft de windturbine?", "-c", "bezwaren",
                                            "--json", "--set", "retrieval.decision_file=null"]).stdout)
    passages = " ".join(citation["text"] for citation in answer["citations"])
    assert "geluidsoverlast" in passages and "[E-MAIL]" in passages and "j.devries@example.org" not in passages
