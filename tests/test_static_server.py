"""The local server (scripts/static_server.py: serve.sh, the tests, the benchmark) is hardened like
the production host: no listing, no symlink escape, 400 for impossible paths, a bounded pool of
threads whose slow clients time out without holding up the others, the security headers, the
site's 404 page, and compressed responses that decode to the file."""

from __future__ import annotations

import gzip
import http.client
import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "site_hooks"))

from scripts.static_server import PAGE_CSP, WORKER_CSP, StaticServer  # noqa: E402

SECRET = "outside-secret-91c2"


def get(srv: StaticServer, path: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    import precompress

    site = tmp_path / "site"
    (site / "calculator").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text("<!doctype html><title>首页</title>" + "<p>内容</p>" * 200, "utf-8")
    (site / "calculator" / "index.html").write_text("<!doctype html><title>计算器</title>", "utf-8")
    (site / "404.html").write_text("<!doctype html><title>没有这个页面</title>", "utf-8")
    (site / "assets" / "app.mjs").write_text("export const x = 1;\n" * 300, "utf-8")
    (site / "assets" / "data.json").write_text('{"a": [' + ",".join(["1"] * 500) + "]}", "utf-8")
    (site / "assets" / "style.css").write_text("body { color: red; }\n" * 100, "utf-8")
    (site / "m.wasm").write_bytes(b"\0asm\1\0\0\0" + bytes(4000))
    (site / "lib.zip").write_bytes(b"PK" + b"stored python source\n" * 300)  # a stored archive
    precompress.precompress_tree(site, cache_dir=None)
    assert (site / "assets" / "app.mjs.br").is_file() and (site / "index.html.gz").is_file()
    (site / "assets" / "style.css.br").unlink()  # one file with a .gz and no .br
    (site / "assets" / "style.css.gz").unlink()  # ... and none: gzip on the fly
    (tmp_path / "secret.txt").write_text(SECRET, "utf-8")
    (site / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (site / "escape-dir").symlink_to(tmp_path, target_is_directory=True)
    (site / "inside-link.mjs").symlink_to(site / "assets" / "app.mjs")
    (site / "empty-dir").mkdir()
    return site


def test_no_directory_listing(tree: Path) -> None:
    with StaticServer(tree) as srv:
        for path in ("/assets/", "/empty-dir/", "/assets"):
            status, h, body = get(srv, path)
            if path == "/assets":
                assert status == 301 and h["location"] == "/assets/"
                continue
            text = body.decode("utf-8", "replace")
            assert status == 404 and "没有这个页面" in text, path
            assert "app.mjs" not in text and "Directory listing" not in text, path


def test_no_symlink_out_of_the_site(tree: Path) -> None:
    with StaticServer(tree) as srv:
        for path in ("/escape.txt", "/escape-dir/secret.txt", "/escape-dir/", "/../secret.txt",
                     "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
            status, _, body = get(srv, path)
            assert status in (403, 404), path
            assert SECRET.encode() not in body, path
        assert get(srv, "/escape.txt")[0] == 403
        # a symlink that stays inside the site is an ordinary file
        status, h, body = get(srv, "/inside-link.mjs")
        assert status == 200 and body == (tree / "assets" / "app.mjs").read_bytes()


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.txt", "/a%0d%0aSet-Cookie:%20x=1", "/%ff%fe",
                                  "/assets%5c..%5c..%5csecret.txt", "/%1b[31m", "/%7f"])
def test_impossible_paths_are_400(tree: Path, path: str) -> None:
    with StaticServer(tree) as srv:
        status, h, body = get(srv, path)
        assert status == 400, path
        assert SECRET.encode() not in body and "set-cookie" not in h


def test_security_and_type_headers(tree: Path) -> None:
    with StaticServer(tree) as srv:
        status, h, _ = get(srv, "/")
        assert status == 200 and h["content-type"] == "text/html; charset=utf-8"
        assert h["content-security-policy"] == PAGE_CSP and "frame-ancestors 'none'" in PAGE_CSP
        assert "script-src" not in PAGE_CSP  # the per-page meta tag carries the script hashes
        for path in ("/", "/assets/app.mjs", "/m.wasm", "/assets/data.json", "/nope"):
            _, h, _ = get(srv, path)
            assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff", path
        _, h, _ = get(srv, "/assets/app.mjs")
        assert h["content-type"] == "text/javascript; charset=utf-8"
        assert h["content-security-policy"] == WORKER_CSP and "'wasm-unsafe-eval'" in WORKER_CSP
        assert get(srv, "/m.wasm")[1]["content-type"] == "application/wasm"
        assert get(srv, "/assets/data.json")[1]["content-type"] == "application/json"
        assert "content-security-policy" not in get(srv, "/m.wasm")[1]


def test_the_sites_404_page(tree: Path) -> None:
    with StaticServer(tree) as srv:
        status, h, body = get(srv, "/no/such/page/", {"Accept-Encoding": "gzip"})
        assert status == 404 and h["content-type"] == "text/html; charset=utf-8"
        assert h["cache-control"] == "no-cache"
        raw = gzip.decompress(body) if h.get("content-encoding") == "gzip" else body
        assert raw == (tree / "404.html").read_bytes()


def test_cache_policy_production(tree: Path) -> None:
    (tree / "assets" / "bundle.0123abcd.min.js").write_text("x", "utf-8")
    (tree / "w.whl").write_bytes(b"PK")
    with StaticServer(tree) as srv:
        assert get(srv, "/assets/bundle.0123abcd.min.js")[1]["cache-control"] == "public, max-age=31536000, immutable"
        assert get(srv, "/w.whl?v=0123456789abcdef")[1]["cache-control"] == "public, max-age=31536000, immutable"
        for path in ("/", "/assets/app.mjs", "/w.whl", "/m.wasm"):
            assert get(srv, path)[1]["cache-control"] == "no-cache", path


def test_compressed_responses_match_the_file(tree: Path) -> None:
    brotli = pytest.importorskip("brotli")
    app = (tree / "assets" / "app.mjs").read_bytes()
    with StaticServer(tree) as srv:
        # the precompressed sibling, best coding first
        status, h, body = get(srv, "/assets/app.mjs", {"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert h["content-encoding"] == "br" and body == (tree / "assets" / "app.mjs.br").read_bytes()
        assert brotli.decompress(body) == app and "accept-encoding" in h["vary"].lower()
        status, h, body = get(srv, "/assets/app.mjs", {"Accept-Encoding": "gzip"})
        assert h["content-encoding"] == "gzip" and gzip.decompress(body) == app
        # q=0 refuses a coding
        _, h, body = get(srv, "/assets/app.mjs", {"Accept-Encoding": "br;q=0, gzip"})
        assert h["content-encoding"] == "gzip" and gzip.decompress(body) == app
        # directory index pages too
        _, h, body = get(srv, "/", {"Accept-Encoding": "br"})
        assert h["content-encoding"] == "br" and brotli.decompress(body) == (tree / "index.html").read_bytes()
        # no sibling: gzip on the fly for text
        css = (tree / "assets" / "style.css").read_bytes()
        _, h, body = get(srv, "/assets/style.css", {"Accept-Encoding": "gzip, br"})
        assert h["content-encoding"] == "gzip" and gzip.decompress(body) == css
        # a stored zip travels through its sibling (as nginx brotli_static sends it), but a zip is
        # never gzipped on the fly
        zipped = (tree / "lib.zip").read_bytes()
        _, h, body = get(srv, "/lib.zip", {"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert h["content-encoding"] == "br" and brotli.decompress(body) == zipped
        assert h["content-type"] == "application/zip"
        (tree / "lib.zip.br").unlink()
        (tree / "lib.zip.gz").unlink()
        _, h, body = get(srv, "/lib.zip", {"Accept-Encoding": "gzip, br"})
        assert "content-encoding" not in h and body == zipped
        # nothing accepted: the file itself
        _, h, body = get(srv, "/assets/app.mjs")
        assert "content-encoding" not in h and body == app
        # different representations, different ETags
        etags = {get(srv, "/assets/app.mjs", {"Accept-Encoding": ae})[1]["etag"] for ae in ("br", "gzip", "identity")}
        assert len(etags) == 3
        # a sibling older than its file is stale: never served
        st = (tree / "assets" / "app.mjs").stat()
        newer = st.st_mtime_ns + 5_000_000_000
        (tree / "assets" / "app.mjs").write_text("export const y = 2;\n" * 300, "utf-8")
        os.utime(tree / "assets" / "app.mjs", ns=(newer, newer))
        _, h, body = get(srv, "/assets/app.mjs", {"Accept-Encoding": "br, gzip"})
        assert h["content-encoding"] == "gzip"
        assert gzip.decompress(body) == (tree / "assets" / "app.mjs").read_bytes()


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes ``sock`` (EOF, reset, or a 408/400 and EOF) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_slow_clients_time_out_without_blocking_others(tree: Path) -> None:
    with StaticServer(tree, timeout=1.5, max_threads=4) as srv:
        silent = socket.create_connection(("127.0.0.1", srv.port))
        silent.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
        trickle = socket.create_connection(("127.0.0.1", srv.port))
        stop = threading.Event()

        def drip() -> None:  # one header byte every 0.2 s: a per-read timeout alone never fires
            try:
                trickle.sendall(b"GET / HTTP/1.1\r\n")
                while not stop.is_set():
                    trickle.sendall(b"X")
                    time.sleep(0.2)
            except OSError:
                pass

        t = threading.Thread(target=drip, daemon=True)
        t.start()
        time.sleep(0.3)
        # an ordinary reader is served at once, while both are still connected
        t0 = time.monotonic()
        status, _, body = get(srv, "/calculator/")
        assert status == 200 and "计算器" in body.decode("utf-8")
        assert time.monotonic() - t0 < 1.0
        # both are dropped: the silent one by the deadline, the trickling one too
        t1 = time.monotonic()
        assert _closed_within(silent, 4.0)
        assert _closed_within(trickle, 4.0)
        assert time.monotonic() - t1 < 4.0
        stop.set()
        silent.close()
        trickle.close()


def test_threads_are_bounded_and_a_full_queue_gets_503(tree: Path) -> None:
    def workers() -> int:
        return sum(t.name.startswith("static-worker") for t in threading.enumerate())

    with StaticServer(tree, timeout=4.0, max_threads=2, queue_size=2) as srv:
        before = workers()
        # silent clients: two workers and a queue of two take four at most; then a 503 at once
        idle: list[socket.socket] = []
        refused = b""
        for _ in range(8):
            conn = socket.create_connection(("127.0.0.1", srv.port))
            conn.settimeout(0.5)
            try:
                refused = conn.recv(100)
            except TimeoutError:
                idle.append(conn)  # held by a worker or waiting in the queue
                continue
            conn.close()
            break
        assert refused.startswith(b"HTTP/1.1 503"), refused
        assert 2 <= len(idle) <= 4
        assert workers() <= before  # no thread per connection
        # the idle ones time out in turn; then requests are served again
        deadline = time.monotonic() + 20
        while True:
            try:
                status, _, _ = get(srv, "/")
                if status == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            assert time.monotonic() < deadline, "the server never recovered from idle clients"
            time.sleep(0.2)
        for s in idle:
            s.close()


def test_offline_switch_and_request_log(tree: Path) -> None:
    with StaticServer(tree) as srv:
        assert get(srv, "/")[0] == 200
        srv.set_offline(True)
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
            get(srv, "/calculator/")
        srv.set_offline(False)
        assert srv.requests == ["/", "/calculator/"]
        assert [r.path for r in srv.records] == ["/"]
