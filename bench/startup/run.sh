#!/usr/bin/env bash
# Runs the start-up benchmark against the release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
node bench/startup/startup.mjs "${1:-20}"
