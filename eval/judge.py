"""The LLM judge: a second model scores how faithful an answer is to the passages it cites (1-5, scaled to 0-1).

Optional (`evaluation.judge` in the profile); its prompt is in config/eval-prompts.yaml. The non-LLM citation check
(faithfulness) is always measured; the judge adds an opinion that also sees wrong relations between right words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import yaml
from llama_index.core.llms import ChatMessage, MessageRole
from pydantic import BaseModel

from bronvast import factories
from bronvast.language import CHARS_PER_TOKEN, question_language
from bronvast.schema import Answer
from bronvast.settings import LLMSettings
from eval.structured import StructuredOutputError, complete_json
from eval.target import EvalTarget

PROMPT_OVERHEAD_TOKENS = 300


class Verdict(BaseModel):
    """What the judge must return (the schema constrains its output)."""

    score: Literal[1, 2, 3, 4, 5]
    reason: str


@dataclass(frozen=True)
class Judgement:
    score: float | None  # (verdict - 1) / 4; None when the judge failed
    reason: str

    def to_json(self) -> dict:
        return asdict(self)


def load_prompts(path: Path, section: str) -> dict[str, dict[str, str]]:
    """{language: {system, user}} of one section (judge, generate) of the evaluation prompts file."""
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {language: prompts[section] for language, prompts in content.items()}


class Judge:
    def __init__(self, llm, config: LLMSettings, prompts_file: Path):
        self.llm = llm
        self.config = config
        self.prompts = load_prompts(prompts_file, "judge")

    @property
    def name(self) -> str:
        config = self.config
        return f"{config.model} op {config.base_url}" if config.backend == "openai-compatible" else config.model_path

    def judge(self, question: str, answer: Answer) -> Judgement:
        prompts = self.prompts[question_language(question)]
        budget = (self.config.context_window - self.config.max_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN
        sources = "\n\n".join(
            f"[{c.n}] {c.cited_as}{f', p. {c.page}' if c.page else ''}:\n{c.text}" for c in answer.citations
        )[: max(budget - len(answer.answer), 0)]
        messages = [
            ChatMessage(role=MessageRole.SYSTEM, content=prompts["system"]),
            ChatMessage(role=MessageRole.USER,
                        content=prompts["user"].format(question=question, sources=sources, answer=answer.answer)),
        ]
        try:
            verdict = complete_json(self.llm, messages, Verdict)
        except StructuredOutputError as exc:
            return Judgement(None, str(exc))
        return Judgement((verdict.score - 1) / 4, verdict.reason)


def judge_for(target: EvalTarget) -> Judge | None:
    """The configured judge, or None. The same settings as the answering LLM share its loaded model."""
    settings = target.settings
    config = settings.evaluation.judge
    if config is None:
        return None
    llm = target.llm if config == settings.llm else factories.make_llm(settings.model_copy(update={"llm": config}))
    return Judge(llm, config, settings.resolve(settings.evaluation.prompts_file))
