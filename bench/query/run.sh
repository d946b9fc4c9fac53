#!/usr/bin/env bash
# Runs the query benchmark against the release build (starts its own PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."
node bench/query/query.mjs
