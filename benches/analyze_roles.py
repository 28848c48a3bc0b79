#!/usr/bin/env python3
"""Builds the role-detection set and scores `switchboard analyze --json` on it.

`prepare DIR`: the six staged calls and the real LCA recording (channel 0 the customer), each as
it is (`*.orig.wav`), with its channels swapped (`*.swap.wav`, channel 0 the agent) and mixed to
mono (`*.mono.wav`, both parties on one channel: diarization first); stdlib only.
`score OUT.json`: accuracy of `roles` against that truth. On a mono mix the truth comes from the
stereo original's channels: the share of transcribed talk time given to the right role (each
segment's 10 ms steps where only one channel is active), and the mix counts as right when the
agent's role went mostly to the agent's words.
"""
import array
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


def mono(src: pathlib.Path, dst: pathlib.Path) -> None:
    with wave.open(str(src)) as w:
        params, frames = w.getparams(), array.array("h", w.readframes(w.getnframes()))
    mixed = array.array("h", ((a + b) // 2 for a, b in zip(frames[0::2], frames[1::2])))
    with wave.open(str(dst), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(params.framerate)
        w.writeframes(mixed.tobytes())


def activity(src: pathlib.Path) -> tuple[list[bool], list[bool]]:
    """Per 10 ms, whether each channel is 15 dB above its own quiet level."""
    with wave.open(str(src)) as w:
        rate, frames = w.getframerate(), array.array("h", w.readframes(w.getnframes()))
    step = rate // 100
    out = []
    for ch in (frames[0::2], frames[1::2]):
        power = [sum(x * x for x in ch[i : i + step]) / step + 1.0 for i in range(0, len(ch) - step + 1, step)]
        floor = sorted(power)[len(power) // 10]
        out.append([p > floor * 10 ** 1.5 for p in power])
    return out[0], out[1]


def original(name: str) -> pathlib.Path:
    stem = name.split(".")[0]
    found = [p for p in [SHARED / "calls" / f"{stem}.wav", SHARED / "lca-calls" / f"{stem}.wav"] if p.exists()]
    return found[0]


def prepare(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted((SHARED / "calls").glob("*.wav")) + [SHARED / "lca-calls" / "auto_repairs_40.wav"]
    for src in sources:
        (out / f"{src.stem}.orig.wav").write_bytes(src.read_bytes())
        swap(src, out / f"{src.stem}.swap.wav")
        mono(src, out / f"{src.stem}.mono.wav")


def score(path: pathlib.Path) -> None:
    calls = json.loads(path.read_text())["calls"]
    right = 0
    rows = []
    mixes = []
    for c in calls:
        name = pathlib.Path(c["file"]).name
        if ".mono." in name:
            customer, agent = activity(original(name))
            said = {"customer": 0, "agent": 0}
            right_ms = {"customer": 0, "agent": 0}
            for seg in c["transcript"]:
                for i in range(int(seg["start"] * 100), min(int(seg["end"] * 100), len(agent))):
                    if customer[i] != agent[i]:
                        said[seg["speaker"]] += 1
                        right_ms[seg["speaker"]] += (agent[i] if seg["speaker"] == "agent" else customer[i])
            share = sum(right_ms.values()) / max(sum(said.values()), 1)
            ok = right_ms["agent"] * 2 > said["agent"]
            right += ok
            mixes.append(f"| {name} | {share:.1%} | {right_ms['agent'] / max(said['agent'], 1):.1%} | {c['roles']['0']['confidence']:.2f} | {'yes' if ok else '**no**'} |")
            continue
        truth = "agent" if ".swap." in name else "customer"
        got = c["roles"]["0"]["role"]
        ok = got == truth
        right += ok
        rows.append(f"| {name} | {truth} | {got} | {c['roles']['0']['confidence']:.2f} | {'yes' if ok else '**no**'} |")
    print("| recording | channel 0 is | detected | confidence | right |\n|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n| mono mix | talk time given the right role | of it, the agent's | confidence | agent found |\n|---|---|---|---|---|")
    print("\n".join(mixes))
    print(f"\naccuracy: {right}/{len(calls)} = {right / max(len(calls), 1):.3f}")


if __name__ == "__main__":
    {"prepare": prepare, "score": score}[sys.argv[1]](pathlib.Path(sys.argv[2]))
