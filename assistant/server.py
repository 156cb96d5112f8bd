"""Where a command's application runs, and `bronvast serve`'s wiring.

The embedded store admits one process. A command opens it itself, unless a running `bronvast serve` holds it: the
command then goes through that server (assistant/remote.py), which it finds in serve.json in the data dir.
`serve` writes that file (owner-only: the token lets a caller read local files), mounts the Gradio UI on the REST
API and runs both under uvicorn until Ctrl-C or SIGTERM. With an identity configuration the UI asks for a login (a
user's name and API key) or, behind a trusted proxy, takes the proxy's user; without one it serves this machine only,
unless anonymous use on the network is allowed explicitly.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import signal
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import anyio

from assistant.app import Bronvast
from assistant.application import Application
from assistant.remote import RemoteBronvast
from assistant.uploads import recover_uploads
from assistant.wire import SERVER_FILE, ServerInfo
from bronvast.errors import StoreLocked
from bronvast.identity import LOCAL_OPERATOR, Users, users_path
from bronvast.schema import Caller
from bronvast.settings import Settings


def open_application(settings: Settings, say: Callable[[str], None], caller: Caller = LOCAL_OPERATOR) -> Application:
    """This process's own application, or the serving process's when that holds the store (`say` tells so);
    `caller`: who the command runs as."""
    app = Bronvast(settings, caller)
    try:
        app.store  # opening the store now tells whether another process holds it
        return app
    except StoreLocked:
        server = ServerInfo.read(settings.data_dir)
        if server is None:
            raise
        say(f"[dim]De index is in gebruik door `bronvast serve`; de opdracht gaat via {server.url}.[/]")
        return RemoteBronvast(settings, server, caller)


@contextmanager
def advertised(data_dir: Path, host: str, port: int):
    """Writes serve.json (owner-only) while the server runs and removes it afterwards."""
    info = ServerInfo(f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}", secrets.token_urlsafe(32))
    path = data_dir / SERVER_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(vars(info), handle)
    try:
        yield info
    finally:
        path.unlink(missing_ok=True)


def anonymous_refusal(host: str, settings: Settings, allow_anonymous: bool = False) -> str | None:
    """Why `serve` must not listen on `host`: an address others can reach, without an identity configuration, so
    everyone on the network would be anonymous; None when it may (this machine only, users or a trusted proxy
    configured, or --allow-anonymous)."""
    if allow_anonymous or settings.identity.configured or is_local(host):
        return None
    return (f"bronvast serve op {host} zonder identiteitsconfiguratie geeft iedereen op het netwerk anoniem toegang. "
            "Stel gebruikers in (--set identity.users_file=config/users.yaml of in een profiel, en `bronvast users "
            "add NAAM --groups ...`) of een vertrouwde proxy (identity.trusted_proxies), luister op 127.0.0.1, of "
            "start met --allow-anonymous (anoniem: alleen openbare documenten).")


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ui_login(gate) -> dict:
    """How the mounted UI knows its user (Gradio's mount_gradio_app): behind a trusted proxy the proxy's user
    (auth_dependency: a request without one is refused), else with a users file a login form (the user's name and
    API key), else none."""
    if gate.proxies:
        return {"auth_dependency": gate.proxy_user}
    if gate.users is not None:
        async def login(username: str, key: str) -> bool:  # scrypt takes a while: not on the event loop
            return await anyio.to_thread.run_sync(gate.login, username, key)

        return {"auth": login, "auth_message": "Meld u aan met uw gebruikersnaam en API-sleutel (bv.…)."}
    return {}


def site(app: Bronvast, token: str):
    """The REST API with the UI mounted at /: the UI's user is the API's (the same gate), and its questions are
    counted for /metrics like the API's."""
    import gradio as gr

    from assistant.api import build_api
    from assistant.api_v1 import metered
    from assistant.auth import gate_for
    from assistant.ui import build_ui

    api = build_api(app, token)
    gate = gate_for(api)
    # Gradio stores what a browser uploads before the tab sees it: a file over the whole request's limit stops
    # there; assistant/uploads.py checks the rest and names the file over a limit.
    return gr.mount_gradio_app(api, build_ui(metered(app), gate.ui_caller if gate.configured else None), path="/",
                               max_file_size=app.settings.serve.upload_max_request_bytes, **ui_login(gate))


def serve(app: Bronvast, host: str, port: int, on_listening: Callable[[str], None]) -> None:
    """Loads the models, then serves the UI at / and the REST API at /api until stopped."""
    import uvicorn

    users = users_path(app.settings)
    if users is not None:
        Users(users)  # a bad users file stops serve now, with its message, not each request later
    app.embedder, app.llm  # noqa: B018  (load the models now, so the first question is not slow)
    recover_uploads(app)  # uploads a crash cut off: finished before anyone can upload again
    with advertised(app.settings.data_dir, host, port) as server:
        served = site(app, server.token)
        on_listening(f"http://{host}:{port}")
        # uvicorn re-raises SIGTERM after its graceful shutdown; as SystemExit it still lets serve.json go.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        uvicorn.run(served, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
