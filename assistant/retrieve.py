"""Stage 4, hits: a question -> the chunks of one collection that best answer it.

Dense (embedding) and sparse (BM25-style, Dutch-aware) searches run in the store; their rankings are fused here,
by default with weighted distribution-based score fusion (retrieval.fusion: dbsf; rrf and relative are the
others). Our own, not Qdrant's fusion: it works the same on every engine and keeps each side's own score, which the
refusal gate needs. Then near-duplicate passages
are dropped and, when asked, each hit is widened with its neighbouring chunks (small-to-big).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from llama_index.core.schema import NodeWithScore, TextNode

from bronvast.decision import AnswerDecision
from bronvast.schema import CollectionSpec, GateReading, Hit, SearchFilter
from bronvast.settings import RetrievalSettings
from bronvast.sparse import SparseEncoder
from bronvast.store import ChunkStore

NOTHING_FOUND = -1.0  # the best score of a side that found nothing: below any cosine and any relative BM25 score


class Retriever:
    def __init__(
        self,
        store: ChunkStore,
        embedder,
        encoder: SparseEncoder,
        config: RetrievalSettings,
        spec: CollectionSpec,
        reranker=None,
        decision: AnswerDecision | None = None,
    ):
        self.store = store
        self.embedder = embedder
        self.encoder = encoder
        self.config = config
        self.spec = spec  # what the embedder and encoder produce; a collection made otherwise is refused
        self.reranker = reranker  # a llama-index node postprocessor (cross-encoder), for "hybrid+rerank"
        # The fitted answer-or-refuse model (bronvast/decision.py); without one, the thresholds min_score and
        # min_sparse_relevance decide alone.
        self.decision = decision
        self._checked: set[str] = set()

    def retrieve(
        self, question: str, collection: str, where: SearchFilter | None = None, timings: dict | None = None
    ) -> list[Hit]:
        """The relevant hits for a question; an empty list means nothing in the collection is relevant enough.
        When given `timings`, the rerank stage's seconds are recorded in it as rerank_s."""
        ranked = self.rank(question, collection, where, self.config.candidates, timings)
        scale = self.sparse_scale(question, collection)
        if not ranked or not self.reading(question, ranked, scale).answered:
            return []
        # The passages to cite: those that pass the per-passage thresholds, at least the best one.
        relevant = [hit for hit in ranked if self.is_relevant(hit, scale)] or ranked[:1]
        distinct = drop_near_duplicates(relevant, self.encoder, self.config.duplicate_overlap)[: self.config.top_k]
        return self.widen(collection, distinct) if self.config.neighbours else distinct

    def gate(self, question: str, collection: str, where: SearchFilter | None = None) -> GateReading:
        """The answer-or-refuse decision on the question, as retrieve() takes it, with the signals it read: for
        measuring how well they tell answerable questions from unanswerable ones, and for fitting the decision."""
        ranked = self.rank(question, collection, where, self.config.candidates)
        return self.reading(question, ranked, self.sparse_scale(question, collection))

    def reading(self, question: str, ranked: list[Hit], scale: float) -> GateReading:
        signals = self.signals(question, ranked, scale)
        if self.decision is None:
            return GateReading(any(self.is_relevant(hit, scale) for hit in ranked), None, signals)
        probability = self.decision.probability(signals)
        return GateReading(probability >= self.decision.threshold, round(probability, 4), signals)

    def signals(self, question: str, ranked: list[Hit], scale: float) -> dict[str, float]:
        """What the decision reads (bronvast.decision.SIGNALS), over all candidates; coverage over the top_k."""
        dense = sorted((h for h in ranked if h.dense_score is not None), key=lambda h: h.dense_score, reverse=True)
        sparse = sorted((h for h in ranked if h.sparse_score is not None), key=lambda h: h.sparse_score, reverse=True)
        cosines = [h.dense_score for h in dense[:2]] + [NOTHING_FOUND] * 2
        asked = self.encoder.analyzer.question_terms(question)  # without its question words
        # A passage holds the answer, not the question word: BM25 is measured against what the content terms could
        # score, i.e. the scale times their share of the question's index terms.
        scale *= max(len(asked), 1) / max(len(set(self.encoder.analyzer.tokens(question))), 1)
        return {
            "best_cosine": cosines[0],
            "best_relative_bm25": sparse[0].sparse_score / scale if sparse else NOTHING_FOUND,
            "dense_margin": cosines[0] - cosines[1] if len(dense) > 1 else 0.0,
            "rank_agreement": rank_agreement(dense, sparse),
            "coverage": self.coverage(asked, ranked),
            "question_terms": math.log(1 + len(asked)),
        }

    def coverage(self, terms: set[str], ranked: list[Hit]) -> float:
        """The share of the question's (content) terms in the best-covering passage of the top_k, each term weighted
        by how rare it is among all candidates: a name or a code counts more than a word every passage holds."""
        if not terms or not ranked:
            return 0.0
        passages = [set(self.encoder.analyzer.tokens(hit.chunk.text)) for hit in ranked]
        weight = {t: math.log(1 + len(passages) / (1 + sum(t in p for p in passages))) for t in terms}
        total = sum(weight.values())
        return max(sum(weight[t] for t in terms & p) / total for p in passages[: self.config.top_k])

    def rank(
        self, question: str, collection: str, where: SearchFilter | None, limit: int, timings: dict | None = None
    ) -> list[Hit]:
        """All candidates, best first, as the configured mode ranks them (no gate, no cut to top_k), one version of
        each document."""
        return whole_versions(self._ranked(question, collection, where, limit, timings))

    def _ranked(
        self, question: str, collection: str, where: SearchFilter | None, limit: int, timings: dict | None
    ) -> list[Hit]:
        if collection not in self._checked:
            self.store.check_collection(collection, self.spec, search=True)
            self._checked.add(collection)
        mode = self.config.mode
        dense = self._dense(question, collection, where, limit) if mode != "sparse" else []
        sparse = self._sparse(question, collection, where, limit) if mode != "dense" else []
        if mode == "dense":
            return dense
        if mode == "sparse":
            return sparse
        fused = fuse([(dense, self.config.dense_weight), (sparse, self.config.sparse_weight)], self.scale())
        if mode != "hybrid+rerank":
            return fused
        started = time.perf_counter()
        reranked = self.rerank(question, fused)
        if timings is not None:
            timings["rerank_s"] = round(time.perf_counter() - started, 4)
        return reranked

    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The top `rerank_candidates` in the cross-encoder's order (its score becomes the hit's score); the rest
        keep their fused order behind them. The dense and sparse scores stay, for the relevance gate."""
        head, tail = hits[: self.config.rerank_candidates], hits[self.config.rerank_candidates :]
        by_id = {hit.chunk.id: hit for hit in head}
        nodes = [NodeWithScore(node=TextNode(id_=hit.chunk.id, text=hit.chunk.text), score=hit.score) for hit in head]
        reranked = self.reranker.postprocess_nodes(nodes, query_str=question)
        return [replace(by_id[node.node.node_id], score=round(float(node.score), 6)) for node in reranked] + tail

    def scale(self) -> Callable[[list[float]], list[float]]:
        """How the configured fusion turns one search's scores into what is summed."""
        if self.config.fusion == "rrf":
            return reciprocal_rank(self.config.rrf_k)
        return min_max if self.config.fusion == "relative" else distribution_based

    def is_relevant(self, hit: Hit, sparse_scale: float) -> bool:
        """The refusal gate: a calibrated cosine for the dense side, a calibrated relative BM25 score for the
        sparse side (see sparse_scale)."""
        dense_ok = hit.dense_score is not None and hit.dense_score >= self.config.min_score
        sparse_ok = hit.sparse_score is not None and hit.sparse_score >= self.config.min_sparse_relevance * sparse_scale
        return dense_ok or sparse_ok

    def sparse_scale(self, question: str, collection: str) -> float:
        """What the question's terms could score: BM25 grows with the number of query terms and, through IDF, with
        log(collection size); dividing by both makes one threshold hold for a 10-chunk and a 100,000-chunk index."""
        terms = len(self.encoder.query(question).indices)
        return terms * math.log(1 + self.store.chunk_count(collection)) if terms else math.inf

    def widen(self, collection: str, hits: list[Hit]) -> list[Hit]:
        """Small-to-big: each hit's text with its neighbouring chunks of the same document version."""
        widened = []
        for hit in hits:
            chunk = hit.chunk
            around = range(chunk.chunk_index - self.config.neighbours, chunk.chunk_index + self.config.neighbours + 1)
            parts = self.store.neighbours(collection, chunk.path, chunk.sha256, [i for i in around if i >= 0])
            # same source too: an e-mail's attachments share its path and sha256 (see ingest.readers.read_documents)
            same_page = [p.text for p in parts if p.page == chunk.page and p.source == chunk.source] or [chunk.text]
            widened.append(replace(hit, chunk=replace(chunk, text="\n".join(same_page))))
        return widened

    def _dense(self, question: str, collection: str, where: SearchFilter | None, limit: int) -> list[Hit]:
        hits = self.store.search(collection, self.embedder.get_query_embedding(question), limit, where)
        return [replace(hit, dense_score=hit.score) for hit in hits]

    def _sparse(self, question: str, collection: str, where: SearchFilter | None, limit: int) -> list[Hit]:
        query = self.encoder.query(question)
        if not query.indices:
            return []
        return [replace(hit, sparse_score=hit.score) for hit in self.store.search(collection, query, limit, where)]


def fuse(rankings: list[tuple[list[Hit], float]], scale: Callable[[list[float]], list[float]]) -> list[Hit]:
    """Weighted fusion: each ranking's scores rescaled by `scale`, then summed with the ranking's weight.

    A chunk that one search did not return gets 0 from it. The fused hit keeps each side's own score, which the
    relevance gate needs. (Qdrant fuses inside one query too, but only within one engine; this works on every one.)
    """
    scores: dict[str, float] = {}
    merged: dict[str, Hit] = {}
    for hits, weight in rankings:
        for hit, scaled in zip(hits, scale([hit.score for hit in hits]), strict=True):
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + weight * scaled
            known = merged.get(hit.chunk.id, hit)
            merged[hit.chunk.id] = replace(
                known,
                dense_score=known.dense_score if known.dense_score is not None else hit.dense_score,
                sparse_score=known.sparse_score if known.sparse_score is not None else hit.sparse_score,
            )
    ordered = sorted(scores, key=lambda chunk_id: scores[chunk_id], reverse=True)
    return [replace(merged[chunk_id], score=round(scores[chunk_id], 6)) for chunk_id in ordered]


def whole_versions(hits: list[Hit]) -> list[Hit]:
    """The hits of each document's earliest stored version only. While an ingest replaces a document (questions run
    beside it), the new version is written before the old one goes and may still be partly written; the old one is
    whole until it goes, so an answer never mixes the two or cites half of the new one."""
    earliest: dict[str, tuple[str, str]] = {}
    for hit in hits:
        chunk = hit.chunk
        known = earliest.get(chunk.path)
        if known is None or (chunk.ingested_at, chunk.sha256) < known:
            earliest[chunk.path] = (chunk.ingested_at, chunk.sha256)
    return [hit for hit in hits if (hit.chunk.ingested_at, hit.chunk.sha256) == earliest[hit.chunk.path]]


def rank_agreement(dense: list[Hit], sparse: list[Hit]) -> float:
    """0 when dense and sparse search put the same passage first, lower the further each side ranks the other's
    first passage; an answer tends to be found by both, a near miss by one."""
    if not dense or not sparse:  # one side found nothing: as far apart as the candidates allow
        return -math.log(1 + 2 * max(len(dense), len(sparse), 1))
    dense_ids = [h.chunk.id for h in dense]
    sparse_ids = [h.chunk.id for h in sparse]
    apart = sum(ranking.index(first) if first in ranking else len(ranking)
                for ranking, first in ((sparse_ids, dense_ids[0]), (dense_ids, sparse_ids[0])))
    return -math.log(1 + apart)


def reciprocal_rank(k: int) -> Callable[[list[float]], list[float]]:
    """Reciprocal rank fusion (RRF): only the rank counts, 1 / (k + rank)."""
    return lambda scores: [1 / (k + rank) for rank in range(1, len(scores) + 1)]


def min_max(scores: list[float]) -> list[float]:
    """Relative score fusion: the best hit 1, the last 0."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    return [(s - low) / (high - low) if high > low else 1.0 for s in scores]


def distribution_based(scores: list[float]) -> list[float]:
    """Distribution-based score fusion (DBSF): mean - 3 sd maps to 0, mean + 3 sd to 1, so one outlier does not
    stretch the scale the way it does with min-max."""
    if not scores:
        return []
    mean = statistics.fmean(scores)
    spread = 6 * statistics.pstdev(scores) or 1.0
    return [(s - mean) / spread + 0.5 for s in scores]


def drop_near_duplicates(hits: list[Hit], encoder: SparseEncoder, max_overlap: float) -> list[Hit]:
    """Keeps the better of two passages that share more than `max_overlap` of their terms (Jaccard), so the
    prompt holds distinct evidence; the same text filed twice or a repeated boilerplate paragraph counts once."""
    kept: list[tuple[Hit, set[str]]] = []
    for hit in hits:
        terms = set(encoder.analyzer.tokens(hit.chunk.text))
        if all(jaccard(terms, other) <= max_overlap for _, other in kept):
            kept.append((hit, terms))
    return [hit for hit, _ in kept]


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
