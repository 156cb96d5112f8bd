"""Drafting a test set from an indexed collection: the LLM writes a question and answer per sampled passage, and
only drafts whose answer the passage supports (the answer check, EvalTarget.support) are kept, as cases
for people to review before use."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.llms import ChatMessage, MessageRole
from pydantic import BaseModel

from bronvast.atomic import write_atomically
from bronvast.schema import Chunk
from eval.dataset import Case, Gold
from eval.judge import load_prompts
from eval.structured import StructuredOutputError, complete_json
from eval.target import EvalTarget

MIN_PASSAGE_TERMS = 25  # shorter chunks (headings, signatures) rarely hold a fact worth a question
ATTEMPTS_PER_CASE = 3  # passages tried per wanted case before giving up


class Draft(BaseModel):
    question: str
    answer: str


@dataclass
class GenerateReport:
    written: int = 0
    tried: int = 0
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> drafts

    def reject(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1


def sampled(chunks: list[Chunk], seed: int) -> Iterator[Chunk]:
    """Passages spread over the documents: a shuffled round-robin, one passage per document in turn."""
    rng = random.Random(seed)
    by_document: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_document[chunk.path].append(chunk)
    queues = list(by_document.values())
    for queue in queues:
        rng.shuffle(queue)
    rng.shuffle(queues)
    while any(queues):
        for queue in queues:
            if queue:
                yield queue.pop()


def generate_cases(
    target: EvalTarget, collection: str, n: int, out: Path, seed: int = 0, on_case: Callable[[], None] | None = None
) -> GenerateReport:
    """Writes up to `n` reviewed-to-be cases to `out` (JSONL, the dataset format) and says what was rejected."""
    settings = target.settings
    language = settings.answer.default_language
    prompts = load_prompts(settings.resolve(settings.evaluation.prompts_file), "generate")[language]
    target.check_searchable(collection)  # a missing collection fails before the model loads
    passages = [c for c in target.passages(collection) if len(target.terms(c.text)) >= MIN_PASSAGE_TERMS]
    report, cases = GenerateReport(), []
    for chunk in sampled(passages, seed):
        if len(cases) == n or report.tried == n * ATTEMPTS_PER_CASE:
            break
        report.tried += 1
        draft = draft_for(target.llm, chunk, prompts, report)
        if draft is None:
            continue
        if target.support(draft.answer, chunk) < 1.0:
            report.reject("antwoord niet gestaafd door de passage")
            continue
        cases.append(Case(
            id=f"gen-{len(cases) + 1:03d}", question=draft.question.strip(), reference_answer=draft.answer.strip(),
            gold=[Gold(source=chunk.source, page=chunk.page)], answerable=True, tags=["gegenereerd", chunk.kind],
        ))
        if on_case:
            on_case()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, "".join(json.dumps(c.model_dump(), ensure_ascii=False) + "\n" for c in cases))
    report.written = len(cases)
    return report


def draft_for(llm, chunk: Chunk, prompts: dict[str, str], report: GenerateReport) -> Draft | None:
    page = f", pagina {chunk.page}" if chunk.page else ""
    messages = [
        ChatMessage(role=MessageRole.SYSTEM, content=prompts["system"]),
        ChatMessage(role=MessageRole.USER, content=prompts["user"].format(source=chunk.source, page=page, text=chunk.text)),
    ]
    try:
        draft = complete_json(llm, messages, Draft)
    except StructuredOutputError:
        report.reject("geen bruikbare JSON van het model")
        return None
    if not draft.question.strip().endswith("?") or len(draft.question.split()) < 4:
        report.reject("geen echte vraag")
        return None
    return draft
