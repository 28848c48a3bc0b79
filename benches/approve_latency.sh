#!/usr/bin/env bash
# Approve → serving: starts a real server (SQLite, the sample banking bot), then N times proposes
# one new utterance for an existing intent and times the supervisor's approval, which returns once
# the new version is merged, validated, trained, gated, committed and swapped in (serving).
# Usage: benches/approve_latency.sh [N]   (figures go to benches/RESULTS.md by hand)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
n="${1:-10}"
cargo build -p switchboard
SWITCHBOARD_LOG=${SWITCHBOARD_LOG:-switchboard_publishing=info,warn}
source "$ROOT/benches/server.sh"
post() { curl -sS -H "Authorization: Bearer $sup" -H 'Content-Type: application/json' "$@"; }
# Distinct phrasings (near-duplicates of what the intent knows would be folded, not built).
phrasings=("has the courier picked up my replacement card" "my debit card still has not come in the post"
  "how many days until the card you mailed shows up" "is there tracking for the card you sent me"
  "the card should have been delivered last week" "when will the plastic card reach my flat"
  "no sign of my card in the letterbox yet" "did you send my card to the old address"
  "card delivery seems to be taking forever" "what is the usual wait for a posted card")
for i in $(seq 1 "$n"); do
  text="${phrasings[$(( (i - 1) % ${#phrasings[@]} ))]}"
  id=$(post -d "{\"proposals\":[{\"bot\":\"banking\",\"text\":\"$text\",\"intent\":\"card_arrival\"}]}" \
    "$url/v1/proposals" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  post -o "$data/decided.json" -w '%{time_total}\n' \
    -d "{\"decisions\":[{\"id\":\"$id\",\"verdict\":\"approve\"}]}" "$url/v1/proposals/decisions" >>"$data/times"
  python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["builds"][0]; print(" ", b["outcome"], "v%s" % b["version"], "gate tests:", (b["report"] or {}).get("tests"))' "$data/decided.json"
done
grep -o 'elapsed=[0-9.]*[a-z]*\|version now serving.*' "$data/err.log" | sed 's/\x1b\[[0-9;]*m//g' | tail -n 6 || true
[ -n "${SHOW_LOG:-}" ] && sed "s/\x1b\[[0-9;]*m//g" "$data/err.log" | tail -n 40
python3 - "$data/times" <<'PY'
import statistics, sys
t = sorted(float(x) for x in open(sys.argv[1]))
print(f"approve → serving over {len(t)} approvals: p50 {statistics.median(t):.2f} s, max {t[-1]:.2f} s, min {t[0]:.2f} s")
PY
