#!/usr/bin/env bash
# The main job: a guided tour of the NMP node pipeline on the bundled example logic and the
# bundled synthetic patients dataset. Builds `nmp` (release) on first use, then shows each layer
# stopping what it must stop: the Guardian, the sandbox, the egress filter, and the signed
# receipt an agent verifies.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/target}"
# NMP_PROFILE=dev reuses the test build (faster to build, slower to compile guests).
profile="${NMP_PROFILE:-release}"
echo "building nmp ($profile; the first build takes several minutes)..." >&2
cargo build --profile "$profile" --locked -q -p nmp-cli
nmp="$CARGO_TARGET_DIR/$([ "$profile" = dev ] && echo debug || echo "$profile")/nmp"

logic=examples/logic
data=$logic/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bold=$(tput bold 2>/dev/null || true)
dim=$(tput dim 2>/dev/null || true)
reset=$(tput sgr0 2>/dev/null || true)

step() { printf '\n%s== %s%s\n' "$bold" "$*" "$reset"; }
show() { printf '%s$ %s%s\n' "$dim" "$*" "$reset" >&2; }

# Runs one command, shows it, and checks its exit status against the contract.
expect() {
  local want=$1
  shift
  show "nmp $*"
  local got=0
  if [ -n "${capture:-}" ]; then
    "$nmp" "$@" 2> "$capture" || got=$?
  else
    "$nmp" "$@" || got=$?
  fi
  if [ "$got" -ne "$want" ]; then
    echo "demo: expected exit $want from 'nmp $*', got $got" >&2
    exit 1
  fi
  printf '%s-> exit %s%s\n' "$dim" "$got" "$reset" >&2
}

rows=$(($(wc -l < "$data/patients.csv") - 1))
step "The data: $rows synthetic patients (names, emails, SSNs, diagnoses, costs) in $data"
head -n 3 "$data/patients.csv"

step "0. The node's identity: an Ed25519 key whose public key is its libp2p PeerId"
show "nmp keygen --out node.key"
node_id=$("$nmp" keygen --out "$work/node.key")
echo "$node_id"

step "1. An honest question: mean age and cost per diagnosis (C compiled to WebAssembly)"
expect 0 inspect "$logic/c/aggregate.wasm" > "$work/report.json"
printf 'Guardian: %s\n' "$(grep -o '"verdict": "[a-z]*"' "$work/report.json")"
expect 0 exec "$logic/c/aggregate.wasm" --data "$data" --receipt "$work/receipt.json" --key "$work/node.key" \
  | tee "$work/answer.json"
echo
echo "The agent checks the receipt: signed by the node, for this module, over these output bytes."
expect 0 verify "$work/receipt.json" --output "$work/answer.json" --node "$node_id" --wasm "$logic/c/aggregate.wasm"
printf '{"rows":0}' > "$work/forged.json"
echo "A forged answer does not match the receipt:"
expect 7 verify "$work/receipt.json" --output "$work/forged.json"

step "2. An exfiltration attempt: raw rows, and the same rows base64-encoded"
capture="$work/egress.json" expect 3 exec "$logic/c/exfiltrate.wasm" --data "$data"
printf 'Egress filter: %s findings (rules: %s); nothing reached stdout\n' \
  "$(grep -c '"rule"' "$work/egress.json")" \
  "$(grep -o '"rule": "[a-z._]*"' "$work/egress.json" | sort -u | cut -d'"' -f4 | paste -sd, -)"

step "3. An import escape: a module that asks for a socket and env.system"
expect 4 inspect "$logic/wat/escape.wasm" > "$work/escape.json"
python3 - "$work/escape.json" <<'PY'
import json, sys
for finding in json.load(open(sys.argv[1]))["findings"]:
    print("  %(severity)s: %(code)s: %(message)s" % finding)
PY

step "4. A runaway loop: stopped at its 500 ms deadline"
expect 5 exec "$logic/wat/spin.wasm" --data "$data" --timeout-ms 500

step "Done: the answer left, the private data did not, and the hostile modules were stopped."
