#!/usr/bin/env bash
# NIP-77 sync against downloading everything (docs/benchmarks.md): a relay and a local store
# of N events each, differing by 1 % each way; `wsn sync --dir down` (reconcile, then fetch
# the 1 %) against `wsn sync --dir down` into an empty store (every event fetched). Time
# and bytes on the wire (both directions, counted by a TCP relay in front of the relay, ws://).
#
#   bench/sync_vs_download.sh [path/to/wsn]      (default build/wsn; N=100000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
WSN=$(realpath "${1:-build/wsn}")
N=${N:-100000}
dir=$(mktemp -d /tmp/wsn-sync-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

total=$((N + N / 100))
"$WSN" bench gen --count "$total" --seed 21 --base-time 1790000000 > "$dir/all.jsonl"
awk 'NR % 100 != 2' "$dir/all.jsonl" > "$dir/relay.jsonl"   # the store lacks NR%100==2... 
awk 'NR % 100 != 3' "$dir/all.jsonl" > "$dir/local.jsonl"   # ...and the relay NR%100==3
"$WSN" import "$dir/relay.jsonl" --data "$dir/relay" --no-verify 2>/dev/null
printf '[rate_limits]\nevents_per_ip = { per_second = 0 }\nreqs_per_ip = { per_second = 0 }\n' > "$dir/relay.toml"
"$WSN" relay --data "$dir/relay" --listen 127.0.0.1:0 --config "$dir/relay.toml" > "$dir/relay.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^wsn://' "$dir/relay.out" && break; sleep 0.1; done
port=$(grep -m1 '^wsn://' "$dir/relay.out" | sed 's/.*://')

# A counting TCP relay: prints the bytes of each connection both ways when it closes.
cat > "$dir/count.mjs" <<'JS'
import net from 'node:net';
const [target, out] = [Number(process.argv[2]), process.argv[3]];
const fs = await import('node:fs');
const srv = net.createServer((c) => {
  const u = net.connect(target, '127.0.0.1');
  let up = 0, down = 0;
  c.on('data', (d) => { up += d.length; u.write(d); });
  u.on('data', (d) => { down += d.length; c.write(d); });
  const end = () => { c.destroy(); u.destroy(); };
  c.on('close', () => { fs.appendFileSync(out, `${up} ${down}\n`); end(); });
  u.on('close', end); c.on('error', end); u.on('error', end);
});
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
JS
node "$dir/count.mjs" "$port" "$dir/bytes" > "$dir/proxy.out" &
pids+=($!)
for _ in $(seq 50); do [ -s "$dir/proxy.out" ] && break; sleep 0.1; done
proxy=$(cat "$dir/proxy.out")

run() {  # name, local data folder
  "$WSN" import "$2.jsonl" --data "$2" --no-verify 2>/dev/null || true
  : > "$dir/bytes"
  local json
  json=$("$WSN" sync "ws://127.0.0.1:$proxy" --data "$2" --dir down --json --timeout 60 2>/dev/null)
  sleep 0.3
  read -r up down < "$dir/bytes"
  echo "| $1 | $(echo "$json" | sed 's/.*"need":\([0-9]*\).*/\1/') | $(echo "$json" | sed 's/.*"seconds":\([0-9.]*\).*/\1/') | $up | $down | $((up + down)) |"
}
: > "$dir/empty.jsonl"
echo "| $N events on the relay | events fetched | seconds | bytes up | bytes down | bytes total |"
echo "|---|---|---|---|---|---|"
run "sync a store that differs by 1 % each way" "$dir/local"
run "download everything (empty store)" "$dir/empty"
