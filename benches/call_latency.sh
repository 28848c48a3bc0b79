#!/usr/bin/env bash
# Live call latency: builds, then for each server variant sweeps K = 1, 2, 4, 6, 8 concurrent
# staged calls streamed at real-time pace into /v1/calls/ingest, timing each scripted turn's end
# to its final on /v1/calls/live. `call_latency` starts a fresh `switchboard serve` (temporary
# SQLite database and data dir, agent token from `switchboard token create`) for every K and
# stops it afterwards, so each K's idle memory is clean.
# Usage: benches/call_latency.sh [variant...]    (default: all; KS=1,2 to change the Ks,
#   STOP_ABOVE=10 to sweep on past p95 > 3 s)
#   variants: default  beam5  beam1  silence300  beam1-silence300  no-partials  no-early  no-floor
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
cargo build -p switchboard -p switchboard-benches --bins
"$CARGO_TARGET_DIR/debug/switchboard" models install tiny.en >&2
echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(default beam1 silence300 beam1-silence300 no-partials)
for v in "${variants[@]}"; do
  case "$v" in
    default) env=() ;;
    beam5) env=(SWITCHBOARD_ASR__BEAM_SIZE=5) ;;
    beam1) env=(SWITCHBOARD_ASR__BEAM_SIZE=1) ;;
    silence300) env=(SWITCHBOARD_ASR__MIN_SILENCE_MS=300) ;;
    beam1-silence300) env=(SWITCHBOARD_ASR__BEAM_SIZE=1 SWITCHBOARD_ASR__MIN_SILENCE_MS=300) ;;
    no-partials) env=(SWITCHBOARD_ASR__PARTIAL_INTERVAL_MS=0) ;;
    no-early) env=(SWITCHBOARD_ASR__EARLY_FINALS=false) ;;
    no-floor) env=(SWITCHBOARD_ASR__SILENCE_DBFS=-200) ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
  env "${env[@]}" "$CARGO_TARGET_DIR/debug/call_latency" --switchboard "$CARGO_TARGET_DIR/debug/switchboard" \
    --calls "${SPEECH_DATA:-$ROOT/../shared/data/speech}/calls" --label "$v" ${KS:+--ks "$KS"} ${STOP_ABOVE:+--stop-above "$STOP_ABOVE"}
  echo
done
