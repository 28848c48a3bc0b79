#!/usr/bin/env bash
# Starts a real server on a fresh SQLite database and runs web/tests against it in chromium.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
data="$(mktemp -d)"
log="$data/server.log"
port_file="$data/port"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
# An admin token for the tests to issue agent and supervisor tokens with (the command prints only the secret).
SWITCHBOARD_ADMIN_TOKEN="$("$CARGO_TARGET_DIR/debug/switchboard" token create --role admin --name browser-tests \
  --data-dir "$data" --database-url "sqlite://$data/switchboard.db")"
export SWITCHBOARD_ADMIN_TOKEN
# Bots the tests improve stay in the database: exporting would rewrite bot-definitions/ in the tree.
SWITCHBOARD_EXPORT_BOTS=false SWITCHBOARD_KEEP_CALL_AUDIO=true "$CARGO_TARGET_DIR/debug/switchboard" serve --listen 127.0.0.1:0 --data-dir "$data" \
  --database-url "sqlite://$data/switchboard.db" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  url=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -n1 | sed 's/listening on //') || true
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; echo "server exited before listening" >&2; exit 1; }
  sleep 0.5
done
[ -n "${url:-}" ] || { cat "$log" >&2; echo "server did not start" >&2; exit 1; }
export SWITCHBOARD_URL="$url"
# The tests share their staff tokens through a temp file: keep it with the database, deleted on exit.
export TMPDIR="$data"
cd web
# Node 20 puts WebSocket (used to stream calls into the server) behind a flag; Node 22+ has it anyway.
node --experimental-websocket --test tests/
