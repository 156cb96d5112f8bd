"""bronvast.sparse: the Dutch-aware analyser and the BM25 term-frequency encoder behind the sparse vectors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bronvast.schema import SparseVector
from bronvast.sparse import Analyzer, SparseEncoder, term_id


@pytest.fixture(scope="module")
def dutch() -> Analyzer:
    return Analyzer("dutch")


@pytest.fixture(scope="module")
def encoder() -> SparseEncoder:
    return SparseEncoder()


def the_token(analyzer: Analyzer, word: str) -> str:
    [token] = analyzer.tokens(word)
    return token


def weight(encoder: SparseEncoder, vector: SparseVector, word: str) -> float:
    return vector.values[vector.indices.index(term_id(the_token(encoder.analyzer, word)))]


@pytest.mark.parametrize(
    ("inflected", "base"), [("gemeenten", "gemeente"), ("vergunningen", "vergunning"), ("fietsers", "fietser")]
)
def test_inflections_share_one_stem(dutch, inflected, base):
    assert the_token(dutch, inflected) == the_token(dutch, base)


def test_accents_and_case_are_folded(dutch):
    assert dutch.tokens("Financiële") == dutch.tokens("financiele") == ["financiel"]
    assert dutch.tokens("e\u0301e\u0301nmalige CAFÉ") == dutch.tokens("eenmalige cafe")  # decomposed input too
    assert dutch.tokens("ĳzer") == dutch.tokens("ijzer")  # the ligature becomes "ij"


def test_codes_and_numbers_stay_whole(dutch):
    tokens = dutch.tokens("Kenmerk VB-2025-0117, artikel 7:1 Awb, bedrag 3,20 euro.")
    assert "vb-2025-0117" in tokens
    assert "3,20" in tokens
    assert "7:1" in tokens
    assert not {"vb", "2025", "0117", "3", "20"} & set(tokens)  # no sub-parts
    assert dutch.tokens("BWBR0005537") == ["bwbr0005537"]
    assert dutch.tokens("een bedrag van 1.250.000. Zaak 2025-014;") == ["bedrag", "1.250.000", "zak", "2025-014"]


def test_words_joined_without_digits_are_split(dutch):
    assert dutch.tokens("Noord-Holland en/of") == ["noord", "holland"]


def test_link_paths_are_split_not_kept_as_one_code(dutch):
    tokens = dutch.tokens("[artikel 5](../../wet/archiefwet/1995/BWBR0007376/README.md)")
    assert {"archiefwet", "1995", "bwbr0007376"} <= set(tokens)


def test_stop_words_removed_but_negations_kept(dutch):
    tokens = dutch.tokens("de aanvraag is niet op tijd en er is geen besluit")
    assert tokens == ["aanvrag", "niet", "tijd", "gen", "besluit"]


def test_single_letters_dropped_single_digits_kept(dutch):
    assert dutch.tokens("onderdeel a, lid 2") == ["onderdel", "lid", "2"]


def test_english_analyser():
    english = Analyzer("english")
    assert english.tokens("running") == ["run"]
    assert english.tokens("The runners were not running") == ["runner", "not", "run"]


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="dutch, english"):
        Analyzer("german")
    with pytest.raises(ValueError, match="dutch, english"):
        SparseEncoder(language="fr")


def test_document_weight_is_bm25_term_frequency(encoder):
    # One token, tf=1, doc_len=1: 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 1/150))
    assert encoder.document("fiets") == SparseVector([term_id("fiet")], [pytest.approx(2.2 / 1.306)])


def test_repeated_terms_weigh_more_but_saturate(encoder):
    filler = " ".join(f"woord{n}" for n in range(20))  # same length for both, so only tf differs
    once = weight(encoder, encoder.document(f"fiets {filler} " + "auto " * 9), "fiets")
    ten_times = weight(encoder, encoder.document("fiets " * 10 + filler), "fiets")
    assert once < ten_times < 10 * once
    assert ten_times < encoder.k1 + 1  # the BM25 ceiling


def test_longer_documents_weigh_less_for_the_same_tf(encoder):
    short = weight(encoder, encoder.document("fiets auto"), "fiets")
    long = weight(encoder, encoder.document("fiets " + " ".join(f"woord{n}" for n in range(300))), "fiets")
    assert long < short


def test_ids_unique_sorted_and_aggregated(encoder):
    vector = encoder.document("fietsers fietser fiets Fietsers gemeente gemeenten VB-2025-0117 vb-2025-0117")
    assert vector.indices == sorted(set(vector.indices))
    assert len(vector.indices) == len(vector.values) == 4  # fietser, fiet, meen, vb-2025-0117
    assert weight(encoder, vector, "fietser") > weight(encoder, vector, "fiets")  # tf 3 against tf 1


def test_term_ids_are_stable_across_calls_and_processes():
    assert term_id("vb-2025-0117") == 1104323385
    assert SparseEncoder().query("VB-2025-0117").indices == [1104323385]
    script = "from bronvast.sparse import term_id; print(term_id('vb-2025-0117'))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "1104323385"


def test_query_has_weight_one_per_distinct_term(encoder):
    vector = encoder.query("vergunning vergunningen fiets VB-2025-0117")
    assert vector.values == [1.0, 1.0, 1.0]
    assert vector.indices == sorted([term_id("vergunn"), term_id("fiet"), term_id("vb-2025-0117")])


def test_empty_text_gives_empty_vector(encoder):
    assert encoder.document("") == SparseVector([], [])
    assert encoder.query("de het een") == SparseVector([], [])
    assert encoder.documents(["", "fiets"])[0] == SparseVector([], [])


def test_bad_bm25_parameters_are_refused():
    with pytest.raises(ValueError, match="avg_len"):
        SparseEncoder(avg_len=0)


def test_question_terms_leave_out_the_words_that_ask():
    """A passage that answers holds the number or the date, not "welk inventarisnummer" or "when": such words are
    still searched but do not count towards covering the question."""
    question = "Onder welk inventarisnummer vind ik de bouwvergunning van sporthal De Bongerd?"
    assert {"welk", "inventarisnummer"} <= set(Analyzer().tokens(question))
    assert Analyzer().question_terms(question) == {"onder", "vind", "bouwvergunn", "sporthal", "bongerd"}
    assert Analyzer("english").question_terms("When and how much does parking cost?") == {"park", "cost"}
