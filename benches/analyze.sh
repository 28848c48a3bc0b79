#!/usr/bin/env bash
# `switchboard analyze` figures (issue 20): speaker-role detection on the staged calls and the
# real recording, as recorded and with channels swapped; wall time of the real 4-minute recording
# and the share spent in transcription. Usage: benches/analyze.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
cargo build -q -p switchboard
bin="$CARGO_TARGET_DIR/debug/switchboard"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "$(nproc) cores; $(grep -m1 -o 'avx512_vnni' /proc/cpuinfo || echo 'AVX2 only'); $(date -u +%F)"
python3 benches/analyze_roles.py prepare "$work/set"
run() { # run NAME ARGS…: analyze into a fresh database
  local name=$1; shift
  SWITCHBOARD_EXPORT_BOTS=false SWITCHBOARD_LOG=warn "$bin" analyze "$@" --json \
    --data-dir "$work/data-$name" --database-url "sqlite://$work/$name.db" \
    >"$work/$name.json" 2>"$work/$name.err" || { cat "$work/$name.err"; exit 1; }
}
# The real recording alone first, so its wall time is not shared with other files.
run real "$work/set/auto_repairs_40.orig.wav"
grep 'analyze:' "$work/real.err"
run roles "$work/set"
python3 benches/analyze_roles.py score "$work/roles.json"
