#!/usr/bin/env bash
# The CI smoke of the fuzz targets: every target for 10 s, all at once (about two minutes of
# wall time, most of it building the targets), over the committed seeds and corpora in
# fuzz/seeds. Needs the nightly toolchain and cargo-fuzz. Fails on any crash.
set -euo pipefail
exec "$(dirname "$0")/fuzz.sh" "${FUZZ_SMOKE_SECONDS:-10}" "$@"
