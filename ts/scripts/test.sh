#!/usr/bin/env bash
# The TypeScript packages' checks, runnable from the repository root on a fresh machine after
# `npm ci --prefix ts`: builds the Rust binaries the tests start (`nmp`, nmp-crypto's
# `interop_open` example) into CARGO_TARGET_DIR (default ./target), checks that the generated
# protobuf types match crates/nmp-wire/proto, type-checks and builds every workspace, runs their
# tests (real Rust nodes on 127.0.0.1; the browser test needs Debian's chromium), and runs the
# example agent (examples/agent-ts) against two local nodes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
cargo build --locked -p nmp-cli --bin nmp
cargo build --locked -p nmp-crypto --example interop_open
cd "$root/ts"
npm run --workspace sdk check:generated
npm run --workspaces --if-present build
npm test --workspaces --if-present
cd "$root/examples/agent-ts"
npm ci --no-audit --no-fund
npm run build
NMP_BIN="$CARGO_TARGET_DIR/debug/nmp" node dist/agent.js --spawn
