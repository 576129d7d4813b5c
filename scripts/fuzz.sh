#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, all at once under `nice -n 19` so
# they use only idle cycles, then prints each target's executions, coverage and corpus size.
# Each target reads fuzz/seeds/<target> (committed: seeds and minimised corpora) and grows its
# working corpus in fuzz/corpus/<target> (not committed); crashes land in
# fuzz/artifacts/<target>. The long campaign of docs/reliability.md is
# `scripts/fuzz.sh 3600`; the CI smoke is scripts/fuzz-smoke.sh.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}"
shift
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/fuzz-target}"
flags=(--sanitizer none --debug-assertions)

nice -n 19 cargo +nightly fuzz build "${flags[@]}" "$@"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
bin="$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"
logs="$(mktemp -d)"
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/seeds/$target" "fuzz/artifacts/$target"
    dict=()
    [ -f "fuzz/dicts/$target.dict" ] && dict=("-dict=fuzz/dicts/$target.dict")
    nice -n 19 "$bin/$target" "fuzz/corpus/$target" "fuzz/seeds/$target" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
        -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1 \
        >"$logs/$target.log" 2>&1 &
done
failed=0
wait || failed=1
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -oE '(DONE|#[0-9]+).*cov: [0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || echo "cov: ?")
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 || echo "ft: ?")
    files=$(find "fuzz/corpus/$target" -type f | wc -l)
    crashes=$(find "fuzz/artifacts/$target" -type f | wc -l)
    printf '%-24s %10s execs  %-10s %-10s corpus %5d  artifacts %d\n' \
        "$target" "$execs" "$cov" "$ft" "$files" "$crashes"
    if grep -q 'ERROR: libFuzzer\|panicked at' "$log"; then
        failed=1
        grep -m5 'panicked at\|ERROR: libFuzzer' "$log" >&2
    fi
done
echo "logs: $logs" >&2
exit "$failed"
