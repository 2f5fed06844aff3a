#!/usr/bin/env bash
# LMDB against PostgreSQL, side by side in one run (docs/benchmarks.md): ingest
# (`wsn bench publish`) and REQ (`wsn bench req`) on a relay with each store, and live
# latency (`wsn bench fanout`) within one frontend and across two frontends of one
# PostgreSQL. Prints Markdown tables: rates, latency, and CPU per operation of the relay
# (from /proc, --pid) and of PostgreSQL (all its processes, from /proc).
#
#   bench/store_matrix.sh [path/to/wsn]        (default build/wsn)
#
# Environment: EVENTS (publish, default 20000), DATASET (req, default 10000), DURATION
# (seconds per timed cell, default 10), SUBSCRIBERS (fanout, default 100), RATE (fanout
# events/s, default 50). PostgreSQL runs from scripts/pg.sh with its defaults (fsync on,
# synchronous_commit on), LMDB with sync on: both answer OK only once on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
WSN=$(realpath "${1:-build/wsn}")
EVENTS=${EVENTS:-20000}
DATASET=${DATASET:-10000}
DURATION=${DURATION:-10}
SUBSCRIBERS=${SUBSCRIBERS:-100}
RATE=${RATE:-50}

dir=$(mktemp -d /tmp/wsn-store-matrix-XXXXXX)
chmod 755 "$dir"  # PostgreSQL runs as another user when we are root (scripts/pg.sh)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh destroy "$dir/pg" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

url=$(scripts/pg.sh start "$dir/pg")
cat > "$dir/bench.toml" <<'EOF'
[rate_limits]
events_per_ip = { per_second = 0, burst = 0 }
events_per_pubkey = { per_second = 0, burst = 0 }
reqs_per_ip = { per_second = 0, burst = 0 }
EOF
ulimit -n "$(ulimit -Hn)"
port=$((20000 + RANDOM % 20000))
declare -A ws pid
# start NAME ARGS...: a relay on the next port; sets ws[NAME] and pid[NAME].
start() {
  local name=$1; shift
  port=$((port + 1))
  "$WSN" relay --config "$dir/bench.toml" --listen "127.0.0.1:$port" "$@" > "$dir/$name.out" 2>> "$dir/$name.log" &
  pids+=($!)
  pid[$name]=$!
  for _ in $(seq 100); do grep -q '^wsn://' "$dir/$name.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '^wsn://' "$dir/$name.out" || { echo "relay $name did not start:" >&2; cat "$dir/$name.log" >&2; exit 1; }
  ws[$name]="ws://127.0.0.1:$port"
}
start lmdb --data "$dir/lmdb"
start pg1 --data "$dir/pg1" --key "$dir/relay.key" --store "$url"
start pg2 --data "$dir/pg2" --key "$dir/relay.key" --store "$url"

# CPU ticks of every PostgreSQL process (the postmaster and its children).
pg_ticks() {
  local master; master=$(head -1 "$dir/pg/data/postmaster.pid")
  { echo "$master"; pgrep -P "$master"; } | while read -r p; do
    awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
  done | awk '{ s += $1 } END { print s + 0 }'
}
# cell NAME RELAY WORKLOAD ARGS...: one JSON line with the report and PostgreSQL's CPU.
results="$dir/results.jsonl"
cell() {
  local name=$1 relay=$2 workload=$3; shift 3
  local before after r
  before=$(pg_ticks)
  r=$("$WSN" bench "$workload" "${ws[$relay]}" --pid "${pid[$relay]}" --json "$@" 2>>"$dir/bench.err" | tail -1)
  after=$(pg_ticks)
  echo "{\"cell\":\"$name\",\"pg_cpu_ms\":$(( (after - before) * 1000 / $(getconf CLK_TCK) )),\"r\":$r}" >> "$results"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "relays: $WSN relay (rate limits off), generator on the same machine; PostgreSQL $(scripts/pg.sh url "$dir/pg")"
"$WSN" bench gen --count "$EVENTS" --seed 7 > "$dir/events.jsonl"
for s in lmdb pg1; do cell "$s" "$s" publish --events "$dir/events.jsonl" --connections 4 --inflight 250 --duration 120; done
for s in lmdb pg1; do cell "$s" "$s" req --dataset "$DATASET" --seed 1000 --connections 4 --inflight 8 --duration "$DURATION"; done
fanout=(--subscribers "$SUBSCRIBERS" --count $((RATE * 5)) --rate "$RATE")
cell lmdb lmdb fanout "${fanout[@]}"
cell pg-same pg1 fanout "${fanout[@]}"
cell pg-across pg2 fanout "${fanout[@]}" --publish-to "${ws[pg1]}"

node - "$results" <<'EOF'
const rows = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const get = (c, w) => rows.find(x => x.cell === c && x.r.workload === w) || { r: {} };
const f = (v, d = 0) => v === undefined ? '–' : Number(v).toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d});
const per = (ms, n) => n ? f(ms * 1000 / n, 1) : '–';
const table = (title, cells, head, cell) => {
  console.log(`\n${title}\n\n| store | ${head.join(' | ')} |\n|---|${head.map(() => '---|').join('')}`);
  for (const [c, label] of cells) console.log(`| ${label} | ${cell(get(c, title.split(' ')[0])).join(' | ')} |`);
};
const stores = [['lmdb', 'LMDB'], ['pg1', 'PostgreSQL']];
table('publish (4 connections × 250 in flight, pre-signed events)', stores,
  ['events/s OK true', 'p50 ms', 'p99 ms', 'relay CPU µs/event', 'PostgreSQL CPU µs/event'],
  ({ r, pg_cpu_ms }) => [f(r.events_per_sec), f(r.p50_ms, 1), f(r.p99_ms, 1), f(r.relay_cpu_us_per_op, 1), r.ok ? per(pg_cpu_ms, r.ok) : '–']);
table('req (4 connections × 8 REQs in flight, the realistic filter mix)', stores,
  ['queries/s', 'events received', 'p50 ms', 'p99 ms', 'relay CPU µs/query', 'PostgreSQL CPU µs/query'],
  ({ r, pg_cpu_ms }) => [f(r.queries_per_sec), f(r.events_received), f(r.p50_ms, 2), f(r.p99_ms, 2), f(r.relay_cpu_us_per_op, 1), per(pg_cpu_ms, r.queries)]);
table(`fanout (${rows.find(x => x.r.workload === 'fanout')?.r.subscribers ?? '?'} subscribers, one publisher)`,
  [['lmdb', 'LMDB, one relay'], ['pg-same', 'PostgreSQL, same frontend'], ['pg-across', 'PostgreSQL, across frontends']],
  ['delivered / expected', 'p50 ms', 'p99 ms'],
  ({ r }) => [`${f(r.delivered)} / ${f(r.expected)}`, f(r.p50_ms, 2), f(r.p99_ms, 2)]);
EOF
if [ -s "$dir/bench.err" ]; then echo; echo "generator messages:"; sort "$dir/bench.err" | uniq -c | head -20; fi
