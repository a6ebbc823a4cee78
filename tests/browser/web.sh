#!/usr/bin/env bash
# Browser test of formlint's web page: builds the site (web/build.sh → target/web/) and the
# command line, opens the page from file:// (and from a 127.0.0.1 static server) in headless
# Chromium (playwright-core) and compares what window.formlint and the page show with
# `formlint check --format json`, `formlint rules check` and `formlint rules test`. Saves
# screenshots target/web-*.png and timings target/web-bench.json. One command:
# `bash tests/browser/web.sh`.
#
# Environment: FORMLINT_BIN to test a binary already built (skips `cargo build`); WEB_DIR for a
# site already built (skips web/build.sh); CHROMIUM for another browser than /usr/bin/chromium.
# Skips (exit 0, with a message) only when Chromium or Node cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/target
WORK=$OUT/browser-web
mkdir -p "$WORK"

skip() {
  echo "SKIP web browser test: $*"
  exit 0
}

# chromium, fonts, node and playwright-core
source tests/browser/setup.sh

if [ -z "${FORMLINT_BIN:-}" ]; then
  cargo build --locked --quiet
  cp "${CARGO_TARGET_DIR:-$ROOT/target}/debug/formlint" "$WORK/formlint"
  FORMLINT_BIN=$WORK/formlint
fi
if [ -z "${WEB_DIR:-}" ]; then
  bash web/build.sh
  WEB_DIR=$OUT/web
fi

FORMLINT_BIN=$FORMLINT_BIN WEB_DIR=$WEB_DIR OUT=$OUT BENCH=$OUT/web-bench.json CHROMIUM=$CHROMIUM \
  node --test --test-reporter=spec --test-concurrency=1 tests/browser/web.test.mjs
echo "screenshots: $OUT/web-checker.png $OUT/web-workbench.png $OUT/web-workbench-error.png $OUT/web-1366x768.png"
echo "timings: $OUT/web-bench.json"
