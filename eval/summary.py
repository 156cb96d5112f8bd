"""What every metric means, and the metrics of a run over its cases: value, 95% bootstrap interval, per tag.

A metric is defined once here (name, group, which direction is better, how cases are aggregated, its formula in
words) and read from the per-case results, so a run and a comparison of two runs compute it the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eval import metrics

STAGES = ("retrieve_s", "rerank_s", "extract_s", "first_token_s", "generate_s", "check_s", "total_s")


@dataclass(frozen=True)
class Metric:
    name: str
    group: str  # retrieval, citations, answers, faithfulness, refusal, cost
    better: str  # "higher" or "lower"
    aggregate: str  # "mean", "p50" or "p95" over the cases it applies to
    description: str
    value: Callable[[dict], float | None]  # from one case's result record; None: does not apply to the case


def score(name: str) -> Callable[[dict], float | None]:
    return lambda result: result["scores"].get(name)


def timing(stage: str) -> Callable[[dict], float | None]:
    """Seconds of a stage, for the cases that ran it (the total for every case)."""
    def value(result: dict) -> float | None:
        seconds = result["timings"].get(stage)
        return seconds if seconds and (seconds > 0 or stage == "total_s") else None
    return value


def usage(key: str) -> Callable[[dict], float | None]:
    return lambda result: result["usage"].get(key)


def definitions(k: int) -> list[Metric]:
    answerable_gold = "Antwoordbare cases met gold."
    quality = [
        Metric(f"hit@{k}", "retrieval", "higher", "mean",
               f"Aandeel cases met een gold-bron (en pagina, als die gegeven is) bij de eerste {k} gevonden passages "
               f"(ranking zonder weigerdrempel; een pagina telt één keer). {answerable_gold}", score(f"hit@{k}")),
        Metric(f"recall@{k}", "retrieval", "higher", "mean",
               f"Gevonden gold-items bij de eerste {k} / aantal gold-items. {answerable_gold}", score(f"recall@{k}")),
        Metric(f"mrr@{k}", "retrieval", "higher", "mean",
               f"1 / rang van de eerste passage die een gold-item vindt (0 als geen binnen {k}). {answerable_gold}",
               score(f"mrr@{k}")),
        Metric(f"ndcg@{k}", "retrieval", "higher", "mean",
               f"DCG@{k} / IDCG@{k}, winst 1 per passage die een nog niet gevonden gold-item vindt, "
               f"DCG = som winst / log2(rang + 1). {answerable_gold}", score(f"ndcg@{k}")),
        Metric("citation_precision", "citations", "higher", "mean",
               "Geciteerde passages die bij een gold-item horen / geciteerde passages. Cases met ten minste één "
               "citaat.", score("citation_precision")),
        Metric("citation_recall", "citations", "higher", "mean",
               "Gold-items die geciteerd zijn / gold-items (0 bij weigering). " + answerable_gold,
               score("citation_recall")),
        Metric("contains_facts", "answers", "higher", "mean",
               "1 als het antwoord elk feit van de case (must_contain; bij een lijst: één van de formuleringen) "
               "bevat, anders 0; 0 bij weigering (kleine letters, zonder accenten en leestekens). Antwoordbare "
               "cases met must_contain.", score("contains_facts")),
        Metric("cited_facts", "answers", "higher", "mean",
               "1 als het antwoord elk feit bevat (zoals contains_facts) én een van zijn zinnen een gold-item "
               "citeert, anders 0: een feit dat toevallig ook in een ander document staat, telt niet. Antwoordbare "
               "cases met must_contain en gold.", score("cited_facts")),
        Metric("contains_reference", "answers", "higher", "mean",
               "1 als de woorden van het referentieantwoord aaneengesloten in het antwoord staan, anders 0 "
               "(kleine letters, zonder accenten en leestekens). Cases met referentie.", score("contains_reference")),
        Metric("token_f1", "answers", "higher", "mean",
               "2PR / (P + R) over woorden: P = gedeelde woorden / woorden van het antwoord, R = gedeelde woorden / "
               "woorden van de referentie. Cases met referentie.", score("token_f1")),
        Metric("rouge_l", "answers", "higher", "mean",
               "F1 van de langste gemeenschappelijke deelreeks van woorden van antwoord en referentie. Cases met "
               "referentie.", score("rouge_l")),
        Metric("semantic_similarity", "answers", "higher", "mean",
               "Cosinus van de embeddings (het embeddingmodel van de configuratie) van antwoord en referentie. "
               "Cases met referentie.", score("semantic_similarity")),
        Metric("faithfulness", "faithfulness", "higher", "mean",
               "Zinnen die de geciteerde passage staaft / zinnen van het antwoord (de citatiecontrole, zonder LLM). "
               "Gegenereerde antwoorden: een extractief antwoord bestaat uit zinnen van de bronnen zelf en is per "
               "definitie gestaafd.", score("faithfulness")),
        Metric("judge_score", "faithfulness", "higher", "mean",
               "Oordeel van het beoordelingsmodel over trouw aan de bronnen, 1-5 geschaald naar 0-1 ((score - 1) / "
               "4). Beantwoorde cases; alleen met een ingesteld beoordelingsmodel.", score("judge_score")),
        Metric("generative_answers", "faithfulness", "higher", "mean",
               "Aandeel antwoorden dat het LLM schreef en de controle doorstond (de rest is extractief). "
               "Beantwoorde cases.", score("generative_answers")),
        Metric("correct_refusal", "refusal", "higher", "mean",
               "Geweigerde / onbeantwoordbare cases.", score("correct_refusal")),
        Metric("false_refusal", "refusal", "lower", "mean",
               "Geweigerde / antwoordbare cases.", score("false_refusal")),
    ]
    cost = [
        Metric(f"latency_{stage}_{q}", "cost", "lower", q,
               f"{'Mediaan' if q == 'p50' else '95e percentiel'} van {stage} in seconden, over de cases die deze "
               "stap uitvoerden.", timing(stage))
        for stage in STAGES for q in ("p50", "p95")
    ]
    cost += [
        Metric(key, "cost", "lower", "mean", f"Gemiddeld aantal {key} per gegenereerd antwoord.", usage(key))
        for key in ("prompt_tokens", "completion_tokens")
    ]
    return quality + cost


def applicable(metric: Metric, results: Sequence[dict]) -> list[tuple[dict, float]]:
    return [(r, v) for r in results if (v := metric.value(r)) is not None]


def summarise(results: Sequence[dict], k: int, resamples: int, seed: int) -> dict:
    """{"metrics": {name: entry}, "per_tag": {tag: {name: entry}}, "tags": {tag: cases}} over result records.
    A metric no case applies to is left out, except quality metrics, which show as null (n 0)."""
    entries, per_tag = {}, {}
    tags = sorted({tag for r in results for tag in r["tags"]})
    for metric in definitions(k):
        measured = applicable(metric, results)
        if not measured and metric.group == "cost":
            continue
        entries[metric.name] = {
            **estimate([v for _, v in measured], metric.aggregate, resamples, seed), "group": metric.group,
            "better": metric.better, "aggregate": metric.aggregate, "description": metric.description,
        }
        for tag in tags:
            tagged = [v for r, v in measured if tag in r["tags"]]
            if tagged:
                per_tag.setdefault(tag, {})[metric.name] = estimate(tagged, metric.aggregate, resamples, seed)
    counts = {tag: sum(tag in r["tags"] for r in results) for tag in tags}
    return {"metrics": entries, "per_tag": per_tag, "tags": counts}


def estimate(values: Sequence[float], aggregate: str, resamples: int, seed: int) -> dict:
    if not values:
        return {"value": None, "ci": None, "n": 0}
    value = float(metrics.statistic(aggregate)(values))
    low, high = metrics.bootstrap_ci(values, aggregate, resamples, seed)
    return {"value": round(value, 4), "ci": [round(low, 4), round(high, 4)], "n": len(values)}


@dataclass(frozen=True)
class Threshold:
    metric: str
    limit: float
    under: bool  # True: fail when the value is below the limit (--fail-under); False: above it (--fail-over)

    @classmethod
    def parse(cls, text: str, under: bool) -> Threshold:
        name, sep, raw = text.partition("=")
        try:
            limit = float(raw)
        except ValueError:
            limit = math.nan
        if not sep or not name.strip() or math.isnan(limit):
            option = "--fail-under" if under else "--fail-over"
            raise ValueError(f"{option} verwacht METRIEK=GETAL, kreeg {text!r}")
        return cls(name.strip(), limit, under)


def gate(entries: dict[str, dict], thresholds: Sequence[Threshold]) -> list[str]:
    """The failed thresholds, each as a sentence; empty when all pass. A metric without a value fails: what
    cannot be measured cannot pass a gate."""
    failures = []
    for threshold in thresholds:
        entry = entries.get(threshold.metric)
        if entry is None:
            failures.append(f"{threshold.metric}: onbekende metriek (beschikbaar: {', '.join(entries)})")
        elif entry["value"] is None:
            failures.append(f"{threshold.metric}: geen waarde (geen enkele case is ervoor meetbaar)")
        elif (entry["value"] < threshold.limit) if threshold.under else (entry["value"] > threshold.limit):
            word = "onder" if threshold.under else "boven"
            failures.append(f"{threshold.metric} = {entry['value']} ligt {word} de grens {threshold.limit}")
    return failures
