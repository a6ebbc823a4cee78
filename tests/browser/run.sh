#!/usr/bin/env bash
# Browser test of `formlint check --format html`: builds formlint, renders the seed forms to
# target/formlint-report.html, opens it in headless Chromium (playwright-core) and checks the
# page works; saves target/html-report.png. One command: `bash tests/browser/run.sh`.
#
# Environment: FORMLINT_BIN to test a binary already built (skips `cargo build`);
# CHROMIUM for another browser than /usr/bin/chromium.
# Skips (exit 0, with a message) only when Chromium or Node cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/target
WORK=$OUT/browser
mkdir -p "$WORK"

skip() {
  echo "SKIP html browser test: $*"
  exit 0
}

# chromium, fonts, node and playwright-core
source tests/browser/setup.sh

# Build, and keep a private copy of the binary for this run.
if [ -z "${FORMLINT_BIN:-}" ]; then
  cargo build --locked --quiet
  cp "${CARGO_TARGET_DIR:-$ROOT/target}/debug/formlint" "$WORK/formlint"
  FORMLINT_BIN=$WORK/formlint
fi

render() { # render FORMAT OUTFILE PATH… ; exit 1 (errors found) is expected
  local fmt=$1 file=$2 rc=0
  shift 2
  "$FORMLINT_BIN" check --format "$fmt" "$@" >"$file" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "formlint --format $fmt failed with exit code $rc"
    exit 1
  fi
}
render html "$OUT/formlint-report.html" tests/fixtures/seed
render json "$WORK/formlint-report.json" tests/fixtures/seed

# A "form" whose cells hold markup: it must show as text.
mkdir -p "$WORK/hostile"
cat >"$WORK/hostile/evil.csv" <<'CSV'
项目名称,<script>window.__pwned=1</script>
主管部门,"<img src=x onerror=""window.__pwned=2"">"
CSV
render html "$WORK/hostile.html" "$WORK/hostile/evil.csv"

# P3 with its S002 accepted in a formlint.toml: the accepted finding stays on the page, greyed.
mkdir -p "$WORK/accepted"
cp "tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx" "$WORK/accepted/"
cat >"$WORK/accepted/formlint.toml" <<'TOML'
[[accept]]
file = "P3-贸易摩擦应对事务.xlsx"
code = "S002"
cell = "I16"
reason = "会议提前召开，扣分合理"
TOML
render html "$WORK/accepted.html" "$WORK/accepted/P3-贸易摩擦应对事务.xlsx"

REPORT_HTML=$OUT/formlint-report.html \
  ACCEPTED_HTML=$WORK/accepted.html \
  REPORT_JSON=$WORK/formlint-report.json \
  HOSTILE_HTML=$WORK/hostile.html \
  SCREENSHOT=$OUT/html-report.png \
  CHROMIUM=$CHROMIUM \
  node --test --test-reporter=spec tests/browser/report.test.mjs
echo "screenshots: $OUT/html-report.png $OUT/html-report-focus.png"
