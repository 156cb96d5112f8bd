"""Which language a question is in, and the language tables every stage shares (answering, conversation, eval)."""

from __future__ import annotations

import re

from bronvast.sparse import DUTCH_STOP_WORDS, ENGLISH_STOP_WORDS, fold

LANGUAGES = {"nl": "dutch", "en": "english"}  # answer language -> sentence splitter's language
CHARS_PER_TOKEN = 3  # conservative for Dutch with small-vocabulary tokenizers


def question_language(question: str, default: str = "nl") -> str:
    """"nl" or "en", by which language's function words the question uses more; `default` on a tie."""
    words = [fold(word) for word in re.findall(r"[^\W\d_]+", question)]
    dutch = sum(word in DUTCH_STOP_WORDS for word in words)
    english = sum(word in ENGLISH_STOP_WORDS for word in words)
    return default if dutch == english else ("nl" if dutch > english else "en")
