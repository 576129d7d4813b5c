#!/usr/bin/env bash
# Regenerates the committed zero-knowledge receipts (crates/nmp-zk/tests/receipts/*.receipt):
# proves each example run below with the committed guest ELF, on the CPU, one at a time.
#
# Cost on a 2-core machine (measured; see crates/nmp-zk/README.md): minutes per proof and
# about 5 GB of memory. Not part of CI: CI only verifies the committed receipts.
#
# DOCS_RS=1: RISC Zero's build script would download the recursion circuit, which this machine
# cannot reach; without it only composite receipts can be made, which is what NMP uses.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export DOCS_RS=1
cargo build --release --locked -p nmp-zk --features zk-prove --example prove
prove="${CARGO_TARGET_DIR:-$repo/target}/release/examples/prove"
out=crates/nmp-zk/tests/receipts

# MODULE INPUT DATA_DIR REQUEST_ID OUT (the request id and inputs tests/it/receipts.rs expects)
nice -n 10 /usr/bin/time -v "$prove" \
  examples/logic/wat/hello.wasm examples/logic/inputs/params-mean.json "$out/data" \
  00112233445566778899aabbccddeeff "$out/hello.receipt"
