#!/usr/bin/env bash
# Chat load: starts a real server (SQLite, sample bot) and drives /v1/chat with the websocket
# load generator: 500 sessions, one message every 5 s each on average, then a rate sweep.
# Usage: benches/chat_load.sh [seconds per run]   (figures go to benches/RESULTS.md by hand)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
duration="${1:-60}"
cargo build -p switchboard -p switchboard-benches --bins
source "$ROOT/benches/server.sh"
"$CARGO_TARGET_DIR/debug/chat_load" --url "$url" --token "$widget" --sessions 500 --interval 5 --duration "$duration"
"$CARGO_TARGET_DIR/debug/chat_load" --url "$url" --token "$widget" --sessions 500 --interval 5 --duration "$duration" --sweep
