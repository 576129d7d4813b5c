#!/usr/bin/env bash
# The CI smoke of the fuzz targets: every target for 10 s (about two minutes of wall time with
# the build cached), over the committed corpora in fuzz/corpus. Fails on any crash.
set -euo pipefail
exec "$(dirname "$0")/fuzz.sh" "${FUZZ_SMOKE_SECONDS:-10}" "$@"
