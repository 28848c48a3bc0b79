#!/usr/bin/env bash
# Fuzzes the audio path's parsers (tests/fuzz: wire chunks, WAV headers, WAV files, the
# resampler and VAD) with cargo-fuzz (libFuzzer + AddressSanitizer) for SECONDS per target.
# The test command runs it briefly; benches run it long and write what ran to RESULTS.md.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]      (default: 15 s, every target)
# Corpora grow in the cache ($SWITCHBOARD_CACHE/fuzz/corpus), so each run starts where the last
# ended; a crash stops the run with the input saved under tests/fuzz/artifacts/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
seconds="${1:-15}"; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(wire_audio wav_header wav_file audio_path)
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (crates.io)"
  cargo install --locked cargo-fuzz --version 0.13.2
fi
# cargo-fuzz asks rustc for sanitizer flags that only nightly takes; the stable compiler has
# the same runtimes and accepts them when told it may.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$SWITCHBOARD_CACHE/fuzz/target"
corpus="$SWITCHBOARD_CACHE/fuzz/corpus"
seeds() {  # a few real inputs to start from
  local t="$1" dir="$corpus/$t"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return 0
  local wav="$ROOT/../shared/data/speech/lca-calls/auto_repairs_40.wav"
  [ -f "$wav" ] || return 0
  case "$t" in
    wav_header) head -c 300 "$wav" > "$dir/lca-first-chunk" ;;
    wav_file) head -c 4000 "$wav" > "$dir/lca-start.wav" ;;
    wire_audio) { printf '\x08'; head -c 3244 "$wav" | tail -c 3200; } > "$dir/stereo-pcm" ;;
    audio_path) { printf '\x80'; head -c 16044 "$wav" | tail -c 16000; } > "$dir/pcm-8k" ;;
  esac
}
say "fuzzing ${targets[*]} for ${seconds}s each"
for t in "${targets[@]}"; do
  seeds "$t"
  started=$(date +%s)
  log="$SWITCHBOARD_CACHE/fuzz/$t.log"
  if ! cargo fuzz run --fuzz-dir tests/fuzz "$t" "$corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1; then
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|error' "$log" | head -20 >&2 || tail -30 "$log" >&2
    echo "fuzz target $t failed; the input is under tests/fuzz/artifacts/$t (log: $log)" >&2
    exit 1
  fi
  runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz $t: $runs runs in $(( $(date +%s) - started )) s (build included), no crash; corpus $(ls "$corpus/$t" | wc -l) inputs"
done
