#!/usr/bin/env bash
# `npm ci` in DIR, recorded as done only when it succeeded:
#   scripts/npm-ci.sh DIR [npm ci flags...]
# DIR/node_modules/.tusk-installed holds the SHA-256 of DIR/package-lock.json that the last
# successful `npm ci` installed. The mark is removed before npm starts and written after it
# ends well, so an interrupted or failed install (network trouble) is tried again next time
# instead of leaving a half-filled node_modules that looks installed.
set -euo pipefail

dir=${1:?usage: npm-ci.sh DIR [npm ci flags...]}
shift
mark=$dir/node_modules/.tusk-installed
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)

if [ -f "$mark" ] && [ "$(cat "$mark")" = "$want" ]; then
  # already installed: the mark is made newer than the lock file only when it is not (a
  # checkout that touched the lock), so an unchanged install never makes make rebuild the web app
  [ "$mark" -nt "$dir/package-lock.json" ] || touch "$mark"
  exit 0
fi
rm -f "$mark"
echo "npm-ci: npm ci in $dir"
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@"); then
  echo "npm-ci: npm ci in $dir failed (above); nothing is recorded as installed, the next run tries again" >&2
  exit 1
fi
printf '%s\n' "$want" >"$mark"
