#!/usr/bin/env bash
# Performance figures for `formlint check`, rerunnable by anyone (see docs/performance.md).
#
#   benches/run.sh                          # corpora of 1000 and 10000 forms, 1000 seed copies
#   benches/run.sh 1000                     # just one size
#   benches/run.sh seed1000                 # 1000 copies of the nine seed forms
#   REPEAT=5 benches/run.sh 1000            # median of 5 runs instead of 3
#   CORPORA=/tmp benches/run.sh 1000        # where the corpora are made (default target/)
#
# For each corpus it makes the folder if missing (scripts/gen-corpus.py N, or copies of
# tests/fixtures/seed/ for seedN), then measures, median of $REPEAT wall times with
# /usr/bin/time -v (whole processes, page cache warm):
#   inflate   read each file and inflate every zip part, nothing else (benches/floor.rs)
#   calamine  calamine opening and reading every sheet of every workbook (benches/floor.rs)
#   jobs1     formlint check DIR --format json --jobs 1
#   jobs2     formlint check DIR --format json --jobs 2
# with formlint's time as a ratio of both floors and the peak RSS of each check, then one
# single-form check including process start (hyperfine, or a loop of 50 runs without it).
# The table is printed and written to $CARGO_TARGET_DIR/bench-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${*:-1000 10000 seed1000}
REPEAT=${REPEAT:-3}
TARGET=${CARGO_TARGET_DIR:-target}
CORPORA=${CORPORA:-target}
BIN=${BIN:-$TARGET/release/formlint} # BIN=other/formlint to time another build
SINGLE=${SINGLE:-"tests/fixtures/seed/P2-WTO事务系列服务体系.xlsx"}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "benches/run.sh needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 2; }

cargo build --release --quiet --bin formlint
cargo bench --quiet --bench floor --no-run 2>/dev/null
FLOOR=$(ls -t "$TARGET"/release/deps/floor-* | grep -v '\.d$' | head -n 1)

# measure CMD...: median wall seconds, largest peak RSS (KiB) and median CPU seconds (user +
# system: steadier than wall time on a shared machine) over $REPEAT runs -> "$secs $kib $cpu"
measure() {
    local walls=() cpus=() rss=0 log
    log=$(mktemp)
    for _ in $(seq "$REPEAT"); do
        "$TIME" -v "$@" >/dev/null 2>"$log" || true
        local wall kib cpu
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$log")
        cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$log")
        kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
        walls+=("$wall")
        cpus+=("$cpu")
        [ "$kib" -gt "$rss" ] && rss=$kib
    done
    rm -f "$log"
    echo "$(median "${walls[@]}") $rss $(median "${cpus[@]}")"
}

# median X...: the middle value
median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# corpus NAME: the folder for a size (made if missing)
corpus() {
    local name=$1 dir n i
    case $name in
    seed*)
        n=${name#seed}
        dir=$CORPORA/bench-seed-$n
        if [ ! -d "$dir" ] || [ "$(ls "$dir" | wc -l)" -lt "$n" ]; then
            mkdir -p "$dir"
            mapfile -t seeds < <(ls tests/fixtures/seed/*.xlsx | sort)
            for i in $(seq 0 $((n - 1))); do
                cp "${seeds[$((i % ${#seeds[@]}))]}" "$dir/$(printf '%05d' "$i")-$(basename "${seeds[$((i % ${#seeds[@]}))]}")"
            done
        fi
        ;;
    *)
        dir=$CORPORA/bench-corpus-$name
        if [ ! -d "$dir" ] || [ "$(ls "$dir" | wc -l)" -lt "$name" ]; then
            python3 scripts/gen-corpus.py "$name" --out "$dir" >&2
        fi
        ;;
    esac
    echo "$dir"
}

OUT=$TARGET/bench-results.md
{
    echo "median of $REPEAT; ratios are formlint's wall time over each floor's"
    echo
    echo "| corpus | inflate s | calamine s | --jobs 1 s | --jobs 2 s | j1 / inflate | j1 / calamine | j2 / inflate | j2 / calamine | peak RSS j1 / j2 MiB | CPU s inflate / calamine / j1 | j1 CPU / inflate CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT"

for N in $SIZES; do
    DIR=$(corpus "$N")
    cat "$DIR"/*.xlsx >/dev/null # warm the page cache: measure parsing, not the disk
    read -r i_s _ i_cpu < <(measure "$FLOOR" "$DIR" --floor inflate)
    read -r c_s _ c_cpu < <(measure "$FLOOR" "$DIR" --floor calamine)
    read -r j1_s j1_kib j1_cpu < <(measure "$BIN" check "$DIR" --format json --jobs 1)
    read -r j2_s j2_kib _ < <(measure "$BIN" check "$DIR" --format json --jobs 2)
    awk -v n="$N" -v i="$i_s" -v c="$c_s" -v a="$j1_s" -v b="$j2_s" -v ra="$j1_kib" -v rb="$j2_kib" \
        -v ic="$i_cpu" -v cc="$c_cpu" -v ac="$j1_cpu" 'BEGIN {
        printf "| %s | %.3f | %.3f | %.3f | %.3f | %.2f× | %.2f× | %.2f× | %.2f× | %.1f / %.1f | %.2f / %.2f / %.2f | %.2f× |\n",
            n, i, c, a, b, a / i, a / c, b / i, b / c, ra / 1024, rb / 1024, ic, cc, ac, ac / ic }' >>"$OUT"
done

echo >>"$OUT"
if command -v hyperfine >/dev/null; then
    hyperfine --ignore-failure --warmup 5 --runs 50 --export-markdown "$TARGET/bench-single.md" \
        "$BIN check '$SINGLE' --format json" >&2 || true
    mean=$(awk -F'|' 'NR==3 {gsub(/ /,"",$3); print $3}' "$TARGET/bench-single.md")
    echo "single-form check (process start included, hyperfine mean of 50): ${mean} ms" >>"$OUT"
else
    runs=()
    for _ in $(seq 50); do
        start=$(date +%s%N)
        "$BIN" check "$SINGLE" --format json >/dev/null || true
        end=$(date +%s%N)
        runs+=($(((end - start) / 1000)))
    done
    mid=$(printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}')
    echo "single-form check (process start included, median of 50 runs): $mid ms" >>"$OUT"
fi
cat "$OUT"
