#!/usr/bin/env bash
# One command that sets everything up and runs every test: Rust unit and end-to-end tests
# against SQLite and PostgreSQL (127.0.0.1:5432, database `test`, or SWITCHBOARD_TEST_PG),
# a short cargo-fuzz run of the audio parsers, then the browser tests (Playwright driving
# Debian's chromium) against a real server. Unformatted code and clippy warnings fail it first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
need_toolchains
apt_need chromium
"$ROOT/scripts/models.sh"
build_web
export SWITCHBOARD_TEST_PG="${SWITCHBOARD_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"

say "formatting (cargo fmt --check)"
cargo fmt --all --check
(cd tests/fuzz && cargo fmt --check)

say "lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

say "building"
cargo build -p switchboard
whisper_model
cargo test --workspace --no-run

say "Rust tests (unit + end-to-end, SQLite and PostgreSQL)"
cargo test --workspace

say "fuzzing the audio parsers (cargo-fuzz, 15 s a target)"
"$ROOT/scripts/fuzz.sh" 15

say "web unit tests"
(cd web && npm test --silent)

say "browser tests"
"$ROOT/scripts/browser-tests.sh"
