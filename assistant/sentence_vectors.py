"""Passage sentences' vectors, kept between questions.

Extraction and the citation check embed every sentence of every retrieved passage, one model run per sentence
(bronvast/onnx_e5.py), and the same passages come back for question after question: embedding them again was most
of an answer's time (about 140 of 200 ms a question on the demo set). The embedder gives a text the same vector every
time, so a kept vector is exact. Bounded: the least recently used go first; float32 arrays, about 1.6 kB a sentence
at 384 dimensions. Queries are embedded afresh: they seldom repeat. functools.lru_cache keeps one text per call,
while a passage's sentences come in one batch, of which only the new ones should reach the model; hence this class.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np


class SentenceVectors:
    """The embedder's `get_text_embedding_batch`, `get_text_embedding` and `get_query_embedding`, the first two kept."""

    def __init__(self, embedder, size: int):
        self.embedder = embedder
        self.size = size
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get_text_embedding_batch(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            found = {text: self._kept[text] for text in texts if text in self._kept}
            for text in found:
                self._kept.move_to_end(text)
        new = list(dict.fromkeys(text for text in texts if text not in found))
        if new:  # embedded outside the lock: questions embed side by side (the model releases the GIL)
            vectors = self.embedder.get_text_embedding_batch(new)
            made = {text: np.asarray(vector, np.float32) for text, vector in zip(new, vectors, strict=True)}
            found.update(made)
            self._keep(made)
        return [found[text] for text in texts]

    def get_text_embedding(self, text: str) -> np.ndarray:
        return self.get_text_embedding_batch([text])[0]

    def get_query_embedding(self, query: str) -> list[float]:
        return self.embedder.get_query_embedding(query)

    def __len__(self) -> int:
        return len(self._kept)

    def _keep(self, made: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._kept.update(made)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
