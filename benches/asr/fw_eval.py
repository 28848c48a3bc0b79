#!/usr/bin/env python3
"""faster-whisper on a manifest (`file`, `reference_text`), written as the JSON `asr_score` reads.

Each file's time covers `transcribe()` (audio decoding, features, VAD off) and consuming the
segment generator, where the decoding actually happens; the model load is not timed.
Run with the bench virtualenv's Python (benches/asr/compare.sh sets it up).
"""
import argparse
import csv
import json
import os
import sys
import time
import wave

from faster_whisper import WhisperModel


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, help="CTranslate2 model directory")
    p.add_argument("--manifest", required=True)
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--compute-type", default="int8")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    model = WhisperModel(a.model, device="cpu", compute_type=a.compute_type, cpu_threads=a.threads)
    base = os.path.dirname(os.path.abspath(a.manifest))
    rows = []
    with open(a.manifest, newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            path = os.path.join(base, r["file"])
            with wave.open(path) as w:
                seconds = w.getnframes() / w.getframerate()
            started = time.perf_counter()
            segments, _ = model.transcribe(path, beam_size=a.beam, language="en", vad_filter=False)
            hypothesis = " ".join(s.text.strip() for s in segments)
            decode = time.perf_counter() - started
            rows.append({"file": r["file"], "reference": r["reference_text"].strip(), "hypothesis": hypothesis,
                         "seconds": seconds, "decode_seconds": decode})
            print(f"  {decode / seconds:.3f} RTF  {r['file']}", file=sys.stderr)
    with open(a.out, "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
