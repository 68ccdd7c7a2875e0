#!/usr/bin/env bash
# Install what the tests need (.venv with .[site,test], npm ci, Debian's chromium where missing)
# and run EVERY test with pytest. Extra arguments go to pytest (bash scripts/test.sh -k calculator).
# Exit status: pytest's (non-zero on any failure). Works without a terminal (CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

setup_python site,test
setup_node
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "setup: apt-get install chromium (browser tests; never 'playwright install')" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
exec .venv/bin/python -m pytest "$@"
