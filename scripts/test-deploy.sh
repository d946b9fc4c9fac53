#!/usr/bin/env bash
# make test-deploy: Tusk's container image and Kubernetes files, for real.
#  1. installs podman, runc, slirp4netns, debootstrap, kubectl (scripts/install-deps.sh --deploy)
#  2. makes the debian:bookworm-slim base from Debian's mirror with debootstrap (no registry
#     is needed), cached as a tarball in $TUSK_DEPLOY_CACHE (/var/cache/tusk-test-deploy)
#  3. builds deploy/container/Containerfile with podman (its first stage compiles PostgreSQL's
#     newest client programs from Debian's source package)
#  4. runs tests/deploy/*.test.mjs: the image as uid 5050 with the runix chart's
#     environment, restarts, a root-owned volume, capabilities, the chart's securityContext
#     and the kustomize manifests run as podman would run them, backups and restores of
#     PostgreSQL 13-18 servers (tests/matrix's npm servers) through the image's programs
# Podman keeps everything (storage, configuration, networks) under a temporary directory:
# nothing global changes, and containers reach the host only through ports slirp4netns
# forwards from 127.0.0.1. Needs root (debootstrap, rootful podman), as CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

say() { echo "test-deploy: $*"; }
die() { echo "test-deploy: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and rootful podman); run it as root, e.g. sudo make test-deploy"

scripts/install-deps.sh --deploy
# Node.js 20 and Helm from tests/tools
tools=$(scripts/test-tools.sh)
export PATH="$tools:$PATH"

cache=${TUSK_DEPLOY_CACHE:-/var/cache/tusk-test-deploy}
mkdir -p "$cache"
tmp=$(mktemp -d /tmp/tusk-deploy.XXXXXX)
chmod 755 "$tmp"

# ---- a private podman (scripts/podman-env.sh) ----
. scripts/podman-env.sh
cleanup() {
  podman_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the base image ----
podman_debian_base "$cache" docker.io/library/debian:bookworm-slim || die "the base image could not be made"

if ! out=$(podman run --rm docker.io/library/debian:bookworm-slim true 2>&1); then
  echo "$out" >&2
  die "podman cannot run a container on this machine (above). The image and its tests need a working podman (runc, overlay storage); nothing was tested."
fi

# ---- the image ----
# behind a TLS-intercepting proxy npm needs the CAs this machine trusts (a build secret: it
# stays out of the image)
build_ca=()
for f in "${NODE_EXTRA_CA_CERTS:-}" "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt; do
  if [ -n "$f" ] && [ -s "$f" ]; then
    build_ca=(--secret "id=build_ca,src=$f")
    break
  fi
done
image=localhost/tusk:test
# this machine's apt may be told that its mirror serves a snapshot (Acquire::Check-Valid-Until
# "false"): the build's own apt-get of newer suites' sources needs the same
valid_until=$(apt-config dump Acquire::Check-Valid-Until 2>/dev/null | sed -n 's/^Acquire::Check-Valid-Until "\(.*\)";$/\1/p')
say "building $image"
t0=$(date +%s)
if ! podman build --network host --format docker --pull=false \
  --ignorefile deploy/container/Containerfile.dockerignore -f deploy/container/Containerfile \
  --build-arg "VERSION=$(cat VERSION)" \
  --build-arg "APT_CHECK_VALID_UNTIL=$valid_until" \
  --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  "${build_ca[@]}" -t "$image" . >"$tmp/build.log" 2>&1; then
  tail -40 "$tmp/build.log" >&2
  die "podman build failed (the end of its log is above)"
fi
size=$(podman image inspect --format '{{.Size}}' "$image")
say "built in $(($(date +%s) - t0)) s; image size $((size / 1000000)) MB ($size bytes)"

# ---- the tests ----
export TUSK_TEST_IMAGE=$image
export TUSK_TEST_TMP=$tmp
st=0
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tmp/deploy.tap" tests/deploy/*.test.mjs || st=$?
p=$(grep -E '^# pass ' "$tmp/deploy.tap" | tail -1 | awk '{print $3}')
f=$(grep -E '^# fail ' "$tmp/deploy.tap" | tail -1 | awk '{print $3}')
p=${p:-0} f=${f:-0}
[ "$st" -eq 0 ] || [ "$f" -gt 0 ] || f=1

echo
say "image size $((size / 1000000)) MB; took $(($(date +%s) - started)) s"
echo "deploy: $p passed, $f failed"
[ "$st" -eq 0 ]
