#!/usr/bin/env bash
# Measures the deterministic compression levels over the corpus with a release build:
# tokens in and out, ratio, fact recall, share of human prompts kept verbatim, and time.
#   scripts/bench-compression.sh [corpus dir]   (default: $CCI_CORPUS_DIR, else ../shared/corpus)
# Times are for compression of an already parsed conversation; parsing is reported apart.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
corpus=${1:-${CCI_CORPUS_DIR:-../shared/corpus}}
[[ -d "$corpus/transcripts" ]] || { echo "no corpus at $corpus" >&2; exit 1; }

build_release cci >/dev/null
cci="$(release_bin)/cci"
echo "cores: $(nproc); corpus: $corpus/transcripts"
"$cci" compress --report "$corpus/transcripts"
