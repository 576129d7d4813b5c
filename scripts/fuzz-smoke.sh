#!/usr/bin/env bash
# The CI smoke of the fuzz targets: each target in turn replays its committed seeds and
# minimised corpus (fuzz/seeds/<target>, which hold every crash reproducer found so far) and
# then fuzzes for the rest of FUZZ_SMOKE_SECONDS (default 6, so about a minute for the ten
# targets after the build), writing new inputs to a temporary directory, never to the
# repository. Fails on any crash, hang or failed property.
#
#   scripts/fuzz-smoke.sh [TARGET...]
#
# Needs the nightly toolchain; installs cargo-fuzz if it is missing (scripts/fuzz-build.sh).
set -euo pipefail
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
FUZZ_SEQUENTIAL=1 FUZZ_CORPUS="$corpus" "$(dirname "$0")/fuzz.sh" "${FUZZ_SMOKE_SECONDS:-6}" "$@"
