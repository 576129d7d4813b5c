#!/usr/bin/env bash
# The long scale campaign: AGENTS agents (default 50) each holding STREAMS raw logic streams
# (default 200, so 10,000 in all) against one `nmp node`; prints how every stream ended and the
# node's RSS/fd curve. The CI size (10 x 20) runs in `cargo test -p nmp-cli --test it faults`.
set -euo pipefail
cd "$(dirname "$0")/.."
export NMP_SCALE_AGENTS="${1:-50}" NMP_SCALE_STREAMS="${2:-200}"
exec nice -n 19 cargo test -p nmp-cli --test it faults::scale -- --nocapture
