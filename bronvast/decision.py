"""Answer or refuse: a logistic model over the retrieval signals of one question, fitted on data (eval/decision.py,
`bronvast eval fit-decision`) and stored as plain JSON.

JSON rather than a pickled scikit-learn model: a pickle runs code when loaded and breaks across library versions,
while five coefficients, their scaling and a threshold can be read, reviewed and diffed. Applying the model is one
dot product, so answering needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bronvast.errors import SettingsError

# The signals the decision reads, computed by assistant/retrieve.py (Retriever.signals) over the first k hits:
# - best_cosine: the best dense cosine;
# - best_relative_bm25: the best BM25 score relative to what the question's terms could score;
# - dense_margin: how far the best cosine stands above the second (an answer stands out from its neighbours);
# - rank_agreement: whether dense and sparse search put the same passage first (-log(1 + rank distance));
# - coverage: the share of the question's terms (without its question words), weighted by rarity among the
#   candidates, in the best-covering hit;
# - question_terms: log(1 + the question's distinct terms, question words such as "wanneer" left out): a long,
#   specific question matches any passage less closely than a short one, so the same cosine means more.
SIGNALS = ("best_cosine", "best_relative_bm25", "dense_margin", "rank_agreement", "coverage", "question_terms")


@dataclass(frozen=True)
class AnswerDecision:
    """A fitted logistic regression: P(answerable) = sigmoid(intercept + sum(coef * (signal - mean) / scale));
    the question is answered when that probability reaches `threshold` (the operating point chosen at fitting)."""

    signals: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    embedder: str  # the cosines' scale depends on the embedder: a decision holds only for the one it was fitted with
    fitted: dict = field(default_factory=dict)  # how: sources, case counts, cross-validated AUC, operating point

    def probability(self, signals: dict[str, float]) -> float:
        z = self.intercept + sum(
            c * (signals[name] - m) / s for name, m, s, c in zip(self.signals, self.mean, self.scale, self.coef)
        )
        return 1 / (1 + math.exp(-z))

    def answers(self, signals: dict[str, float]) -> bool:
        return self.probability(signals) >= self.threshold

    def save(self, path: Path) -> None:
        """Written whole to a temporary file, then renamed: a crash never leaves half a decision."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.replace(path)

    @classmethod
    def load(cls, path: Path, embedder: str) -> AnswerDecision:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            decision = cls(**{**data, **{k: tuple(data[k]) for k in ("signals", "mean", "scale", "coef")}})
        except FileNotFoundError:
            raise SettingsError(f"{path}: beslismodel niet gevonden (retrieval.decision_file)") from None
        except (ValueError, TypeError, KeyError) as exc:
            raise SettingsError(f"{path}: geen geldig beslismodel ({exc})") from None
        unknown = set(decision.signals) - set(SIGNALS)
        if unknown:
            raise SettingsError(f"{path}: onbekende signalen {', '.join(sorted(unknown))}")
        if decision.embedder != embedder:
            raise SettingsError(
                f"{path}: gefit met embedder {decision.embedder}, maar deze configuratie gebruikt {embedder}; "
                "fit opnieuw met `bronvast eval fit-decision`, of zet retrieval.decision_file=null (dan beslissen de "
                "drempels)")
        return decision
