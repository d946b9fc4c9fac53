#!/usr/bin/env bash
# Dashboard sampling cost with 1 and 20 watchers (starts its own PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."
node bench/dashboard/dashboard.mjs
