"""Which language a question is in, and the language tables every stage shares (answering, conversation, eval)."""

from __future__ import annotations

import re

from bronvast.sparse import DUTCH_STOP_WORDS, ENGLISH_STOP_WORDS, fold

LANGUAGES = {"nl": "dutch", "en": "english"}  # answer language -> sentence splitter's language
CHARS_PER_TOKEN = 3  # conservative for Dutch with small-vocabulary tokenizers
# The calendar's words, once for every stage that reads or writes dates (ingest's redaction, the extract, the check,
# objection letters' dates and terms). In order: a month's number is its index + 1, a weekday's is date.weekday().
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                "november", "december")
ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                  "november", "december")
DUTCH_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DUTCH_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "febr": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                             "sept": 9, "okt": 10, "nov": 11, "dec": 12}


def one_of(*word_lists: tuple[str, ...]) -> str:
    """A regular expression group matching any of the words, longest first (so "sept" is not read as "sep")."""
    words = sorted({word for words in word_lists for word in words}, key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def question_language(question: str, default: str = "nl") -> str:
    """"nl" or "en", by which language's function words the question uses more; `default` on a tie."""
    words = [fold(word) for word in re.findall(r"[^\W\d_]+", question)]
    dutch = sum(word in DUTCH_STOP_WORDS for word in words)
    english = sum(word in ENGLISH_STOP_WORDS for word in words)
    return default if dutch == english else ("nl" if dutch > english else "en")
