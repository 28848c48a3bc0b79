# Sourced by the bench scripts: starts a real server on a fresh SQLite database (the sample
# bot, logs at $SWITCHBOARD_LOG or warn, export off) and stops it on exit. Sets `data` (its data
# dir), `bin`, `db`, `pid`, `url`, `widget` (the widget's client token) and `sup` (a supervisor
# token made before the start).
data="$(mktemp -d)"
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
bin="$CARGO_TARGET_DIR/debug/switchboard"
db="sqlite://$data/sb.db"
sup=$("$bin" token create --role supervisor --name bench-sup --data-dir "$data" --database-url "$db")
SWITCHBOARD_LOG=${SWITCHBOARD_LOG:-warn} SWITCHBOARD_EXPORT_BOTS=false "$bin" serve --listen 127.0.0.1:0 \
  --data-dir "$data" --database-url "$db" >"$data/out.log" 2>"$data/err.log" &
pid=$!
until url=$(grep -o 'http://[0-9.:]*' "$data/out.log" | head -n1) && [ -n "$url" ]; do
  kill -0 $pid 2>/dev/null || { cat "$data/err.log"; exit 1; }
  sleep 0.5
done
widget=$(cat "$data/widget-token")
echo "server $url; $(nproc) cores; $(grep -m1 -o 'avx512_vnni' /proc/cpuinfo || echo 'AVX2 only'); $(date -u +%F)"
