#!/usr/bin/env python3
"""Splits for `switchboard eval improve` on BANKING77 (CC BY 4.0, Casanueva et al. 2020).

The starting bot gets a tenth of each intent's training rows, except for a few intents it never
sees (they can only be learned from the pool, as proposed new intents); the pool is a sample of
the remaining training rows; the test set is BANKING77's own test split, which neither the
starting bot, the pool nor any choice in the loop has seen.

    python3 benches/improve_splits.py ../shared/data/banking77 OUT_DIR [--absent 10] [--pool 3000]

writes OUT_DIR/train.csv and OUT_DIR/pool.csv (header text,label); test is banking77/test.csv.
"""
import argparse
import csv
import random
from collections import defaultdict
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("banking77", type=Path)
parser.add_argument("out", type=Path)
parser.add_argument("--absent", type=int, default=10, help="intents the starting bot lacks")
parser.add_argument("--pool", type=int, default=3000, help="pool rows asked over the rounds")
parser.add_argument("--seed", type=int, default=77)
args = parser.parse_args()

rng = random.Random(args.seed)
by_label = defaultdict(list)
with open(args.banking77 / "train.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        by_label[row["category"]].append(row["text"])

labels = sorted(by_label)
absent = set(rng.sample(labels, args.absent))
train, rest = [], []
for label in labels:
    rows = by_label[label][:]
    rng.shuffle(rows)
    keep = 0 if label in absent else max(1, len(rows) // 10)
    train += [(t, label) for t in rows[:keep]]
    rest += [(t, label) for t in rows[keep:]]
rng.shuffle(rest)
pool = rest[: args.pool]

args.out.mkdir(parents=True, exist_ok=True)
for name, rows in [("train.csv", train), ("pool.csv", pool)]:
    with open(args.out / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows(rows)
print(f"train {len(train)} rows, {len(labels) - len(absent)} intents; absent: {', '.join(sorted(absent))}")
print(f"pool {len(pool)} rows; test: {args.banking77 / 'test.csv'}")
