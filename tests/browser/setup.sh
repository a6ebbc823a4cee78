# Sourced by the browser tests (run.sh, web.sh): Debian's chromium, CJK fonts for screenshots,
# Node.js/npm and the playwright-core package, installed when missing (as root, as in CI).
# Expects WORK (a folder for logs) and a `skip MESSAGE` function; sets CHROMIUM.
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
# Chinese glyphs for the screenshots only; the tests pass without them.
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
# playwright-core only (it downloads no browser).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
