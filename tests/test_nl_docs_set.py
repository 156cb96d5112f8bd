"""The evaluation sets over real Dutch government documents (eval/datasets/nl-docs.jsonl, and the held-out
wetten-2017.jsonl) are sound: every case validates, the counts hold, every gold file is one of the set's folders and
every fact a right answer must hold stands in its gold document (on its gold page) as bronvast's own reader
extracts it. Skipped when ../shared/data/nl-docs is absent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bronvast.schema import SourceDocument
from bronvast.settings import PROJECT_ROOT
from eval.dataset import Case, load_cases
from eval.metrics import words
from ingest.readers import read_document

NL_DOCS = PROJECT_ROOT.parent / "shared" / "data" / "nl-docs"
pytestmark = pytest.mark.skipif(not NL_DOCS.is_dir(), reason=f"{NL_DOCS} is absent (the shared document corpus)")

# dataset -> (the folders its gold files come from, minimum answerable, minimum unanswerable, folder tags)
SETS = {
    "nl-docs.jsonl": (["toetsingskader_archiefwet", "bio", "pdf"], 45, 12, {"toetsingskader", "bio", "pdf"}),
    "wetten-2017.jsonl": (["wetten_2017"], 15, 5, {"wetten"}),
}
QUESTION_TYPES = {"getal", "datum", "wie", "definitie", "lijst", "ja-nee", "uitleg", "waarom"}


@cache
def cases(dataset: str) -> list[Case]:
    return load_cases(PROJECT_ROOT / "eval" / "datasets" / dataset)


@cache
def document(path: Path) -> SourceDocument:
    """The file as the ingest reads it (each file parsed once per test run)."""
    return read_document(path)


def gold_path(dataset: str, source: str) -> Path | None:
    folders = SETS[dataset][0]
    found = [NL_DOCS / folder / source for folder in folders if (NL_DOCS / folder / source).is_file()]
    return found[0] if len(found) == 1 else None


@pytest.mark.parametrize("dataset", SETS)
def test_counts_ids_and_tags(dataset):
    folders, min_answerable, min_unanswerable, folder_tags = SETS[dataset]
    loaded = cases(dataset)
    ids = [case.id for case in loaded]
    assert len(ids) == len(set(ids))
    assert sum(case.answerable for case in loaded) >= min_answerable
    assert sum(not case.answerable for case in loaded) >= min_unanswerable
    for case in loaded:
        assert len(folder_tags & set(case.tags)) == 1, f"{case.id}: one folder tag of {sorted(folder_tags)}"
        assert len(QUESTION_TYPES & set(case.tags)) == 1, f"{case.id}: one question type of {sorted(QUESTION_TYPES)}"


@pytest.mark.parametrize("dataset", SETS)
def test_unanswerable_cases_have_no_gold_or_facts(dataset):
    for case in cases(dataset):
        if not case.answerable:
            assert not case.gold and not case.must_contain and case.reference_answer is None, case.id
            assert "onbeantwoordbaar" in case.tags, case.id


@pytest.mark.parametrize("dataset", SETS)
def test_gold_files_are_in_the_sets_folders(dataset):
    for case in cases(dataset):
        if case.answerable:
            assert case.gold and case.must_contain and case.reference_answer, f"{case.id}: gold, facts, reference"
        for gold in case.gold:
            path = gold_path(dataset, gold.source)
            assert path is not None, f"{case.id}: {gold.source} is not one file in {SETS[dataset][0]}"
            assert (gold.page is not None) == (path.suffix == ".pdf"), f"{case.id}: a page for a PDF, none else"


def test_the_held_out_laws_are_not_in_the_nl_docs_set():
    laws = {path.name for path in (NL_DOCS / "wetten_2017").iterdir()}
    assert not laws & {gold.source for case in cases("nl-docs.jsonl") for gold in case.gold}


@pytest.mark.parametrize("dataset", SETS)
def test_every_fact_stands_in_its_gold_text(dataset):
    missing = []
    for case in cases(dataset):
        texts = []
        for gold in case.gold:
            doc = document(gold_path(dataset, gold.source))
            pages = [p for p in doc.pages if gold.page is None or p.number == gold.page]
            assert pages, f"{case.id}: {gold.source} has no page {gold.page}"
            texts.append(words(" ".join(p.text for p in pages)))
        for fact in case.must_contain:
            alternatives = [fact] if isinstance(fact, str) else fact
            if not any(words(phrase) in text for phrase in alternatives for text in texts):
                missing.append(f"{case.id}: {fact!r}")
    assert not missing, "facts not in their gold text:\n" + "\n".join(missing)
