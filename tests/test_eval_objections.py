"""Scoring objection-letter file cards against gold labels (eval/objections.py): the scores on hand-built cards with a
fake similarity (a matrix fixed here, so every value is known), the gold file's checks, and `bronvast eval
objections` end to end on two small letters with the real reader and embedder."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from files import WINDTURBINE_LETTER
from typer.testing import CliRunner

from assistant.cli import cli
from bronvast.schema import Dossier, Ground, GroundCluster, LetterCard
from eval.objections import GoldError, load_gold, score


def ground(summary: str, verified: bool = True) -> Ground:
    return Ground(summary=summary, quote=f"Citaat: {summary}", location="alinea 2", quote_verified=verified)


def card(file: str, grounds: tuple[Ground, ...] = (), **fields) -> LetterCard:
    """A file card with nothing found, but `fields` and `grounds`."""
    blank = LetterCard(file=file, letter_date=None, received_date=None, sender="indiener 1", gemachtigde=None,
                       decision_date=None, decision_reference=None, decision_subject=None, grounds=(),
                       request=None, hearing_requested=False, pro_forma=False, missing=(), deadline=None,
                       on_time=None, on_time_reason=None, decision_deadline=None, notes=())
    return replace(blank, grounds=grounds, **fields)


def contains(labels: list[str], passages: list[str]) -> np.ndarray:
    """The fake similarity: 1.0 where the gold label occurs in the passage, else 0.5 (below the match threshold)."""
    return np.array([[1.0 if label.casefold() in passage.casefold() else 0.5 for passage in passages]
                     for label in labels])


def two_letters() -> Dossier:
    windturbine = card(
        "a.txt", (ground("veel geluidsoverlast 's nachts"), ground("verkeersveiligheid op de schoolroute", False)),
        letter_date="2025-03-03", decision_date="2025-02-14", decision_reference="Z-2025-04410",
        decision_subject="omgevingsvergunning windturbine", request="Ik verzoek u het besluit te herroepen.",
        hearing_requested=True, deadline="2025-03-28", on_time=False)
    kap = card(
        "b.txt", (ground("geluidsoverlast door vrachtwagens"), ground("nog meer geluidsoverlast"),
                  ground("parkeerdruk in de straat")),
        decision_reference="2025/BWT/0456", missing=("datum", "ondertekening"), deadline="2025-04-22")
    unlabelled = card("extra.txt", (ground("lichthinder", False),))
    return Dossier(letters=(windturbine, kap, unlabelled))


GOLD = {
    "a.txt": {"letter_date": "2025-03-03", "decision_reference": "z-2025- 04410", "deadline": "2025-03-28",
              "on_time": True, "hearing_requested": True, "gemachtigde": False, "missing": [],
              "grounds": ["geluidsoverlast", "verkeersveiligheid", "natuur"],
              "request": "besluit te herroepen", "decision_subject": "kapvergunning"},
    "b.txt": {"decision_reference": "2025/BWT/0457", "deadline": "2025-04-22", "missing": ["ondertekening", "datum"],
              "grounds": ["geluidsoverlast"]},
    "weg.txt": {"letter_date": "2025-01-01", "grounds": ["natuur"]},
}


@pytest.fixture
def scores():
    return score(two_letters(), GOLD, contains)


def test_field_accuracy_over_the_letters_whose_gold_gives_the_field(scores):
    assert scores.letters == 2
    # a kenmerk compared case- and space-insensitively (a.txt right, b.txt wrong), `missing` as a set, a None
    # gemachtigde counted as "no gemachtigde", request by similarity
    assert scores.fields == {"deadline": 1.0, "decision_reference": 0.5, "decision_subject": 0.0, "gemachtigde": 1.0,
                             "hearing_requested": 1.0, "letter_date": 1.0, "missing": 1.0, "on_time": 0.0,
                             "request": 1.0}


def test_grounds_are_matched_one_to_one(scores):
    # a.txt: 2 of 3 labels found by its 2 grounds; b.txt: two grounds name geluidsoverlast, only one may match it
    # and parkeerdruk matches nothing: 3 matches of 4 labels and of 5 found grounds
    assert scores.grounds_recall == 3 / 4
    assert scores.grounds_precision == 3 / 5


def test_quote_verification_counts_the_scored_letters_grounds(scores):
    assert scores.quote_verification == 4 / 5  # a.txt's second quote unverified; extra.txt's is not scored


def test_mistakes_name_what_was_expected_and_found(scores):
    assert sorted(scores.mistakes, key=lambda m: (m["file"], m["field"])) == [
        {"file": "a.txt", "field": "decision_subject", "expected": "kapvergunning",
         "found": "omgevingsvergunning windturbine"},
        {"file": "a.txt", "field": "grounds", "expected": "natuur", "found": None},
        {"file": "a.txt", "field": "on_time", "expected": True, "found": False},
        {"file": "b.txt", "field": "decision_reference", "expected": "2025/BWT/0457", "found": "2025/BWT/0456"},
    ]


def test_files_without_a_card_or_without_gold_are_listed_unscored(scores):
    assert sorted(scores.unscored) == ["extra.txt: geen gouden labels", "weg.txt: geen kaart"]


def clustered_dossier() -> tuple[Dossier, dict]:
    """Three letters; one predicted cluster mixes geluid and verkeer, the other holds verkeer alone."""
    x_noise, x_traffic = ground("geluidsoverlast 's nachts"), ground("verkeersveiligheid")
    y_noise, z_traffic = ground("geluidsoverlast overdag"), ground("verkeersveiligheid op de weg")
    letters = (card("x.txt", (x_noise, x_traffic)), card("y.txt", (y_noise,)), card("z.txt", (z_traffic,)))
    clusters = (GroundCluster("geluid", 3, ("x.txt", "y.txt", "z.txt"), (x_noise.quote, y_noise.quote, z_traffic.quote)),
                GroundCluster("verkeer", 1, ("x.txt",), (x_traffic.quote,)))
    gold = {"x.txt": {"grounds": ["geluidsoverlast", "verkeersveiligheid"]}, "y.txt": {"grounds": ["geluidsoverlast"]},
            "z.txt": {"grounds": ["verkeersveiligheid"]},
            "_dossier": {"clusters": {"geluid": ["x.txt", "y.txt"], "verkeer": ["x.txt", "z.txt"]}}}
    return Dossier(letters=letters, clusters=clusters), gold


def test_cluster_purity_and_match_against_the_gold_clusters():
    dossier, gold = clustered_dossier()
    scores = score(dossier, gold, contains)
    # purity: the first cluster's grounds are geluid, geluid, verkeer (majority 2 of 3), the second's verkeer (1 of 1)
    assert scores.cluster_purity == 3 / 4
    # match: each gold cluster of two letters best overlaps the three-letter cluster, Jaccard 2/3
    assert scores.cluster_match == pytest.approx(2 / 3)
    assert scores.unscored == [] and scores.grounds_recall == 1.0


def test_no_cluster_scores_without_gold_clusters():
    dossier, gold = clustered_dossier()
    del gold["_dossier"]
    scores = score(dossier, gold, contains)
    assert scores.cluster_purity is None and scores.cluster_match is None


@pytest.mark.parametrize("content", ["{niet: json", '{"a.txt": "geen object"}'])
def test_an_unusable_gold_file_is_refused_with_its_name(tmp_path, content):
    path = tmp_path / "goud-stuk.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError, match="goud-stuk.json"):
        load_gold(path)


def test_a_gold_list_is_refused(tmp_path):
    path = tmp_path / "lijst.json"
    path.write_text(json.dumps([{"letter_date": "2025-03-03"}]), encoding="utf-8")
    with pytest.raises(GoldError, match="lijst.json: verwacht een JSON-object"):
        load_gold(path)


def test_a_missing_gold_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(GoldError, match="weg.json: kan de gouden labels niet lezen"):
        load_gold(tmp_path / "weg.json")


KAPVERGUNNING = """A. Hartsuiker
Beukenlaan 3
4732 CD Lindewaard

Aan het college van burgemeester en wethouders
Postbus 1250, 4730 AG Lindewaard

Lindewaard, 10 april 2025

Betreft: bezwaar tegen de kapvergunning Lindelaan, kenmerk 2025/BWT/0456

Geachte heer, mevrouw,

Hierbij maak ik bezwaar tegen uw besluit van 7 maart 2025, kenmerk 2025/BWT/0456, waarbij u een vergunning hebt
verleend voor het kappen van zes lindes aan de Lindelaan.

De bomen zijn gezond en geven de hele straat schaduw en koelte in de zomer; met de kap verdwijnt dat voorgoed.

Ik verzoek u de kapvergunning in te trekken.

Met vriendelijke groet,

A. Hartsuiker
"""


@pytest.fixture
def letters_with_gold(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "brieven"
    folder.mkdir()
    (folder / "windturbine.txt").write_text(WINDTURBINE_LETTER, encoding="utf-8")
    (folder / "kap.txt").write_text(KAPVERGUNNING, encoding="utf-8")
    (folder / "LEESMIJ.md").write_text("# Niet gelabeld\n\nGeen brief.\n", encoding="utf-8")  # not in the gold: left out
    gold = {
        "windturbine.txt": {"letter_date": "2025-03-03", "decision_date": "2025-02-14",
                            "decision_reference": "Z-2025-04410", "deadline": "2025-03-28",
                            "hearing_requested": True, "pro_forma": False, "gemachtigde": False,
                            "grounds": ["geluidsoverlast van de windturbine", "verkeersveiligheid tijdens de bouw"]},
        # the six weeks end on Goede Vrijdag 18 April; Easter and Tweede Paasdag push the last day to Tuesday
        "kap.txt": {"letter_date": "2025-04-10", "decision_date": "2025-03-07", "decision_reference": "2025/bwt/0456",
                    "deadline": "2025-04-22", "hearing_requested": False, "pro_forma": False, "missing": [],
                    "grounds": ["kap van gezonde bomen"]},
    }
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    return folder, path


def test_the_command_scores_a_folder_as_json(data_dir, letters_with_gold):
    folder, gold = letters_with_gold
    result = CliRunner().invoke(cli, ["eval", "objections", str(folder), "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["letters"] == 2
    assert output["fields"] == {"deadline": 1.0, "decision_date": 1.0, "decision_reference": 1.0, "gemachtigde": 1.0,
                                "hearing_requested": 1.0, "letter_date": 1.0, "missing": 1.0, "pro_forma": 1.0}
    assert output["mistakes"] == [] and output["unscored"] == []
    # each letter argues one ground, found and matched to its label by the real embedder (cosine about 0.9 here)
    assert (output["grounds_recall"], output["grounds_precision"]) == (1.0, 1.0)
    assert output["quote_verification"] == 1.0  # the extractive reader quotes the letters' own sentences
    assert output["cluster_purity"] is None and output["cluster_match"] is None  # the gold has no _dossier


def test_the_command_names_a_missing_gold_file_without_a_traceback(data_dir, letters_with_gold):
    folder, _ = letters_with_gold
    result = CliRunner().invoke(cli, ["eval", "objections", str(folder), "--gold", str(folder / "weg.json")])
    assert result.exit_code == 1
    assert "weg.json" in result.output and "kan de gouden labels niet lezen" in " ".join(result.output.split())
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
