#!/usr/bin/env bash
# The main job: builds `nmp` (release, on first use) and runs `nmp demo`: a bootstrap peer and
# two hospital Data Nodes on 127.0.0.1 in one process, over freshly generated synthetic patients,
# and an agent that finds them through the DHT and sends an honest aggregate (verified answers),
# an exfiltration attempt (blocked by the egress filter) and an import escape (rejected by the
# Guardian). Arguments go to `nmp demo` (e.g. `--rows 1000000`, `--dir DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/target}"
# NMP_PROFILE=dev reuses the test build (faster to build, slower to run).
profile="${NMP_PROFILE:-release}"
echo "building nmp ($profile; the first build takes several minutes)..." >&2
cargo build --profile "$profile" --locked -q -p nmp-cli
exec "$CARGO_TARGET_DIR/$([ "$profile" = dev ] && echo debug || echo "$profile")/nmp" demo "$@"
