#!/usr/bin/env bash
# Builds the RISC Zero guest (zk/guest) with Debian's Rust (rustc-web 1.96, rust-web-src,
# lld-22: scripts/setup.sh installs them) and copies the ELF to crates/nmp-zk/guest/.
#
#   scripts/zk-guest.sh           build and overwrite the committed ELF
#   scripts/zk-guest.sh --check   build and fail unless it is byte-identical to the committed ELF
#                                 (skipped, exit 0, when the toolchain is missing)
#
# The build is reproducible: paths are remapped, so the ELF (and its image id) does not depend
# on where the repository or cargo's registry lives. No rzup, no docker: -Zbuild-std builds the
# standard library for riscv32im-risc0-zkvm-elf from rust-web-src (RUSTC_BOOTSTRAP=1), with the
# rustflags risc0-build uses.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
elf="$repo/crates/nmp-zk/guest/nmp-zk-guest.elf"
mode="${1:-build}"

if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/ld.lld-22 ] \
  || [ ! -d /usr/lib/rustlib/src/rust/library ]; then
  if [ "$mode" = --check ]; then
    echo "zk-guest: Debian's rustc-web, rust-web-src or lld-22 missing; ELF check skipped" >&2
    exit 0
  fi
  echo "zk-guest: needs rustc-web, cargo-web, rust-web-src and lld-22 (scripts/setup.sh)" >&2
  exit 1
fi

target_dir="${CARGO_TARGET_DIR:-$repo/target}/zk-guest"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
flags=(
  -C passes=lower-atomic
  -C link-arg=-Ttext=0x00200800
  -C link-arg=--fatal-warnings
  -C panic=abort
  --cfg 'getrandom_backend="custom"'
  -C linker=/usr/bin/ld.lld-22
  --remap-path-prefix="$repo=/nmp"
  --remap-path-prefix="$cargo_home=/cargo"
)
sep=$'\x1f'
encoded="$(printf "%s$sep" "${flags[@]}")"

cd "$repo/zk/guest"
RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_ENCODED_RUSTFLAGS="${encoded%"$sep"}" \
  /usr/bin/cargo build --release --locked \
  --target riscv32im-risc0-zkvm-elf \
  -Zbuild-std=alloc,core,proc_macro,panic_abort,std \
  -Zbuild-std-features=compiler-builtins-mem \
  --target-dir "$target_dir"
built="$target_dir/riscv32im-risc0-zkvm-elf/release/nmp-zk-guest"

if [ "$mode" = --check ]; then
  if ! cmp -s "$built" "$elf"; then
    echo "zk-guest: the committed ELF differs from a build of zk/guest: run scripts/zk-guest.sh" >&2
    exit 1
  fi
  echo "zk-guest: committed ELF matches its source" >&2
else
  mkdir -p "$(dirname "$elf")"
  cp "$built" "$elf"
  echo "zk-guest: wrote $elf ($(stat -c %s "$elf") bytes)" >&2
fi
