#!/usr/bin/env bash
# `make run`: starts Tusk on http://127.0.0.1:5050 with its data in ./data.
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
if [ -f "$TUSK_DATA_DIR/initial-admin-password" ]; then
  echo "run: log in as admin@tusk.local with the password in $TUSK_DATA_DIR/initial-admin-password"
elif [ -n "${PGADMIN_DEFAULT_EMAIL:-}" ]; then
  echo "run: log in as $PGADMIN_DEFAULT_EMAIL"
fi
echo "run: Tusk will listen on http://$TUSK_LISTEN_ADDRESS:$TUSK_PORT/ (data in $TUSK_DATA_DIR); Ctrl+C stops it"
exec build/release/tusk
