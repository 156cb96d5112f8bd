"""Grounds across a dossier, clustered: which objections recur, in which letters, in whose words.

Each ground (its summary and quote) is embedded by the configured embedder and the grounds are clustered by
scikit-learn's agglomerative clustering (average linkage on cosine distance, cut at a distance rather than at a
number of clusters: nobody knows beforehand how many distinct objections a dossier holds). A cluster's label is the
key phrase of its most central quote: the run of up to three words in it whose words are most typical of the
cluster against the rest of the dossier (class-based tf-idf).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from assistant.objections.grounds import Embed
from bronvast.schema import GroundCluster, LetterCard
from bronvast.sparse import DUTCH_STOP_WORDS

# Words that name no objection, beyond the retrieval stop words: possessives, and verbs any ground uses.
NOT_A_LABEL = DUTCH_STOP_WORDS | {"onze", "jullie", "wij", "we", "gaat", "gaan", "komt", "komen", "staat", "staan",
                                  "ligt", "liggen", "wordt", "worden", "zal", "zullen", "heel", "erg", "zeer", "straks"}
SHORT_LABEL = 5  # words: a ground's summary this short is a heading its writer gave it
WORD = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")


def cluster_grounds(cards: list[LetterCard], embed: Embed, distance: float) -> list[GroundCluster]:
    """Clusters largest first; a ground no other letter shares forms a cluster of one."""
    grounds = [(card.file, ground.summary, ground.quote) for card in cards for ground in card.grounds]
    if not grounds:
        return []
    vectors = np.asarray(embed([f"{summary}. {quote}" for _, summary, quote in grounds]), dtype=float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = _labels(vectors, distance)
    members = {label: [i for i, found in enumerate(labels) if found == label] for label in set(labels)}
    words = [_words(f"{summary} {quote}") for _, summary, quote in grounds]
    clusters = []
    for indices in members.values():
        by_centrality = _by_centrality(vectors, indices)
        letters = tuple(dict.fromkeys(grounds[i][0] for i in indices))
        clusters.append(GroundCluster(
            label=_label(by_centrality, grounds, _typical_words(words, indices)),
            count=len(letters),
            letters=letters,
            quotes=tuple(grounds[i][2] for i in sorted(indices, key=lambda i: i != by_centrality[0])),
        ))
    return sorted(clusters, key=lambda cluster: (-cluster.count, cluster.label))


def _labels(vectors: np.ndarray, distance: float) -> list[int]:
    if len(vectors) == 1:
        return [0]
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance)
    return model.fit_predict(vectors).tolist()


def _label(by_centrality: list[int], grounds: list[tuple[str, str, str]], typical: dict[str, float]) -> str:
    """A heading a writer gave the ground ("Geluidsoverlast") among the cluster's most central ones, else the key
    phrase of the most central quote."""
    for i in by_centrality[:3]:
        summary = grounds[i][1].strip(" .:")
        if 0 < len(summary.split()) <= SHORT_LABEL:
            return summary[:1].upper() + summary[1:]
    central = by_centrality[0]
    return _key_phrase(grounds[central][2], typical) or grounds[central][1]


def _by_centrality(vectors: np.ndarray, indices: list[int]) -> list[int]:
    """The cluster's grounds, nearest to its centroid first."""
    centroid = vectors[indices].mean(axis=0)
    return sorted(indices, key=lambda i: -float(vectors[i] @ centroid))


def _words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.casefold()) if word not in NOT_A_LABEL and len(word) > 2]


def _typical_words(words: list[list[str]], indices: list[int]) -> dict[str, float]:
    """Words frequent in the cluster and rare in the rest of the dossier (class-based tf-idf)."""
    inside = Counter(word for i in indices for word in set(words[i]))
    everywhere = Counter(word for ground in words for word in set(ground))
    return {word: count / len(indices) * math.log(1 + len(words) / everywhere[word]) for word, count in inside.items()}


def _key_phrase(text: str, typical: dict[str, float], longest: int = 3) -> str:
    """The run of up to `longest` words within one clause of `text` with the highest typicality, as written."""
    best, best_score = "", 0.0
    for clause in re.split(r"[.,;:!?()]", text):
        phrase, score = _best_run(re.findall(r"[\wà-ÿ'-]+", clause), typical, longest)
        if score > best_score:
            best, best_score = phrase, score
    return best


def _best_run(tokens: list[str], typical: dict[str, float], longest: int) -> tuple[str, float]:
    best, best_score = "", 0.0
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + longest, len(tokens)) + 1):
            run = tokens[start:end]
            if any(word.casefold() in NOT_A_LABEL for word in (run[0], run[-1])):
                continue
            score = sum(typical.get(word.casefold(), 0.0) for word in run) / (1 + 0.35 * (len(run) - 1))
            if score > best_score:
                best, best_score = " ".join(run), score
    return best, best_score
