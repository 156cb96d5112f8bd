"""Identity: users and hashed API keys in a users file, `bronvast users`, `--as USER`, who the REST API and the UI
take a request to come from (serve token, API key, trusted proxy, anonymous), and `serve` refusing the network
without an identity configuration."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant import server
from assistant.api import build_api
from assistant.app import Bronvast
from assistant.auth import Gate, install
from assistant.cli import cli
from bronvast.errors import AccessDenied, SettingsError
from bronvast.identity import Users, hash_key, key_matches
from bronvast.schema import ANONYMOUS, Caller
from bronvast.settings import IdentitySettings, load_settings

CANARY = "KANARIEQX7"
QUESTION = "Wat is het kenmerk van het interne dossier over de dakkapel?"
TOKEN = "serve-token"


def documents(folder: Path) -> Path:
    """A public document and a restricted one (group `restricted`, by manifest) holding the canary."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "openbaar.md").write_text(
        "# Dakkapel\n\nEen dakkapel aan de voorkant van een woning vraagt een omgevingsvergunning. De gemeente "
        "beslist binnen acht weken over de aanvraag voor een dakkapel.\n", encoding="utf-8")
    (folder / "geheim.md").write_text(
        "# Dakkapel intern\n\nIntern dossier over de dakkapel aan de Kerkstraat: het kenmerk van dit dossier is "
        f"{CANARY}. De behandelaar beslist binnen acht weken over de dakkapel.\n", encoding="utf-8")
    (folder / "bronvast-manifest.csv").write_text("file,access\ngeheim.md,restricted\n", encoding="utf-8")
    return folder


# The users file and its keys

def test_the_file_holds_a_hash_never_the_key(tmp_path):
    path = tmp_path / "users.yaml"
    users = Users(path)
    key = users.add("jan", ["archief", "restricted"], ["ingest"])
    assert key.startswith("bv.jan.") and len(key) > 30
    text = path.read_text(encoding="utf-8")
    assert key not in text and key.rsplit(".", 1)[1] not in text and "scrypt$16384$8$1$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".users.yaml.*"))  # no temporary file left beside it
    again = Users(path)  # as another process reads it
    assert again.caller_for_key(key) == Caller("jan", ("archief", "restricted"), ("ingest",))
    assert again.caller_for_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert again.caller_for_key("bv.piet.whatever") is None and again.caller_for_key("geen-sleutel") is None


def test_a_key_works_for_its_own_user_only(tmp_path):
    users = Users(tmp_path / "users.yaml")
    jan, piet = users.add("jan", ["restricted"]), users.add("piet", ["archief"])
    assert users.caller_for_key(piet).name == "piet" and users.caller_for_key(jan).name == "jan"
    assert users.caller_for_key("bv.jan." + piet.rsplit(".", 1)[1]) is None  # piet's secret under jan's name
    with pytest.raises(SettingsError, match="bestaat al"):
        users.add("jan")
    users.remove("jan")
    assert Users(tmp_path / "users.yaml").caller_for_key(jan) is None


def test_hashes_are_salted_and_checked_exactly():
    first, second = hash_key("bv.a.b"), hash_key("bv.a.b")
    assert first != second and key_matches("bv.a.b", first) and key_matches("bv.a.b", second)
    assert not key_matches("bv.a.c", first)


def test_a_bad_users_file_names_the_file_the_line_and_the_reason(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text("users:\n  - name: jan\n    groups: [archief]\n  - name: piet\n    roles: [baas]\n")
    with pytest.raises(SettingsError, match=r"users.yaml regel 4 .*piet.*onbekende rol.*baas"):
        Users(path)
    path.write_text("users:\n  - name: jan\n    key_hash: bv.jan.geheim\n")
    with pytest.raises(SettingsError, match=r"regel 2: key_hash van 'jan'"):
        Users(path)
    path.write_text("users:\n  - name: jan\n   groups: [x\n")
    with pytest.raises(SettingsError, match=r"users.yaml regel \d+: geen geldige YAML"):
        Users(path)
    path.write_text("users:\n  - name: jan en piet\n")
    with pytest.raises(SettingsError, match="ongeldige naam"):
        Users(path)


def test_the_example_users_get_keys_and_keep_their_groups(tmp_path):
    example = Users(Path(__file__).resolve().parent.parent / "config" / "users.yaml")
    assert {u.name for u in example} and all(u.key_hash is None for u in example)
    assert any("restricted" in u.groups for u in example) and any("archief" in u.groups for u in example)
    path = tmp_path / "users.yaml"
    path.write_text(example.path.read_text(encoding="utf-8"), encoding="utf-8")
    first = next(iter(example))
    users = Users(path)
    assert users.caller_for_key(f"bv.{first.name}.x") is None  # no key yet: nobody logs in as them
    key = users.add(first.name)
    assert Users(path).caller_for_key(key) == first.caller
    assert {u.name for u in Users(path)} == {u.name for u in example}


# bronvast users and --as

def test_users_add_list_remove(tmp_path):
    path = tmp_path / "gebruikers" / "users.yaml"
    where = ["--set", f"identity.users_file={path}"]
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "jan", "--groups", "archief, restricted", "--roles", "ingest",
                                *where])
    assert added.exit_code == 0, added.output
    key = added.stdout.strip()
    assert key.startswith("bv.jan.") and "niet opnieuw" in added.stderr
    assert Users(path).caller_for_key(key) == Caller("jan", ("archief", "restricted"), ("ingest",))
    listed = runner.invoke(cli, ["users", "list", "--json", *where])
    assert json.loads(listed.stdout) == [{"name": "jan", "groups": ["archief", "restricted"], "roles": ["ingest"],
                                          "key": True}]
    table = runner.invoke(cli, ["users", "list", *where])
    assert "jan" in table.stdout and "scrypt" not in table.stdout and key not in table.output
    refused = runner.invoke(cli, ["users", "add", "piet", "--roles", "baas", *where])
    assert refused.exit_code == 1 and "baas" in refused.stderr and "Traceback" not in refused.output
    assert runner.invoke(cli, ["users", "remove", "jan", *where]).exit_code == 0
    assert json.loads(runner.invoke(cli, ["users", "list", "--json", *where]).stdout) == []
    unknown = runner.invoke(cli, ["users", "remove", "jan", *where])
    assert unknown.exit_code == 1 and "onbekende gebruiker" in unknown.stderr


def test_users_without_a_users_file_says_how_to_configure_one():
    result = CliRunner().invoke(cli, ["users", "list"])
    assert result.exit_code == 1 and "--set identity.users_file=config/users.yaml" in " ".join(result.stderr.split())


def test_as_a_user_shows_what_their_groups_may_see(data_dir, tmp_path):
    users_file = tmp_path / "users.yaml"
    Users(users_file).add("archivaris", ["archief", "restricted"])
    Users(users_file).add("medewerker", ["archief"])
    where = ["--set", f"identity.users_file={users_file}", "--set", "answer.mode=extractive"]
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(documents(tmp_path / "docs"))]).exit_code == 0

    def ask(*who: str) -> str:
        result = runner.invoke(cli, ["ask", QUESTION, "--json", *where, *who])
        assert result.exit_code == 0, result.output
        return result.stdout

    def listed(*who: str) -> set[str]:
        result = runner.invoke(cli, ["documents", "list", "--json", *where, *who])
        assert result.exit_code == 0, result.output
        return {d["file"] for d in json.loads(result.stdout)}

    for who in ((), ("--as", "medewerker")):
        assert CANARY not in ask(*who) and "geheim.md" not in ask(*who)
        assert listed(*who) == {"openbaar.md"}
    answer = json.loads(ask("--as", "archivaris"))
    assert CANARY in answer["answer"] and [c["source"] for c in answer["citations"]] == ["geheim.md"]
    assert listed("--as", "archivaris") == {"openbaar.md", "geheim.md"}
    unknown = runner.invoke(cli, ["ask", QUESTION, *where, "--as", "niemand"])
    assert unknown.exit_code == 1 and "onbekende gebruiker 'niemand'" in unknown.stderr
    assert "users.yaml" in unknown.stderr


# The REST API

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """An application with a users file (two users with keys) over the public and the restricted document."""
    root = tmp_path_factory.mktemp("identity")
    users_file = root / "users.yaml"
    keys = {"archivaris": Users(users_file).add("archivaris", ["restricted"], ["ingest"]),
            "medewerker": Users(users_file).add("medewerker", ["archief"])}
    settings = load_settings(overrides=[f"data_dir={root / 'data'}", f"identity.users_file={users_file}",
                                        "answer.mode=extractive"])
    app = Bronvast(settings)
    assert app.ingest([documents(root / "docs")]).exit_code == 0
    yield SimpleNamespace(app=app, keys=keys, users_file=users_file)
    app.close()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def files(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {d["file"] for d in response.json()}


def test_an_api_key_sees_what_its_groups_allow(served):
    api = TestClient(build_api(served.app, TOKEN))
    assert files(api.get("/api/documents", headers=bearer(served.keys["archivaris"]))) == {"openbaar.md", "geheim.md"}
    assert files(api.get("/api/documents", headers=bearer(served.keys["medewerker"]))) == {"openbaar.md"}
    answer = api.post("/api/ask", json={"question": QUESTION}, headers=bearer(served.keys["archivaris"])).json()
    assert CANARY in answer["answer"]
    hidden = api.post("/api/ask", json={"question": QUESTION}, headers=bearer(served.keys["medewerker"]))
    assert hidden.status_code == 200 and CANARY not in hidden.text
    # the serve token's holder (the CLI beside serve) still says whom it runs as
    caller = json.dumps({"name": "archivaris", "groups": ["restricted"], "roles": []})
    assert files(api.get("/api/documents", headers={**bearer(TOKEN), "X-Bronvast-Caller": caller})) == {
        "openbaar.md", "geheim.md"}
    assert files(api.get("/api/documents", headers=bearer(TOKEN))) == {"openbaar.md"}


def test_with_identity_configured_a_wrong_or_missing_key_is_refused(served):
    api = TestClient(build_api(served.app, TOKEN))
    other = served.keys["medewerker"].rsplit(".", 1)[1]
    for headers in ({}, bearer("bv.archivaris.fout"), bearer(f"bv.archivaris.{other}"), bearer("iets-anders"),
                    {"Authorization": f"Basic {served.keys['archivaris']}"}):
        for response in (api.get("/api/documents", headers=headers), api.get("/api/status", headers=headers),
                         api.post("/api/ask", json={"question": QUESTION}, headers=headers)):
            assert response.status_code == 401 and CANARY not in response.text
    # a header naming a caller counts only with the serve token
    caller = json.dumps({"name": "x", "groups": ["restricted"], "roles": ["admin"]})
    assert api.get("/api/documents", headers={"X-Bronvast-Caller": caller}).status_code == 401


def test_an_unreadable_users_file_refuses_rather_than_guesses(served, tmp_path):
    broken = tmp_path / "users.yaml"
    broken.write_text(served.users_file.read_text(encoding="utf-8"), encoding="utf-8")
    identity = IdentitySettings(users_file=str(broken))
    api = build_api(served.app, TOKEN)
    install(api, TOKEN, served.app.settings.model_copy(update={"identity": identity}))
    client = TestClient(api)
    assert files(client.get("/api/documents", headers=bearer(served.keys["archivaris"])))
    broken.write_text("users:\n  - name: archivaris\n   groups: [x\n", encoding="utf-8")
    refused = client.get("/api/documents", headers=bearer(served.keys["archivaris"]))
    assert refused.status_code == 503 and str(broken) not in refused.text


def test_server_paths_are_for_the_serve_token_only(served, tmp_path):
    api = TestClient(build_api(served.app, TOKEN))
    (tmp_path / "los.md").write_text("# Los\n\nEen los bestand.", encoding="utf-8")
    refused = api.post("/api/ingest", json={"paths": [str(tmp_path)]}, headers=bearer(served.keys["archivaris"]))
    assert refused.status_code == 403
    assert api.post("/api/objections", json={"paths": [str(tmp_path)]},
                    headers=bearer(served.keys["archivaris"])).status_code == 403
    assert api.post("/api/ingest", json={"paths": [str(tmp_path)], "collection": "los"},
                    headers=bearer(TOKEN)).status_code == 200


def test_proxy_headers_count_only_from_a_trusted_proxy(served):
    proxy = {"X-Forwarded-User": "kees", "X-Forwarded-Groups": "archief, restricted"}
    untrusted = TestClient(build_api(served.app, TOKEN))
    assert untrusted.get("/api/documents", headers=proxy).status_code == 401
    api = build_api(served.app, TOKEN)
    identity = IdentitySettings(users_file=str(served.users_file), trusted_proxies=["testclient"])
    install(api, TOKEN, served.app.settings.model_copy(update={"identity": identity}))
    trusted = TestClient(api)
    assert files(trusted.get("/api/documents", headers=proxy)) == {"openbaar.md", "geheim.md"}
    assert files(trusted.get("/api/documents", headers={"X-Forwarded-User": "kees"})) == {"openbaar.md"}
    assert trusted.get("/api/documents").status_code == 401  # the proxy names nobody
    # a user the users file lists takes its roles from there (and its groups too)
    gate = Gate(TOKEN, served.app.settings.model_copy(update={"identity": identity}))
    assert gate.proxy_caller({"x-forwarded-user": "archivaris"}, "testclient") == Caller(
        "archivaris", ("restricted",), ("ingest",))
    assert gate.proxy_caller({"X-Forwarded-User": "kees"}, "10.0.0.9") is None
    networks = Gate(None, served.app.settings.model_copy(update={"identity": IdentitySettings(
        trusted_proxies=["10.0.0.0/8", "::1"])}))
    assert networks.trusted("10.1.2.3") and networks.trusted("::1") and not networks.trusted("192.168.1.1")


def test_without_identity_a_request_without_credentials_is_anonymous(app, demo):
    api = TestClient(build_api(app, TOKEN))
    assert api.get("/api/status").status_code == 200
    assert api.get("/api/documents", params={"collection": demo}).status_code == 200
    assert api.post("/api/ingest", json={"paths": ["/etc"]}).status_code == 403
    assert api.delete("/api/documents", params={"target": "x", "collection": demo}).status_code == 403
    assert api.get("/api/status", headers=bearer("verkeerd")).status_code == 401
    gate = Gate(TOKEN, app.settings)
    assert gate.caller({}, "203.0.113.9") == ANONYMOUS
    assert gate.caller({"X-Forwarded-User": "kees"}, "203.0.113.9") == ANONYMOUS  # no trusted proxy: ignored


# The UI's login and serve

def test_the_ui_logs_in_with_a_users_key_and_calls_as_that_user(served):
    gate = Gate(TOKEN, served.app.settings)
    key = served.keys["archivaris"]
    assert gate.login("archivaris", key) and gate.login(" archivaris ", key)
    assert not gate.login("medewerker", key) and not gate.login("archivaris", "fout") and not gate.login("x", "")
    request = SimpleNamespace(username="archivaris", headers={}, client=SimpleNamespace(host="127.0.0.1"))
    assert gate.ui_caller(request) == Caller("archivaris", ("restricted",), ("ingest",))
    with pytest.raises(AccessDenied):
        gate.ui_caller(SimpleNamespace(username="weg", headers={}, client=None))
    assert Gate(TOKEN, load_settings()).ui_caller(request) is None  # no identity: the app's own caller
    assert set(server.ui_login(gate)) == {"auth", "auth_message"}
    assert server.ui_login(Gate(TOKEN, load_settings())) == {}


def test_the_mounted_ui_asks_for_a_login(served):
    site = TestClient(server.site(served.app, TOKEN))
    assert site.get("/config").status_code == 401
    assert site.post("/login", data={"username": "archivaris", "password": "fout"}).status_code == 400
    logged_in = site.post("/login", data={"username": "archivaris", "password": served.keys["archivaris"]})
    assert logged_in.status_code == 200 and logged_in.json() == {"success": True}
    assert site.get("/config").status_code == 200


def test_serve_refuses_the_network_without_identity():
    anonymous, configured = load_settings(), load_settings(overrides=["identity.users_file=config/users.yaml"])
    assert server.anonymous_refusal("0.0.0.0", anonymous) and "--allow-anonymous" in server.anonymous_refusal(
        "0.0.0.0", anonymous)
    assert server.anonymous_refusal("192.168.1.10", anonymous)
    assert server.anonymous_refusal("0.0.0.0", anonymous, allow_anonymous=True) is None
    assert server.anonymous_refusal("0.0.0.0", configured) is None
    proxied = load_settings(overrides=["identity.trusted_proxies=[10.0.0.1]"])
    assert server.anonymous_refusal("0.0.0.0", proxied) is None
    for host in ("127.0.0.1", "localhost", "::1"):
        assert server.anonymous_refusal(host, anonymous) is None


def test_the_serve_command_refuses_before_serving(data_dir, monkeypatch):
    monkeypatch.setattr(server, "serve", lambda *args, **kwargs: pytest.fail("serve should not start"))
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "--allow-anonymous" in result.stderr and "Traceback" not in result.output
