#!/usr/bin/env bash
# Sets up, builds and runs the service on SQLite (data under ./data), listening on :8080.
# Extra arguments go to `cci serve`, e.g. scripts/run.sh --port 9090.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
build_release cci
exec "$(release_bin)/cci" serve "$@"
