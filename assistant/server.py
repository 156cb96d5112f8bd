"""Where a command's application runs, and `bronvast serve`'s wiring.

The embedded store admits one process. A command opens it itself, unless a running `bronvast serve` holds it: the
command then goes through that server (assistant/remote.py), which it finds in serve.json in the data dir.
`serve` writes that file (owner-only: the token lets a caller read local files), mounts the Gradio UI on the REST
API and runs both under uvicorn until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from assistant.app import Bronvast
from assistant.application import Application
from assistant.remote import RemoteBronvast
from assistant.wire import SERVER_FILE, ServerInfo
from bronvast.errors import StoreLocked
from bronvast.identity import LOCAL_OPERATOR
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


def serve(app: Bronvast, host: str, port: int, on_listening: Callable[[str], None]) -> None:
    """Loads the models, then serves the UI at / and the REST API at /api until stopped."""
    import gradio as gr
    import uvicorn

    from assistant.api import build_api
    from assistant.ui import build_ui

    app.embedder, app.llm  # noqa: B018  (load the models now, so the first question is not slow)
    with advertised(app.settings.data_dir, host, port) as server:
        site = gr.mount_gradio_app(build_api(app, server.token), build_ui(app), path="/")
        on_listening(f"http://{host}:{port}")
        # uvicorn re-raises SIGTERM after its graceful shutdown; as SystemExit it still lets serve.json go.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        uvicorn.run(site, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
