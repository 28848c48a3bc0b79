#!/usr/bin/env bash
# Overview and call search at scale (issue 20): seeds N synthetic ended calls (figures, labels
# and transcripts; 90 days, 40 agents, 6 queues) through the storage layer on SQLite and on
# PostgreSQL, and into a call search index, then times the overview and search queries the
# /dashboard and /calls pages ask (p50, p95). Usage: benches/overview.sh [N]   (default 100000)
# Seeded stores are kept in ~/.cache/switchboard/bench-overview, so a rerun only measures.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
n="${1:-100000}"
cargo build -q -p switchboard-benches --bin overview_load
bin="$CARGO_TARGET_DIR/debug/overview_load"
work="$HOME/.cache/switchboard/bench-overview"
mkdir -p "$work"
pg="${SWITCHBOARD_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
schema="bench_overview_$n"
psql "$pg" -qc "CREATE SCHEMA IF NOT EXISTS $schema" >/dev/null
echo "$(nproc) cores; $(grep -m1 -o 'avx512_vnni' /proc/cpuinfo || echo 'AVX2 only'); $(date -u +%F); dev profile (dependencies optimised)"
"$bin" --calls "$n" --database-url "sqlite://$work/sqlite-$n.db" --index "$work/index-$n"
"$bin" --calls "$n" --database-url "$pg?options[search_path]=$schema" --index "$work/index-$n"
