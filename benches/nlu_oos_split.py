#!/usr/bin/env python3
"""Writes the BANKING77 out-of-scope split used in benches/RESULTS.md ("## NLU").

Held out: the 10 intents at positions 0, 8, 16, ..., 72 of the alphabetically sorted intent
names (printed when run). train.csv keeps only the other 67 intents; test.csv keeps every test
row, with the held-out intents' rows relabelled to the OOS label. Deterministic: no randomness.

usage: python3 benches/nlu_oos_split.py [--data DIR] [--out DIR] [--oos-label oos]
"""
import argparse
import csv
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "banking77"))
p.add_argument("--out", default="/tmp/banking77-oos")
p.add_argument("--oos-label", default="oos")
a = p.parse_args()


def read(name):
    with open(os.path.join(a.data, name), newline="") as f:
        r = csv.reader(f)
        header = next(r)
        if header[:2] not in (["text", "category"], ["text", "label"]):
            sys.exit(f"{name}: unexpected header {header}")
        return header, [row[:2] for row in r]


header, train = read("train.csv")
_, test = read("test.csv")
intents = sorted({label for _, label in train})
held_out = set(intents[0::8][:10])
os.makedirs(a.out, exist_ok=True)
with open(os.path.join(a.out, "train.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "label"])
    w.writerows(row for row in train if row[1] not in held_out)
with open(os.path.join(a.out, "test.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "label"])
    w.writerows([t, a.oos_label if l in held_out else l] for t, l in test)
print("held out:", ", ".join(sorted(held_out)))
print(f"wrote {a.out}/train.csv and {a.out}/test.csv")
