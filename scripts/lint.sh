#!/usr/bin/env bash
# The C sources (src/, tests/unit, tests/fuzz) as .clang-format lays them out.
#   scripts/lint.sh         lists each file that differs and fails
#   scripts/lint.sh --fix   reformats them in place
set -uo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format || command -v clang-format-14) ||
  { echo "lint: clang-format is not installed (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files -co --exclude-standard -- 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/fuzz/*.c' | sort)
if [ "${1:-}" = --fix ]; then
  "$fmt" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "lint: $f is not formatted as .clang-format says (scripts/lint.sh --fix)"
    bad=$((bad + 1))
  fi
done
echo "lint: ${#files[@]} files, $bad not formatted"
[ $bad -eq 0 ]
