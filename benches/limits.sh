#!/usr/bin/env bash
# Peak memory and time of `formlint check` on every bad input (docs/limits.md), rerunnable:
#
#   benches/limits.sh            # release build, every file of tests/fixtures/bad, plus the
#                                # worst case under the caps (benches/worst_case.py), a 5 GB
#                                # sparse file, /dev/zero and a FIFO made on the spot
#
# Prints one row per input (exit code, wall seconds, peak RSS in MiB) and the maxima, and writes
# the table to target/limits-results.md. The targets: every input within 512 MiB and 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/formlint
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "benches/limits.sh needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 2; }
cargo build --release --quiet --bin formlint

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
truncate -s 5G "$tmp/sparse-5g.xlsx"
python3 benches/worst_case.py "$tmp/worst-case.xlsx"
mkfifo "$tmp/pipe.xlsx"
ln -s /dev/zero "$tmp/zero.xlsx"

out=$TARGET/limits-results.md
{
  echo "| input | exit | seconds | peak RSS MiB |"
  echo "|---|---|---|---|"
} > "$out"
max_rss=0; max_s=0
run() {
  local f=$1 label=$2
  local code=0
  "$TIME" -o "$tmp/time" -f '%e %M' timeout 60 "$BIN" check --format json --no-config -- "$f" \
    > /dev/null 2>&1 || code=$?
  local stats
  stats=$(tail -n 1 "$tmp/time")
  local s=${stats%% *} kib=${stats##* }
  local mib=$(( kib / 1024 ))
  echo "| $label | $code | $s | $mib |" >> "$out"
  printf '%-48s %6ss %6s MiB\n' "$label" "$s" "$mib"
  (( mib > max_rss )) && max_rss=$mib
  awk -v a="$s" -v b="$max_s" 'BEGIN{exit !(a>b)}' && max_s=$s
  return 0
}
while IFS=$'\t' read -r file kind _; do
  [ "$file" = file ] && continue
  run "tests/fixtures/bad/$file" "$file"
done < tests/fixtures/bad/cases.tsv
run "$tmp/worst-case.xlsx" "(just under every cap: benches/worst_case.py)"
run "$tmp/sparse-5g.xlsx" "(sparse 5 GB file)"
run "$tmp/pipe.xlsx" "(FIFO)"
run "$tmp/zero.xlsx" "(link to /dev/zero)"
echo "max: ${max_s} s, ${max_rss} MiB" | tee -a "$out"
