#!/usr/bin/env bash
# Runs Tusk's tests against a throwaway PostgreSQL cluster it starts and removes.
#   scripts/test.sh          everything: lint, unit, typecheck, web, fuzz, api, security, e2e
#   scripts/test.sh api|security|e2e|unit|typecheck|web|fuzz|lint   one part
# Expects `make build/asan/tusk build/asan/unit-tests` to have run (make test does).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
parts=${1:-all}
# the tests run on the pinned Node.js 20 and Helm of tests/tools (scripts/install-deps.sh --test)
tools=$(scripts/test-tools.sh) || exit 1
export PATH="$tools:$PATH"

tmp=$(mktemp -d /tmp/tusk-test.XXXXXX)
chmod 755 "$tmp"
cleanup() {
  scripts/pg-cluster.sh destroy "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export TUSK_BIN="$root/build/asan/tusk"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=23}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR="$tmp"

passed=0 failed=0 failures=()
record() { # name status passcount failcount
  passed=$((passed + $3)); failed=$((failed + $4))
  [ "$2" -eq 0 ] || failures+=("$1")
}
want() { [ "$parts" = all ] || [ "$parts" = "$1" ]; }

if want unit || want api || want security || want e2e; then
  echo "== starting a throwaway PostgreSQL cluster"
  scripts/pg-cluster.sh start "$tmp/pg" || { echo "could not start PostgreSQL"; exit 1; }
  set -a; . "$tmp/pg/env"; set +a
  # tests find the cluster through TEST_PG* (tusk itself never sees PG* variables)
  export TEST_PGHOST=$PGHOST TEST_PGPORT=$PGPORT TEST_PGUSER=$PGUSER TEST_PGPASSWORD=$PGPASSWORD TEST_PG_BIN=$PG_BIN
  export TEST_PG_DIR="$tmp/pg"
fi

if want unit; then
  # the store's unit tests run on SQLite and on PostgreSQL, in a database of this run
  psql -X -q -d postgres -c "CREATE DATABASE tusk_store_unit" &&
    export TEST_STORE_URL="host=$PGHOST port=$PGPORT user=$PGUSER password=$PGPASSWORD dbname=tusk_store_unit"
  echo "== C unit tests"
  build/asan/unit-tests --jobs 2 2>&1 | tee "$tmp/unit.out"
  st=${PIPESTATUS[0]}
  p=$(grep -oE 'Passing: [0-9]+' "$tmp/unit.out" | tail -1 | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE 'Failing: [0-9]+' "$tmp/unit.out" | tail -1 | grep -oE '[0-9]+' || echo 0)
  c=$(grep -oE 'Crashing: [0-9]+' "$tmp/unit.out" | tail -1 | grep -oE '[0-9]+' || echo 0)
  [ "$st" -eq 0 ] || [ $((f + c)) -gt 0 ] || f=1
  record unit "$st" "$p" $((f + c))
  unset TEST_STORE_URL
fi

if want lint; then
  echo "== C style (clang-format, .clang-format)"
  scripts/lint.sh
  st=$?
  record lint $st $((st == 0)) $((st != 0))
fi

if want typecheck; then
  echo "== front-end type check"
  (cd web && npx tsc --noEmit)
  st=$?
  record typecheck $st $((st == 0)) $((st != 0))
fi

node_suite() { # name dir
  local name=$1 dir=$2
  echo "== $name tests"
  node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tmp/$name.tap" "$dir"/*.test.mjs
  local st=$?
  local p f
  p=$(grep -E '^# pass ' "$tmp/$name.tap" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail ' "$tmp/$name.tap" | tail -1 | awk '{print $3}')
  p=${p:-0}; f=${f:-0}
  [ "$st" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  record "$name" "$st" "$p" "$f"
}

# the front end's logic in Node (no browser, no cluster): its pure modules and its import graph
want web && node_suite web tests/web

if want fuzz; then
  # briefly here (FUZZ_SECONDS each, default 3): make test-fuzz runs them longer
  echo "== fuzz targets"
  scripts/fuzz.sh "${FUZZ_SECONDS:-3}" 2>&1 | tee "$tmp/fuzz.out"
  st=${PIPESTATUS[0]}
  p=$(grep -oE '^fuzz: [0-9]+ passed' "$tmp/fuzz.out" | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE '[0-9]+ failed' "$tmp/fuzz.out" | tail -1 | grep -oE '[0-9]+' || echo 0)
  [ "$st" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  record fuzz "$st" "$p" "$f"
fi

want api && node_suite api tests/api
want security && node_suite security tests/security
want e2e && node_suite e2e tests/e2e

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "failed parts: ${failures[*]}"
fi
echo "total: $passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ]
