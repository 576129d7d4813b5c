#!/usr/bin/env bash
# Rebuilds ts/guardian/wasm/nmp_guardian.wasm, the Rust Guardian (crates/nmp-guardian under its
# default policy, behind crates/nmp-guardian-wasm's C ABI) for wasm32-unknown-unknown.
#
# Usage:
#   ts/guardian/scripts/build-wasm.sh           rebuild the committed .wasm in place
#   ts/guardian/scripts/build-wasm.sh --check   rebuild into the build directory and fail unless
#                                               it is byte-identical to the committed .wasm
#
# The stable toolchain has no wasm32 standard library here, so this uses Debian's rustc-web and
# cargo-web (/usr/bin/rustc 1.96, /usr/bin/cargo; apt packages rustc-web, cargo-web, rust-web-src,
# lld) and builds the standard library from rust-web-src (RUSTC_BOOTSTRAP=1 -Zbuild-std).
# Output is deterministic for a given toolchain: --locked dependencies, one codegen unit, LTO,
# no debug info, symbols stripped, panic locations left out and every build path remapped.
# Build products go to $NMP_GUARDIAN_WASM_TARGET (default: $CARGO_TARGET_DIR/guardian-wasm, or
# ~/.cache/nmp/guardian-wasm), never into the repository.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
committed="$root/ts/guardian/wasm/nmp_guardian.wasm"
rustc=/usr/bin/rustc
cargo=/usr/bin/cargo

die() {
  echo "build-wasm: $*" >&2
  exit 1
}

mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  -h | --help)
    sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

[ -x "$rustc" ] || die "$rustc is missing (apt-get install rustc-web)"
[ -x "$cargo" ] || die "$cargo is missing (apt-get install cargo-web)"
sysroot="$("$rustc" --print sysroot)"
[ -d "$sysroot/lib/rustlib/src/rust/library" ] || die "the standard library source is missing (apt-get install rust-web-src)"
command -v wasm-ld >/dev/null 2>&1 || die "wasm-ld is missing (apt-get install lld)"

target_dir="${NMP_GUARDIAN_WASM_TARGET:-${CARGO_TARGET_DIR:-$HOME/.cache/nmp}/guardian-wasm}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"

flags=(
  -C linker=wasm-ld
  -Z location-detail=none
  --remap-path-prefix="$root=/nmp"
  --remap-path-prefix="$cargo_home=/cargo"
  --remap-path-prefix="$target_dir=/target"
  --remap-path-prefix="$sysroot/lib/rustlib/src/rust=/rust"
)
encoded="$(printf '%s\x1f' "${flags[@]}")"

(
  cd "$root"
  env -u RUSTFLAGS -u RUSTC_WRAPPER \
    RUSTC="$rustc" RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0 \
    CARGO_TARGET_DIR="$target_dir" CARGO_ENCODED_RUSTFLAGS="${encoded%$'\x1f'}" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_PANIC=abort \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=true \
    CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    "$cargo" build --quiet --locked --release -p nmp-guardian-wasm --lib \
    --target wasm32-unknown-unknown -Z build-std=std,panic_abort
)
built="$target_dir/wasm32-unknown-unknown/release/nmp_guardian_wasm.wasm"
[ -f "$built" ] || die "cargo finished but $built is missing"

if [ "$mode" = check ]; then
  if ! cmp -s "$built" "$committed"; then
    die "ts/guardian/wasm/nmp_guardian.wasm is stale or not reproducible (rebuild with ts/guardian/scripts/build-wasm.sh; $("$rustc" --version))"
  fi
  echo "build-wasm: ts/guardian/wasm/nmp_guardian.wasm matches its source ($(wc -c <"$built") bytes)"
else
  mkdir -p "$(dirname "$committed")"
  cp "$built" "$committed"
  echo "built ts/guardian/wasm/nmp_guardian.wasm ($(wc -c <"$committed") bytes, $("$rustc" --version))"
fi
