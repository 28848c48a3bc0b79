#!/usr/bin/env bash
# One command from a clean clone to a running Switchboard on its embedded defaults:
# SQLite file, local models, in-process event bus, tantivy on disk, sample bot and knowledge,
# chat widget at http://127.0.0.1:8080/. Extra arguments go to `switchboard serve`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
need_toolchains
"$ROOT/scripts/models.sh"
build_web
say "building switchboard"
cargo build -p switchboard
whisper_model
say "starting switchboard (Ctrl-C stops it; the first start prints the admin token once)"
exec "$CARGO_TARGET_DIR/debug/switchboard" serve "$@"
