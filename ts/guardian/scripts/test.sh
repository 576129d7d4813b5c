#!/usr/bin/env bash
# Tests @nmp/guardian: the committed nmp_guardian.wasm rebuilds byte for byte from the Rust source,
# and `npm test` (node's test runner) passes: the wrapper, parity with the native Rust Guardian on
# the spec suite, the hostile corpus and the example guests, and AssemblyScript/WAT authoring
# (an AssemblyScript program runs under `nmp exec`).
#
# Usage: ts/guardian/scripts/test.sh [--no-wasm-check]
#   --no-wasm-check   skip the reproducible-build check (it needs rustc-web, cargo-web,
#                     rust-web-src and lld; the first build of the standard library takes minutes)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
pkg="$root/ts/guardian"
wasm_check=1
for arg in "$@"; do
  case "$arg" in
    --no-wasm-check) wasm_check=0 ;;
    -h | --help)
      sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "guardian test: unknown argument '$arg' (try --help)" >&2
      exit 1
      ;;
  esac
done

for tool in node npm cargo tar xz; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "guardian test: '$tool' is missing; scripts/setup.sh installs it" >&2
    exit 1
  }
done

if [ "$wasm_check" -eq 1 ]; then
  "$pkg/scripts/build-wasm.sh" --check
fi

# The native side: the verdicts example and the nmp CLI, built once, run by the tests.
target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --quiet --locked -p nmp-guardian-wasm --example verdicts -p nmp-cli)
export NMP_GUARDIAN_VERDICTS="$target/debug/examples/verdicts"
export NMP_BIN="$target/debug/nmp"

# The npm dependencies (the ts/ workspace), installed only when the lock file changed.
bash "$root/scripts/setup.sh"
(cd "$pkg" && npm test)
