"""A small local server speaking the OpenAI `/v1/chat/completions` protocol (plain and streamed, SSE),
standing in for Ollama / vLLM / llama.cpp server, which cannot run here."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


USAGE = {"prompt_tokens": 321, "completion_tokens": 12, "total_tokens": 333}


class FakeOpenAI:
    """`reply` is the answer text, or a function of the request body giving it (to answer a rewrite request
    differently from an answer request)."""

    def __init__(self, reply: str | Callable[[dict], str]):
        self.reply = reply if callable(reply) else (lambda body: reply)
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                text = fake.reply(body)
                if body.get("stream"):
                    self._stream(body, text)
                else:
                    self._json(fake.completion(body["model"], text))

            def _json(self, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict, text: str):
                model = body["model"]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = text.split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else " " + word
                    self._event(fake.chunk(model, {"role": "assistant", "content": piece} if i == 0 else {"content": piece}))
                self._event(fake.chunk(model, {}, finish="stop"))
                if body.get("stream_options", {}).get("include_usage"):  # as OpenAI: a last chunk, no choices
                    self._event({**fake.chunk(model, {}), "choices": [], "usage": USAGE})
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, payload: dict):
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @staticmethod
    def completion(model: str, text: str) -> dict:
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": USAGE,
        }

    @staticmethod
    def chunk(model: str, delta: dict, finish: str | None = None) -> dict:
        return {
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
