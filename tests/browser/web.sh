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
if ! fc-list 2>/dev/null | grep -qi 'CJK'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk >>"$WORK/apt.log" 2>&1 ||
      echo "note: fonts-noto-cjk not installed; screenshots may show boxes for Chinese text"
  fi
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >>"$WORK/apt.log" 2>&1 || true
  fi
  command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not found"
fi
# wasm-opt (Debian's binaryen) is used by web/build.sh when installed; not installed here: it
# saves 5 % of the raw module but not of the gzipped one, and costs CI a minute.

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

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
