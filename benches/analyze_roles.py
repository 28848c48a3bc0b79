#!/usr/bin/env python3
"""Builds the role-detection set and scores `switchboard analyze --json` on it.

`prepare DIR`: the six staged calls and the real LCA recording (channel 0 the customer), each as
it is (`*.orig.wav`) and with its channels swapped (`*.swap.wav`, channel 0 the agent); stdlib
only. `score OUT.json`: accuracy of `roles` against that truth, and the real recording's timing.
"""
import json
import pathlib
import sys
import wave

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"


def swap(src: pathlib.Path, dst: pathlib.Path) -> None:
    with wave.open(str(src)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    assert params.nchannels == 2 and params.sampwidth == 2, src
    out = bytearray(len(frames))
    out[0::4], out[1::4], out[2::4], out[3::4] = frames[2::4], frames[3::4], frames[0::4], frames[1::4]
    with wave.open(str(dst), "wb") as w:
        w.setparams(params)
        w.writeframes(bytes(out))


def prepare(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted((SHARED / "calls").glob("*.wav")) + [SHARED / "lca-calls" / "auto_repairs_40.wav"]
    for src in sources:
        (out / f"{src.stem}.orig.wav").write_bytes(src.read_bytes())
        swap(src, out / f"{src.stem}.swap.wav")


def score(path: pathlib.Path) -> None:
    calls = json.loads(path.read_text())["calls"]
    right = 0
    rows = []
    for c in calls:
        name = pathlib.Path(c["file"]).name
        truth = "agent" if ".swap." in name else "customer"
        got = c["roles"]["0"]["role"]
        ok = got == truth
        right += ok
        rows.append(f"| {name} | {truth} | {got} | {c['roles']['0']['confidence']:.2f} | {'yes' if ok else '**no**'} |")
    print("| recording | channel 0 is | detected | confidence | right |\n|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\naccuracy: {right}/{len(calls)} = {right / max(len(calls), 1):.3f}")


if __name__ == "__main__":
    {"prepare": prepare, "score": score}[sys.argv[1]](pathlib.Path(sys.argv[2]))
