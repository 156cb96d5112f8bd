"""A real OpenAI-compatible LLM server for the tests: llama-cpp-python's own (`python -m llama_cpp.server`) serving
the packaged SmolLM2 GGUF on loopback, started and stopped by the tests, so CI needs nothing extra. LLM_SERVER_URL
and LLM_SERVER_MODEL point the same tests at another server instead (llama.cpp's llama-server, vLLM, Ollama)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx
from outside import free_port

from bronvast.factories import model_location
from bronvast.settings import load_settings

MODEL_ALIAS = "smollm2"


def packaged_gguf() -> str:
    """The GGUF the embedded default loads (llm.model_path of the default profile)."""
    return model_location(load_settings().llm.model_path, ".gguf")


@contextmanager
def llm_server() -> Iterator[tuple[str, str]]:
    """The base URL (…/v1) and model name of a running OpenAI-compatible server."""
    if os.environ.get("LLM_SERVER_URL"):
        yield os.environ["LLM_SERVER_URL"], os.environ["LLM_SERVER_MODEL"]
        return
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", packaged_gguf(), "--model_alias",
               MODEL_ALIAS, "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    with tempfile.TemporaryFile("w+") as log:  # llama.cpp logs a lot: a pipe nobody reads would fill and stop it
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            wait_until_up(server, base_url, log)
            yield base_url, MODEL_ALIAS
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def wait_until_up(server: subprocess.Popen, base_url: str, log: IO[str], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"llama_cpp.server stopped at start: {log.read()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"llama_cpp.server did not answer within {timeout_s:.0f} s")
