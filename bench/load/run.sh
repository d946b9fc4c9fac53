#!/usr/bin/env bash
# Load benchmark: wrk against the release build of Tusk and a throwaway
# PostgreSQL cluster, all on loopback. Prints one line per scenario:
#   name  connections  requests/s  p50  p99  non-2xx  socket-errors
# Usage: bench/load/run.sh [seconds per scenario, default 10]
# Needs: make build (build/release/tusk), wrk (Debian package), psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
secs=${1:-10}
bin=${TUSK_BIN:-$root/build/release/tusk}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || { echo "$bin is missing: make build" >&2; exit 1; }

tmp=$(mktemp -d /tmp/tusk-load.XXXXXX)
chmod 755 "$tmp"
tusk_pid=
cleanup() {
  [ -n "$tusk_pid" ] && kill "$tusk_pid" 2>/dev/null && wait "$tusk_pid" 2>/dev/null || true
  scripts/pg-cluster.sh destroy "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

scripts/pg-cluster.sh start "$tmp/pg" >/dev/null
set -a; . "$tmp/pg/env"; set +a
psql -X -q -d postgres -c "CREATE DATABASE bench"
psql -X -q -d bench -c "DO \$\$ BEGIN FOR i IN 1..50 LOOP EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, name text)', i); END LOOP; END \$\$"

email=bench@tusk.local password=bench-password-1
env -i PATH="$PATH" HOME="$tmp" TUSK_ALLOW_ROOT=1 PGADMIN_DEFAULT_EMAIL=$email PGADMIN_DEFAULT_PASSWORD=$password \
  TUSK_LOGIN_RATE_LIMIT=0 "$bin" --listen 127.0.0.1 --port 0 --data-dir "$tmp/data" >"$tmp/tusk.log" 2>&1 &
tusk_pid=$!
for _ in $(seq 100); do grep -q 'tusk ready' "$tmp/tusk.log" && break; sleep 0.1; done
port=$(grep -o 'tusk ready url=http://[^ ]*' "$tmp/tusk.log" | sed -E 's/.*:([0-9]+)\/.*/\1/')
base=http://127.0.0.1:$port

login=$(curl -s -c "$tmp/jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/login")
csrf=$(echo "$login" | sed -E 's/.*"csrf_token":"([^"]+)".*/\1/')
cookie="tusk_session=$(awk '$6 == "tusk_session" {print $7}' "$tmp/jar")"
post() { curl -s -b "$cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "$2" "$base$1"; }
sid=$(post /api/v1/servers "{\"name\":\"bench\",\"host\":\"$PGHOST\",\"port\":$PGPORT,\"username\":\"$PGUSER\",\"maintenance_db\":\"bench\"}" |
  sed -E 's/.*"server":\{"id":([0-9]+).*/\1/')
post "/api/v1/servers/$sid/connect" "{\"password\":\"$PGPASSWORD\"}" >/dev/null
# as the UI asks for a collection's members (web/src/api/servers.ts: compact=true)
tree="/api/v1/servers/$sid/objects?path=%2Fdatabases%2Fbench%2Fschemas%2Fpublic%2Ftables&compact=true"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$cookie" "$base$tree")" = 200 ] || { echo "the tree does not answer" >&2; exit 1; }

# name connections path [cookie]
run() {
  local name=$1 conns=$2 path=$3 hdr=()
  [ "${4:-}" = auth ] && hdr=(-H "Cookie: $cookie")
  local out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency "${hdr[@]}" "$base$path" 2>&1)
  local rps p50 p99 non2xx errors
  rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  errors=$(echo "$out" | awk -F'Socket errors: ' '/Socket errors/ {print $2}')
  printf '%-14s %5s conns  %9s req/s  p50 %-9s p99 %-9s non-2xx %-6s errors %s\n' \
    "$name" "$conns" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}"
}

echo "tusk $($bin --version | head -1), $(nproc) cores, ${secs}s per scenario, wrk -t2, everything on loopback"
run ping 50 /misc/ping
run auth-me 200 /api/v1/auth/me auth
run servers 200 /api/v1/servers auth
run servers 50 /api/v1/servers auth
run tree 50 "$tree" auth
run servers 1000 /api/v1/servers auth
run tree 1000 "$tree" auth
grep -c '"status":"5\|status=5' "$tmp/tusk.log" >/dev/null || true
