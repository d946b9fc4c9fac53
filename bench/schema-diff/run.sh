#!/usr/bin/env bash
# Schema Diff at scale (starts its own PostgreSQL with two databases of 5,000 tables each).
set -euo pipefail
cd "$(dirname "$0")/../.."
node bench/schema-diff/diff.mjs
