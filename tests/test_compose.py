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


def in_profile(profile: str) -> dict[str, dict]:
    return {name: service for name, service in SERVICES.items() if profile in service.get("profiles", [])}


def app_settings(profile: str):
    environment = SERVICES[APPS[profile]]["environment"]
    return load_settings(PROJECT_ROOT / environment["BRONVAST_CONFIG"].removeprefix("/app/")), environment


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


def test_the_models_are_european_and_served_by_the_name_the_settings_use():
    for profile in ("cpu", "gpu", "cluster"):
        settings, _ = app_settings(profile)
        server = SERVICES[urlparse(settings.llm.base_url).hostname]
        command = server["command"]
        alias = command[command.index("--alias" if "--alias" in command else "--served-model-name") + 1]
        assert settings.llm.model == alias == "eurollm-9b-instruct"
        assert any("EuroLLM-9B-Instruct" in part for part in command)
    ollama, _ = app_settings("ollama")
    assert ollama.llm.model.startswith("mistral")


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
