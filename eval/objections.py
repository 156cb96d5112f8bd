"""Scoring objection-letter file cards against gold labels: `bronvast eval objections DIR --gold FILE`.

Gold: a JSON object keyed by file name, each with letter_date, decision_date, decision_reference, on_time, deadline,
hearing_requested, pro_forma, grounds (short labels) and request (optional: received_date, gemachtigde as a bool,
missing as a list, decision_subject); optionally "_dossier": {"clusters": {"LABEL": [file, ...]}}.

Exact fields are compared as values (a kenmerk case- and space-insensitively). Grounds are matched one-to-one to the
gold labels by embedding similarity (the Hungarian assignment on the embedder's query-passage cosine, the label as
the query; a pair counts at MIN_GROUND_SIMILARITY or above); the request and the subject likewise against the gold
paraphrase. Cluster purity: each predicted
cluster's grounds, labelled by the gold ground they matched, and how many share the cluster's majority label.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from bronvast.schema import Dossier, LetterCard, ObjectionOptions
from eval.target import EvalTarget

EmbedPair = Callable[[list[str], list[str]], np.ndarray]  # (labels, passages) -> cosine matrix

EXACT_FIELDS = ("letter_date", "received_date", "decision_date", "decision_reference", "deadline", "on_time",
                "hearing_requested", "pro_forma", "gemachtigde", "missing")
# A gold label and a found ground (summary and quote) are the same ground at this query-passage cosine or above.
# With multilingual-e5-small a label and its own ground scored 0.83-0.92 on the project's letters, a label and
# another ground of the same letter 0.76-0.82: read off the project's letters (README), not the held-out set.
MIN_GROUND_SIMILARITY = 0.83


class GoldError(Exception):
    """The gold file cannot be used; the message names the file and the reason."""


@dataclass
class ObjectionScores:
    letters: int
    fields: dict[str, float]  # field -> accuracy over the letters whose gold gives the field
    grounds_recall: float
    grounds_precision: float
    quote_verification: float  # share of found grounds whose quote was found in the letter
    cluster_purity: float | None
    cluster_match: float | None  # per gold cluster, the best predicted cluster's overlap in letters (Jaccard), mean
    mistakes: list[dict] = field(default_factory=list)  # {"file", "field", "expected", "found"}
    unscored: list[str] = field(default_factory=list)  # gold files with no card, and cards with no gold

    def to_json(self) -> dict:
        return {key: value for key, value in vars(self).items()}


def evaluate_objections(target: EvalTarget, folder: Path, gold_path: Path, options: ObjectionOptions,
                        on_file: Callable[[str], None] | None = None) -> tuple[Dossier, ObjectionScores]:
    """The letters the gold file names, in `folder`, read as `bronvast objections dossier` reads them and scored
    (the folder may hold more: a README, letters not labelled yet)."""
    gold = load_gold(gold_path)
    dossier = target.objections([folder / name for name in gold if not name.startswith("_")], options, on_file)
    return dossier, score(dossier, gold, lambda labels, passages: _cosines(target, labels, passages))


def _cosines(target: EvalTarget, labels: list[str], passages: list[str]) -> np.ndarray:
    """A short gold label is a query for the ground it names (e5's asymmetric use): query against passage."""
    queries = np.asarray(target.embed_queries(labels), dtype=float)
    found = np.asarray(target.embed(passages), dtype=float)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    found /= np.linalg.norm(found, axis=1, keepdims=True)
    return queries @ found.T


def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: kan de gouden labels niet lezen ({exc})") from exc
    if not isinstance(gold, dict) or not all(isinstance(v, dict) for v in gold.values()):
        raise GoldError(f"{path}: verwacht een JSON-object met per bestandsnaam een object")
    return gold


def score(dossier: Dossier, gold: dict, similarity: EmbedPair) -> ObjectionScores:
    cards = {card.file: card for card in dossier.letters}
    labelled = {name: labels for name, labels in gold.items() if not name.startswith("_")}
    scored = [name for name in labelled if name in cards]
    unscored = [f"{name}: geen kaart" for name in labelled if name not in cards]
    unscored += [f"{name}: geen gouden labels" for name in cards if name not in labelled]
    mistakes: list[dict] = []
    field_hits: dict[str, list[bool]] = {}
    for name in scored:
        for key, hit, expected, found in _field_results(cards[name], labelled[name], similarity):
            field_hits.setdefault(key, []).append(hit)
            if not hit:
                mistakes.append({"file": name, "field": key, "expected": expected, "found": found})
    matches, found_total, gold_total = {}, 0, 0
    for name in scored:
        matches[name] = _ground_matches(cards[name], labelled[name].get("grounds", []), similarity)
        found_total += len(cards[name].grounds)
        gold_total += len(labelled[name].get("grounds", []))
        missed = set(labelled[name].get("grounds", [])) - set(matches[name].values())
        for label in sorted(missed):
            mistakes.append({"file": name, "field": "grounds", "expected": label, "found": None})
    matched = sum(len(m) for m in matches.values())
    grounds = [g for name in scored for g in cards[name].grounds]
    return ObjectionScores(
        letters=len(scored),
        fields={key: sum(hits) / len(hits) for key, hits in sorted(field_hits.items())},
        grounds_recall=matched / gold_total if gold_total else 0.0,
        grounds_precision=matched / found_total if found_total else 0.0,
        quote_verification=sum(g.quote_verified for g in grounds) / len(grounds) if grounds else 0.0,
        cluster_purity=_purity(dossier, matches) if "_dossier" in gold and dossier.clusters else None,
        cluster_match=_cluster_match(dossier, gold.get("_dossier", {}).get("clusters")),
        mistakes=mistakes,
        unscored=unscored,
    )


def _field_results(card: LetterCard, labels: dict, similarity: EmbedPair):
    for key in EXACT_FIELDS:
        if key in labels:
            expected, found = labels[key], _found(card, key)
            yield key, _same(key, expected, found), expected, found
    for key in ("request", "decision_subject"):
        if labels.get(key):
            found = getattr(card, key)
            hit = bool(found) and float(similarity([labels[key]], [found])[0, 0]) >= MIN_GROUND_SIMILARITY
            yield key, hit, labels[key], found


def _found(card: LetterCard, key: str):
    value = getattr(card, key)
    if key == "gemachtigde":
        return value is not None
    return list(value) if key == "missing" else value


def _same(key: str, expected, found) -> bool:
    if key == "decision_reference" and expected and found:
        return "".join(str(expected).split()).casefold() == "".join(str(found).split()).casefold()
    if key == "missing":
        return sorted(expected or []) == sorted(found or [])
    return expected == found


def _ground_matches(card: LetterCard, labels: list[str], similarity: EmbedPair) -> dict[int, str]:
    """Found ground index -> the gold label it matched (one-to-one, at MIN_GROUND_SIMILARITY or above)."""
    if not labels or not card.grounds:
        return {}
    scores = similarity(labels, [f"{g.summary}. {g.quote}" for g in card.grounds])
    rows, cols = linear_sum_assignment(-scores)
    return {int(c): labels[r] for r, c in zip(rows, cols, strict=True) if scores[r, c] >= MIN_GROUND_SIMILARITY}


def _purity(dossier: Dossier, matches: dict[str, dict[int, str]]) -> float | None:
    """Over the predicted clusters: the share of their matched grounds that carry the cluster's majority label."""
    where = {}  # (file, quote) -> gold label
    for card in dossier.letters:
        for index, label in matches.get(card.file, {}).items():
            where[(card.file, card.grounds[index].quote)] = label
    majority, total = 0, 0
    for cluster in dossier.clusters:
        labels = [where[(file, quote)] for file in cluster.letters for quote in cluster.quotes
                  if (file, quote) in where]
        if labels:
            majority += Counter(labels).most_common(1)[0][1]
            total += len(labels)
    return majority / total if total else None


def _cluster_match(dossier: Dossier, gold_clusters: dict[str, list[str]] | None) -> float | None:
    """How well the recurring grounds were found: each gold cluster's letters against the predicted cluster that
    shares most of them (Jaccard), averaged over the gold clusters."""
    if not gold_clusters or not dossier.clusters:
        return None
    overlaps = []
    for files in gold_clusters.values():
        wanted = set(files)
        overlaps.append(max(len(wanted & set(c.letters)) / len(wanted | set(c.letters)) for c in dossier.clusters))
    return sum(overlaps) / len(overlaps)
