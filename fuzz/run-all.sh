#!/usr/bin/env bash
# Runs every fuzz target at once for SECONDS each (default 1800), at the lowest CPU priority,
# continuing past crashes (-fork=1 -ignore_crashes=1: each crash is saved to artifacts/<t>/),
# and prints each target's last libFuzzer status line (executions, coverage, features).
#
#   fuzz/run-all.sh            # 30 minutes per target, all six side by side
#   fuzz/run-all.sh 600 rules  # 10 minutes, one target
#
# Logs: fuzz/logs/<target>.log. Figures go to docs/reliability.md by hand.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
secs=${1:-1800}
shift || true
targets=${*:-check_xlsx check_sniffed check_csv check_canonical rules value config}
mkdir -p logs
"$here/seed.sh" >/dev/null
nice -n 19 cargo +nightly fuzz build >/dev/null
pids=()
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  dict=()
  [ "$t" = rules ] && dict=(-dict=rules.dict)
  nice -n 19 cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${dict[@]}" \
    > "logs/$t.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
for t in $targets; do
  echo "== $t: $(grep -E '#[0-9]+' "logs/$t.log" | tail -n 1)"
  echo "   crashes saved: $(find "artifacts/$t" -type f | wc -l)"
done
