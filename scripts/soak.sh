#!/usr/bin/env bash
# The soak harness: one `nmp node` (TCP, QUIC, WebSocket and gRPC faces, runs stopped after
# 1 s) under a mixed workload from AGENTS `nmp-soak` agent processes for SECONDS, sampling the
# node's resident memory (all, anonymous, file-backed), open file descriptors and the requests
# answered so far every SAMPLE seconds. At the end it checks that every
# request was answered exactly once (a verified receipt or a typed refusal, no request line
# missing or repeated, every agent finished) and prints the counts, latencies by transport
# and the RSS/fd curve. Exit status 0 only if every check passed.
#
#   scripts/soak.sh SECONDS [AGENTS]      e.g. scripts/soak.sh 60 (CI), scripts/soak.sh 1800
#
# Everything runs under `nice -n 19`. SOAK_RELEASE=1 builds and runs release binaries; the
# default is the debug build. SOAK_OUT=DIR keeps the logs there (default: a temporary dir).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: scripts/soak.sh SECONDS [AGENTS]}"
agents="${2:-4}"
sample="${SAMPLE:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/target}"
profile=debug
build=(cargo build --locked -p nmp-cli -p nmp-soak)
if [ "${SOAK_RELEASE:-0}" = 1 ]; then
    profile=release
    build+=(--release)
fi
nice -n 19 "${build[@]}"
bin="$CARGO_TARGET_DIR/$profile"
out="${SOAK_OUT:-$(mktemp -d)}"
mkdir -p "$out"
repo="$(pwd)"

"$bin/nmp" keygen --out "$out/node.key" >/dev/null
cat >"$out/node.toml" <<TOML
identity = "node.key"
grpc = "127.0.0.1:0"
[listen]
tcp = "/ip4/127.0.0.1/tcp/0"
quic = "/ip4/127.0.0.1/udp/0/quic-v1"
ws = "/ip4/127.0.0.1/tcp/0/ws"
[[datasets]]
name = "patients"
path = "$repo/examples/logic/data"
capability = "demo.hospital/patients"
[policy]
rate_limit_per_minute = "off"
budget_per_day = "off"
origin_rate_limit_per_minute = "off"
[policy.sandbox]
timeout_ms = 1000
[policy.guardian]
max_exports = 4
TOML

nice -n 19 "$bin/nmp" node --config "$out/node.toml" 2>"$out/node.log" &
node=$!
cleanup() { kill "$node" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 600); do
    grep -q '^gRPC on ' "$out/node.log" && break
    kill -0 "$node" || { cat "$out/node.log" >&2; exit 1; }
    sleep 0.1
done
addr() { grep -m1 "^listening on .*$1" "$out/node.log" | sed 's/^listening on //'; }
tcp="$(grep '^listening on ' "$out/node.log" | grep '/tcp/' | grep -v '/ws/' | head -1 | sed 's/^listening on //')"
quic="$(addr /quic-v1/)"
ws="$(addr /ws/)"
grpc="$(grep -m1 '^gRPC on ' "$out/node.log" | sed 's/^gRPC on //')"
peer="${tcp##*/p2p/}"
echo "node $peer (pid $node): $tcp $quic $ws $grpc" >&2

echo "t_s,rss_kib,anon_kib,file_kib,fds,requests" >"$out/samples.csv"
started=$(date +%s)
pids=()
for agent in $(seq "$agents"); do
    nice -n 19 "$bin/nmp-soak" --agent "$agent" --node "$peer" --mesh "$tcp" "$quic" "$ws" \
        --grpc "$grpc" --capability demo.hospital/patients \
        --modules "$repo/examples/logic" --seconds "$seconds" \
        >"$out/agent-$agent.jsonl" 2>"$out/agent-$agent.err" &
    pids+=($!)
done
running=1
while [ "$running" = 1 ]; do
    # Resident memory: all of it, the anonymous part (heap, stacks, the sandbox's memories)
    # and the file-backed part (the binary's pages, faulted in as code paths first run).
    mem=$(awk '/^(VmRSS|RssAnon|RssFile):/ {printf "%s,", $2}' "/proc/$node/status")
    fds=$(find "/proc/$node/fd" -mindepth 1 -maxdepth 1 | wc -l)
    requests=$(cat "$out"/agent-*.jsonl 2>/dev/null | wc -l)
    echo "$(($(date +%s) - started)),$mem$fds,$requests" >>"$out/samples.csv"
    running=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
    [ "$running" = 1 ] && sleep "$sample"
done
agent_failed=0
for pid in "${pids[@]}"; do wait "$pid" || agent_failed=1; done
kill -0 "$node" || { echo "the node died" >&2; exit 1; }
echo "logs: $out" >&2
python3 scripts/soak-report.py "$out" "$agents" "$agent_failed"
