#!/usr/bin/env bash
# Builds every fuzz target (or the ones named) the way scripts/fuzz.sh, fuzz-smoke.sh and
# fuzz-cmin.sh run them, installing cargo-fuzz from crates.io first if it is missing, and
# prints the directory holding the target binaries. `--sanitizer none --debug-assertions`: the
# workspace denies `unsafe_code`, so AddressSanitizer buys little and costs throughput, while
# debug assertions catch integer overflow.
#
#   bin="$(scripts/fuzz-build.sh [TARGET...])"
#
# Needs the nightly toolchain (`rustup toolchain install nightly`).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/fuzz-target}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    cargo install cargo-fuzz --locked >&2
fi
(cd fuzz && nice -n 19 cargo +nightly fuzz build --sanitizer none --debug-assertions "$@" >&2)
echo "$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"
