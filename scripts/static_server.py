"""The project's one static server: `bash scripts/serve.sh`, the tests (tests/browser_support.py)
and the benchmark (benchmarks/server.py) all serve the built site with this module. It behaves like
the production host (deploy/nginx.conf) in everything a reader's browser can see:

* compressed responses: the build's precompressed ``.br``/``.gz`` sibling of a file
  (site_hooks/precompress.py) when the client accepts that coding, else gzip on the fly (cached)
  for text, JavaScript, JSON, wasm, SVG and XML; ``Vary: Accept-Encoding``. A sibling older than
  its file is stale and never served;
* the MIME types the site needs (``.mjs`` text/javascript, ``.wasm`` application/wasm, ``.json``);
* the site's ``404.html`` for a missing file; directory URLs serve their ``index.html`` and are
  never listed; ``/dir`` redirects to ``/dir/``;
* no way out of the site: ``..`` never leaves it and a symlink whose target lies outside is refused
  (403); a path with NUL or another control byte, a backslash or invalid UTF-8 is a 400;
* a bounded pool of worker threads, a deadline for reading each request and a timeout for each
  write, so a slow or idle client is dropped without holding up the others (a full queue gets 503);
* security headers: the page policy as a header on HTML (everything the page's own
  ``<meta http-equiv="Content-Security-Policy">`` says except the script rules, which need the
  per-page hashes of the meta tag, plus ``frame-ancestors 'none'``, which a meta tag cannot carry),
  the worker's policy (site_hooks/security.py ``WORKER_CSP``) on every script, since a dedicated
  worker is governed by its own response headers, ``X-Frame-Options: DENY`` and
  ``X-Content-Type-Options: nosniff`` on everything;
* ``ETag``/``Last-Modified`` with ``304`` answers and a ``Cache-Control`` policy (``CACHE_POLICIES``;
  ``production`` is deploy/nginx.conf's: a year for content-hashed files, revalidation for the rest).

Options for the tests and the benchmark: extra directories mounted under a URL prefix, a record of
every response with its bytes on the wire (``records``, ``mark()``/``since()``) and of every request
path (``requests``), an ``offline`` switch that drops every connection unanswered, and ``latency_ms``
added before each response.

    python scripts/static_server.py site --port 8000            # what serve.sh runs

    from scripts.static_server import StaticServer             # from the project root
    with StaticServer(Path("site")) as srv:
        print(srv.url)                                          # http://127.0.0.1:<free port>/
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import http.server
import importlib.util
import io
import mimetypes
import os
import posixpath
import queue
import re
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load_security() -> Any:
    """site_hooks/security.py (the build's CSP), loaded by path: scripts/ runs outside mkdocs."""
    spec = importlib.util.spec_from_file_location("_site_security", ROOT / "site_hooks" / "security.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_security = _load_security()

#: The policy a host sends for scripts: what the calculator's worker runs under.
WORKER_CSP: str = _security.WORKER_CSP
#: Sent with every HTML response, beside each page's meta policy (a browser enforces both). Script
#: rules stay in the meta tag (its hashes differ per page), so script-src and its default-src
#: fallback are left out here; frame-ancestors only works as a header.
PAGE_CSP: str = "; ".join(
    [f"{name} {' '.join(values)}" for name, values in _security.BASE_DIRECTIVES
     if name not in ("default-src", "script-src")] + ["frame-ancestors 'none'"])
SECURITY_HEADERS: dict[str, str] = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}

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
    ".gz": "application/gzip",
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
    ".ics": "text/calendar; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Kept for tests/browser_support.py's older import (the same table).
MIME = MIME_TYPES

# Types a host compresses on the fly. Zip archives and images are not among them (most are already
# compressed; hosts such as nginx gzip_types, Netlify and Cloudflare leave them alone): the site's
# stored zips (trimmed stdlib, wheels) reach the reader compressed through their precompressed siblings.
COMPRESSIBLE_PREFIXES = ("text/", "application/json", "application/wasm", "application/xml",
                         "application/manifest+json", "image/svg+xml")
GZIP_MIN_BYTES = 256
GZIP_LEVEL = 6
# Precompressed siblings, best first (site_hooks/precompress.py writes them).
SIBLINGS = (("br", ".br"), ("gzip", ".gz"))

# Content-hashed file names (Material's bundle.<hash>.min.js, main.<hash>.min.css, the search
# worker) and URLs versioned by a content hash in the query (the wheels: <name>.whl?v=<sha256>).
HASHED_NAME_RE = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)(?:\.map)?$")
VERSION_QUERY_RE = re.compile(r"(?:^|&)v=[0-9a-f]{8,}(?:&|$)")
IMMUTABLE = "public, max-age=31536000, immutable"


def is_content_hashed(path: str, query: str = "") -> bool:
    """True when the URL names one version of a file forever (deploy/nginx.conf keeps the same list)."""
    return bool(HASHED_NAME_RE.search(path)) or (path.endswith(".whl") and bool(VERSION_QUERY_RE.search(query)))


# name -> function(url path, query) -> Cache-Control value
CACHE_POLICIES: dict[str, Callable[..., str]] = {
    # deploy/nginx.conf: content-hashed files for a year, everything else revalidated (ETag).
    "production": lambda path, query="": IMMUTABLE if is_content_hashed(path, query) else "no-cache",
    # Like GitHub Pages: every file may be reused for 10 minutes, then revalidated with its ETag.
    "short": lambda path, query="": "public, max-age=600",
    # Every use revalidates (a 304 costs a round trip but no body).
    "revalidate": lambda path, query="": "no-cache",
    # A tuned host that also treats the runtime as versioned: pages revalidate, Pyodide and the
    # wheels are kept for a year.
    "immutable": lambda path, query="": ("no-cache" if path.endswith((".html", "/")) or path.endswith("sw.js")
                                         else IMMUTABLE
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


def accepted_codings(header: str | None) -> dict[str, float]:
    """Accept-Encoding as {coding: q}; ``*`` stands for every coding not named."""
    out: dict[str, float] = {}
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        m = re.search(r"q\s*=\s*([0-9.]+)", params)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        out[name] = q
    return out


def accepts(codings: dict[str, float], coding: str) -> bool:
    if coding in codings:
        return codings[coding] > 0
    return codings.get("*", 0) > 0


class BadRequest(ValueError):
    """A request path no file can have (answered 400)."""


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def clean_path(raw: str) -> str:
    """The decoded, normalized URL path of a request target, or BadRequest. ``..`` cannot climb
    above ``/`` (as a browser normalizes it); a trailing slash is kept."""
    if not raw.startswith("/"):
        raise BadRequest("the request target is not an absolute path")
    try:
        path = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError as exc:
        raise BadRequest("the path is not UTF-8") from exc
    if _CONTROL_RE.search(path) or "\\" in path:
        raise BadRequest("control byte or backslash in the path")
    norm = posixpath.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    if path.endswith("/") and not norm.endswith("/"):
        norm += "/"
    return norm


@dataclass
class Record:
    """One response as it went over the wire."""

    t: float  # time.monotonic() when the response was finished
    method: str
    path: str
    status: int
    header_bytes: int
    body_bytes: int
    encoding: str  # "br", "gzip" or "identity"
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


class _DeadlineSocketIO(io.RawIOBase):
    """The socket under a request's rfile, with one deadline for the request line and all headers:
    every recv waits at most for what is left of it, so a client that sends a byte every few
    seconds cannot hold a worker (a per-recv timeout alone would let it)."""

    def __init__(self, sock: socket.socket, handler: Any) -> None:
        super().__init__()
        self._sock, self._handler = sock, handler

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        remaining = self._handler.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request was not read in time")
        self._sock.settimeout(remaining)
        return self._sock.recv_into(buf)


class PooledHTTPServer(http.server.HTTPServer):
    """An HTTPServer with a fixed pool of daemon worker threads and a bounded queue of accepted
    connections; past the queue a connection gets ``503`` at once. ``server_close`` also closes the
    open connections, so no worker outlives the server by a keep-alive timeout."""

    def __init__(self, address: tuple[str, int], handler: Any, *, max_threads: int, queue_size: int) -> None:
        super().__init__(address, handler)
        self.max_threads = max_threads
        self._queue: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue(maxsize=queue_size)
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        self._workers = [threading.Thread(target=self._work, name=f"static-worker-{i}", daemon=True)
                         for i in range(max_threads)]
        for t in self._workers:
            t.start()

    @property
    def queued(self) -> int:
        """Accepted connections waiting for a worker."""
        return self._queue.qsize()

    def process_request(self, request: Any, client_address: Any) -> None:
        try:
            self._queue.put_nowait((request, client_address))
        except queue.Full:
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                b"Retry-After: 1\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            request, client_address = item
            with self._conns_lock:
                self._conns.add(request)
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001  (one connection's failure never stops the worker)
                self.handle_error(request, client_address)
            finally:
                with self._conns_lock:
                    self._conns.discard(request)
                self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return  # a client that went away or stalled: nothing to report
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for _ in self._workers:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                break


class StaticServer:
    """Serve ``root`` (plus ``mounts``) on ``bind``:<port> (a free port by default); ``start()``
    runs it in a background thread, ``serve_forever()`` in this one."""

    def __init__(self, root: Path, *, mounts: dict[str, Path] | None = None, port: int = 0,
                 bind: str = "127.0.0.1", cache: str = "production", gzip_enabled: bool = True,
                 precompressed: bool = True, extra_headers: dict[str, str] | None = None,
                 script_csp: str | None = WORKER_CSP, page_csp: str | None = PAGE_CSP,
                 latency_ms: float = 0.0, max_threads: int = 32, queue_size: int = 128,
                 timeout: float = 15.0, follow_symlinks: bool = False, log: bool = False) -> None:
        if cache not in CACHE_POLICIES:
            raise ValueError(f"unknown cache policy {cache!r}; choose one of {sorted(CACHE_POLICIES)}")
        self.root = Path(root).resolve()
        self.mounts = {("/" + k.strip("/") + "/"): Path(v).resolve() for k, v in (mounts or {}).items()}
        self.cache_policy = cache
        self.gzip_enabled = gzip_enabled
        self.precompressed = precompressed
        self.extra_headers = dict(extra_headers or {})
        # CSP header for scripts: what the site asks a host to send for its worker and Pyodide
        # files (a dedicated worker is governed by its own response headers, not the page's meta).
        self.script_csp = script_csp
        self.page_csp = page_csp
        # Added before every response: a crude round-trip time. 0 = loopback.
        self.latency_s = latency_ms / 1000.0
        self.timeout = timeout
        self.follow_symlinks = follow_symlinks
        self.log = log
        # A switch for the offline tests: every connection is dropped without an answer.
        self.offline = False
        self.records: list[Record] = []
        self.requests: list[str] = []  # every request target, answered or not
        self._records_lock = threading.Lock()
        self._gz = _GzipCache()
        self.httpd = PooledHTTPServer((bind, port), self._make_handler(),
                                      max_threads=max_threads, queue_size=queue_size)
        self.port = self.httpd.server_address[1]
        host = bind if bind not in ("0.0.0.0", "") else "127.0.0.1"
        self.origin = f"http://{host}:{self.port}"
        self.url = self.origin + "/"
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> StaticServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="static-server",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_offline(self, value: bool) -> None:
        self.offline = value

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
        """Gzip now every compressible file, for a client that gets gzip on the fly (no usable
        sibling): the first measured request must not pay for it. Returns the number of files."""
        n = 0
        for base in [self.root, *self.mounts.values()]:
            for path in base.rglob("*"):
                if not path.is_file() or path.suffix in (".gz", ".br"):
                    continue
                st = path.stat()
                if (self.gzip_enabled and compressible(content_type(path))
                        and st.st_size >= GZIP_MIN_BYTES):
                    self._gz.get(path, st, path.read_bytes())
                    n += 1
        return n

    # -- path mapping ----------------------------------------------------------------------
    def _base_for(self, path: str) -> tuple[Path, str]:
        for prefix, target in self.mounts.items():
            if path.startswith(prefix) or path + "/" == prefix:
                return target, path[len(prefix):]
        return self.root, path

    def inside(self, base: Path, candidate: Path) -> bool:
        """False when ``candidate`` leaves ``base``, through a symlink too (unless followed)."""
        if candidate != base and base not in candidate.parents:
            return False
        if self.follow_symlinks:
            return True
        real = candidate.resolve()
        return real == base or base in real.parents

    def resolve(self, url_path: str) -> Path | None:
        """Map a decoded URL path to a path inside root or a mount, or None (never escapes them)."""
        base, rel = self._base_for(url_path)
        candidate = Path(os.path.normpath(base / rel.lstrip("/")))
        return candidate if self.inside(base, candidate) else None

    # -- the handler -----------------------------------------------------------------------
    def _make_handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "static"
            sys_version = ""
            timeout = server.timeout  # per read/write on the socket (StreamRequestHandler.setup)
            deadline = 0.0

            def setup(self) -> None:
                super().setup()
                self.rfile.close()  # the plain makefile() reader: replaced, and it holds the socket open
                self.rfile = io.BufferedReader(_DeadlineSocketIO(self.connection, self))

            def handle_one_request(self) -> None:
                # the wait for the next request on a kept-alive connection counts as well
                self.deadline = time.monotonic() + server.timeout
                super().handle_one_request()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                if server.log:
                    super().log_message(format, *args)

            def flush_headers(self) -> None:
                # The response is recorded here, before its first byte leaves: a client that has
                # read a response always finds it in the counter. _pending is set by _end.
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

            def _security(self, ctype: str) -> None:
                for k, v in SECURITY_HEADERS.items():
                    self.send_header(k, v)
                if ctype.startswith("text/html") and server.page_csp:
                    self.send_header("Content-Security-Policy", server.page_csp)
                elif "javascript" in ctype and server.script_csp:
                    self.send_header("Content-Security-Policy", server.script_csp)

            def _end(self, status: int, body: bytes, encoding: str, raw_size: int,
                     head: bool) -> None:
                self._pending = (status, 0 if head else len(body), encoding, raw_size)
                self.end_headers()
                if not head and body:
                    # in pieces, each under the socket timeout: a slow reader that makes progress
                    # is served, one that stops reading is dropped
                    view = memoryview(body)
                    for i in range(0, len(view), 1 << 16):
                        self.wfile.write(view[i:i + (1 << 16)])

            def _simple(self, status: int, text: str, head: bool,
                        headers: dict[str, str] | None = None) -> None:
                body = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self._security("text/plain")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self._end(status, body, "identity", 0, head)

            def _serve(self, head: bool) -> None:
                self._t_arrive = time.monotonic()
                self.connection.settimeout(server.timeout)
                with server._records_lock:
                    server.requests.append(self.path)
                if server.offline:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if server.latency_s:
                    time.sleep(server.latency_s)
                target_raw, _, query = self.path.partition("?")
                try:
                    url_path = clean_path(target_raw.partition("#")[0] or "/")
                except BadRequest as exc:
                    self.close_connection = True
                    self._simple(400, f"bad request: {exc}", head, {"Connection": "close"})
                    return
                base, rel = server._base_for(url_path)
                target = Path(os.path.normpath(base / rel.lstrip("/")))
                if not server.inside(base, target):
                    self._simple(403, "forbidden", head)
                    return
                if target.is_dir():
                    if not url_path.endswith("/"):
                        location = urllib.parse.quote(url_path, safe="/") + "/" + (("?" + query) if query else "")
                        self._simple(301, "moved", head, {"Location": location})
                        return
                    target = target / "index.html"  # never a listing: no index.html is a 404
                    if not server.inside(base, target):
                        self._simple(403, "forbidden", head)
                        return
                status = 200
                if not target.is_file():
                    not_found = server.root / "404.html"
                    if not not_found.is_file() or not server.inside(server.root, not_found):
                        self._simple(404, "not found", head)
                        return
                    target, status, base = not_found, 404, server.root
                self._send_file(target, base, url_path, query, status, head)

            def _sibling(self, target: Path, base: Path, st: os.stat_result,
                         codings: dict[str, float]) -> tuple[str, Path, os.stat_result] | None:
                if not server.precompressed:
                    return None
                for coding, suffix in SIBLINGS:
                    if not accepts(codings, coding):
                        continue
                    sib = target.with_name(target.name + suffix)
                    try:
                        sst = sib.stat()
                    except OSError:
                        continue
                    if sst.st_mtime_ns >= st.st_mtime_ns and server.inside(base, sib) and sib.is_file():
                        return coding, sib, sst
                return None

            def _send_file(self, target: Path, base: Path, url_path: str, query: str, status: int,
                           head: bool) -> None:
                st = target.stat()
                ctype = content_type(target)
                codings = accepted_codings(self.headers.get("Accept-Encoding"))
                can_compress = compressible(ctype)
                # a precompressed sibling is sent whatever the type (nginx brotli_static/gzip_static do
                # the same): the stored stdlib zip and the wheels have one (site_hooks/precompress.py)
                sibling = self._sibling(target, base, st, codings)
                can_gzip = (server.gzip_enabled and can_compress and st.st_size >= GZIP_MIN_BYTES)
                if sibling is not None:
                    encoding = sibling[0]
                elif can_gzip and accepts(codings, "gzip"):
                    encoding = "gzip"
                else:
                    encoding = "identity"
                tag = {"br": "-br", "gzip": "-gz"}.get(encoding, "")
                etag = f'"{st.st_size:x}-{st.st_mtime_ns:x}{tag}"'
                common = {
                    "ETag": etag,
                    "Last-Modified": email.utils.formatdate(st.st_mtime, usegmt=True),
                    "Cache-Control": ("no-cache" if status != 200
                                      else CACHE_POLICIES[server.cache_policy](url_path, query)),
                    **server.extra_headers,
                }
                if can_gzip or sibling is not None:
                    common["Vary"] = "Accept-Encoding"
                if status == 200 and self._not_modified(etag, st.st_mtime):
                    self.send_response(304)
                    for k, v in common.items():
                        self.send_header(k, v)
                    self._security(ctype)
                    self._end(304, b"", "identity", 0, head)
                    return
                if sibling is not None:
                    body = sibling[1].read_bytes()
                elif encoding == "gzip":
                    body = server._gz.get(target, st, target.read_bytes())
                else:
                    body = target.read_bytes()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if encoding != "identity":
                    self.send_header("Content-Encoding", encoding)
                for k, v in common.items():
                    self.send_header(k, v)
                self._security(ctype)
                self._end(status, body, encoding, st.st_size, head)

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Serve the built site like its production host "
                                             "(compressed, hardened; see the module docstring).")
    ap.add_argument("directory", type=Path)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--cache", choices=sorted(CACHE_POLICIES), default="production")
    ap.add_argument("--threads", type=int, default=32, help="worker threads (default 32)")
    ap.add_argument("--timeout", type=float, default=15.0,
                    help="seconds to read a request, and per write (default 15)")
    ap.add_argument("--quiet", action="store_true", help="no request log on stderr")
    args = ap.parse_args(argv)
    if not (args.directory / "index.html").is_file():
        print(f"error: {args.directory} has no index.html: build the site first", file=sys.stderr)
        return 2
    srv = StaticServer(args.directory, port=args.port, bind=args.bind, cache=args.cache,
                       max_threads=args.threads, timeout=args.timeout, log=not args.quiet)
    print(f"serving {args.directory} on {srv.url}  (Ctrl+C to stop)", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
