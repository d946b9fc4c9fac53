#!/usr/bin/env bash
# Schema diagrams at scale (starts its own PostgreSQL with a 500-table schema).
set -euo pipefail
cd "$(dirname "$0")/../.."
node bench/erd/erd.mjs
