"""A static file server that behaves like a static host, for the benchmark.

Standard library only. What it does, and why:

* gzip (level 6, computed once per file version and kept in memory) for compressible types when the
  client accepts it, with ``Vary: Accept-Encoding``. Brotli would need a third-party module, so it is
  not offered; the figures are therefore gzip figures (a host with brotli sends about 15% less).
* Correct MIME types for what Pyodide needs: ``.mjs`` -> ``text/javascript`` and ``.wasm`` ->
  ``application/wasm`` (required for ``WebAssembly.instantiateStreaming``).
* ``ETag`` + ``Last-Modified`` with ``304 Not Modified`` answers, and a ``Cache-Control`` policy
  (see ``CACHE_POLICIES``) so that a repeat visit measures a warm cache the way a real host allows it.
* Directory URLs (``/calculator/`` -> ``calculator/index.html``), a redirect for ``/calculator``,
  and ``404.html`` for missing files.
* Extra directories can be mounted under a prefix (the benchmark mounts ``benchmarks/pages`` at
  ``/__bench__/``), so the floor page is same-origin with the site and uses the site's Pyodide files.
* A byte counter: every response is recorded (path, status, header and body bytes on the wire,
  encoding), so the benchmark can count what a visit downloaded, including what its workers and
  service worker fetched.

Usage from Python::

    with StaticServer(Path("/tmp/site-bench"), mounts={"/__bench__/": pages}) as srv:
        print(srv.url)          # http://127.0.0.1:<free port>/

or from a shell: ``python -m benchmarks.server DIR [--port 0] [--cache short|revalidate|immutable]``.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import http.server
import mimetypes
import os
import posixpath
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

MIME_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".csv": "text/csv; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# Types a host compresses. Zip archives (the stdlib zip, the wheel) and images are already
# compressed, so hosts (nginx gzip_types, Netlify, Cloudflare) leave them alone.
COMPRESSIBLE_PREFIXES = ("text/", "application/json", "application/wasm", "application/xml",
                         "application/manifest+json", "image/svg+xml")
GZIP_MIN_BYTES = 256
GZIP_LEVEL = 6

# name -> function(url path) -> Cache-Control value
CACHE_POLICIES = {
    # Like GitHub Pages: every file may be reused for 10 minutes, then revalidated with its ETag.
    "short": lambda path: "public, max-age=600",
    # Every use revalidates (a 304 costs a round trip but no body).
    "revalidate": lambda path: "no-cache",
    # What a tuned host would send: pages revalidate; versioned runtime files are kept for a year.
    "immutable": lambda path: ("no-cache" if path.endswith((".html", "/")) or path.endswith("sw.js")
                               else "public, max-age=31536000, immutable"
                               if "/pyodide/" in path or path.endswith((".whl", ".wasm"))
                               else "public, max-age=600"),
}


def content_type(path: Path) -> str:
    ext = path.suffix.lower()
    if ext in MIME_TYPES:
        return MIME_TYPES[ext]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def compressible(ctype: str) -> bool:
    return ctype.startswith(COMPRESSIBLE_PREFIXES) or "javascript" in ctype


@dataclass
class Record:
    """One response as it went over the wire."""

    t: float  # time.monotonic() when the response was finished
    method: str
    path: str
    status: int
    header_bytes: int
    body_bytes: int
    encoding: str  # "gzip" or "identity"
    raw_bytes: int  # size of the file itself (0 for redirects/304)
    t_arrive: float = 0.0  # time.monotonic() when the request line was read

    @property
    def wire_bytes(self) -> int:
        return self.header_bytes + self.body_bytes


class _GzipCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[tuple[str, int, int], bytes] = {}

    def get(self, path: Path, st: os.stat_result, raw: bytes) -> bytes:
        key = (str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            hit = self._data.get(key)
        if hit is not None:
            return hit
        # mtime=0 makes the gzip bytes (and so the ETag's meaning) stable across restarts.
        packed = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
        with self._lock:
            self._data[key] = packed
        return packed


class StaticServer:
    """Serve ``root`` (plus ``mounts``) on 127.0.0.1:<port> in a background thread."""

    def __init__(self, root: Path, *, mounts: dict[str, Path] | None = None, port: int = 0,
                 cache: str = "short", gzip_enabled: bool = True,
                 extra_headers: dict[str, str] | None = None, script_csp: str | None = None,
                 latency_ms: float = 0.0) -> None:
        if cache not in CACHE_POLICIES:
            raise ValueError(f"unknown cache policy {cache!r}; choose one of {sorted(CACHE_POLICIES)}")
        self.root = Path(root).resolve()
        self.mounts = {("/" + k.strip("/") + "/"): Path(v).resolve() for k, v in (mounts or {}).items()}
        self.cache_policy = cache
        self.gzip_enabled = gzip_enabled
        self.extra_headers = dict(extra_headers or {})
        # CSP header for scripts: what the site asks a host to send for its worker and Pyodide
        # files (a dedicated worker is governed by its own response headers, not the page's meta).
        self.script_csp = script_csp
        # Added before every response: a crude round-trip time, to see what a request chain
        # (a waterfall) costs on a phone network. 0 = loopback.
        self.latency_s = latency_ms / 1000.0
        self.records: list[Record] = []
        self._records_lock = threading.Lock()
        self._gz = _GzipCache()
        handler = self._make_handler()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> StaticServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="bench-static",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- byte counter ----------------------------------------------------------------------
    def mark(self) -> int:
        """An index into the record list; pass it to ``since``."""
        with self._records_lock:
            return len(self.records)

    def since(self, mark: int) -> list[Record]:
        with self._records_lock:
            return list(self.records[mark:])

    def _record(self, rec: Record) -> None:
        with self._records_lock:
            self.records.append(rec)

    def prewarm(self) -> int:
        """Compress every compressible file now (a host serves precompressed or cached bytes; the
        first measured request must not pay for gzip). Returns the number of files compressed."""
        n = 0
        for base in [self.root, *self.mounts.values()]:
            for path in base.rglob("*"):
                if not path.is_file():
                    continue
                st = path.stat()
                if (self.gzip_enabled and compressible(content_type(path))
                        and st.st_size >= GZIP_MIN_BYTES):
                    self._gz.get(path, st, path.read_bytes())
                    n += 1
        return n

    # -- path mapping ----------------------------------------------------------------------
    def resolve(self, url_path: str) -> Path | None:
        """Map a URL path to a file inside root or a mount, or None (never escapes them)."""
        path = posixpath.normpath(urllib.parse.unquote(url_path))
        if url_path.endswith("/") and not path.endswith("/"):
            path += "/"
        base, rel = self.root, path
        for prefix, target in self.mounts.items():
            if path.startswith(prefix) or path + "/" == prefix:
                base, rel = target, path[len(prefix):]
                break
        # normpath, not resolve(): symlinks inside the tree are served (as a host deploying the
        # tree would), but no ".." can leave it.
        candidate = Path(os.path.normpath(base / rel.lstrip("/")))
        if candidate != base and base not in candidate.parents:
            return None
        return candidate

    # -- the handler -----------------------------------------------------------------------
    def _make_handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "bench-static/1"
            sys_version = ""

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def flush_headers(self) -> None:
                # The response is recorded here, before its first byte leaves: a client that has
                # read a response always finds it in the counter (no race with the test or the
                # harness). _pending is set by _send just before end_headers().
                buf = getattr(self, "_headers_buffer", [])
                pending = getattr(self, "_pending", None)
                if pending is not None:
                    status, body_len, encoding, raw_size = pending
                    self._pending = None
                    server._record(Record(time.monotonic(), self.command, self.path, status,
                                          sum(len(b) for b in buf), body_len, encoding, raw_size,
                                          getattr(self, "_t_arrive", 0.0)))
                super().flush_headers()

            def do_HEAD(self) -> None:
                self._serve(head=True)

            def do_GET(self) -> None:
                self._serve(head=False)

            def _end(self, status: int, body: bytes, encoding: str, raw_size: int,
                     head: bool) -> None:
                self._pending = (status, 0 if head else len(body), encoding, raw_size)
                self.end_headers()
                if not head and body:
                    self.wfile.write(body)

            def _simple(self, status: int, text: str, head: bool,
                        headers: dict[str, str] | None = None) -> None:
                body = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self._end(status, body, "identity", 0, head)

            def _serve(self, head: bool) -> None:
                self._t_arrive = time.monotonic()
                if server.latency_s:
                    time.sleep(server.latency_s)
                url = urllib.parse.urlsplit(self.path)
                url_path = url.path or "/"
                target = server.resolve(url_path)
                if target is None:
                    self._simple(403, "forbidden", head)
                    return
                if target.is_dir():
                    if not url_path.endswith("/"):
                        location = url_path + "/" + (("?" + url.query) if url.query else "")
                        self._simple(301, "moved", head, {"Location": location})
                        return
                    target = target / "index.html"
                status = 200
                if not target.is_file():
                    not_found = server.root / "404.html"
                    if not not_found.is_file():
                        self._simple(404, "not found", head)
                        return
                    target, status = not_found, 404
                self._send_file(target, url_path, status, head)

            def _send_file(self, target: Path, url_path: str, status: int, head: bool) -> None:
                st = target.stat()
                ctype = content_type(target)
                accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
                can_gzip = (server.gzip_enabled and compressible(ctype)
                            and st.st_size >= GZIP_MIN_BYTES)
                use_gzip = can_gzip and accepts_gzip
                etag = f'"{st.st_size:x}-{st.st_mtime_ns:x}{"-gz" if use_gzip else ""}"'
                last_modified = email.utils.formatdate(st.st_mtime, usegmt=True)
                cache_control = CACHE_POLICIES[server.cache_policy](url_path)
                common = {
                    "ETag": etag,
                    "Last-Modified": last_modified,
                    "Cache-Control": cache_control,
                    **server.extra_headers,
                }
                if can_gzip:
                    common["Vary"] = "Accept-Encoding"
                if server.script_csp and "javascript" in ctype:
                    common["Content-Security-Policy"] = server.script_csp
                if status == 200 and self._not_modified(etag, st.st_mtime):
                    self.send_response(304)
                    for k, v in common.items():
                        self.send_header(k, v)
                    self._end(304, b"", "identity", 0, head)
                    return
                raw = target.read_bytes()
                body = server._gz.get(target, st, raw) if use_gzip else raw
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if use_gzip:
                    self.send_header("Content-Encoding", "gzip")
                for k, v in common.items():
                    self.send_header(k, v)
                self._end(status, body, "gzip" if use_gzip else "identity", len(raw), head)

            def _not_modified(self, etag: str, mtime: float) -> bool:
                inm = self.headers.get("If-None-Match")
                if inm is not None:
                    tags = [t.strip() for t in inm.split(",")]
                    return etag in tags or "*" in tags
                ims = self.headers.get("If-Modified-Since")
                if ims:
                    try:
                        since = email.utils.parsedate_to_datetime(ims).timestamp()
                    except (TypeError, ValueError):
                        return False
                    return int(mtime) <= int(since)
                return False

        return Handler


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve a built site like a static host (gzip, ETag).")
    ap.add_argument("root", type=Path)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cache", choices=sorted(CACHE_POLICIES), default="short")
    ap.add_argument("--no-gzip", action="store_true")
    ap.add_argument("--mount-bench", action="store_true",
                    help="also serve benchmarks/pages at /__bench__/ (the floor page)")
    args = ap.parse_args(argv)
    mounts = {"/__bench__/": Path(__file__).parent / "pages"} if args.mount_bench else {}
    srv = StaticServer(args.root, mounts=mounts, port=args.port, cache=args.cache,
                       gzip_enabled=not args.no_gzip)
    print(f"serving {srv.root} at {srv.url} (cache={args.cache}); Ctrl-C to stop", flush=True)
    try:
        srv.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.httpd.server_close()


if __name__ == "__main__":
    main()
