#!/usr/bin/env bash
# make test-fresh: the README's two commands on a truly fresh Debian 12, from a clean clone.
#   scripts/test-fresh.sh        both halves
#   scripts/test-fresh.sh run    the make run half only (what CI runs)
#   scripts/test-fresh.sh test   the make test half only
# The root file system is Debian 12 made by debootstrap (minbase, as the image's base:
# deploy/container/bootstrap-base.sh, cached in $TUSK_DEPLOY_CACHE) with nothing of Tusk's
# added; each half runs in a new podman container from it (scripts/podman-env.sh: private
# storage, runc, slirp4netns for the network the installs need). Before the README's commands a
# fresh machine gets only what its user needs to type them: make (and sudo for a user).
#  1. as root, the clone in /root/tusk (/root is 0700): `make run` until /misc/ping answers, then
#     the login it printed works and the demo PostgreSQL it registered connects
#     (tests/fresh/check-run.mjs, on the Node.js make run installed);
#  2. as a user with sudo, the clone in its home: `make test`.
# Needs root (debootstrap, rootful podman). Prints the time each half took.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
parts=${1:-all}
started=$(date +%s)

say() { echo "test-fresh: $*"; }
die() { echo "test-fresh: $*" >&2; exit 1; }
case "$parts" in all | run | test) ;; *) die "usage: test-fresh.sh [run|test]" ;; esac
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and rootful podman); run it as root, e.g. sudo make test-fresh"

scripts/install-deps.sh --deploy >/dev/null
cache=${TUSK_DEPLOY_CACHE:-/var/cache/tusk-test-deploy}
tmp=$(mktemp -d /tmp/tusk-fresh.XXXXXX)
chmod 755 "$tmp"
. scripts/podman-env.sh
cleanup() {
  podman_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

image=localhost/tusk-fresh-debian12
podman_debian_base "$cache" "$image" | sed 's/^/test-fresh: /'

# a clean clone of what is committed: nothing of this work tree's build output, node_modules or
# uncommitted changes
git clone --quiet --no-hardlinks "$root" "$tmp/clone"
say "clean clone of $(git -C "$tmp/clone" log -1 --format='%h %s' | cut -c1-72)"

# A machine behind a proxy that intercepts TLS (as this one may be) names its CA bundle in
# NODE_EXTRA_CA_CERTS; the fresh container's npm gets the same, read-only, and nothing else of
# this machine's (its root file system stays as debootstrap made it).
ca=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  ca=(--volume "$NODE_EXTRA_CA_CERTS:/run/tusk-host-ca.pem:ro" --env NODE_EXTRA_CA_CERTS=/run/tusk-host-ca.pem)
fi
# A fresh container with the clone at /src (read-only) and a network for apt and npm.
fresh() { # name
  podman run --detach --name "$1" --network slirp4netns --env "CI=${CI:-}" "${ca[@]}" \
    --volume "$tmp/clone:/src:ro" "$image" sleep infinity >/dev/null
}
in_fresh() { podman exec --interactive "$@"; }
logs=$tmp/logs
mkdir -p "$logs"
elapsed() { echo "$(($(date +%s) - $1)) s"; }

result="0 passed, 0 failed"
if [ "$parts" != test ]; then
# ---- 1. make run, as root, the clone in /root ----
t0=$(date +%s)
fresh tusk-fresh-run
# what a bare Debian 12 lacks to type the README's commands
in_fresh tusk-fresh-run sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make >/dev/null' ||
  die "apt-get install make failed in the fresh container"
in_fresh tusk-fresh-run sh -c 'cp -a /src /root/tusk && stat -c "%A %n" /root'
say "make run as root in /root/tusk (a fresh Debian 12)"
podman exec --detach tusk-fresh-run bash -c 'cd /root/tusk && make run >/root/run.log 2>&1; echo $? >/root/run.exit' >/dev/null
deadline=$(($(date +%s) + ${FRESH_RUN_TIMEOUT:-1800}))
until in_fresh tusk-fresh-run grep -q 'tusk ready' /root/run.log 2>/dev/null; do
  if in_fresh tusk-fresh-run test -e /root/run.exit; then
    in_fresh tusk-fresh-run tail -n 60 /root/run.log >&2 || true
    die "make run ended (exit $(in_fresh tusk-fresh-run cat /root/run.exit)) before Tusk was ready: its output is above"
  fi
  if [ "$(date +%s)" -gt "$deadline" ]; then
    in_fresh tusk-fresh-run tail -n 60 /root/run.log >&2 || true
    die "make run did not get Tusk ready in ${FRESH_RUN_TIMEOUT:-1800} s"
  fi
  sleep 5
done
st=0
in_fresh tusk-fresh-run bash -c 'cd /root/tusk && node tests/fresh/check-run.mjs /root/run.log' || st=$?
in_fresh tusk-fresh-run cat /root/run.log >"$logs/run.log" 2>/dev/null || true
podman rm --force --time 0 tusk-fresh-run >/dev/null
run_time=$(elapsed "$t0")
[ $st -eq 0 ] || die "make run on a fresh Debian 12: the checks failed (above)"
say "make run half passed in $run_time (install, build, start, login)"
result="1 passed, 0 failed"
fi

# ---- 2. make test, as a user with sudo, the clone in its home ----
if [ "$parts" != run ]; then
  t0=$(date +%s)
  fresh tusk-fresh-test
  in_fresh tusk-fresh-test sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make sudo >/dev/null' ||
    die "apt-get install make sudo failed in the fresh container"
  in_fresh tusk-fresh-test sh -c 'useradd --create-home --shell /bin/bash dev &&
    echo "dev ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/dev && chmod 0440 /etc/sudoers.d/dev &&
    cp -a /src /home/dev/tusk && chown -R dev:dev /home/dev/tusk'
  say "make test as a user with sudo in /home/dev/tusk (a fresh Debian 12)"
  st=0
  in_fresh --user dev --workdir /home/dev/tusk --env HOME=/home/dev tusk-fresh-test make test >"$logs/test.log" 2>&1 || st=$?
  tail -n 25 "$logs/test.log"
  if [ $st -ne 0 ]; then
    # the whole log outlives the run, and the failing tests are named here
    mkdir -p build/test-fresh && cp "$logs/test.log" build/test-fresh/test.log
    echo "test-fresh: failing tests (the whole log: build/test-fresh/test.log):"
    grep -E '^✖ ' "$logs/test.log" | sort -u | head -n 60
  fi
  podman rm --force --time 0 tusk-fresh-test >/dev/null
  test_time=$(elapsed "$t0")
  [ $st -eq 0 ] || die "make test on a fresh Debian 12 failed (exit $st; the end of its output is above)"
  say "make test half passed in $test_time"
  [ "$parts" = test ] && result="1 passed, 0 failed" || result="2 passed, 0 failed"
fi

say "took $(elapsed "$started")"
echo "fresh: $result"
