#!/usr/bin/env bash
# wsn relay against strfry, side by side in one run (docs/benchmarks.md): a fresh `wsn relay`
# and a fresh strfry on loopback, plain ws both, each in a temporary folder; `wsn bench`
# publish, req, fanout and idle against both, interleaved (the order alternates every round),
# three rounds; each relay's CPU time from /proc around every measured phase (`--pid`, all
# its threads), and for ingest the bytes it wrote to storage (/proc/PID/io, root). Prints
# one Markdown table: the median of the rounds, each round, the ratio.
#
#   bench/vs_strfry.sh STRFRY_BINARY [WSN_BINARY]     (default build/wsn)
#
# Environment: ROUNDS (3), EVENTS (publish, fresh events per relay and round, 20000),
# DATASET (req, loaded into both before the rounds, 20000), DURATION (seconds of req, 10),
# SUBSCRIBERS (fanout, 1000), RATE (fanout events/s, 10), FANOUT_EVENTS (50), IDLE (idle
# connections, 1000; a fresh relay pair per round, so memory freed by other cells is not
# counted). The defaults take about 8 minutes on 2 cores.
#
# Equivalent settings: both with their defaults except what the bench needs: wsn's rate
# limits and per-IP connection cap off (its defaults refuse a benchmark from one address);
# strfry's auth and permessage-deflate off (wsn speaks neither on plain ws here), its
# filter size raised to 1,000 items (home feeds of the mix name up to 350 authors; its
# default is 200) and its open-file limit left to this shell's (raised to the hard limit).
# Both store on LMDB with their default durability and answer OK after their commit.
set -euo pipefail
cd "$(dirname "$0")/.."
STRFRY=$(realpath "${1:?usage: bench/vs_strfry.sh STRFRY_BINARY [WSN_BINARY]}")
WSN=$(realpath "${2:-build/wsn}")
ROUNDS=${ROUNDS:-3}
EVENTS=${EVENTS:-20000}
DATASET=${DATASET:-20000}
DURATION=${DURATION:-10}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
RATE=${RATE:-10}
FANOUT_EVENTS=${FANOUT_EVENTS:-50}
IDLE=${IDLE:-1000}

dir=$(mktemp -d /tmp/wsn-vs-strfry-XXXXXX)
declare -A pid url
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pid[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

cat > "$dir/wsn.toml" <<'EOF'
[limits]
max_connections_per_ip = 0
[rate_limits]
events_per_ip = { per_second = 0, burst = 0 }
events_per_pubkey = { per_second = 0, burst = 0 }
reqs_per_ip = { per_second = 0, burst = 0 }
EOF
# strfry.conf: only what differs from its defaults; db is set per instance on the command line.
cat > "$dir/strfry.conf" <<'EOF'
relay {
    bind = "127.0.0.1"
    nofiles = 0
    maxReqFilterSize = 1000
    auth { enabled = false }
    compression { enabled = false }
}
EOF

# free_port: a loopback port nothing listens on (bounded tries).
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 30000))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "no free port found" >&2; exit 1
}
# wait_ws PORT NAME LOG: until the relay accepts connections (at most 10 s).
wait_ws() {
  for _ in $(seq 100); do
    ss -Hltn "sport = :$1" | grep -q . && return
    kill -0 "${pid[$2]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$2 did not start:" >&2; tail -20 "$3" >&2; exit 1
}
# start NAME: a fresh relay (wsn-* or strfry-*) in its own folder; sets pid[NAME], url[NAME].
start() {
  local name=$1 port; port=$(free_port)
  mkdir -p "$dir/$name"
  if [[ $name == wsn* ]]; then
    "$WSN" relay --config "$dir/wsn.toml" --data "$dir/$name" --listen "127.0.0.1:$port" \
      > "$dir/$name.out" 2> "$dir/$name.log" &
  else
    "$STRFRY" --config "$dir/strfry.conf" --set "db=$dir/$name/" --set "relay.port=$port" relay \
      > "$dir/$name.out" 2> "$dir/$name.log" &
  fi
  pid[$name]=$!
  url[$name]="ws://127.0.0.1:$port"
  wait_ws "$port" "$name" "$dir/$name.log"
}
stop() { kill "${pid[$1]}"; wait "${pid[$1]}" 2>/dev/null || true; unset "pid[$1]"; rm -rf "${dir:?}/$1"; }

results="$dir/results.jsonl"
# cell RELAY ROUND WORKLOAD ARGS...: one bench run, one JSON line in $results.
cell() {
  local name=$1 round=$2 workload=$3; shift 3
  local r
  r=$("$WSN" bench "$workload" "${url[$name]}" --pid "${pid[$name]}" --json "$@" 2>>"$dir/bench.err" | tail -1)
  [ -n "$r" ] || r='{}'
  echo "{\"relay\":\"${name%%-*}\",\"round\":$round,\"workload\":\"$workload\",\"r\":$r}" >> "$results"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wsn: $WSN ($("$WSN" --version 2>/dev/null | head -1))"
echo "strfry: $STRFRY ($("$STRFRY" --version 2>/dev/null | grep -v WARNING | head -1))"
echo "rounds $ROUNDS; publish $EVENTS events; req $DATASET events loaded, ${DURATION} s; fanout $SUBSCRIBERS subscribers × $FANOUT_EVENTS events at $RATE/s; idle $IDLE connections"

"$WSN" bench gen --count "$DATASET" --seed 1000 > "$dir/dataset.jsonl"
start wsn-data
start strfry-data
for r in wsn-data strfry-data; do
  "$WSN" bench publish "${url[$r]}" --pid "${pid[$r]}" --events "$dir/dataset.jsonl" --connections 4 --inflight 250 \
    --duration 300 --json > "$dir/preload-${r%%-*}.json" 2>>"$dir/bench.err"
done

for round in $(seq "$ROUNDS"); do
  order=(wsn strfry); ((round % 2)) || order=(strfry wsn)
  echo "round $round of $ROUNDS (${order[*]}), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for x in "${order[@]}"; do
    cell "$x-data" "$round" publish --count "$EVENTS" --seed "$((round + 1))" --connections 8 --inflight 250 --duration 120
  done
  for x in "${order[@]}"; do
    cell "$x-data" "$round" req --events "$dir/dataset.jsonl" --connections 4 --inflight 8 --duration "$DURATION"
  done
  for x in "${order[@]}"; do
    cell "$x-data" "$round" fanout --subscribers "$SUBSCRIBERS" --count "$FANOUT_EVENTS" --rate "$RATE" --seed "$((100 + round))"
  done
  for x in "${order[@]}"; do
    start "$x-idle"
    "$WSN" bench handshake "${url[$x-idle]}" --count 1 > /dev/null 2>&1  # first-use allocations before the baseline
    cell "$x-idle" "$round" idle --connections "$IDLE" --duration 3
    stop "$x-idle"
  done
done

echo
node - "$results" "$dir/preload-wsn.json" "$dir/preload-strfry.json" <<'EOF'
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const preload = process.argv.slice(3).map(p => { try { return JSON.parse(fs.readFileSync(p, 'utf8').trim().split('\n').pop()); } catch { return {}; } });
const vals = (relay, w, key) => rows.filter(x => x.relay === relay && x.workload === w).map(x => key(x.r)).filter(v => typeof v === 'number' && isFinite(v));
const median = a => { if (!a.length) return undefined; const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f = (v, d) => v === undefined ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
// [workload, label, value of a report, decimals, better: 'high' or 'low']
const metrics = [
  ['publish', 'ingest: events/s (OK true), 8 × 250 in flight', r => r.events_per_sec, 0, 'high'],
  ['publish', 'ingest: p50 / p99 ms', r => r.p50_ms, 1, 'low', r => r.p99_ms],
  ['publish', 'ingest: relay CPU µs per event', r => r.relay_cpu_us_per_op, 1, 'low'],
  ['publish', 'ingest: KiB written to storage per event', r => r.relay_write_bytes_per_op === undefined ? undefined : r.relay_write_bytes_per_op / 1024, 1, 'low'],
  ['req', 'REQ: queries/s, 4 × 8 in flight, the bench mix', r => r.queries_per_sec, 0, 'high'],
  ['req', 'REQ: events per query', r => r.queries ? r.events_received / r.queries : undefined, 1, 'same'],
  ['req', 'REQ: p50 / p99 ms', r => r.p50_ms, 2, 'low', r => r.p99_ms],
  ['req', 'REQ: relay CPU µs per query', r => r.relay_cpu_us_per_op, 1, 'low'],
  ['fanout', 'fan-out: delivered of expected', r => r.expected ? r.delivered / r.expected * 100 : undefined, 1, 'same'],
  ['fanout', 'fan-out: p50 / p99 ms', r => r.p50_ms, 2, 'low', r => r.p99_ms],
  ['fanout', 'fan-out: relay CPU µs per delivery', r => r.relay_cpu_us_per_op, 1, 'low'],
  ['idle', 'idle: relay RSS KiB per connection (one open REQ each)', r => r.rss_per_connection_bytes === undefined ? undefined : r.rss_per_connection_bytes / 1024, 1, 'low'],
];
console.log('| metric | wsn (median) | wsn rounds | strfry (median) | strfry rounds | wsn ÷ strfry |');
console.log('|---|---|---|---|---|---|');
for (const [w, label, key, d, better, key2] of metrics) {
  const cols = [];
  const m = {};
  for (const relay of ['wsn', 'strfry']) {
    const a = vals(relay, w, key), b = key2 ? vals(relay, w, key2) : [];
    m[relay] = [median(a), median(b)];
    const med = key2 ? `${f(median(a), d)} / ${f(median(b), d)}` : f(median(a), d);
    const each = key2 ? a.map((v, i) => `${f(v, d)} / ${f(b[i], d)}`).join(' · ') : a.map(v => f(v, d)).join(' · ');
    cols.push(`**${med}**`, each);
  }
  const ratio = i => (m.wsn[i] !== undefined && m.strfry[i]) ? m.wsn[i] / m.strfry[i] : undefined;
  let rs = key2 ? `${f(ratio(0), 2)} / ${f(ratio(1), 2)}` : f(ratio(0), 2);
  if (better === 'high') rs += '× (higher is better)';
  else if (better === 'low') rs += '× (lower is better)';
  console.log(`| ${label} | ${cols.join(' | ')} | ${rs} |`);
}
const pl = preload.map(p => `${f(p.events_per_sec, 0)} events/s, ${f(p.relay_cpu_us_per_op, 1)} µs CPU per event${p.ok !== undefined ? `, ${f(p.ok, 0)} OK` : ''}`);
console.log(`\nreq data set loaded before the rounds (4 × 250 in flight; not in the table): wsn ${pl[0]}; strfry ${pl[1]}`);
EOF
if [ -s "$dir/bench.err" ]; then echo; echo "generator messages:"; sort "$dir/bench.err" | uniq -c | head -20; fi
