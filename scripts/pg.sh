#!/usr/bin/env bash
# A throwaway PostgreSQL from Debian's packages, for tests, benchmarks and the cluster demo.
# The cluster lives in DIR (data, socket, log); it listens on a Unix socket in DIR only,
# unless --port is given (then also on 127.0.0.1:PORT). As root (CI) it runs as the
# `postgres` user the Debian package creates, or as `nobody` if that user is missing:
# PostgreSQL refuses to run as root.
#
#   scripts/pg.sh start DIR [--port N] [--fast] [--replica-of PRIMARY_DIR]
#       initdb (or pg_basebackup from a running primary), start, create database `wsn`
#       (primary only), print the connection URL.  --fast: fsync off (tests; a crash of
#       the machine may lose data, a crash of a client never does).
#   scripts/pg.sh fresh DIR ...     destroy whatever is in DIR, then start
#   scripts/pg.sh stop DIR          stop (fast shutdown) and leave the files
#   scripts/pg.sh destroy DIR       stop and remove DIR
#   scripts/pg.sh url DIR           print the URL again
#   scripts/pg.sh restart DIR       stop and start the same cluster again
#
# URLs: postgresql://wsn@/wsn?host=DIR (socket) or postgresql://wsn@127.0.0.1:PORT/wsn.
# Authentication is `trust` for local connections only: a cluster for one machine's tests.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }
[[ $# -ge 2 ]] || die "usage: pg.sh start|fresh|stop|destroy|url|restart DIR [--port N] [--fast] [--replica-of DIR]"
cmd=$1 dir=$2
shift 2
port= fast= primary=
while [[ $# -gt 0 ]]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --fast) fast=1; shift ;;
    --replica-of) primary=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $bindir/initdb ]] || die "PostgreSQL server binaries not found (install postgresql-15: scripts/deps.sh)"

# Who runs the server: the caller, unless root.
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  user=postgres
  id -u "$user" >/dev/null 2>&1 || user=nobody
  group=$(id -gn "$user")
  as_user=(setpriv --reuid="$user" --regid="$group" --clear-groups --reset-env)
fi
run() { "${as_user[@]}" "$@"; }

url() {
  local p; p=$(cat "$dir/port")
  if [[ -f $dir/tcp ]]; then echo "postgresql://wsn@127.0.0.1:$p/wsn"
  else echo "postgresql://wsn@/wsn?host=$dir&port=$p"; fi
}

start_server() {
  local p; p=$(cat "$dir/port")
  local listen="''"
  [[ -f $dir/tcp ]] && listen=127.0.0.1
  run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -s \
    -o "-c listen_addresses=$listen -c port=$p -c unix_socket_directories=$dir" start \
    || { tail -20 "$dir/log" >&2; die "server in $dir did not start"; }
}

if [[ $cmd == fresh ]]; then
  "$0" destroy "$dir"
  cmd=start
fi

case $cmd in
  start)
    mkdir -p "$dir"
    [[ -e $dir/data ]] && die "$dir/data exists (use restart, or destroy first)"
    echo "${port:-5432}" > "$dir/port"
    [[ -n $port ]] && touch "$dir/tcp"
    [[ ${#as_user[@]} -eq 0 ]] || chown -R "$user:$group" "$dir"
    run test -w "$dir" || die "user $(run id -un) cannot write $dir (a parent folder closed to others?)"
    if [[ -n $primary ]]; then
      ppath=$(cat "$primary/port")
      run "$bindir/pg_basebackup" -h "$primary" -p "$ppath" -U wsn -D "$dir/data" -R -X stream -c fast \
        || die "pg_basebackup from $primary failed"
    else
      run "$bindir/initdb" -D "$dir/data" -U wsn --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
      {
        echo "max_connections = 200"
        echo "wal_level = replica"
        echo "max_wal_senders = 8"
        echo "hot_standby = on"
        [[ -n $fast ]] && echo "fsync = off" && echo "full_page_writes = off"
      } >> "$dir/data/postgresql.conf"
    fi
    start_server
    if [[ -z $primary ]]; then
      run "$bindir/createdb" -h "$dir" -p "$(cat "$dir/port")" -U wsn wsn || die "createdb failed"
    fi
    url
    ;;
  stop | destroy)
    if [[ -f $dir/data/postmaster.pid ]]; then
      run "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 -s stop || true
    fi
    if [[ $cmd == destroy ]]; then rm -rf "$dir"; fi
    ;;
  restart)
    if [[ -f $dir/data/postmaster.pid ]]; then run "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 -s stop; fi
    start_server
    ;;
  url) url ;;
  *) die "unknown command $cmd" ;;
esac
