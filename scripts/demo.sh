#!/usr/bin/env bash
# The main job: a guided tour of the NMP node pipeline on the bundled example logic and the
# bundled synthetic patients dataset. Builds `nmp` (release) on first use, then shows each layer
# stopping what it must stop: the Guardian, the sandbox, the egress filter, and the signed
# receipt an agent verifies.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/target}"
echo "building nmp (release; the first build takes several minutes)..." >&2
cargo build --release --locked -q -p nmp-cli
nmp="$CARGO_TARGET_DIR/release/nmp"

logic=examples/logic
data=$logic/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bold=$(tput bold 2>/dev/null || true)
dim=$(tput dim 2>/dev/null || true)
reset=$(tput sgr0 2>/dev/null || true)

step() { printf '\n%s== %s%s\n' "$bold" "$*" "$reset"; }
show() { printf '%s$ %s%s\n' "$dim" "$*" "$reset"; }

# Runs one command, shows it, and checks its exit status against the contract.
expect() {
  local want=$1
  shift
  show "nmp $*"
  local got=0
  "$nmp" "$@" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "demo: expected exit $want from 'nmp $*', got $got" >&2
    exit 1
  fi
  printf '%s-> exit %s%s\n' "$dim" "$got" "$reset"
}

rows=$(($(wc -l < "$data/patients.csv") - 1))
step "The data: $rows synthetic patients (names, emails, SSNs, diagnoses, costs) in $data"
head -n 3 "$data/patients.csv"

step "1. An honest question: mean age and cost per diagnosis (C compiled to WebAssembly)"
expect 0 inspect "$logic/c/aggregate.wasm" > "$work/report.json"
printf 'Guardian: %s\n' "$(grep -o '"verdict": "[a-z]*"' "$work/report.json")"
expect 0 exec "$logic/c/aggregate.wasm" --data "$data"

step "2. An exfiltration attempt: raw rows, and the same rows base64-encoded"
expect 3 exec "$logic/c/exfiltrate.wasm" --data "$data" 2> "$work/egress.json"
printf 'Egress filter: %s findings (rules: %s); nothing reached stdout\n' \
  "$(grep -c '"rule"' "$work/egress.json")" \
  "$(grep -o '"rule": "[a-z._]*"' "$work/egress.json" | sort -u | cut -d'"' -f4 | paste -sd, -)"

step "3. An import escape: a module that asks for a socket and env.system"
expect 4 inspect "$logic/wat/escape.wasm" > "$work/escape.json"
grep -o '"message": "[^"]*"' "$work/escape.json" | cut -d'"' -f4 | sed 's/^/  rejected: /'

step "4. A runaway loop: stopped at its 500 ms deadline"
expect 5 exec "$logic/wat/spin.wasm" --data "$data" --timeout-ms 500

step "Done: the answer left, the private data did not, and the hostile modules were stopped."
