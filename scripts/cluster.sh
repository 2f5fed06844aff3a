#!/usr/bin/env bash
# The scale-out deployment of docs/scale-out.md on one machine: a PostgreSQL primary
# and a streaming replica (scripts/pg.sh, on 127.0.0.1), and three relay frontends on
# three ports sharing them and one relay key. Prints the frontends' addresses, then
# runs until Ctrl-C, when it stops everything and removes its folder.
#
#   scripts/cluster.sh [path/to/wsn]       (default: build/wsn)
#
# Environment: PORT (first frontend's port, default 7451; the others follow, the
# databases take PORT+10 and PORT+11), DIR (a folder to keep instead of a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
WSN=$(realpath "${1:-build/wsn}")
PORT=${PORT:-7451}
[[ -x $WSN ]] || { echo "cluster.sh: no wsn binary at $WSN (scripts/build.sh makes build/wsn)" >&2; exit 1; }

keep=${DIR:+1}
dir=${DIR:-$(mktemp -d /tmp/wsn-cluster-XXXXXX)}
mkdir -p "$dir"
chmod 755 "$dir"  # PostgreSQL runs as another user when we are root (scripts/pg.sh)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$dir/replica" >/dev/null 2>&1 || true
  scripts/pg.sh stop "$dir/primary" >/dev/null 2>&1 || true
  [[ -n $keep ]] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

if [[ ! -d $dir/primary/data ]]; then
  primary=$(scripts/pg.sh start "$dir/primary" --port $((PORT + 10)))
  replica=$(scripts/pg.sh start "$dir/replica" --port $((PORT + 11)) --replica-of "$dir/primary")
else
  scripts/pg.sh restart "$dir/primary"
  scripts/pg.sh restart "$dir/replica"
  primary=$(scripts/pg.sh url "$dir/primary")
  replica=$(scripts/pg.sh url "$dir/replica")
fi
echo "PostgreSQL primary: $primary"
echo "PostgreSQL replica: $replica (streaming)"

cat > "$dir/frontend.toml" <<EOF
[relay]
key_file = "$dir/relay.key"

[store]
backend = "postgres"
url = "$primary"
read_url = "$replica"
pool_size = 4
EOF

for i in 0 1 2; do
  port=$((PORT + i))
  "$WSN" relay --config "$dir/frontend.toml" --data "$dir/frontend$i" --listen "127.0.0.1:$port" \
    > "$dir/frontend$i.out" 2> "$dir/frontend$i.log" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q '^wsn://' "$dir/frontend$i.out" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$dir/frontend$i.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "frontend $i: $(grep -m1 '^wsn://' "$dir/frontend$i.out")   ws://127.0.0.1:$port   (log: $dir/frontend$i.log)"
done
echo "Every frontend proves the same key. Publish to one, subscribe on another:"
echo "  $WSN req $(grep -m1 '^wsn://' "$dir/frontend1.out") --stream &"
echo "  $WSN event $(grep -m1 '^wsn://' "$dir/frontend0.out") --content hello"
echo "Ctrl-C stops the cluster."
wait
