"""Sparse (BM25-style) vectors for hybrid search: our own analyser and term-frequency encoder.

Why our own analyser rather than Qdrant's built-in BM25: that one exists only in Qdrant Edge and the server, not in
the embedded qdrant-client store we also run on. One analyser in Python keeps every engine and the query side
consistent (a document and a question go through exactly the same steps, so their terms meet), and it keeps the codes
that Dutch government text is full of whole: `VB-2025-0117`, `BWBR0005537`, `3,20`, `1.250.000`, `7:1`.

The document side carries only BM25's term-frequency part; the collection's sparse vector is created with Qdrant's
IDF modifier, so document frequencies are computed by Qdrant and stay right as the collection grows.

Term ids are stable 31-bit hashes of the analysed token, so they match across processes, machines and versions.
Changing the analyser (stop words, stemmer, code rule) changes the terms: collections must then be re-indexed.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata
from collections import Counter

import snowballstemmer

from bronvast.schema import SparseVector

SUPPORTED_LANGUAGES = ("dutch", "english")

# Compact lists of function words, written in folded form (lower-case, no accents). Deliberately NOT stop words:
# negations (niet, geen, nooit, niets, zonder / not, no, nor, never, without) because "niet tijdig beslissen" or
# "geen bezwaar" mean the opposite without them, and BM25's IDF already gives such common words a small weight;
# modal verbs (kan, moet, mag, zal / may, must, shall, can) because obligation versus discretion matters in legal
# text; and prepositions that carry meaning in law (onder: "last onder dwangsom", binnen: "binnen zes weken", tegen).
DUTCH_STOP_WORDS = frozenset(
    """
    de het een en van in op te dat die dit deze is zijn was waren wordt worden werd werden voor met aan er om ook
    als bij of maar naar dan nog wel door over uit tot zo zich hij zij ze hem haar hun hen wij we ik je jij men wat
    wie al heeft hebben had hadden daar hier toen want omdat dus reeds zou zouden der des ten ter
    """.split()
)
ENGLISH_STOP_WORDS = frozenset(
    """
    the a an and or of to in on at by for with from as is are was were be been being it its this that these those
    there their they them he she his her we our you your me my has have had do does did will would if so than then
    but such which who whom what into about also
    """.split()
)
STOP_WORDS = {"dutch": DUTCH_STOP_WORDS, "english": ENGLISH_STOP_WORDS}
# Words that ask rather than name: question words, and the nouns that name the form of the answer ("onder welk
# inventarisnummer", "op welke datum"). They stay searchable terms (BM25 weighs them by rarity anyway), but a
# passage that answers "wanneer ...?" holds a date, not the word, and an inventory entry its number, not the word
# "inventarisnummer": they say nothing about whether a passage covers a question.
INTERROGATIVES = {
    "dutch": frozenset("""wanneer hoeveel hoe waar waarom waarvoor waarmee waardoor welk welke wiens
        nummer inventarisnummer datum jaar jaartal bedrag""".split()),
    "english": frozenset("when how many much where why whose number date year amount".split()),
}
STEMMERS = {"dutch": "dutch_porter", "english": "english"}

# A run of letters/digits, possibly joined by - / . , or : ; a joiner must sit between two alphanumerics, so trailing
# punctuation ("3,20." or "art.") is never part of a run. The colon is a joiner too, for article numbers ("7:1" in
# the Burgerlijk Wetboek and the Awb) and ECLI codes ("ecli:nl:hr:2019:1234").
RUN = re.compile(r"[^\W_]+(?:[-/.,:][^\W_]+)*")
JOINER = re.compile(r"[-/.,:]")
DIGIT = re.compile(r"\d")
# A run with a digit is a code or number and stays ONE token. We emit no sub-parts: a search for "VB-2025-0117"
# should match that kenmerk, not every document with "2025" in it, and parts such as "3" and "20" of "3,20" are
# noise. (The dense vector covers the loose matches.) Runs longer than this are paths or URLs from links, not codes:
# those are split at their joiners, and each part is analysed on its own.
MAX_CODE_LENGTH = 32
MIN_WORD_LENGTH = 2
CACHE_SIZE = 100_000  # distinct runs (and tokens) remembered: a few tens of MB, most of a corpus's vocabulary


def _combining_marks() -> dict[int, None]:
    """A str.translate table that deletes every combining mark (faster than a regex over the text).

    All of them lie below U+20000 (the planes above hold none), and scanning just those keeps the import fast.
    """
    return dict.fromkeys(c for c in range(0x20000) if unicodedata.combining(chr(c)))


DROP_COMBINING_MARKS = _combining_marks()


def fold(text: str) -> str:
    """Lower-case and strip accents: "Financiële" -> "financiele". The ligature "ĳ" becomes "ij"."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(DROP_COMBINING_MARKS).lower()


@functools.lru_cache(maxsize=CACHE_SIZE)
def term_id(token: str) -> int:
    """A stable 31-bit id for a token (Python's hash() is randomised per process)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little") & 0x7FFFFFFF


class Analyzer:
    """Text -> index terms: fold, split into words and codes, drop stop words, stem words; codes stay whole."""

    def __init__(self, language: str = "dutch"):
        if language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"unsupported language {language!r}: choose one of {', '.join(SUPPORTED_LANGUAGES)}")
        self.language = language
        self._stop_words = STOP_WORDS[language]
        # Snowball expects lower-case input, which fold() gives it. Snowball 3's "dutch" stemmer strips the ge- prefix,
        # so gemeente, menen and mening all become "meen" and gevolg joins volgende; Snowball's classic Dutch
        # stemmer ("dutch_porter") keeps them apart. Switching stemmers changes the terms and needs a re-index.
        self._stemmer = snowballstemmer.stemmer(STEMMERS[language])
        self._stemmer_lock = threading.Lock()  # a Snowball stemmer keeps state while it works: not thread-safe
        # Words repeat endlessly across chunks: each distinct run is analysed (and stemmed) once.
        self._run_terms = functools.lru_cache(maxsize=CACHE_SIZE)(self._analyse_run)
        self._asking = frozenset(self.tokens(" ".join(INTERROGATIVES[language])))

    def tokens(self, text: str) -> list[str]:
        terms: list[str] = []
        for run in RUN.findall(fold(text)):
            terms.extend(self._run_terms(run))
        return terms

    def question_terms(self, question: str) -> set[str]:
        """The terms a passage must hold to cover the question: its index terms without the question words."""
        return set(self.tokens(question)) - self._asking

    def _analyse_run(self, run: str) -> tuple[str, ...]:
        """A folded run -> its terms: one code, one stem, none (a stop word), or the parts of a joined run."""
        if not JOINER.search(run):
            return (run,) if DIGIT.search(run) else self._word_terms(run)
        if DIGIT.search(run) and len(run) <= MAX_CODE_LENGTH:
            return (run,)
        return tuple(term for part in JOINER.split(run) for term in self._analyse_run(part))

    def _word_terms(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_WORD_LENGTH or word in self._stop_words:
            return ()
        with self._stemmer_lock:
            return (self._stemmer.stemWord(word),)


class SparseEncoder:
    """Texts -> SparseVectors: BM25 term-frequency weights for documents, 1.0 per term for queries."""

    def __init__(self, language: str = "dutch", k1: float = 1.2, b: float = 0.75, avg_len: float = 150.0):
        if k1 < 0 or not 0 <= b <= 1 or avg_len <= 0:
            raise ValueError(f"BM25 needs k1 >= 0, 0 <= b <= 1 and avg_len > 0; got k1={k1}, b={b}, avg_len={avg_len}")
        self.analyzer = Analyzer(language)
        self.k1 = k1
        self.b = b
        self.avg_len = avg_len

    def document(self, text: str) -> SparseVector:
        tokens = self.analyzer.tokens(text)
        counts = Counter(map(term_id, tokens))  # ids, not tokens: a hash collision adds up
        length_norm = self.k1 * (1 - self.b + self.b * len(tokens) / self.avg_len)
        ids = sorted(counts)
        return SparseVector(ids, [self._saturate(counts[i], length_norm) for i in ids])

    def query(self, text: str) -> SparseVector:
        ids = sorted(set(map(term_id, self.analyzer.tokens(text))))
        return SparseVector(ids, [1.0] * len(ids))

    def documents(self, texts: list[str]) -> list[SparseVector]:
        return [self.document(text) for text in texts]

    def _saturate(self, tf: int, length_norm: float) -> float:
        return tf * (self.k1 + 1) / (tf + length_norm)
