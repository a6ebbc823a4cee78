#!/usr/bin/env bash
# Performance figures for `formlint check`, rerunnable by anyone (see docs/performance.md).
#
#   benches/run.sh                # corpora of 1000 and 10000 forms
#   benches/run.sh 1000           # just one size
#   REPEAT=5 benches/run.sh 1000  # best of 5 runs instead of 3
#
# For each size N it makes target/bench-corpus-N/ if missing (scripts/gen-corpus.py), then
# measures, best of $REPEAT wall times with /usr/bin/time -v:
#   floor    calamine opening and reading every sheet of every workbook, one thread
#   jobs1    formlint check DIR --format json --jobs 1
#   jobs2    formlint check DIR --format json --jobs 2
# and the peak RSS of each, then one single-form check including process start (hyperfine,
# or a loop of 50 runs without it). The table is printed and written to target/bench-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${*:-1000 10000}
REPEAT=${REPEAT:-3}
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/formlint
SINGLE=${SINGLE:-"tests/fixtures/seed/P2-WTO事务系列服务体系.xlsx"}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "benches/run.sh needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 2; }

cargo build --release --quiet --bin formlint
cargo bench --quiet --bench floor --no-run 2>/dev/null
FLOOR=$(ls -t "$TARGET"/release/deps/floor-* | grep -v '\.d$' | head -n 1)

# measure LABEL CMD...: best wall seconds and peak RSS (KiB) over $REPEAT runs -> "$secs $kib"
measure() {
    local best="" rss=0 log
    log=$(mktemp)
    for _ in $(seq "$REPEAT"); do
        "$TIME" -v "$@" >/dev/null 2>"$log" || true
        local wall kib
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$log")
        kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
        [ "$kib" -gt "$rss" ] && rss=$kib
    done
    rm -f "$log"
    echo "$best $rss"
}

OUT=$TARGET/bench-results.md
{
    echo "| forms | floor s | --jobs 1 s | --jobs 2 s | forms/s (j1 / j2) | j1 / floor | j2 / floor | peak RSS j1 / j2 MiB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT"

for N in $SIZES; do
    DIR=target/bench-corpus-$N
    if [ ! -d "$DIR" ] || [ "$(ls "$DIR" | wc -l)" -lt "$N" ]; then
        python3 scripts/gen-corpus.py "$N" --out "$DIR" >&2
    fi
    cat "$DIR"/*.xlsx >/dev/null # warm the page cache: measure parsing, not the disk
    read -r f_s f_kib < <(measure "$FLOOR" "$DIR")
    read -r j1_s j1_kib < <(measure "$BIN" check "$DIR" --format json --jobs 1)
    read -r j2_s j2_kib < <(measure "$BIN" check "$DIR" --format json --jobs 2)
    awk -v n="$N" -v f="$f_s" -v a="$j1_s" -v b="$j2_s" -v ra="$j1_kib" -v rb="$j2_kib" 'BEGIN {
        printf "| %d | %.2f | %.2f | %.2f | %.0f / %.0f | %.2f | %.2f | %.1f / %.1f |\n",
            n, f, a, b, n / a, n / b, a / f, b / f, ra / 1024, rb / 1024 }' >>"$OUT"
done

echo >>"$OUT"
if command -v hyperfine >/dev/null; then
    hyperfine --ignore-failure --warmup 5 --runs 50 --export-markdown "$TARGET/bench-single.md" \
        "$BIN check '$SINGLE' --format json" >&2 || true
    mean=$(awk -F'|' 'NR==3 {gsub(/ /,"",$3); print $3}' "$TARGET/bench-single.md")
    echo "single-form check (process start included, hyperfine mean of 50): ${mean} ms" >>"$OUT"
else
    start=$(date +%s%N)
    for _ in $(seq 50); do "$BIN" check "$SINGLE" --format json >/dev/null || true; done
    end=$(date +%s%N)
    echo "single-form check (process start included, mean of 50 runs): $(((end - start) / 50000000)) ms" >>"$OUT"
fi
cat "$OUT"
