"""Stage 5, answer: hits -> a grounded, cited, checked answer, or a refusal that names what was searched.

`Assistant.stream()` yields the extractive answer at once (a `FirstAnswer`), then the model's text as it is
generated, and finally the complete `Answer`; every face (CLI, UI, REST, eval) goes through it. The steps: make a
follow-up stand alone (assistant/conversation.py), retrieve, turn passages into data (assistant/grounding.sanitise),
extract the sentences that answer (assistant/extract.py; well under a second, so the user never waits for a
generation that may be thrown away), generate, check every sentence against the passage it cites and whether the
answer addresses the question, and keep the extract when the LLM is unreachable or its answer fails the check.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from llama_index.core.llms import ChatMessage, MessageRole

from assistant.conversation import acceptable_rewrite, recent, rewrite_by_rules, rewrite_messages
from assistant.extract import Extractor
from assistant.generation_queue import Busy, GenerationQueue
from assistant.grounding import CITATION, Grounding, holds_active_content, render, sanitised
from assistant.letter_questions import LetterAnswer, LetterLabels, LetterQuestions
from assistant.retrieve import Retriever
from assistant.sentence_vectors import SentenceVectors
from bronvast.language import CHARS_PER_TOKEN, LANGUAGES, question_language
from bronvast.schema import Answer, Citation, FirstAnswer, Hit, SearchFilter, Sentence, Turn, supported_share
from bronvast.settings import Settings

PROMPT_OVERHEAD_TOKENS = 300
# Seconds; generation starts counting after retrieval, the check after generation.
# extract_s: the extractive answer (the first answer when a model generates), from the retrieved passages.
# queue_s: waiting in line for the model (assistant/generation_queue.py).
TIMINGS = ("retrieve_s", "rerank_s", "extract_s", "queue_s", "first_token_s", "generate_s", "check_s")


class LLMUnavailable(Exception):
    """The language model could not be reached or failed; the message says which one."""


@dataclass(frozen=True)
class Prompts:
    system: str
    user: str
    source: str
    page: str
    refusal: str
    searched: str
    no_sentence: str  # the passages found hold nothing that reads as an answer: {sources}
    first: str  # over the extractive answer shown while the model writes
    empty_question: str
    rewrite: str
    rewrite_user: str
    turn: str
    extractive: str
    unsupported: str
    unreachable: str
    busy: str  # the model's line was full or the wait ran out: {reason}
    unanswered: str  # supported, yet not an answer: {missing} is one of the three below
    active: str  # the model's answer held markup, a link or chat-template tokens
    missing_number: str
    missing_time: str
    missing_terms: str
    letter_notice: str  # the answer came from an objection letter's file card: {file}
    letters_notice: str  # from the cards of every letter of the collection the asker may see: {count} {files}
    letters_more: str  # ... and the collection holds more than were read: {count}
    busy_full: str  # why the model is busy, in `busy`'s {reason}: the line is full: {running} {waiting}
    busy_waited: str  # ... or the wait ran out: {seconds}
    letter: LetterLabels

    @classmethod
    def load(cls, path: Path, language: str) -> Prompts:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))
        if language not in profiles:
            raise ValueError(f"{path}: geen prompts voor taal '{language}'")
        profile = profiles[language]
        return cls(**{**profile, "letter": LetterLabels(**profile.get("letter", {}))})


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


def without_unknown_citations(text: str, available: int) -> str:
    """The answer with citation markers that point at no retrieved source removed."""
    return CITATION.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= available else "", text)


def count_tokens(llm, messages: list[ChatMessage], completion: str, reported: dict) -> dict[str, float]:
    """Prompt and completion tokens: as the server reported them (OpenAI-compatible, stream usage), else counted
    with the embedded model's own tokenizer (llama.cpp); empty when neither is available."""
    if "prompt_tokens" in reported:
        return {key: reported[key] for key in ("prompt_tokens", "completion_tokens")}
    model = getattr(llm, "_model", None)  # llama-index's LlamaCPP keeps the llama_cpp.Llama here
    if model is None or not hasattr(llm, "messages_to_prompt"):
        return {}
    prompt = llm.messages_to_prompt(messages).encode()
    # The text tokenized again may split where the model did not (257 for a generation cut at 256): never more than
    # the model may generate.
    completion_tokens = len(model.tokenize(completion.encode(), add_bos=False))
    return {
        "prompt_tokens": len(model.tokenize(prompt, add_bos=True, special=True)),
        "completion_tokens": min(completion_tokens, llm.max_new_tokens),
    }


def extractive(answer: Answer, sentences: list[Sentence], notice: str, reason: str) -> Iterator[Answer]:
    """The answer made of the sources' own sentences, under a notice that says why it is not generated."""
    answer.mode, answer.notice, answer.sentences, answer.answer = "extractive", notice, sentences, render(sentences)
    answer.reason = reason
    yield answer


def busy_reason(busy: Busy, prompts: Prompts) -> str:
    if busy.waited_s is None:
        return prompts.busy_full.format(running=busy.running, waiting=busy.waiting)
    return prompts.busy_waited.format(seconds=f"{busy.waited_s:g}")


def citations(hits: list[Hit], first: int = 1) -> list[Citation]:
    return [Citation(n, hit.chunk.source, hit.chunk.page, hit.chunk.text, round(hit.score, 4), hit.chunk.copies,
                     hit.chunk.sha256) for n, hit in enumerate(hits, start=first)]


def letters_notice(letters: LetterAnswer, prompts: Prompts) -> str:
    files, count = ", ".join(letters.files), len(letters.files)
    if not letters.across:
        return prompts.letter_notice.format(file=files)
    more = prompts.letters_more.format(count=count) if letters.more else ""
    return prompts.letters_notice.format(count=count, files=files) + more


def refusal(answer: Answer, sentence: str, notice: str, reason: str) -> Iterator[str | Answer]:
    """The refusal sentence as the answer's text, then the refused Answer with the notice that says why."""
    answer.answer, answer.refused, answer.citations, answer.notice = sentence, True, [], notice
    answer.reason = reason
    yield answer.answer
    yield answer


@dataclass
class Generation:
    text: str
    usage: dict[str, float]


class Assistant:
    def __init__(self, retriever: Retriever, load_llm: Callable[[], object], settings: Settings,
                 letters: LetterQuestions | None = None):
        self.retriever = retriever
        self.letters = letters  # questions about objection letters, answered from their file cards
        self.load_llm = load_llm  # called on first generation only: the extractive mode needs no LLM
        self.settings = settings
        self.queue = GenerationQueue.for_llm(settings.llm)  # one line in front of the model for every caller
        self.sentence_vectors = SentenceVectors(retriever.embedder, settings.answer.sentence_cache)
        path = settings.resolve(settings.answer.prompts_file)
        self.prompts = {language: Prompts.load(path, language) for language in LANGUAGES}

    def ask(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (),
    ) -> Answer:
        *_, answer = self.stream(question, collection, where, history)
        return answer

    def stream(
        self, question: str, collection: str | None = None, where: SearchFilter | None = None,
        history: Sequence[Turn] = (),
    ) -> Iterator[str | FirstAnswer | Answer]:
        """Yields the extractive answer at once (a FirstAnswer) when a model will generate, then pieces of the
        generated text, then the finished Answer: the generated one if it passed the check, else the extract."""
        language = self.language(question)
        prompts = self.prompts[language]
        timings = dict.fromkeys(TIMINGS, 0.0)
        if not question.strip():
            yield prompts.empty_question
            yield Answer(question, prompts.empty_question, True, [], timings, reason="empty_question")
            return
        collection = collection or self.settings.collection
        search_question = self.standalone(question, list(history), prompts)
        started = time.perf_counter()
        hits = self.retriever.retrieve(search_question, collection, where, timings)
        timings["retrieve_s"] = round(time.perf_counter() - started - timings["rerank_s"], 4)
        answer = Answer(question, "", False, [], timings, search_question=search_question)
        if not hits:
            yield from self._without_passages(answer, search_question, collection, where, prompts)
            return

        hits = sanitised(hits)  # document text is data: instructions in it never reach the LLM or the answer
        answer.citations = citations(hits)
        grounding = self.grounding(language)
        started = time.perf_counter()
        passages = grounding.evidence(hits)  # embedded once: the extraction and the check use them
        from_letters = (self.letters.answer(search_question, hits, collection, prompts.letter, where)
                        if self.letters else None)
        if from_letters and from_letters.passages:  # letters beyond the passages found, cited after them
            answer.citations += citations(sanitised(list(from_letters.passages)), len(hits) + 1)
        extracted = from_letters.sentences if from_letters else self.extractor().extract(search_question, passages)
        extract_notice = letters_notice(from_letters, prompts) if from_letters else prompts.extractive
        timings["extract_s"] = round(time.perf_counter() - started, 4)
        if not extracted:  # only headings or a cover page were found: a refusal, not an empty answer
            sources = ", ".join(dict.fromkeys(c.source for c in answer.citations))
            yield from refusal(answer, prompts.refusal, prompts.no_sentence.format(sources=sources), "no_sentence")
            return
        if self.settings.answer.mode == "extractive":
            yield from extractive(answer, extracted, extract_notice, "extractive")
            return
        # The extract at once, while the model writes; its answer replaces the extract only if it passes the check.
        yield FirstAnswer(replace(answer, citations=list(answer.citations), timings=dict(timings), mode="extractive",
                                  sentences=extracted, answer=render(extracted), notice=prompts.first))

        started = time.perf_counter()
        try:
            with self.queue.turn():
                timings["queue_s"] = round(time.perf_counter() - started, 4)
                started = time.perf_counter()
                generation = yield from self._generate(self._messages(search_question, hits, prompts), timings)
        except Busy as exc:
            timings["queue_s"] = round(time.perf_counter() - started, 4)
            yield from extractive(answer, extracted, prompts.busy.format(reason=busy_reason(exc, prompts)), "busy")
            return
        except LLMUnavailable as exc:
            timings["generate_s"] = round(time.perf_counter() - started, 4)
            yield from extractive(answer, extracted, prompts.unreachable.format(reason=exc), "unreachable")
            return
        timings["generate_s"] = round(time.perf_counter() - started, 4)
        answer.usage = generation.usage
        if is_refusal(generation.text, prompts.refusal):
            yield from self._refused(answer, prompts, collection, where, "model_refused")
            return

        started = time.perf_counter()
        text = without_unknown_citations(generation.text, len(hits))
        if holds_active_content(text):  # shown to nobody, however well supported: answers are plain sentences
            yield from extractive(answer, extracted, prompts.active, "active")
            return
        sentences = grounding.check(text, passages, search_question, self.echoes(prompts, hits))
        timings["check_s"] = round(time.perf_counter() - started, 4)
        if supported_share(sentences) < self.settings.answer.min_supported_share:
            supported = sum(s.supported for s in sentences)
            notice = prompts.unsupported.format(supported=supported, total=len(sentences))
            yield from extractive(answer, extracted, notice, "unsupported")
            return
        missing = grounding.unaddressed(search_question, text)
        if missing:  # supported is necessary, not sufficient: the answer must also hold what was asked
            notice = prompts.unanswered.format(missing=getattr(prompts, f"missing_{missing}"))
            yield from extractive(answer, extracted, notice, "unanswered")
            return
        answer.answer, answer.sentences = text, sentences
        yield answer

    def _without_passages(self, answer: Answer, question: str, collection: str, where: SearchFilter | None,
                          prompts: Prompts) -> Iterator[str | Answer]:
        """No passage passed the gate: a question across objection letters is still answered from the letters'
        cards (the gate judges passages, not letters; there is no passage for a model to write from); any other
        question is refused."""
        started = time.perf_counter()
        letters = self.letters.answer(question, [], collection, prompts.letter, where) if self.letters else None
        if letters is None:
            yield from self._refused(answer, prompts, collection, where, "not_found")
            return
        answer.timings["extract_s"] = round(time.perf_counter() - started, 4)
        answer.citations = citations(sanitised(list(letters.passages)))
        yield from extractive(answer, letters.sentences, letters_notice(letters, prompts), "letters")

    def extractor(self) -> Extractor:
        return Extractor(self.sentence_vectors, self.retriever.encoder.analyzer,
                         self.settings.answer.extract_sentences)

    def grounding(self, language: str) -> Grounding:
        """The answer check and extraction for an answer language ("nl", "en")."""
        return Grounding(self.sentence_vectors, self.retriever.encoder.analyzer, self.settings.answer,
                         LANGUAGES[language])

    def language(self, question: str) -> str:
        config = self.settings.answer
        return question_language(question, config.default_language) if config.language == "auto" else config.language

    def standalone(self, question: str, history: list[Turn], prompts: Prompts) -> str:
        """The follow-up rewritten to stand alone (the question itself when there is no history)."""
        if not history:
            return question
        analyzer = self.retriever.encoder.analyzer
        if self.settings.answer.rewrite == "llm":
            turns = recent(history, self.settings.answer.history_tokens)
            try:
                with self.queue.turn():
                    response = self.load_llm().chat(rewrite_messages(question, turns, prompts))
                rewritten = (response.message.content or "").strip()
            except Exception:  # busy, or any backend failure: the rules below still give a usable question
                rewritten = ""
            if acceptable_rewrite(rewritten, question, analyzer):
                return rewritten
        return rewrite_by_rules(question, history, analyzer)

    def _generate(self, messages: list[ChatMessage], timings: dict) -> Generator[str, None, Generation]:
        """Streams the LLM's answer; returns the whole text and its token usage."""
        started = time.perf_counter()
        pieces: list[str] = []
        reported: dict = {}
        try:
            llm = self.load_llm()
            for delta in llm.stream_chat(messages):
                if delta.delta and not pieces:
                    timings["first_token_s"] = round(time.perf_counter() - started, 4)
                reported.update({k: v for k, v in (delta.additional_kwargs or {}).items() if k.endswith("_tokens")})
                if delta.delta:
                    pieces.append(delta.delta)
                    yield delta.delta
        except Exception as exc:  # network errors, server errors, timeouts: whatever the backend raises
            raise LLMUnavailable(f"{self._llm_name()}: {exc}") from exc
        text = "".join(pieces).strip()
        usage = count_tokens(llm, messages, text, reported)
        streaming = time.perf_counter() - started - timings["first_token_s"]
        if usage.get("completion_tokens") and streaming > 0:
            usage["tokens_per_s"] = round(usage["completion_tokens"] / streaming, 2)
        return Generation(text, usage)

    def _refused(self, answer: Answer, prompts: Prompts, collection: str, where: SearchFilter | None, reason: str):
        filters = f"; filter {where.describe()}" if where and not where.is_empty() else ""
        # The passages the caller could search: a collection's total would tell how much is hidden from them.
        chunks = self.retriever.store.chunk_count(collection, where)
        notice = prompts.searched.format(collection=collection, chunks=chunks, filters=filters,
                                         question=answer.search_question)
        yield from refusal(answer, prompts.refusal, notice, reason)

    @staticmethod
    def echoes(prompts: Prompts, hits: list[Hit]) -> tuple[str, ...]:
        """What only a copy of the prompt would contain: its labels ("Bronnen:", "Vraag:") and the file names."""
        labels = [line.split("{")[0].strip() for line in prompts.user.splitlines()]
        return tuple({label for label in labels if label} | {hit.chunk.source for hit in hits})

    def _llm_name(self) -> str:
        llm = self.settings.llm
        return f"{llm.model} op {llm.base_url}" if llm.backend == "openai-compatible" else llm.model_path

    def _messages(self, search_question: str, hits: list[Hit], prompts: Prompts) -> list[ChatMessage]:
        llm = self.settings.llm
        budget = (llm.context_window - llm.max_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN
        sources = format_sources(hits, prompts, budget)
        return [
            ChatMessage(role=MessageRole.SYSTEM, content=prompts.system),
            ChatMessage(role=MessageRole.USER, content=prompts.user.format(sources=sources, question=search_question)),
        ]
