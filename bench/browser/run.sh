#!/usr/bin/env bash
# Object browser at scale (starts its own PostgreSQL with 10,000 tables).
set -euo pipefail
cd "$(dirname "$0")/../.."
node bench/browser/browser.mjs
