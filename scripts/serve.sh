#!/usr/bin/env bash
# Install everything, build the site with `mkdocs build --strict` into site/ and serve it on
# http://127.0.0.1:8000 (PORT=8001 bash scripts/serve.sh for another port). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

setup_python site
setup_node
echo "build: mkdocs build --strict -> site/" >&2
.venv/bin/python -m mkdocs build --strict --quiet -d site
exec .venv/bin/python scripts/static_server.py site --port "${PORT:-8000}"
