#!/usr/bin/env bash
# Runs each libFuzzer target (make fuzz-build), and the SQL splitter's fuzzer
# (tests/fuzz/split.fuzz.mjs), for a bounded time: first over
# its seed corpus (tests/fuzz/corpus/NAME) and the inputs that once crashed
# it (tests/fuzz/regressions/NAME), then on new inputs until the time is up.
# New inputs stay in a temporary folder; a crash leaves its input in
# build/fuzz/crashes/ (add it to tests/fuzz/regressions/NAME once fixed).
#   scripts/fuzz.sh [seconds per target, default 60]
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
tmp=$(mktemp -d /tmp/tusk-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
mkdir -p build/fuzz/crashes
passed=0 failed=0
for bin in build/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  mkdir -p "$tmp/$name"
  dirs=()
  for d in "tests/fuzz/corpus/$name" "tests/fuzz/regressions/$name"; do [ -d "$d" ] && dirs+=("$d"); done
  if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="build/fuzz/crashes/$name-" "$tmp/$name" "${dirs[@]}" >"$tmp/$name.log" 2>&1; then
    runs=$(grep -oE 'Done [0-9]+ runs' "$tmp/$name.log" | tail -1)
    echo "fuzz $name: ok (${runs:-no runs counted} in ${secs}s)"
    passed=$((passed + 1))
  else
    echo "fuzz $name: FAILED"
    tail -n 60 "$tmp/$name.log"
    failed=$((failed + 1))
  fi
done
# the query tool's statement splitter is TypeScript: a seeded generator in Node instead
if [ -d web/node_modules/esbuild ]; then
  if node tests/fuzz/split.fuzz.mjs "$secs"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
