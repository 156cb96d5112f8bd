"""The outside world for browser tests: a listener on a second loopback address that counts what it is asked for,
and a free port. Never a real address."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def outside_listener(port: int = 0) -> Iterator[tuple[str, list[str]]]:
    """Its address (http://127.0.0.2:PORT; a free port unless one is given) and the paths asked of it, as they come."""
    asked: list[str] = []

    class Counting(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    listener = ThreadingHTTPServer(("127.0.0.2", port), Counting)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.2:{listener.server_port}", asked
    finally:
        listener.shutdown()
        listener.server_close()


def assert_counting(page, address: str, asked: list[str]) -> None:
    """The listener does count what the page fetches: after a zero, this shows the zero meant nothing was asked."""
    page.evaluate(f"new Image().src = '{address}/control.png'")
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        time.sleep(0.1)
    assert asked == ["/control.png"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
