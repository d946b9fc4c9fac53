#!/usr/bin/env bash
# `make run`: starts Tusk on http://127.0.0.1:5050 with its data in ./data,
# and (unless DEMO=0) a demo PostgreSQL in ./data/demo-pg with a sample
# database, registered for the administrator. Ctrl+C stops both.
# Settings can be overridden from the environment (see docs/configuration.md).
set -euo pipefail
cd "$(dirname "$0")/.."

export TUSK_DATA_DIR=${TUSK_DATA_DIR:-$PWD/data}
export TUSK_LISTEN_ADDRESS=${TUSK_LISTEN_ADDRESS:-127.0.0.1}
export TUSK_PORT=${TUSK_PORT:-5050}
export TUSK_GENERATE_ADMIN_PASSWORD=${TUSK_GENERATE_ADMIN_PASSWORD:-true}
if [ "$(id -u)" -eq 0 ] && [ -z "${TUSK_ALLOW_ROOT:-}" ]; then
  echo "run: running as root on a development machine; allowing it (TUSK_ALLOW_ROOT=1)"
  export TUSK_ALLOW_ROOT=1
fi

mkdir -p "$TUSK_DATA_DIR"
if [ "${DEMO:-1}" != 0 ]; then
  demo="$TUSK_DATA_DIR/demo-pg"
  port=${DEMO_PG_PORT:-55432}
  # as root the demo server runs as `postgres`, which must be able to reach its folder
  if [ "$(id -u)" -eq 0 ]; then
    chmod 711 "$TUSK_DATA_DIR"
    if ! runuser -u postgres -- test -x "$TUSK_DATA_DIR" 2>/dev/null; then
      # a folder above it is closed to other users (a clone in /root: /root is 0700); nothing
      # of the user's is opened up: the cluster goes to postgres's own home, one per data folder
      demo=/var/lib/postgresql/tusk-demo-$(realpath "$TUSK_DATA_DIR" | sha256sum | cut -c1-12)
      echo "run: the postgres user cannot reach $TUSK_DATA_DIR (a folder above it is closed to other users), so the demo PostgreSQL keeps its data in $demo"
    fi
  fi
  # servers name files in users' storage; the demo server's passfile lives beside its cluster
  export TUSK_FILE_DIRS=${TUSK_FILE_DIRS:-$demo}
  new=0
  [ -f "$demo/data/PG_VERSION" ] || new=1
  scripts/pg-cluster.sh start "$demo" "$port"
  trap 'scripts/pg-cluster.sh stop "$demo"; echo "run: demo PostgreSQL stopped"' EXIT
  set -a; . "$demo/env"; set +a
  if [ $new = 1 ]; then
    psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE demo' >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d demo -f scripts/demo.sql >/dev/null
    printf '127.0.0.1:%s:*:postgres:%s\n' "$port" "$PGPASSWORD" >"$demo/pgpass"
    chmod 600 "$demo/pgpass"
    cat >"$demo/servers.json" <<JSON
{"Servers": {"1": {"Name": "Demo PostgreSQL", "Group": "Demo", "Host": "127.0.0.1", "Port": $port,
  "MaintenanceDB": "postgres", "Username": "postgres", "Comment": "Started by make run (DEMO=0 skips it)",
  "ConnectionParameters": {"passfile": "$demo/pgpass", "sslmode": "disable"}}}}
JSON
  fi
  unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PG_BIN
  export PGADMIN_SERVER_JSON_FILE=${PGADMIN_SERVER_JSON_FILE:-$demo/servers.json}
  echo "run: demo PostgreSQL on 127.0.0.1:$port (database 'demo'), registered as 'Demo PostgreSQL'"
fi

if [ -f "$TUSK_DATA_DIR/initial-admin-password" ]; then
  echo "run: log in as admin@tusk.local with the password in $TUSK_DATA_DIR/initial-admin-password"
elif [ -n "${PGADMIN_DEFAULT_EMAIL:-}" ]; then
  echo "run: log in as $PGADMIN_DEFAULT_EMAIL"
fi
echo "run: Tusk will listen on http://$TUSK_LISTEN_ADDRESS:$TUSK_PORT/ (data in $TUSK_DATA_DIR); Ctrl+C stops it"
# not exec: the trap above stops the demo server when Tusk ends
build/release/tusk
