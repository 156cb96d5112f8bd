"""docker-compose.yml: no Docker engine runs here, so its structure is checked against the code and profiles."""

from __future__ import annotations

from urllib.parse import urlparse

import yaml

from bronvast.settings import PROJECT_ROOT, load_settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def container_port(service: str) -> int:
    return int(SERVICES[service]["ports"][0].split(":")[-1])


def test_services_and_images():
    assert set(SERVICES) == {"qdrant", "ollama", "app"}
    assert SERVICES["qdrant"]["image"].startswith("qdrant/qdrant:v")
    assert SERVICES["ollama"]["image"].startswith("ollama/ollama:")
    assert (PROJECT_ROOT / SERVICES["app"]["build"]["dockerfile"]).is_file()
    assert set(SERVICES["app"]["depends_on"]) == {"qdrant", "ollama"}


def test_named_volumes_are_declared():
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            name = volume.split(":")[0]
            assert name in COMPOSE["volumes"], name


def test_app_profile_points_at_the_compose_services():
    environment = SERVICES["app"]["environment"]
    profile = PROJECT_ROOT / environment["BRONVAST_CONFIG"].removeprefix("/app/")
    settings = load_settings(profile)
    store, llm = urlparse(settings.store.url), urlparse(settings.llm.base_url)
    assert settings.store.backend == "qdrant-server" and store.hostname == "qdrant"
    assert store.port == container_port("qdrant")
    assert settings.llm.backend == "openai-compatible" and llm.hostname == "ollama"
    assert llm.port == container_port("ollama") and llm.path == "/v1"
    assert settings.serve.host == "0.0.0.0" and container_port("app") == settings.serve.port
    assert str(settings.data_dir) == environment["BRONVAST_DATA_DIR"]
