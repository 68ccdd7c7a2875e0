#!/usr/bin/env bash
# The performance benchmark (issue 7), one command:
#
#   bash scripts/bench.sh                    # build the site into /tmp/site-bench, measure, print, write JSON
#   bash scripts/bench.sh --reps 3           # any option of `python -m benchmarks.run --help`
#   bash scripts/bench.sh --site DIR         # measure an already built site (skips the build)
#
# It builds the site with the project's .venv (mkdocs build -d <temp dir>, never ./site), serves it
# with benchmarks/server.py (gzip, ETag, Cache-Control, correct MIME) on 127.0.0.1:<free port>,
# drives /usr/bin/chromium through Playwright, runs the engine alone in CPython and in Pyodide (Node),
# prints a table with the targets and writes the JSON to benchmarks/results/ (latest.json too).
# From a clean clone it first installs what is missing (.venv from pyproject.toml, npm ci).
# Takes about 3-5 minutes on 2 cores. Exit status 1 if a measurement failed (not if a target failed).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  echo "bench: creating .venv and installing the site and test dependencies ..." >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet -e '.[site,test]'
fi
if [ ! -f node_modules/pyodide/pyodide.asm.wasm ]; then
  echo "bench: installing the self-hosted Pyodide (npm ci) ..." >&2
  npm ci --no-audit --no-fund
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "bench: /usr/bin/chromium is missing (apt-get install -y chromium); never run 'playwright install'." >&2
  exit 2
fi

export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m benchmarks.run --build-dir "${BENCH_SITE:-/tmp/site-bench}" "$@"
