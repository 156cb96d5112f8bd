"""Stage 5, answer: hits -> a grounded, cited answer from the LLM, or a fixed refusal.

`Assistant.stream()` yields the answer text as it is generated and finally the complete `Answer`; every face
(CLI, UI, eval) goes through it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from llama_index.core.llms import ChatMessage, MessageRole

from assistant.retrieve import Retriever
from bronvast.schema import Answer, Citation, Hit, SearchFilter
from bronvast.settings import Settings

CITATION_MARK = re.compile(r"\[(\d{1,2})\]")
CHARS_PER_TOKEN = 3  # conservative for Dutch with small-vocabulary tokenizers
PROMPT_OVERHEAD_TOKENS = 300


class LLMUnavailable(Exception):
    """The language model could not be reached or failed; the message says which one."""


@dataclass(frozen=True)
class Prompts:
    system: str
    user: str
    source: str
    page: str
    refusal: str
    empty_question: str

    @classmethod
    def load(cls, path: Path, language: str) -> Prompts:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))
        if language not in profiles:
            raise ValueError(f"{path}: geen prompts voor taal '{language}'")
        return cls(**profiles[language])


TIMINGS = ("retrieve_s", "first_token_s", "generate_s")  # seconds; generation starts counting after retrieval


def format_sources(hits: list[Hit], prompts: Prompts, budget_chars: int) -> str:
    blocks = []
    for n, hit in enumerate(hits, start=1):
        page = prompts.page.format(page=hit.chunk.page) if hit.chunk.page else ""
        blocks.append(prompts.source.format(n=n, source=hit.chunk.source, page=page, text=hit.chunk.text))
    text = "\n\n".join(blocks)
    return text[:budget_chars]


def is_refusal(text: str, refusal: str) -> bool:
    """The model declined: it wrote nothing, or its answer opens with the refusal sentence. (Small models also echo
    the prompt's rules, refusal sentence included, inside a long answer: that is not a refusal.)"""
    normalised = re.sub(r"\W+", " ", text).strip().lower()
    core = re.sub(r"\W+", " ", refusal).strip().lower()
    return not normalised or normalised.startswith(core)


def cited_numbers(text: str, available: int) -> list[int]:
    return sorted({int(n) for n in CITATION_MARK.findall(text) if 1 <= int(n) <= available})


class Assistant:
    def __init__(self, retriever: Retriever, llm, settings: Settings):
        self.retriever = retriever
        self.llm = llm
        self.settings = settings
        self.prompts = Prompts.load(settings.resolve(settings.answer.prompts_file), settings.answer.language)

    def ask(self, question: str, collection: str | None = None, where: SearchFilter | None = None) -> Answer:
        *_, answer = self.stream(question, collection, where)
        return answer

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None
    ) -> Iterator[str | Answer]:
        """Yields pieces of answer text, then the finished Answer."""
        if not question.strip():
            yield from self._declined(question, self.prompts.empty_question, dict.fromkeys(TIMINGS, 0.0))
            return
        collection = collection or self.settings.collection
        started = time.perf_counter()
        hits = self.retriever.retrieve(question, collection, where)
        timings = dict.fromkeys(TIMINGS, 0.0) | {"retrieve_s": round(time.perf_counter() - started, 4)}
        if not hits:
            yield from self._declined(question, self.prompts.refusal, timings)
            return

        started = time.perf_counter()
        pieces: list[str] = []
        try:
            for delta in self.llm.stream_chat(self._messages(question, hits)):
                if delta.delta and not pieces:
                    timings["first_token_s"] = round(time.perf_counter() - started, 4)
                pieces.append(delta.delta or "")
                yield delta.delta or ""
        except Exception as exc:  # network errors, server errors, timeouts: whatever the backend raises
            raise LLMUnavailable(f"het taalmodel ({self._llm_name()}) gaf geen antwoord: {exc}") from exc
        timings["generate_s"] = round(time.perf_counter() - started, 4)

        text = "".join(pieces).strip()
        if is_refusal(text, self.prompts.refusal):
            yield Answer(question, self.prompts.refusal, True, [], timings)
            return
        citations = [
            Citation(n, hit.chunk.source, hit.chunk.page, hit.chunk.text, round(hit.score, 4))
            for n, hit in enumerate(hits, start=1)
        ]
        yield Answer(question, text, False, citations, timings)

    @staticmethod
    def _declined(question: str, text: str, timings: dict[str, float]) -> Iterator[str | Answer]:
        yield text
        yield Answer(question, text, True, [], timings)

    def _llm_name(self) -> str:
        llm = self.settings.llm
        return f"{llm.model} op {llm.base_url}" if llm.backend == "openai-compatible" else llm.model_path

    def _messages(self, question: str, hits: list[Hit]) -> list[ChatMessage]:
        llm = self.settings.llm
        budget = (llm.context_window - llm.max_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN
        sources = format_sources(hits, self.prompts, budget)
        return [
            ChatMessage(role=MessageRole.SYSTEM, content=self.prompts.system),
            ChatMessage(role=MessageRole.USER, content=self.prompts.user.format(sources=sources, question=question)),
        ]
