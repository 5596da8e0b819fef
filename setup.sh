#!/usr/bin/env bash
# Set up careprint on a fresh machine: system libraries, a virtualenv in .venv, and the pinned Python packages.
#   ./setup.sh          what building handouts needs (then .venv/bin/careprint is the careprint command)
#   ./setup.sh --test   the same plus what the tests need
set -euo pipefail
cd "$(dirname "$0")"

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "careprint needs Python 3.11 or later as python3; this machine has $(python3 --version 2>&1 || echo none)" >&2
  exit 1
fi

# WeasyPrint needs Pango (most Linux machines have it) and, to subset fonts the same way on every machine,
# HarfBuzz's subsetting library. Install them with the system package manager when they are missing.
# (grep without -q: with pipefail, an early exit of grep would make a long ldconfig listing look like a failure.)
missing=()
# Debian and Ubuntu ship the virtualenv module separately.
python3 -c 'import ensurepip' 2>/dev/null || missing+=("python3.$(python3 -c 'import sys; print(sys.version_info[1])')-venv")
ldconfig -p 2>/dev/null | grep 'libpango-1.0.so' >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep 'libharfbuzz-subset.so' >/dev/null || missing+=(libharfbuzz-subset0)
# The tests prove that a font fallback is caught; they need one system font to fall back to.
if [ "${1:-}" = "--test" ] && ! ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1; then
  missing+=(fonts-dejavu-core)
fi
# Fonts for every script careprint prints (careprint/fonts.py): Noto Sans (Vietnamese), Noto Sans Gurmukhi (Punjabi)
# and Noto Naskh Arabic (Farsi) from fonts-noto-core; Noto Sans CJK SC and TC (Chinese) from fonts-noto-cjk. The
# tests also read PDFs with poppler's pdftotext, which honours /ActualText (tests/test_scripts.py).
ls /usr/share/fonts/truetype/noto/NotoSansGurmukhi-Regular.ttf >/dev/null 2>&1 || missing+=(fonts-noto-core)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ "${1:-}" = "--test" ] && ! command -v pdftotext >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
# Web edition tests (tests/browser.py): a real browser, Debian's chromium (never `playwright install`), and npm for
# axe-core (installed below with npm ci).
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    echo "Installing system libraries: ${missing[*]}"
    for attempt in 1 2; do  # one retry: a package mirror can fail for a moment
      if $sudo_cmd apt-get update -qq &&
         $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
        break
      fi
      [ "$attempt" = 2 ] && { echo "Could not install ${missing[*]} with apt-get; install them, then run ./setup.sh again" >&2; exit 1; }
      sleep 10
    done
  else
    echo "Please install these system libraries, then run ./setup.sh again: ${missing[*]}" >&2
    exit 1
  fi
fi

python3 -m venv .venv
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
  # axe-core for the web edition's browser tests, at the version pinned in tests/browser/package-lock.json.
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
echo "careprint is set up in .venv: the command is $(pwd)/.venv/bin/careprint"
echo "A clinic's own project folder: $(pwd)/.venv/bin/careprint new DIR (see README.md, \"Set up careprint for your clinic\")"
