"""Passage sentences' vectors kept between questions (assistant/sentence_vectors.py): exact, embedded once, bounded."""

from __future__ import annotations

import numpy as np

from assistant.sentence_vectors import SentenceVectors

SENTENCES = ["In zone A kost parkeren 3,20 euro per uur.", "Het zwembad is in augustus gesloten.",
             "De gemeenteraad vergadert op donderdag."]


class Counting:
    """The real embedder, counting the texts it is given."""

    def __init__(self, embedder):
        self.embedder, self.texts = embedder, []

    def get_text_embedding_batch(self, texts):
        self.texts += texts
        return self.embedder.get_text_embedding_batch(texts)

    def get_query_embedding(self, query):
        return self.embedder.get_query_embedding(query)


def test_kept_vectors_are_the_embedders_own_and_each_sentence_is_embedded_once(app):
    counting = Counting(app.embedder)
    vectors = SentenceVectors(counting, size=100)
    first = vectors.get_text_embedding_batch(SENTENCES[:2] + SENTENCES[:1])  # a repeat within one batch, too
    again = vectors.get_text_embedding_batch(SENTENCES)
    assert counting.texts == SENTENCES  # the first two once, the third when it first came
    expected = app.embedder.get_text_embedding_batch(SENTENCES)
    for got, want in zip(first + again, expected[:2] + expected[:1] + expected, strict=True):
        assert np.allclose(got, want, atol=1e-6)
    assert np.allclose(vectors.get_query_embedding(SENTENCES[0]), app.embedder.get_query_embedding(SENTENCES[0]))


def test_the_least_recently_used_go_first(app):
    counting = Counting(app.embedder)
    vectors = SentenceVectors(counting, size=2)
    vectors.get_text_embedding_batch(SENTENCES[:2])
    vectors.get_text_embedding(SENTENCES[0])  # used again: now the second is the oldest
    vectors.get_text_embedding(SENTENCES[2])
    assert len(vectors) == 2
    counting.texts.clear()
    vectors.get_text_embedding_batch([SENTENCES[0], SENTENCES[2], SENTENCES[1]])
    assert counting.texts == [SENTENCES[1]]  # only the evicted one is embedded again
