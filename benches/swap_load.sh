#!/usr/bin/env bash
# Hot swap under load: 200 chat sessions keep talking while supervisors' approvals publish new
# versions of the sample bot (each merged, trained, gated and swapped in on the same 2 cores);
# every turn is classified: answered by the bot, delivered to a person after a handoff, or failed
# (an `error` reply by code, or no reply). The same load without publishing runs first, as the peer.
# Usage: benches/swap_load.sh [seconds per run] [approvals]   (figures go to benches/RESULTS.md by hand)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
duration="${1:-90}"
approvals="${2:-3}"
cargo build -p switchboard -p switchboard-benches --bins
source "$ROOT/benches/server.sh"
load() { "$CARGO_TARGET_DIR/debug/chat_load" --url "$url" --token "$widget" --sessions 200 --interval 5 --duration "$duration"; }
post() { curl -sS -H "Authorization: Bearer $sup" -H 'Content-Type: application/json' "$@"; }
version() { curl -sS -H "Authorization: Bearer $sup" "$url/v1/bots/banking" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }
echo "peer: the same load, nothing published (serving v$(version))"
load
echo "with $approvals approvals published during the run"
load &
loader=$!
sleep 10
phrasings=("has the courier picked up my replacement card" "my debit card still has not come in the post"
  "how many days until the card you mailed shows up" "is there tracking for the card you sent me"
  "the card should have been delivered last week")
for i in $(seq 1 "$approvals"); do
  text="${phrasings[$(( (i - 1) % ${#phrasings[@]} ))]}"
  id=$(post -d "{\"proposals\":[{\"bot\":\"banking\",\"text\":\"$text\",\"intent\":\"card_arrival\"}]}" \
    "$url/v1/proposals" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  took=$(post -o "$data/decided.json" -w '%{time_total}' \
    -d "{\"decisions\":[{\"id\":\"$id\",\"verdict\":\"approve\"}]}" "$url/v1/proposals/decisions")
  python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["builds"][0]; print("  approval", sys.argv[2], b["outcome"], "v%s" % b["version"], "in", sys.argv[3], "s")' \
    "$data/decided.json" "$i" "$took"
done
wait $loader
echo "serving v$(version) at the end"
