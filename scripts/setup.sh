#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build, test and benchmark NMP.
# Idempotent: every package is installed only when its command is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v wasm-ld >/dev/null 2>&1 || need+=(lld)
[ -e /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need+=(libclang-rt-dev-wasm32)
command -v wat2wasm >/dev/null 2>&1 || need+=(wabt)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)   # the Guardian's spec-suite archive
# Datasets: the SQLite guest's test compares its answers with Debian's sqlite3 CLI; the
# PostgreSQL snapshot test initdb's and starts a real server in a temporary directory.
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The TypeScript tests (ts/scripts/test.sh): a headless browser for @nmp/sdk's browser test, and
# Debian's Rust for wasm32 (rustc 1.96 at /usr/bin/rustc, the standard library's source) that
# rebuilds @nmp/guardian's committed nmp_guardian.wasm byte for byte; with lld-22 it also
# rebuilds nmp-zk's RISC Zero guest ELF byte for byte (scripts/zk-guest.sh).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
for pkg in rustc-web cargo-web rust-web-src lld-22; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)   # the reflection client

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm packages, each pinned by its lock file and reinstalled (npm ci) only when that lock changes:
# the official MCP TypeScript SDK client that drives `nmp mcp` in the MCP end-to-end test, the
# TypeScript workspace (ts/: @nmp/sdk and @nmp/guardian) and the example agent (examples/agent-ts,
# which takes @nmp/sdk from ts/sdk).
for dir in crates/nmp-cli/tests/mcp ts examples/agent-ts; do
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json" 2>/dev/null; then
    echo "setup: installing the npm packages of $dir (npm ci)" >&2
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
  fi
done

# The gRPC reflection test asks the node through Python's grpcio-reflection (a v1alpha client the
# project did not write), pinned by crates/nmp-node/tests/reflection/requirements.txt, in a venv
# beside it; reinstalled only when the requirements change.
reflection=crates/nmp-node/tests/reflection
if ! cmp -s "$reflection/requirements.txt" "$reflection/.venv/.installed-requirements.txt" 2>/dev/null; then
  echo "setup: installing the gRPC reflection test client (pip)" >&2
  python3 -m venv "$reflection/.venv"
  "$reflection/.venv/bin/pip" install -q --disable-pip-version-check -r "$reflection/requirements.txt"
  cp "$reflection/requirements.txt" "$reflection/.venv/.installed-requirements.txt"
fi
