#!/usr/bin/env bash
# Load test against the production server on PostgreSQL; see bench/load.py.
set -euo pipefail
cd "$(dirname "$0")/.."
make venv >/dev/null
exec .venv/bin/python bench/load.py "$@"
