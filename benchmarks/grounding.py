"""Calibration of the citation check (`make bench-grounding`): where the thresholds in config/*.yaml come from.

Every reference answer of the demo set (eval/datasets/demo.jsonl) is a sentence a correct answer could contain.
Checked against its gold passages (the cited file and page) it should count as supported; checked against
passages of the other documents it should not. Prints, per profile, the range of term overlap and of the
embedder's cosine on both sides, whether the numbers matched, and how the configured thresholds separate them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.grounding import Grounding, merged, split_sentences  # noqa: E402
from assistant.app import Bronvast  # noqa: E402
from bronvast.schema import Hit  # noqa: E402
from bronvast.settings import LANGUAGE_PROFILES, load_settings  # noqa: E402
from eval.dataset import load_cases  # noqa: E402

DEMO = ROOT / "samples" / "demo"
DATASET = ROOT / "eval" / "datasets" / "demo.jsonl"


def calibrate(profile: str, data_dir: Path) -> None:
    app = Bronvast(load_settings(LANGUAGE_PROFILES[profile], [f"data_dir={data_dir / profile}"]))
    app.ingest([DEMO])
    chunks = list(app.store.chunks(app.settings.collection))
    config = app.settings.answer
    grounding = Grounding(app.embedder, app.encoder.analyzer, config)
    gold_rows, other_rows = [], []
    for case in load_cases(DATASET):
        if not case.answerable:
            continue
        gold = {(g.source, g.page) for g in case.gold}
        on_gold = [Hit(c, 1.0) for c in chunks if (c.source, c.page) in gold or (c.source, None) in gold]
        elsewhere = [Hit(c, 1.0) for c in chunks if c.source not in {source for source, _ in gold}]
        gold_passage = merged(grounding.evidence(on_gold))  # a reference answer may combine a page's chunks
        others = grounding.evidence(elsewhere)
        for sentence in split_sentences(case.reference_answer or ""):
            gold_rows.extend(grounding.signals(sentence, [gold_passage]))
            other_rows.append(max(grounding.signals(sentence, others), key=lambda r: (r.lexical, r.semantic)))
    app.close()

    print(f"\n{profile} profile ({app.settings.embedding.backend}); thresholds: term overlap "
          f"{config.min_lexical_support}, cosine {config.min_semantic_support}")
    for name, rows in (("gold passages", gold_rows), ("other documents (best)", other_rows)):
        lexical = [r.lexical for r in rows]
        semantic = [r.semantic for r in rows]
        print(f"  {name:24s} term overlap {min(lexical):.2f}-{max(lexical):.2f}, cosine {min(semantic):.3f}-"
              f"{max(semantic):.3f}, numbers all found {sum(r.numbers_found for r in rows)}/{len(rows)}, "
              f"supported {sum(grounding.score(r) >= 1.0 for r in rows)}/{len(rows)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(LANGUAGE_PROFILES), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for profile in args.profile or sorted(LANGUAGE_PROFILES, reverse=True):
            calibrate(profile, Path(tmp))


if __name__ == "__main__":
    main()
