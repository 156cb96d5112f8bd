"""Multi-turn: a follow-up question ("en in 2024?") rewritten into one that stands alone, before retrieval.

Retrieval sees one question at a time, so "en in 2024?" must become "Hoeveel inwoners had Lindewaard in 2024?".
Two ways, set by answer.rewrite:
- "rules": no LLM. A follow-up that names little of its own takes the previous question and swaps in what it
  changes: a word it repeats from that question carries the new value after it ("in 2024" replaces "in 2023",
  "zone B" replaces "zone A"); a follow-up that changes nothing this way is added to the previous question.
- "llm": the LLM rewrites it, given the conversation within the history token budget. A small model often
  rewrites badly, so the result must keep the follow-up's own terms and be one short question; if not, rules.
"""

from __future__ import annotations

import re

from llama_index.core.llms import ChatMessage, MessageRole

from bronvast.language import CHARS_PER_TOKEN
from bronvast.schema import Turn
from bronvast.sparse import Analyzer

WORD = re.compile(r"[^\W_]+(?:[-/.,:][^\W_]+)*")
STANDALONE_TERMS = 4  # a question with this many content terms of its own is taken as it stands
MAX_REWRITE_CHARS = 300


def shape(token: str) -> str:
    """What kind of value a token is, so only like replaces like: a year by a year, a code by a code."""
    if token.isdigit():
        return "year" if len(token) == 4 else "number"
    if any(c.isdigit() for c in token):
        return "code"
    if len(token) <= 2 and token.isupper():
        return "letter"
    return "name" if token[:1].isupper() else "word"


def rewrite_by_rules(question: str, history: list[Turn], analyzer: Analyzer) -> str:
    if not history or len(analyzer.tokens(question)) >= STANDALONE_TERMS:
        return question
    previous = history[-1].search_question
    spans = list(WORD.finditer(previous))
    follow_up = WORD.findall(question)
    replacements: dict[int, str] = {}
    for word, value in zip(follow_up, follow_up[1:]):
        for i, (before, old) in enumerate(zip(spans, spans[1:]), start=1):
            if before.group().lower() == word.lower() and old.group() != value and shape(old.group()) == shape(value) != "word":
                replacements[i] = value
    if not replacements:
        return f"{previous.rstrip(' ?')}: {question.strip()}"
    rewritten, end = "", 0
    for i, span in enumerate(spans):
        if i in replacements:
            rewritten += previous[end:span.start()] + replacements[i]
            end = span.end()
    return rewritten + previous[end:]


def recent(history: list[Turn], budget_tokens: int) -> list[Turn]:
    """The newest turns that fit the token budget, oldest first."""
    kept: list[Turn] = []
    used = 0
    for turn in reversed(history):
        used += (len(turn.question) + len(turn.answer)) // CHARS_PER_TOKEN + 1
        if used > budget_tokens:
            break
        kept.append(turn)
    return kept[::-1]


def rewrite_messages(question: str, history: list[Turn], prompts) -> list[ChatMessage]:
    """The LLM rewrite's prompt; `prompts` holds the language's templates (rewrite, rewrite_user, turn)."""
    conversation = "\n".join(prompts.turn.format(question=t.question, answer=t.answer) for t in history)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=prompts.rewrite),
        ChatMessage(role=MessageRole.USER, content=prompts.rewrite_user.format(conversation=conversation, question=question)),
    ]


def acceptable_rewrite(rewritten: str, question: str, analyzer: Analyzer) -> bool:
    """One short line that keeps every content term of the follow-up."""
    own = set(analyzer.tokens(question))
    return (
        bool(rewritten) and "\n" not in rewritten and len(rewritten) <= MAX_REWRITE_CHARS
        and own <= set(analyzer.tokens(rewritten))
    )
