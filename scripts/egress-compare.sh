#!/usr/bin/env bash
# Compares nmp-egress with detect-secrets and presidio-analyzer (pattern recognizers; no spaCy
# model) on the tuning corpus and on the independent evaluation corpus, in one run: recall and
# false positives per class and per evasion, and throughput.
#
#   scripts/egress-compare.sh [--before SCAN_CORPUS_BINARY] [--repeat N]
#
# The Python tools are pip-installed into a virtualenv under $EGRESS_COMPARE_CACHE (default:
# ~/.cache/nmp-egress-compare) on first use, together with the pinned Faker and names packages
# that scripts/egress-compare/eval_corpus.py and names_data.py need to regenerate the committed
# evaluation corpus and name lists. Not part of scripts/test.sh: CI runs only the Rust corpus tests.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${EGRESS_COMPARE_CACHE:-$HOME/.cache/nmp-egress-compare}"
venv="$cache/venv"
packages=(detect-secrets==1.5.0 presidio-analyzer faker==40.54.0 names==0.3.0)

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import detect_secrets, presidio_analyzer, faker, names" 2>/dev/null; then
  echo "egress-compare: installing ${packages[*]} into $venv" >&2
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet "${packages[@]}"
fi

target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --release --quiet -p nmp-egress --example scan_corpus)
"$venv/bin/python" "$root/scripts/egress-compare/compare.py" "$target/release/examples/scan_corpus" "$root" "$@"
