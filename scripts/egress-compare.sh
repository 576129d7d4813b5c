#!/usr/bin/env bash
# Compares nmp-egress with detect-secrets and presidio-analyzer (regex recognizers only, no
# spaCy model) on the labelled egress corpus, in one run: throughput, recall and false positives.
#
#   scripts/egress-compare.sh [--repeat N]
#
# The two Python tools are pip-installed into a virtualenv under $EGRESS_COMPARE_CACHE
# (default: ~/.cache/nmp-egress-compare) on first use.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${EGRESS_COMPARE_CACHE:-$HOME/.cache/nmp-egress-compare}"
venv="$cache/venv"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import detect_secrets, presidio_analyzer" 2>/dev/null; then
  echo "egress-compare: installing detect-secrets and presidio-analyzer into $venv" >&2
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet detect-secrets presidio-analyzer
fi

corpus="$root/crates/nmp-egress/tests/corpus"
[ -f "$corpus/positives.jsonl" ] || python3 "$root/scripts/egress-corpus.py"

target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --release --quiet -p nmp-egress --example scan_corpus)
"$venv/bin/python" "$root/scripts/egress-compare.py" "$target/release/examples/scan_corpus" "$corpus" "$@"
