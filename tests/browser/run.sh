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

# Debian's chromium; installing it needs root (as in CI).
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium (apt-get)…"
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >"$WORK/apt.log" 2>&1 ||
      echo "apt-get install chromium failed, see $WORK/apt.log"
  fi
  [ -x "$CHROMIUM" ] || CHROMIUM=$(command -v chromium || true)
  [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || skip "chromium is not installed and could not be installed"
fi
# Chinese glyphs for the screenshot only; the test passes without them.
if ! fc-list 2>/dev/null | grep -qi 'CJK'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk >>"$WORK/apt.log" 2>&1 ||
      echo "note: fonts-noto-cjk not installed; the screenshot may show boxes for Chinese text"
  fi
fi
command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not found"

# playwright-core only (it downloads no browser).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

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

REPORT_HTML=$OUT/formlint-report.html \
  REPORT_JSON=$WORK/formlint-report.json \
  HOSTILE_HTML=$WORK/hostile.html \
  SCREENSHOT=$OUT/html-report.png \
  CHROMIUM=$CHROMIUM \
  node --test --test-reporter=spec tests/browser/report.test.mjs
echo "screenshots: $OUT/html-report.png $OUT/html-report-focus.png"
