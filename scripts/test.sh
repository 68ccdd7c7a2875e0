#!/usr/bin/env bash
# Install what the tests need (.venv with .[site,test], npm ci, Debian's chromium, nginx,
# libnginx-mod-http-brotli-static and imagemagick where missing)
# and run EVERY test with pytest. Extra arguments go to pytest (bash scripts/test.sh -k calculator).
# Exit status: pytest's (non-zero on any failure). Works without a terminal (CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

setup_python site,test
setup_node
# Debian packages: chromium for the browser tests (never 'playwright install'); nginx and its
# brotli_static module for the deployment test (tests/test_deploy_nginx.py starts nginx itself with
# deploy/nginx.conf on a free local port: the package's service is never started); imagemagick for
# the libjpeg comparison (tests/test_photo_decoders.py::test_against_libjpeg_files), which skips without
# it. A `convert` or `magick` on PATH counts only if `-version` says it is ImageMagick: some machines
# have a stand-in `convert` that merely shows pictures.
real_imagemagick() {
  local tool
  for tool in magick convert; do
    command -v "$tool" >/dev/null 2>&1 || continue
    case "$("$tool" -version 2>/dev/null || true)" in "Version: ImageMagick"*) return 0 ;; esac
  done
  return 1
}
apt_missing=""
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || apt_missing="$apt_missing chromium"
[ -x /usr/sbin/nginx ] || apt_missing="$apt_missing nginx"
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || apt_missing="$apt_missing libnginx-mod-http-brotli-static"
real_imagemagick || apt_missing="$apt_missing imagemagick"
if [ -n "$apt_missing" ]; then
  echo "setup: apt-get install$apt_missing" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  if [[ "$apt_missing" == *brotli* ]] && ! apt-cache show libnginx-mod-http-brotli-static >/dev/null 2>&1; then
    echo "setup: this distribution has no libnginx-mod-http-brotli-static: the nginx test skips brotli" >&2
    apt_missing="${apt_missing/ libnginx-mod-http-brotli-static/}"
  fi
  # no service starts during the install (policy-rc.d 101), unless the system already has a policy
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    made_policy="yes"
  fi
  status=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $apt_missing || status=$?
  [ -z "$made_policy" ] || as_root rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || exit "$status"
fi
exec .venv/bin/python -m pytest "$@"
