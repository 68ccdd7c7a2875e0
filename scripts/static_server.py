"""A plain static server for the built site (used by scripts/serve.sh): 127.0.0.1 only, the MIME
types the site needs (.mjs as JavaScript, .wasm as application/wasm), directory index pages.

    python scripts/static_server.py site --port 8000
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path

MIME = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--bind", default="127.0.0.1")
    args = ap.parse_args(argv)
    if not (args.directory / "index.html").is_file():
        print(f"error: {args.directory} has no index.html: build the site first", file=sys.stderr)
        return 2
    handler = functools.partial(Handler, directory=str(args.directory))
    with http.server.ThreadingHTTPServer((args.bind, args.port), handler) as httpd:
        print(f"serving {args.directory} on http://{args.bind}:{httpd.server_address[1]}/  (Ctrl+C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
