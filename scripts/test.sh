#!/usr/bin/env bash
# Runs every check and test NMP has: formatting, lints, unit, integration, conformance and doc
# tests, with warnings as errors, then the TypeScript packages' checks and tests
# (ts/scripts/test.sh). This is the command CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# A target directory outside the clone, so repeated runs on one machine reuse the build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A fresh clone gains nothing from incremental caches, which grew that directory by gigabytes.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() { printf '\n== %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "fuzz targets compile (run them with: cd fuzz && cargo +nightly fuzz run TARGET)"
cargo check --manifest-path fuzz/Cargo.toml --bins --locked

step "committed example .wasm files match their sources"
bash scripts/build-logic.sh --check

step "TypeScript: @nmp/sdk, @nmp/guardian and examples/agent-ts against real nodes (ts/scripts/test.sh)"
bash ts/scripts/test.sh

step "all checks passed"
