#!/usr/bin/env bash
# Chat load: starts a real server (SQLite, sample bot) and drives /v1/chat with the websocket
# load generator: 500 sessions, one message every 5 s each on average, then a rate sweep.
# Usage: benches/chat_load.sh [seconds per run]   (figures go to benches/RESULTS.md by hand)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
duration="${1:-60}"
cargo build -p switchboard -p switchboard-benches --bins
data="$(mktemp -d)"
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
SWITCHBOARD_LOG=warn "$CARGO_TARGET_DIR/debug/switchboard" serve --listen 127.0.0.1:0 --data-dir "$data" \
  --database-url "sqlite://$data/sb.db" >"$data/out.log" 2>"$data/err.log" &
pid=$!
until url=$(grep -o 'http://[0-9.:]*' "$data/out.log" | head -n1) && [ -n "$url" ]; do
  kill -0 $pid 2>/dev/null || { cat "$data/err.log"; exit 1; }
  sleep 0.5
done
token=$(cat "$data/widget-token")
echo "server $url; $(nproc) cores; $(date -u +%F)"
"$CARGO_TARGET_DIR/debug/chat_load" --url "$url" --token "$token" --sessions 500 --interval 5 --duration "$duration"
"$CARGO_TARGET_DIR/debug/chat_load" --url "$url" --token "$token" --sessions 500 --interval 5 --duration "$duration" --sweep
