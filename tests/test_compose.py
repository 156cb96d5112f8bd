"""docker-compose.yml and the Dockerfile: no Docker engine runs here, so the compose file is validated against the
Compose specification's JSON schema (as check-jsonschema vendors it) and its profiles against the settings they
load; the Dockerfile's shape (stages, user, health check) is read from the file."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from urllib.parse import urlparse

import pytest
import yaml
from jsonschema.validators import validator_for

from bronvast.settings import PROJECT_ROOT, load_settings

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
COMPOSE = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
PROFILES = ("cpu", "ollama", "gpu", "cluster")
APPS = {"cpu": "app", "ollama": "app-ollama", "gpu": "app-gpu", "cluster": "app-cluster"}
# where each server listens inside the compose network (the images' defaults, or the port the command sets)
LISTENS = {"qdrant": 6333, "qdrant-1": 6333, "llama-server": 8080, "vllm": 8000, "ollama": 11434}
# the chosen model, Mistral-Nemo-Instruct-2407 (by EuroEval's Dutch leaderboard; README, Production models), per
# profile: the name the app asks for, and the mounted file or folder the server loads under that name; Ollama's tag
MODELS = {
    "cpu": ("mistral-nemo-instruct-2407", "/models/Mistral-Nemo-Instruct-2407-Q4_K_M.gguf"),
    "gpu": ("mistral-nemo-instruct-2407", "/models/Mistral-Nemo-Instruct-2407"),
    "cluster": ("mistral-nemo-instruct-2407", "/models/Mistral-Nemo-Instruct-2407-Q4_K_M.gguf"),
}
OLLAMA_MODEL = "mistral-nemo:12b"


def in_profile(profile: str) -> dict[str, dict]:
    return {name: service for name, service in SERVICES.items() if profile in service.get("profiles", [])}


def app_settings(profile: str):
    environment = SERVICES[APPS[profile]]["environment"]
    return load_settings(PROJECT_ROOT / environment["BRONVAST_CONFIG"].removeprefix("/app/")), environment


def flag(command: list[str], name: str) -> str:
    """The value a server's command gives a flag."""
    assert name in command, (name, command)
    return command[command.index(name) + 1]


def served_context(profile: str) -> int:
    """The most tokens one request may hold on the profile's model server."""
    settings, _ = app_settings(profile)
    name = urlparse(settings.llm.base_url).hostname
    server = SERVICES[name]
    if name == "llama-server":  # --ctx-size is shared by the --parallel slots
        return int(flag(server["command"], "--ctx-size")) // int(flag(server["command"], "--parallel"))
    if name == "vllm":
        return int(flag(server["command"], "--max-model-len"))
    assert name == "ollama", name
    return int(server.get("environment", {}).get("OLLAMA_CONTEXT_LENGTH", 4096))  # unset: Ollama's default


def compose_validator():
    """The Compose specification's schema, in the JSON Schema dialect it declares."""
    schema = json.loads((files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text())
    return validator_for(schema)(schema)


def test_the_compose_file_is_valid_against_the_compose_specification():
    errors = sorted(compose_validator().iter_errors(COMPOSE), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_schema_check_catches_a_broken_file():
    """The validation above can fail: a misspelt key and a wrong type are reported."""
    broken = {"services": {"app": {"image": "x", "restrat": "always", "ports": {"7860": 7860}}}}
    assert len(list(compose_validator().iter_errors(broken))) == 2


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_has_one_app_whose_settings_point_at_its_own_servers(profile):
    services = in_profile(profile)
    assert [name for name in services if name.startswith("app")] == [APPS[profile]]
    settings, environment = app_settings(profile)
    store, llm = urlparse(settings.store.url), urlparse(settings.llm.base_url)
    assert settings.store.backend == "qdrant-server" and store.hostname in services
    assert store.port == LISTENS[store.hostname]
    assert settings.llm.backend == "openai-compatible" and llm.hostname in services and llm.path == "/v1"
    assert llm.port == LISTENS[llm.hostname]
    assert str(settings.data_dir) == environment["BRONVAST_DATA_DIR"]
    assert settings.serve.host == "0.0.0.0"
    assert SERVICES[APPS[profile]]["ports"] == [f"127.0.0.1:{settings.serve.port}:{settings.serve.port}"]
    # it starts once what it needs is healthy, and needs nothing outside its profile
    depends = SERVICES[APPS[profile]]["depends_on"]
    assert {store.hostname, llm.hostname} <= set(depends) <= set(services)
    assert all(condition == {"condition": "service_healthy"} for condition in depends.values())


@pytest.mark.parametrize("profile", ("cpu", "gpu", "cluster"))
def test_the_model_is_the_chosen_one_served_by_the_name_the_settings_use(profile):
    settings, _ = app_settings(profile)
    command = SERVICES[urlparse(settings.llm.base_url).hostname]["command"]
    served_as = flag(command, "--alias" if "--alias" in command else "--served-model-name")
    loads = flag(command, "-m" if "-m" in command else "--model")
    assert settings.llm.model == served_as == MODELS[profile][0]
    assert loads == MODELS[profile][1]


def test_the_ollama_profile_asks_for_the_tag_its_settings_say_to_pull():
    settings, _ = app_settings("ollama")
    assert settings.llm.model == OLLAMA_MODEL
    instructions = (PROJECT_ROOT / "config" / "compose-ollama.yaml").read_text(encoding="utf-8")
    assert f"ollama pull {settings.llm.model}" in instructions


def test_the_gpu_profile_fits_its_12b_model_on_one_24_gb_gpu():
    """bf16 weights of 12B (~25 GB) do not fit: vLLM quantises them to fp8 on loading, on one GPU."""
    command = SERVICES["vllm"]["command"]
    assert flag(command, "--quantization") == "fp8"
    assert "--tensor-parallel-size" not in command
    assert SERVICES["vllm"]["deploy"]["resources"]["reservations"]["devices"][0]["count"] == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_the_app_asks_no_more_context_than_its_model_server_gives_one_request(profile):
    settings, _ = app_settings(profile)
    assert settings.llm.max_tokens < settings.llm.context_window <= served_context(profile)


def served_slots(profile: str) -> int | None:
    """How many requests the profile's model server generates for at once (None: it batches as many as come)."""
    settings, _ = app_settings(profile)
    name = urlparse(settings.llm.base_url).hostname
    server = SERVICES[name]
    if name == "llama-server":
        return int(flag(server["command"], "--parallel"))
    if name == "ollama":
        return int(server.get("environment", {}).get("OLLAMA_NUM_PARALLEL", 1))
    return None


@pytest.mark.parametrize("profile", PROFILES)
def test_the_app_sends_the_model_server_as_many_generations_as_it_has_slots(profile):
    """More would wait inside the model server, out of the line's sight; fewer would leave slots idle."""
    settings, _ = app_settings(profile)
    slots = served_slots(profile)
    assert settings.llm.parallel == slots if slots else settings.llm.parallel > 4
    assert settings.llm.queue_length >= settings.llm.parallel


def test_models_are_mounted_read_only_never_baked_in_or_fetched():
    for name in ("llama-server", "vllm"):
        assert "./models:/models:ro" in SERVICES[name]["volumes"], name
    assert SERVICES["vllm"]["environment"]["HF_HUB_OFFLINE"] == "1"
    assert "models" in (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def test_the_cluster_spreads_and_replicates_every_collection():
    settings, _ = app_settings("cluster")
    nodes = [name for name in in_profile("cluster") if name.startswith("qdrant-")]
    assert len(nodes) == 3
    assert all(SERVICES[node]["environment"]["QDRANT__CLUSTER__ENABLED"] == "true" for node in nodes)
    assert "--uri" in SERVICES["qdrant-1"]["command"]
    for node in nodes[1:]:
        command = SERVICES[node]["command"]
        assert command[command.index("--bootstrap") + 1] == "http://qdrant-1:6335"
    layout = settings.store.layout()
    assert layout == {"shard_number": 6, "replication_factor": 2, "write_consistency_factor": 2}
    assert layout["replication_factor"] <= len(nodes) and layout["shard_number"] % len(nodes) == 0


def test_every_service_has_a_health_check_and_a_pinned_image():
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), name
        image = service.get("image", "")
        assert "build" in service or re.search(r":[\w.-]*\d", image), (name, image)  # a version, not :latest


def test_named_volumes_are_declared():
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            name = volume.split(":")[0]
            assert name.startswith("./") or name in COMPOSE["volumes"], name


def test_the_dockerfile_builds_in_two_stages_and_runs_unprivileged_with_a_health_check():
    lines = [line.strip() for line in (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) == 2 and stages[0].endswith("AS build")
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    runtime = lines[lines.index(stages[1]):]
    assert not any("build-essential" in line for line in runtime)  # compilers stay in the build stage
