#!/usr/bin/env bash
# Rebuilds every example guest in examples/logic/ from its source:
#   wat/*.wat            -> wat/*.wasm            (wabt's wat2wasm)
#   c/*.c                -> c/*.wasm              (clang --target=wasm32-wasi -O2 -s)
#   sqlite/query.c       -> sqlite/query.wasm     (the same, linked with SQLite's amalgamation:
#                                                  the copy in the libsqlite3-sys crate Cargo.lock
#                                                  pins, public domain, found with cargo metadata)
#   assemblyscript/*.ts  -> assemblyscript/*.wasm (asc 0.28 + the WASI shim, after npm ci)
#
# Usage:
#   scripts/build-logic.sh                 rebuild the committed .wasm files in place
#   scripts/build-logic.sh --check         rebuild into a temporary directory and fail if any
#                                          committed .wasm differs from its source's build
#   scripts/build-logic.sh --native DIR    build aggregate.c natively (cc -O2) as DIR/aggregate,
#                                          for the sandbox-vs-native benchmark
#
# Output is deterministic for a given toolchain (no timestamps, no paths, no debug info).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logic="$root/examples/logic"
tmp=""

die() {
  echo "build-logic: $*" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is missing ($2); scripts/setup.sh installs it"
}

build_native() {
  local dir="$1"
  local cc="${CC:-cc}"
  need "$cc" "a native C compiler"
  mkdir -p "$dir"
  "$cc" -O2 -o "$dir/aggregate" "$logic/c/aggregate.c"
  echo "built $dir/aggregate (native, $("$cc" --version | head -n 1))"
}

# Builds every guest into $1, mirroring the examples/logic layout.
# SQLite's amalgamation as the libsqlite3-sys crate in Cargo.lock bundles it (cargo fetches it).
sqlite_source() {
  local manifest
  manifest="$(cd "$root" && cargo metadata --format-version 1 --locked |
    python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "libsqlite3-sys"))')" ||
    die "cannot find the libsqlite3-sys crate (cargo metadata)"
  echo "$(dirname "$manifest")/sqlite3"
}

# query.wasm: SQLite compiled for wasm32-wasi without threads, extensions, WAL or temporary
# files; the calls that change files are renamed to query.c's failing ro_* functions.
build_sqlite() {
  local out="$1" src
  src="$(sqlite_source)"
  mkdir -p "$out/sqlite"
  clang --target=wasm32-wasi -O2 -w -c -o "$tmp/sqlite3.o" "$src/sqlite3.c" \
    -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_TEMP_STORE=3 \
    -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_SHARED_CACHE \
    -DLONGDOUBLE_TYPE=double -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID \
    -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
    -Dftruncate=ro_ftruncate -Dfsync=ro_fsync -Dunlink=ro_unlink -Drmdir=ro_rmdir \
    -Dmkdir=ro_mkdir -Dutimes=ro_utimes -Dreadlink=ro_readlink -Dlstat=ro_lstat
  clang --target=wasm32-wasi -O2 -s -Wall -Wextra -Werror -I"$src" -o "$out/sqlite/query.wasm" \
    "$logic/sqlite/query.c" "$tmp/sqlite3.o" -lwasi-emulated-mman -lwasi-emulated-getpid \
    -lwasi-emulated-signal -lwasi-emulated-process-clocks
}

build_all() {
  local out="$1"
  mkdir -p "$out/wat" "$out/c" "$out/assemblyscript"

  local src name
  for src in "$logic"/wat/*.wat; do
    name="$(basename "$src" .wat)"
    wat2wasm "$src" -o "$out/wat/$name.wasm"
  done

  for src in "$logic"/c/*.c; do
    name="$(basename "$src" .c)"
    clang --target=wasm32-wasi -O2 -s -Wall -Wextra -Werror -o "$out/c/$name.wasm" "$src"
  done

  build_sqlite "$out"

  local as="$logic/assemblyscript"
  if [ ! -x "$as/node_modules/.bin/asc" ] ||
    [ "$as/package-lock.json" -nt "$as/node_modules/.package-lock.json" ]; then
    (cd "$as" && npm ci --no-audit --no-fund --loglevel=error) ||
      die "npm ci failed in examples/logic/assemblyscript"
  fi
  for src in "$as"/*.ts; do
    name="$(basename "$src" .ts)"
    (cd "$as" && ./node_modules/.bin/asc "$name.ts" \
      --config ./node_modules/@assemblyscript/wasi-shim/asconfig.json \
      -O3 --runtime stub -o "$out/assemblyscript/$name.wasm")
  done
}

main() {
  local mode="build" native_dir=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --check) mode="check" ;;
      --native)
        [ $# -ge 2 ] || die "--native needs a directory"
        mode="native"
        native_dir="$2"
        shift
        ;;
      -h | --help)
        sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
      *) die "unknown argument '$1' (try --help)" ;;
    esac
    shift
  done

  if [ "$mode" = "native" ]; then
    build_native "$native_dir"
    return
  fi

  bash "$root/scripts/setup.sh"
  need clang "C to wasm32-wasi"
  need wasm-ld "the wasm linker, package lld"
  need wat2wasm "WAT to wasm, package wabt"
  need node "AssemblyScript compiler runtime"
  need npm "AssemblyScript toolchain install"

  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  build_all "$tmp"

  local built rel status=0
  while IFS= read -r built; do
    rel="${built#"$tmp"/}"
    if [ "$mode" = "check" ]; then
      if ! cmp -s "$built" "$logic/$rel"; then
        echo "build-logic: examples/logic/$rel is stale (rebuild with scripts/build-logic.sh)" >&2
        status=1
      fi
    else
      cp "$built" "$logic/$rel"
      echo "built examples/logic/$rel ($(wc -c <"$built") bytes)"
    fi
  done < <(find "$tmp" -name '*.wasm' | LC_ALL=C sort)
  [ "$mode" != "check" ] || [ "$status" -ne 0 ] || echo "build-logic: every .wasm matches its source"
  return "$status"
}

main "$@"
