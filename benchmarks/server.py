"""The benchmark's static server: the project's one server (scripts/static_server.py), which
behaves like the production host (deploy/nginx.conf): the build's precompressed .br/.gz files when
the browser accepts them, else gzip on the fly for text, JS, JSON and wasm; correct MIME types;
ETag/304 and a Cache-Control policy (``CACHE_POLICIES``); the site's 404.html; the worker CSP on
scripts. What the benchmark uses of it:

* ``mounts``: extra directories under a prefix (``benchmarks/pages`` at ``/__bench__/``, so the floor
  page is same-origin with the site and uses the site's Pyodide files);
* the byte counter: every response is recorded (``records``, ``mark()``/``since()``: path, status,
  header and body bytes on the wire, encoding), including what workers and the service worker fetched;
* ``prewarm()`` (gzip now whatever has no precompressed sibling) and ``latency_ms``.

The benchmark's default cache policy is ``short`` (what GitHub Pages sends)::

    with StaticServer(Path("/tmp/site-bench"), mounts={"/__bench__/": pages}) as srv:
        print(srv.url)          # http://127.0.0.1:<free port>/

or from a shell: ``python -m benchmarks.server DIR [--port 0] [--cache short|revalidate|immutable|production]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scripts import static_server as _one
from scripts.static_server import (  # noqa: F401  (the benchmark's public names)
    CACHE_POLICIES,
    COMPRESSIBLE_PREFIXES,
    GZIP_LEVEL,
    GZIP_MIN_BYTES,
    MIME_TYPES,
    Record,
    compressible,
    content_type,
)


class StaticServer(_one.StaticServer):
    """scripts/static_server.py's server with the benchmark's defaults (cache ``short``, scripts'
    CSP only when asked for with ``script_csp``)."""

    def __init__(self, root: Path, *, cache: str = "short", script_csp: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(root, cache=cache, script_csp=script_csp, **kwargs)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve a built site like a static host (compressed, ETag).")
    ap.add_argument("root", type=Path)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cache", choices=sorted(CACHE_POLICIES), default="short")
    ap.add_argument("--no-gzip", action="store_true", help="no gzip on the fly")
    ap.add_argument("--no-precompressed", action="store_true", help="ignore the .br/.gz siblings")
    ap.add_argument("--mount-bench", action="store_true",
                    help="also serve benchmarks/pages at /__bench__/ (the floor page)")
    args = ap.parse_args(argv)
    mounts = {"/__bench__/": Path(__file__).parent / "pages"} if args.mount_bench else {}
    srv = StaticServer(args.root, mounts=mounts, port=args.port, cache=args.cache,
                       gzip_enabled=not args.no_gzip, precompressed=not args.no_precompressed)
    print(f"serving {srv.root} at {srv.url} (cache={args.cache}); Ctrl-C to stop", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
