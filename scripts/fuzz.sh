#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each under `nice -n 19`, then prints
# each target's executions, coverage and corpus size. Each target first replays
# fuzz/seeds/<target> (committed: hand-written seeds, crash reproducers and the minimised
# corpus) and grows its working corpus in FUZZ_CORPUS/<target> (default fuzz/corpus, not
# committed); crashes land in fuzz/artifacts/<target>. The targets run all at once, or one
# after the other with FUZZ_SEQUENTIAL=1. Fails if any target crashed, hung or failed its
# property. The long campaign of docs/reliability.md is `scripts/fuzz.sh 3600`; the CI smoke
# is scripts/fuzz-smoke.sh; scripts/fuzz-cmin.sh folds a working corpus into the seeds.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# Builds with scripts/fuzz-build.sh (nightly; installs cargo-fuzz if it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}"
shift
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/fuzz-target}"
corpus="${FUZZ_CORPUS:-fuzz/corpus}"
bin="$(scripts/fuzz-build.sh "$@")"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi
logs="$(mktemp -d)"
run() {
    local target="$1"
    mkdir -p "$corpus/$target" "fuzz/seeds/$target" "fuzz/artifacts/$target"
    local dict=()
    [ -f "fuzz/dicts/$target.dict" ] && dict=("-dict=fuzz/dicts/$target.dict")
    nice -n 19 "$bin/$target" "$corpus/$target" "fuzz/seeds/$target" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
        -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1 \
        >"$logs/$target.log" 2>&1
}
failed=0
if [ "${FUZZ_SEQUENTIAL:-0}" = 1 ]; then
    for target in "${targets[@]}"; do run "$target" || failed=1; done
else
    pids=()
    for target in "${targets[@]}"; do
        run "$target" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
fi
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -oE '(DONE|#[0-9]+).*cov: [0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || echo "cov: ?")
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 || echo "ft: ?")
    files=$(find "$corpus/$target" "fuzz/seeds/$target" -type f | wc -l)
    crashes=$(find "fuzz/artifacts/$target" -type f | wc -l)
    printf '%-24s %10s execs  %-10s %-10s corpus+seeds %5d  artifacts %d\n' \
        "$target" "$execs" "$cov" "$ft" "$files" "$crashes"
    if grep -q 'ERROR: libFuzzer\|panicked at' "$log"; then
        failed=1
        grep -m5 'panicked at\|ERROR: libFuzzer' "$log" >&2
    fi
done
echo "logs: $logs" >&2
exit "$failed"
