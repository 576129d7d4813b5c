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

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The MCP end-to-end test drives `nmp mcp` with the official MCP TypeScript SDK client, pinned by
# crates/nmp-cli/tests/mcp/package-lock.json; reinstalled only when the lock file changes.
mcp=crates/nmp-cli/tests/mcp
if ! cmp -s "$mcp/package-lock.json" "$mcp/node_modules/.installed-lock.json" 2>/dev/null; then
  echo "setup: installing the MCP test client (npm ci)" >&2
  npm ci --prefix "$mcp" --no-audit --no-fund --loglevel=error >/dev/null
  cp "$mcp/package-lock.json" "$mcp/node_modules/.installed-lock.json"
fi
