#!/usr/bin/env bash
# Installs what Tusk's build, run and tests need, and only what is missing:
# Debian packages with apt-get (through sudo when not root), front-end
# packages with `npm ci` from web/package-lock.json. Safe to run again.
#   scripts/install-deps.sh            what make build, run and test need
#   scripts/install-deps.sh --deploy   that, and what make test-deploy needs besides
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  gcc make pkg-config libc6-dev git gzip ca-certificates util-linux procps
  libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev libcriterion-dev
  clang libclang-rt-14-dev
  postgresql postgresql-client postgresql-contrib
  chromium fonts-dejavu-core sqlite3
  nginx-light
  haproxy
)
# make test-deploy only: podman with runc (crun's setrlimit is refused on some hosts) and
# slirp4netns (a container's port on the host's loopback, no bridge or firewall rules),
# debootstrap (the base image, built from Debian's mirror), kubectl (its kustomize).
if [ "${1:-}" = --deploy ]; then
  packages+=(podman runc slirp4netns debootstrap)
  command -v kubectl >/dev/null || packages+=(kubernetes-client)
fi
# Node.js builds the front end and runs the tests (playwright-core needs 20+):
# the machine's own node when it has one, else the distribution's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # Packages with a daemon (postgresql, nginx) must not start one: the tests
  # run their own on 127.0.0.1. policy-rc.d forbids it during the install.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
  fi
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$policy" ] || "${sudo[@]}" rm -f "$policy"
  # Debian creates a default cluster (not started); Tusk's tests and demo use their own.
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: Node.js 20 or newer is needed to build the front end and run the tests; found $(node --version 2>/dev/null || echo none)." >&2
  echo "install-deps: install nodejs 20+ (for example from your distribution's backports) and run again." >&2
  exit 1
fi

if [ -f web/package-lock.json ]; then
  if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    echo "install-deps: npm ci in web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    touch web/node_modules/.package-lock.json
  fi
fi
