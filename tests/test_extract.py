"""The extractive answer (assistant/extract.py): the sentences that answer, shown with what they lean on. Hand-made
passages, the real packaged embedder."""

from __future__ import annotations

import pytest
from test_grounding import ARCHIVE, PARKING, hit

from assistant.extract import Extractor, asked_form, question_parts
from assistant.grounding import Grounding
from bronvast.sparse import Analyzer

ZONES = (
    "Zone A ligt binnen de singels. In zone A kost parkeren 3,20 euro per uur.\n\n"
    "Zone B is de schil direct rond de singels. Hier kost parkeren 1,90 euro per uur, van maandag tot en met "
    "zaterdag."
)
INVENTORY = (
    "INVENTARIS\n\n"
    "  13  Bouwvergunning en bouwtekeningen van sporthal De Bongerd, 1977-1979.\n"
    "  14  Stukken betreffende de watersnood van februari 1953, 1953-1956.\n"
    "  15  Dossiers bijzondere bijstand, 1965-1990.\n"
    "      Openbaarheid: Beperkt openbaar tot 2040 vanwege privacy.\n"
    "  16  Stukken betreffende de huisvesting van repatrianten, 1950-1958.\n"
)
TABLE = (
    "Actiepunten van de vergadering\n\n"
    "| Nr. | Actie | Wie | Uiterlijk |\n"
    "|-----|-------|-----|-----------|\n"
    "| 1 | Herstel trottoirs Merelstraat | wethouder Eijkelenkamp | 1 mei 2025 |\n"
    "| 2 | Informatie over uitstel bomenkap Dijkweg | wethouder Sarmo-de Wit | 27 maart 2025 |\n"
)
LETTER = (
    "Lindewaard, 17 april 2025\n\n"
    "Betreft: bezwaar tegen de weigering van een kapvergunning, kenmerk KV-2025-0112\n\n"
    "Geacht college,\n\nHierbij maak ik bezwaar tegen uw besluit om de vergunning voor het kappen van een eik te "
    "weigeren. De eik is ziek en vormt een gevaar voor mijn woning.\n\n"
    "Met vriendelijke groet,\nJ. Landzaat\n"
)
INTRODUCTION = (
    "Archiefvormer\nHet archief is gevormd door de gemeentesecretarie van Lindewaard. Tot 1968 was de secretarie "
    "gevestigd in het oude raadhuis; in dat jaar verhuisde zij naar het gemeentehuis aan het Raadhuisplein.\n\n"
    "Omvang en ordening\nHet archief heeft een omvang van 6,8 meter en telt 25 inventarisnummers. De stukken zijn "
    "geordend naar onderwerp.\n\n"
    "Bewerking\nHet archief is in 2022 en 2023 geïnventariseerd door Hendrika Oosterveld, archivaris van het "
    "Streekarchief Waardland.\n"
)
BUDGET = (
    "Voor de uitvoering is in totaal 6,4 miljoen euro nodig. De financiering komt uit drie bronnen.\n"
    "* provinciale subsidie: 2,1 miljoen euro\n"
    "* reserve Mobiliteitsfonds: 3,3 miljoen euro\n"
    "* gemeentelijke begroting: 1,0 miljoen euro\n\n"
    "De nota is opgesteld door de afdeling Ruimte. Zij werd besproken met bewoners."
)


@pytest.fixture(scope="module")
def extract(app):
    grounding = Grounding(app.embedder, app.encoder.analyzer, app.settings.answer)
    extractor = Extractor(app.embedder, app.encoder.analyzer, app.settings.answer.extract_sentences)

    def answer(question: str, *texts: str) -> list[str]:
        passages = grounding.evidence([hit(text, f"bron-{k}.txt") for k, text in enumerate(texts)])
        return [s.text for s in extractor.extract(question, passages)]

    return answer


def test_what_the_question_asks_for_is_told_by_its_wording():
    questions = ("Hoeveel meter beslaat het archief?", "Wanneer besluit de raad?", "Wie heeft het geïnventariseerd?",
                 "Tegen welk besluit richt het bezwaar zich?", "Wat zijn de gronden van bezwaar?",
                 "Is de motie over bankjes aangenomen?", "Hoe is er gestemd over het krediet?")
    assert [asked_form(q) for q in questions] == ["number", "time", "person", "reference", "", "vote", "vote"]
    parts = question_parts("Hoeveel meter beslaat het archief en wie heeft het geïnventariseerd?", Analyzer())
    assert [(p.text, p.form) for p in parts] == [("Hoeveel meter beslaat het archief", "number"),
                                                  ("wie heeft het geïnventariseerd?", "person")]


def test_a_sentence_that_leans_on_the_one_before_brings_it(extract):
    """'Hier kost parkeren 1,90 euro' lifted out of its paragraph reads as if about zone A: it comes with the
    sentence that says it is zone B, or not at all."""
    for sentence in extract("Wat kost parkeren in zone A van het centrum per uur?", ZONES):
        assert not sentence.startswith("Hier")
    answer = extract("Wat kost parkeren in zone B per uur?", ZONES)
    assert "Zone B is de schil direct rond de singels. Hier kost parkeren 1,90 euro per uur" in " ".join(answer)


def test_an_inventory_entry_says_it_is_a_number_and_brings_its_fields(extract):
    answer = extract("Onder welk inventarisnummer vind ik de bouwvergunning van sporthal De Bongerd?", INVENTORY)
    assert answer[0] == "nr. 13 Bouwvergunning en bouwtekeningen van sporthal De Bongerd, 1977-1979."
    answer = extract("Mag ik de dossiers bijzondere bijstand inzien?", INVENTORY)
    assert ("nr. 15 Dossiers bijzondere bijstand, 1965-1990. Openbaarheid: Beperkt openbaar tot 2040 vanwege "
            "privacy.") in answer


def test_a_table_row_is_shown_with_its_header(extract):
    answer = extract("Wie moet informatie geven over het uitstel van de bomenkap aan de Dijkweg?", TABLE)
    assert answer[0] == ("Nr.: 2; Actie: Informatie over uitstel bomenkap Dijkweg; Wie: wethouder Sarmo-de Wit; "
                         "Uiterlijk: 27 maart 2025")


def test_a_sentence_that_announces_a_list_brings_its_items(extract):
    answer = " ".join(extract("Waar komt het geld voor de uitvoering vandaan?", BUDGET))
    for fact in ("drie bronnen", "2,1 miljoen", "3,3 miljoen", "1,0 miljoen"):
        assert fact in answer
    assert "afdeling Ruimte" not in answer


def test_each_part_of_a_question_gets_its_answer(extract):
    answer = " ".join(extract("Hoeveel meter beslaat het archief en wie heeft het geïnventariseerd?", INTRODUCTION))
    assert "6,8 meter" in answer and "Hendrika Oosterveld" in answer
    assert "Raadhuisplein" not in answer


def test_a_field_line_answers_alone(extract):
    """A letter's 'Betreft: ...' has no full stop and leans on nothing: the place and date above it stay out."""
    answer = extract("Tegen welk besluit richt het bezwaar zich?", LETTER)
    assert "Betreft: bezwaar tegen de weigering van een kapvergunning, kenmerk KV-2025-0112" in answer
    assert all("17 april" not in sentence for sentence in answer)


def test_a_question_for_a_number_is_answered_by_a_sentence_with_one(extract):
    answer = extract("Wat kost parkeren op zondag in zone A?", PARKING, ARCHIVE)
    assert any("1,60 euro per uur" in s for s in answer)
    assert "3. Parkeren in het centrum" not in answer  # a heading is no answer
    assert all("2066" not in s for s in answer)  # the archive passage answers nothing here


MINUTES = (
    "Agendapunt 7: motie bankjes langs de Lindewaardse Vaart\n\n"
    "De Seniorenpartij dient een motie in om langs de Lindewaardse Vaart om de 250 meter een bankje te plaatsen. "
    "De wethouder ontraadt de motie vanwege de kosten.\n"
    "- De motie wordt verworpen met 9 stemmen voor en 12 tegen.\n"
)
RECORD = (
    "Wat is dit document?\n\nDit document beschrijft de baseline voor informatiebeveiliging.\n\n"
    "Versiebeheer\n\n9 januari 2026, versie 1.3 definitief\n\n12 maart 2025, versie 1.2 definitief\n"
)


RESTRICTED = "INVENTARIS\n\n" + "".join(
    f"  {n}  Dossiers {subject}, 1960-1995.\n      Openbaarheid: Beperkt openbaar tot {year} vanwege privacy.\n"
    for n, subject, year in ((16, "geweigerde aanvragen", 2070), (17, "bezwaarschriften", 2045),
                             (18, "bouwen zonder vergunning", 2066), (19, "handhaving", 2057))) + (
    "  20  Bouwtekeningen van de openbare scholen, 1960-1980.\n  21  Jaarverslagen van de dienst, 1960-1995.\n")


def test_a_question_for_several_things_may_take_more_sentences(extract, app):
    """'Welke inventarisnummers ...' asks for every entry that fits: four here, one more than a question for one
    thing may take (answer.extract_sentences)."""
    answer = " ".join(extract("Welke inventarisnummers zijn beperkt openbaar vanwege privacy?", RESTRICTED))
    assert all(f"tot {year}" in answer for year in (2070, 2045, 2066, 2057))
    assert app.settings.answer.extract_sentences == 3


def test_a_vote_question_is_answered_by_the_outcome(extract):
    """The outcome names no word of the question ('De motie wordt verworpen ...'); the sentence that does
    ('dient een motie in ...') says nothing about the vote."""
    answer = " ".join(extract("Is de motie over bankjes langs de Lindewaardse Vaart aangenomen?", MINUTES))
    assert "verworpen met 9 stemmen voor en 12 tegen" in answer


def test_a_dated_line_may_answer_and_a_question_never_does(extract):
    answer = extract("Wanneer is versie 1.3 definitief vastgesteld?", RECORD)
    assert "9 januari 2026, versie 1.3 definitief" in answer
    assert all("?" not in sentence for sentence in extract("Wat beschrijft dit document?", RECORD))


def test_passages_that_hold_only_headings_give_a_refusal_that_names_them(app, tmp_path):
    """Never an empty answer, never a heading as one: a cover page found for a question is said to hold nothing."""
    from assistant.app import Bronvast
    from bronvast.settings import load_settings

    (tmp_path / "voorblad.md").write_text(
        "# Veelgestelde vragen\n\n## Generatieve AI compliance\n\n### Implementatie van de AI-verordening\n",
        encoding="utf-8")
    assert app.ingest([tmp_path / "voorblad.md"], "alleen-koppen").exit_code == 0
    every_passage = ["answer.mode=extractive", "retrieval.decision_file=null", "retrieval.min_score=0"]
    extractive = Bronvast(load_settings(overrides=[f"data_dir={app.settings.data_dir}", *every_passage]))
    extractive.store, extractive.embedder = app.store, app.embedder  # one process may open the data dir once
    answer = extractive.ask("Mag ik de gratis consumentenversie van een AI-tool gebruiken?", "alleen-koppen")
    assert answer.refused and answer.answer == "Dat staat niet in de beschikbare bronnen."
    assert "voorblad.md" in answer.notice and "geen zin" in answer.notice and answer.citations == []
