#!/usr/bin/env bash
# The relay under load, side by side in one run: every `wsn bench` workload against one
# `wsn relay` over ws, wss, wsn and wsns, printed as Markdown tables (docs/benchmarks.md).
#
#   bench/relay_matrix.sh [path/to/wsn]        (default build-rel/wsn; a Release build)
#
# Environment: DURATION (seconds per timed cell, default 10), IDLE (idle connections,
# default 2000), SUBSCRIBERS (fan-out, default 1000), RATE (fan-out events/s, default 10),
# EVENTS (publish, per scheme, default 30000). The relay runs with rate limits off, data
# in a temporary folder; each idle cell gets a fresh relay, so memory freed by an earlier
# cell is not counted as free for the next.
set -euo pipefail
WSN=$(realpath "${1:-build-rel/wsn}")
DURATION=${DURATION:-10}
IDLE=${IDLE:-2000}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
RATE=${RATE:-10}
EVENTS=${EVENTS:-30000}

dir=$(mktemp -d /tmp/wsn-matrix-XXXXXX)
relay_pid=
cleanup() {
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
cat > "$dir/bench.toml" <<'EOF'
[rate_limits]
events_per_ip = { per_second = 0, burst = 0 }
events_per_pubkey = { per_second = 0, burst = 0 }
reqs_per_ip = { per_second = 0, burst = 0 }
[limits]
max_connections_per_ip = 0  # every bench client dials from one address
EOF
ulimit -n "$(ulimit -Hn)"
port=$((20000 + RANDOM % 20000))
# start_relay DATA_DIR: a relay on $port (plain) and $port+1 (TLS); sets relay_pid, npub, uri.
start_relay() {
  port=$((port + 2))
  "$WSN" relay --config "$dir/bench.toml" --data "$1" --listen "127.0.0.1:$port" \
    --listen-tls "127.0.0.1:$((port + 1))" --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" \
    > "$dir/relay.out" 2>> "$dir/relay.log" &
  relay_pid=$!
  for _ in $(seq 50); do grep -q '^wsns://' "$dir/relay.out" 2>/dev/null && break; sleep 0.1; done
  npub=$(grep -o 'npub1[0-9a-z]*' "$dir/relay.out" | head -1)
  [ -n "$npub" ] || { echo "relay did not start:" >&2; cat "$dir/relay.log" >&2; exit 1; }
  uri=([ws]="ws://127.0.0.1:$port" [wss]="wss://127.0.0.1:$((port + 1))"
       [wsn]="wsn://$npub@127.0.0.1:$port" [wsns]="wsns://$npub@127.0.0.1:$((port + 1))")
}
stop_relay() { kill "$relay_pid"; wait "$relay_pid" || true; relay_pid=; }
declare -A uri
schemes=(ws wss wsn wsns)

bench() { "$WSN" bench "$@" --tls-ca "$dir/cert.pem" --json 2>>"$dir/bench.err" | tail -1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "relay: $WSN relay (rate limits off), generator on the same machine; ${DURATION} s per timed cell"
results="$dir/results.jsonl"
for s in "${schemes[@]}"; do
  start_relay "$dir/idle-$s"
  bench handshake "${uri[$s]}" --count 1 > /dev/null  # first-use allocations before the baseline
  echo "{\"scheme\":\"$s\",\"r\":$(bench idle "${uri[$s]}" --connections "$IDLE" --duration 3 --pid "$relay_pid")}" >> "$results"
  stop_relay
done
start_relay "$dir/data"
seed=1
for s in "${schemes[@]}"; do
  u=${uri[$s]}
  { echo "{\"scheme\":\"$s\",\"r\":$(bench handshake "$u" --connections 8 --duration "$DURATION")}"
    echo "{\"scheme\":\"$s\",\"r\":$(bench publish "$u" --count "$EVENTS" --seed "$seed" --connections 4 --inflight 250 --duration "$DURATION")}"
    echo "{\"scheme\":\"$s\",\"r\":$(bench req "$u" --dataset 10000 --seed 1000 --connections 4 --inflight 8 --duration "$DURATION")}"
    echo "{\"scheme\":\"$s\",\"r\":$(bench fanout "$u" --subscribers "$SUBSCRIBERS" --count $((RATE * 5)) --rate "$RATE")}"
  } >> "$results"
  seed=$((seed + 1))
done
stop_relay

"$WSN" bench gen --count "$EVENTS" --seed 99 > "$dir/import.jsonl"
t0=$(date +%s.%N)
"$WSN" import --data "$dir/import-data" "$dir/import.jsonl" > "$dir/import.out" 2>&1
t1=$(date +%s.%N)

RATE=$RATE node - "$results" <<'EOF'
const rows = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const get = (s, w) => (rows.find(x => x.scheme === s && x.r.workload === w) || {}).r || {};
const f = (v, d = 0) => v === undefined ? '–' : Number(v).toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d});
const schemes = ['ws', 'wss', 'wsn', 'wsns'];
const table = (title, head, cell) => {
  console.log(`\n${title}\n\n| scheme | ${head.join(' | ')} |\n|---|${head.map(() => '---|').join('')}`);
  for (const s of schemes) console.log(`| ${s} | ${cell(s).join(' | ')} |`);
};
table('handshake (8 dialers; connect + handshake + REQ/EOSE + close)', ['handshakes/s', 'p50 ms', 'p99 ms', 'errors'],
  s => { const r = get(s, 'handshake'); return [f(r.handshakes_per_sec), f(r.p50_ms, 2), f(r.p99_ms, 2), f(r.errors)]; });
table('publish (4 connections × 250 in flight, fresh signed events)', ['events/s OK true', 'ok', 'rejected', 'p50 ms', 'p99 ms'],
  s => { const r = get(s, 'publish'); return [f(r.events_per_sec), f(r.ok), f(r.rejected), f(r.p50_ms, 2), f(r.p99_ms, 2)]; });
table('req (10,000 events loaded; 4 connections × 8 REQs in flight; mixed filters)', ['queries/s', 'events received', 'p50 ms', 'p99 ms'],
  s => { const r = get(s, 'req'); return [f(r.queries_per_sec), f(r.events_received), f(r.p50_ms, 2), f(r.p99_ms, 2)]; });
table(`fanout (one publisher, ${process.env.RATE} events/s)`, ['subscribers', 'delivered / expected', 'p50 ms', 'p99 ms'],
  s => { const r = get(s, 'fanout'); return [f(r.subscribers), `${f(r.delivered)} / ${f(r.expected)}`, f(r.p50_ms, 2), f(r.p99_ms, 2)]; });
table('idle (connections held, each with one open REQ; relay RSS from /proc)', ['held', 'RSS growth per connection'],
  s => { const r = get(s, 'idle'); return [f(r.held), r.rss_per_connection_bytes === undefined ? '–' : `${f(r.rss_per_connection_bytes / 1024, 1)} KiB`]; });
EOF
echo
awk -v n="$EVENTS" -v a="$t0" -v b="$t1" -v out="$(tr '\n' ' ' < "$dir/import.out" | tail -c 200)" \
  'BEGIN { printf "import: %d events in %.2f s: %.0f events/s (wsn import, verifying); it said: %s\n", n, b - a, n / (b - a), out }'
if [ -s "$dir/bench.err" ]; then echo; echo "generator messages:"; sort "$dir/bench.err" | uniq -c | head -20; fi
