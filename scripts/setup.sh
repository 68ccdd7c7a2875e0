# Shared by scripts/serve.sh and scripts/test.sh (sourced, not run). Idempotent: each step is
# skipped when already done, so a second run costs a few seconds.
#   setup_python EXTRAS   .venv with Python 3.11+, `pip install -e ".[EXTRAS]"` (re-run only when
#                         pyproject.toml or the extras change)
#   setup_node            `npm ci`: Pyodide, axe-core (re-run only when either is missing or not the locked version)
#   as_root CMD...        run CMD as root (sudo only when not root)

export NO_MKDOCS_2_WARNING=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

find_python() {
  for py in python3.14 python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"
      return 0
    fi
  done
  echo "error: Python 3.11 or newer is required (apt-get install python3)." >&2
  return 1
}

setup_python() {
  local extras="$1" hash missing extra py
  if [ ! -x .venv/bin/python ]; then
    py="$(find_python)"
    echo "setup: creating .venv with $py" >&2
    if ! "$py" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      echo "setup: installing python3-venv (Debian/Ubuntu)" >&2
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      "$py" -m venv .venv
    fi
  fi
  # one stamp per extra, named after the hash of pyproject.toml: reinstall only when it changes
  # or when an extra is asked for the first time
  hash="$(sha256sum pyproject.toml | cut -c1-16)"
  missing=""
  for extra in ${extras//,/ }; do
    [ -f ".venv/.installed-$hash-$extra" ] || missing="yes"
  done
  if [ -n "$missing" ]; then
    echo "setup: pip install -e '.[$extras]'" >&2
    # jieba is an sdist: with --no-build-isolation it needs a setuptools that can build wheels itself
    .venv/bin/python -m pip install --quiet "flit_core>=3.9,<5" "setuptools>=70.1" wheel
    .venv/bin/python -m pip install --quiet --no-build-isolation -e ".[$extras]"
    find .venv -maxdepth 1 -name ".installed-*" ! -name ".installed-$hash-*" -delete
    for extra in ${extras//,/ }; do touch ".venv/.installed-$hash-$extra"; done
  fi
}

setup_node() {
  local want have
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "error: Node.js 20+ with npm is required (https://nodejs.org/ or your distribution's nodejs package)." >&2
    return 1
  fi
  if ! node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)'; then
    echo "error: Node.js 20+ is required, found $(node --version)." >&2
    return 1
  fi
  # npm ci only when the installed Pyodide or axe-core (the accessibility tests) is not the one
  # package-lock.json pins (never needlessly: npm ci deletes node_modules first).
  want="$(node -e 'const l=require("./package-lock.json"); console.log(["pyodide","axe-core"].map(p => l.packages["node_modules/"+p].version).join(" "))')"
  have="$(node -e 'console.log(["pyodide","axe-core"].map(p => { try { return require("./node_modules/"+p+"/package.json").version } catch (e) { return "" } }).join(" "))')"
  if [ "$want" != "$have" ] || [ ! -f node_modules/pyodide/pyodide.asm.wasm ]; then
    echo "setup: npm ci (self-hosted Pyodide and axe-core: $want)" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
