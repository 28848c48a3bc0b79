#!/usr/bin/env bash
# Soak of live call transcription: 4 concurrent calls, each the real LCA recording looped from
# its own offset, streamed at real-time pace for 30 minutes into a fresh `switchboard serve`
# (SQLite); memory over time, end-of-utterance p95 per 5-minute window, how every call ended.
# Usage: benches/call_soak.sh [--calls N] [--minutes M] [--window-min W]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
cargo build -p switchboard -p switchboard-benches --bins
"$CARGO_TARGET_DIR/debug/switchboard" models install tiny.en >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC'); commit $(git rev-parse --short HEAD)"
"$CARGO_TARGET_DIR/debug/call_soak" --switchboard "$CARGO_TARGET_DIR/debug/switchboard" \
  --recording "${SPEECH_DATA:-$ROOT/../shared/data/speech}/lca-calls/auto_repairs_40.wav" "$@"
