#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for tests and the demo.
#   pg-cluster.sh start DIR [PORT]   create (if new) and start; writes DIR/env
#   pg-cluster.sh stop DIR           stop it
#   pg-cluster.sh destroy DIR        stop it and remove DIR
# DIR/env holds PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PG_BIN.
# As root the server runs as the `postgres` OS user (PostgreSQL refuses root).
set -euo pipefail

cmd=${1:?usage: pg-cluster.sh start|stop|destroy DIR [PORT]}
dir=${2:?usage: pg-cluster.sh start|stop|destroy DIR [PORT]}
want_port=${3:-}

pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/initdb" ] || { echo "pg-cluster: no PostgreSQL server binaries found (set PG_BIN)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# As root the server runs as `postgres`, which must be able to pass through every folder above
# DIR: say which one stops it, and the two ways out.
reachable_by_postgres() {
  as_pg test -w "$dir/data" 2>/dev/null && return 0
  local d=$dir closed=""
  while [ "$d" != / ]; do
    d=$(dirname "$d")
    as_pg test -x "$d" 2>/dev/null || closed=$d
  done
  echo "pg-cluster: the postgres user (PostgreSQL refuses to run as root) cannot reach $dir:" >&2
  echo "pg-cluster: ${closed:-a folder above it} is closed to other users ($(stat -c %A "${closed:-$dir}" 2>/dev/null))." >&2
  echo "pg-cluster: Fix: put the cluster under a folder postgres can pass through (for example /var/lib/postgresql or /tmp)," >&2
  echo "pg-cluster: or let other users pass through without listing it: chmod o+x ${closed:-FOLDER}" >&2
  rm -rf "$dir/data" "$dir/socket" "$dir/pwfile" "$dir/password"
  exit 1
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" >"$dir/pwfile"
    printf '%s\n' "$password" >"$dir/password"
    chmod 600 "$dir/password"
    mkdir -p "$dir/data" "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir" "$dir/data" "$dir/socket" "$dir/pwfile"
      chmod 755 "$dir"
      reachable_by_postgres
    fi
    as_pg "$pg_bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
max_connections = 100
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_prepared_transactions = 10
shared_preload_libraries = 'pg_stat_statements'
log_min_messages = warning
CONF
  fi
  if as_pg "$pg_bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "pg-cluster: a PostgreSQL already runs in $dir/data (pid $(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null))," >&2
    echo "pg-cluster: started by another \`make run\` or test that is still running: stop that one first (Ctrl+C there," >&2
    echo "pg-cluster: or scripts/pg-cluster.sh stop $dir)." >&2
    exit 1
  fi
  local tries=0 port
  while :; do
    port=${want_port:-$((20000 + RANDOM % 20000))}
    if as_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 start >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ -n "$want_port" ] || [ $tries -ge 10 ]; then
      echo "pg-cluster: could not start PostgreSQL (see $dir/server.log):" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
  done
  cat >"$dir/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=postgres
PGPASSWORD=$(cat "$dir/password")
PGDATABASE=postgres
PG_BIN=$pg_bin
ENV
  chmod 600 "$dir/env"
}

stop() {
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_pg "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  destroy) stop; rm -rf "$dir" ;;
  *) echo "usage: pg-cluster.sh start|stop|destroy DIR [PORT]" >&2; exit 2 ;;
esac
