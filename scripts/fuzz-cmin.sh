#!/usr/bin/env bash
# Minimises each target's corpus (or the named targets'): merges the working corpus
# (FUZZ_CORPUS/<target>, default fuzz/corpus) and the committed seeds into the smallest set of
# inputs with the same coverage (libFuzzer's `-merge=1`, what `cargo fuzz cmin` runs) and
# writes it to fuzz/seeds/<target>. Hand-written seeds and crash reproducers (any file whose
# name is not a 40-digit hash) are always kept. Prints the committed size per target.
#
#   scripts/fuzz-cmin.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nmp/fuzz-target}"
corpus="${FUZZ_CORPUS:-fuzz/corpus}"
bin="$(scripts/fuzz-build.sh "$@")"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi
for target in "${targets[@]}"; do
    seeds="fuzz/seeds/$target"
    mkdir -p "$seeds" "$corpus/$target"
    merged="$(mktemp -d)"
    nice -n 19 "$bin/$target" -merge=1 -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
        "$merged" "$seeds" "$corpus/$target" >"$merged.log" 2>&1 \
        || { tail -5 "$merged.log" >&2; exit 1; }
    find "$seeds" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
    cp -n "$merged"/* "$seeds"/ 2>/dev/null || true
    rm -rf "$merged" "$merged.log"
    printf '%-24s %5d files %8s\n' "$target" "$(find "$seeds" -type f | wc -l)" \
        "$(du -sh "$seeds" | cut -f1)"
done
