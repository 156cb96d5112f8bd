"""`make bench-serve` itself, briefly (in `make reliability`): a real serve per configuration, users driven over
REST, the figures written (not the packaged model's configuration: the default settings, and slow). A benchmark
that no longer runs would otherwise only be found when someone needs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bronvast.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(os.environ.get("RELIABILITY_FULL") != "1", reason="a real serve per mode: make "
                                "reliability")


def test_bench_serve_drives_every_configuration_without_errors(tmp_path):
    out = tmp_path / "serve.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/serve_load.py", "--duration", "4", "--users", "1,5", "--modes",
         "extractive,fake-llm", "--saturation-clients", "3", "--saturation-duration", "3", "--out", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = json.loads(out.read_text())
    assert [(r["mode"], r["users"], r["think_s"]) for r in runs] == [
        (mode, users, think) for mode in ("extractive", "fake-llm") for users, think in
        ((1, 5.0), (5, 5.0), (3, 0.0))]
    assert all(r["errors"] == 0 for r in runs), done.stdout
    assert all(r["questions"] > 0 and r["p95_ms"] >= r["p50_ms"] > 0 for r in runs if r["think_s"] == 0)
    by_mode = {r["mode"]: r for r in runs if r["think_s"] == 0}
    assert set(by_mode["extractive"]["reasons"]) <= {"extractive", "not_found", "no_sentence"}
    assert "extractive" not in by_mode["fake-llm"]["reasons"]  # the model was asked: generated or checked out
    assert "figures:" in done.stdout and "bronvast serve on loopback" in done.stdout
