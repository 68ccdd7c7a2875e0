"""Smoke tests of the benchmark harness itself (benchmarks/). Not timed: they check that the static
server behaves like a static host (gzip, MIME, ETag/304, Cache-Control, byte counter, no escape from
the root), that the floor page really computes 1+1 in the site's Pyodide in a module worker, and that
the summary turns figures into the right PASS/FAIL."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import sys
import urllib.request
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import engine as engine_bench  # noqa: E402
from benchmarks import experiments  # noqa: E402
from benchmarks.browser import Visit  # noqa: E402
from benchmarks.run import summarize  # noqa: E402
from benchmarks.server import StaticServer  # noqa: E402

PYODIDE = ROOT / "node_modules" / "pyodide"
CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "calculator").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>首页</title>" + "<p>内容</p>" * 100, "utf-8")
    (site / "calculator" / "index.html").write_text("<!doctype html><title>计算器</title>", "utf-8")
    (site / "404.html").write_text("<!doctype html><title>没有这个页面</title>", "utf-8")
    (site / "app.mjs").write_text("export const x = 1;\n" * 200, "utf-8")
    (site / "m.wasm").write_bytes(b"\0asm\1\0\0\0" + bytes(4000))
    (site / "lib.zip").write_bytes(os.urandom(3000))
    (tmp_path / "secret.txt").write_text("outside", "utf-8")
    return site


def test_server_mime_gzip_etag_and_counter(tree: Path) -> None:
    with StaticServer(tree, cache="short") as srv:
        status, h, body = _get(srv.url + "app.mjs", {"Accept-Encoding": "gzip, br"})
        assert status == 200
        assert h["content-type"].startswith("text/javascript")
        assert h["content-encoding"] == "gzip"
        assert "accept-encoding" in h["vary"].lower()
        assert gzip.decompress(body) == (tree / "app.mjs").read_bytes()
        assert int(h["content-length"]) == len(body) < (tree / "app.mjs").stat().st_size
        assert h["cache-control"] == "public, max-age=600"
        assert h["etag"] and h["last-modified"]

        status, h2, body2 = _get(srv.url + "m.wasm", {"Accept-Encoding": "gzip"})
        assert h2["content-type"] == "application/wasm" and h2["content-encoding"] == "gzip"
        assert gzip.decompress(body2) == (tree / "m.wasm").read_bytes()

        # without Accept-Encoding: identity, and a different ETag than the gzip variant
        status, h3, body3 = _get(srv.url + "m.wasm")
        assert "content-encoding" not in h3 and body3 == (tree / "m.wasm").read_bytes()
        assert h3["etag"] != h2["etag"]

        # zip archives are already compressed: never gzipped
        status, h4, body4 = _get(srv.url + "lib.zip", {"Accept-Encoding": "gzip"})
        assert h4["content-type"] == "application/zip" and "content-encoding" not in h4
        assert body4 == (tree / "lib.zip").read_bytes()

        # revalidation: 304 without a body
        mark = srv.mark()
        status, h5, body5 = _get(srv.url + "app.mjs", {"Accept-Encoding": "gzip",
                                                       "If-None-Match": h["etag"]})
        assert status == 304 and body5 == b""
        rec = srv.since(mark)
        assert [(r.path, r.status, r.body_bytes) for r in rec] == [("/app.mjs", 304, 0)]
        assert rec[0].header_bytes > 0

        # the counter saw every response with its wire size
        first = srv.records[0]
        assert first.path == "/app.mjs" and first.encoding == "gzip"
        assert first.body_bytes == len(body) and first.raw_bytes == (tree / "app.mjs").stat().st_size


def test_server_directories_404_and_root_escape(tree: Path) -> None:
    with StaticServer(tree, cache="revalidate") as srv:
        status, h, body = _get(srv.url + "calculator/?amount=1")
        assert status == 200 and "计算器" in body.decode("utf-8")
        assert h["content-type"] == "text/html; charset=utf-8" and h["cache-control"] == "no-cache"

        conn = http.client.HTTPConnection("127.0.0.1", srv.port)
        conn.request("GET", "/calculator?amount=1")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 301 and resp.getheader("Location") == "/calculator/?amount=1"
        for bad in ("/../secret.txt", "/%2e%2e/secret.txt", "/calculator/../../secret.txt"):
            conn.request("GET", bad)
            resp = conn.getresponse()
            assert b"outside" not in resp.read()
            assert resp.status in (403, 404)
        conn.close()

        status, _, body = _get(srv.url + "nope/")
        assert status == 404 and "没有这个页面" in body.decode("utf-8")


def test_summary_pass_and_fail() -> None:
    def visit(t: float, longest: float = 0.0, bytes_: int = 0, paths: tuple[str, ...] = ()) -> Visit:
        v = Visit(url="x", t_dom=t, t_frame=t + 1, bytes_to_result=bytes_, bytes_total=bytes_)
        v.longtasks = [{"start": 0, "duration": longest}] if longest else []
        # a long frame of our own module, and a longer one of the theme that must not count
        v.loaf = [{"duration": longest, "scripts": [{"url": "http://h/assets/calculator.mjs",
                                                      "duration": longest - 5}]}] if longest else []
        v.loaf.append({"duration": 200, "scripts": [{"url": "http://h/assets/javascripts/bundle.min.js",
                                                      "duration": 190}]})
        v.requests = [{"path": p, "status": 200, "encoding": "gzip", "wire": 1000, "raw": 1000}
                      for p in paths]
        return v

    core = tuple("/pyodide/" + f for f in CORE)
    b = {
        "floor": [visit(1000, bytes_=5000, paths=core), visit(1100, bytes_=5000, paths=core)],
        "cold": [visit(1100, longest=30, bytes_=5000 + 150_000), visit(1300, longest=60, bytes_=5000)],
        "repeat": [visit(500), visit(700)],
        "warm": [{"deltas": [1.0, 2.0, 9.0], "frames": [10.0, 12.0, 20.0]}],
        "content": [visit(0, paths=("/criminal/", "/pyodide/pyodide.mjs"))],
    }
    checks = {c["target"]: c for c in summarize(b, None, None)["checks"]}
    assert checks["2/1 cold vs floor"]["value"] == pytest.approx(1200 / 1050)
    assert checks["2/1 cold vs floor"]["pass"]
    assert checks["3 warm answer"]["value"] == 2.0 and checks["3 warm answer"]["pass"]
    assert checks["4/2 repeat vs cold"]["value"] == pytest.approx(600 / 1200)
    assert checks["4/2 repeat vs cold"]["pass"]
    assert checks["5 bytes to first answer"]["limit"] == 5000 + 200_000
    assert checks["5 bytes to first answer"]["pass"]
    assert not checks["5 content page loads no Pyodide"]["pass"]
    assert "/pyodide/pyodide.mjs" in checks["5 content page loads no Pyodide"]["note"]
    assert checks["6 longest run of our code"]["value"] == 55
    assert not checks["6 longest run of our code"]["pass"]
    assert b["cold"][1].own_longest_frame() == 60

    b["cold"] = [visit(2000), visit(2000)]
    b["content"] = [visit(0, paths=("/criminal/",))]
    checks = {c["target"]: c for c in summarize(b, None, None)["checks"]}
    assert not checks["2/1 cold vs floor"]["pass"]
    assert checks["5 content page loads no Pyodide"]["pass"]


def test_case_loader_and_row_generator(tmp_path: Path) -> None:
    # the benchmark times the tests' own golden cases: the hand-written ones and the generated provincial ones
    from golden import hand_written, load_golden, provincial

    cases = engine_bench.load_cases()
    assert len(cases) == len(load_golden()) == len(hand_written()) + len(provincial())
    assert {"province": "四川", "act_date": "2024-06-01", "decision_date": "2024-09-01", "amount": "5000"} in cases
    assert json.loads(json.dumps(cases)) == cases  # JSON-safe (TOML dates as strings), as the browser sends them
    assert engine_bench.facts_of([("x", {"facts": {"amount": "3500", "act_date": date(2026, 3, 1)}})]) == \
        [{"amount": "3500", "act_date": "2026-03-01"}]
    rows = tmp_path / "rows.csv"
    engine_bench.generate_rows(rows, 500)
    lines = rows.read_text("utf-8").splitlines()
    assert lines[0] == ",".join(engine_bench.BATCH_COLUMNS) and len(lines) == 501
    provinces = {line.split(",")[1] for line in lines[1:]}
    assert "浙江" in provinces and "" in provinces


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not (PYODIDE / "pyodide.asm.wasm").is_file(), reason="npm ci not run")
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium")
def test_floor_page_computes_two(tmp_path: Path) -> None:
    from benchmarks.browser import Browser
    from benchmarks.run import PAGES

    site = tmp_path / "site"
    (site / "pyodide").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>x</title>", "utf-8")
    for name in CORE:
        (site / "pyodide" / name).symlink_to(PYODIDE / name)
    # the tree links to node_modules/pyodide: follow those symlinks out of it
    with StaticServer(site, mounts={"/__bench__/": PAGES}, follow_symlinks=True) as srv, Browser() as br:
        ctx = br.new_context()
        foreign: list[str] = []
        ctx.on("request", lambda r: None if r.url.startswith(srv.url) else foreign.append(r.url))
        page, v = br.visit(ctx, srv, srv.url + "__bench__/floor.html?pyodide=/pyodide/",
                           quiet_s=0.3)
        ctx.close()
    assert v.error is None
    assert v.value == "2"
    assert v.t_dom is not None and v.t_frame is not None and 0 < v.t_dom <= v.t_frame
    assert not foreign
    served = {r["path"].split("?")[0]: r for r in v.requests}
    for name in CORE:
        assert served["/pyodide/" + name]["status"] == 200
    assert served["/pyodide/pyodide.asm.wasm"]["encoding"] == "gzip"
    assert served["/pyodide/pyodide.asm.wasm"]["wire"] < (PYODIDE / "pyodide.asm.wasm").stat().st_size / 2
    assert v.bytes_to_result == sum(r["wire"] for r in v.requests) > 5_000_000


@pytest.mark.parametrize("name", sorted(experiments.EXPERIMENTS))
def test_every_experiment_still_patches_the_built_site(name: str, tmp_path: Path) -> None:
    """A patch whose target code has changed must fail here, not report NOT RUN months later."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import built_site

    site = built_site()
    dest = experiments.prepare_copy(site, name, dest=tmp_path / name)
    changed = sorted(str(p.relative_to(dest)) for p in dest.rglob("*")
                     if p.is_file() and (not (site / p.relative_to(dest)).exists()
                                         or (site / p.relative_to(dest)).read_bytes() != p.read_bytes()))
    assert changed, f"{name} changed nothing"
    # the built site itself is never edited
    assert not list(site.rglob("snapshot.bin.gz"))


@pytest.mark.slow
@pytest.mark.skipif(not (PYODIDE / "pyodide.asm.wasm").is_file(), reason="npm ci not run")
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium")
def test_a_throttled_phone_visit_of_the_stock_boot_is_really_throttled(tmp_path: Path) -> None:
    from benchmarks import network
    from benchmarks.browser import Browser
    from benchmarks.run import PAGES

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>", "utf-8")
    mbit = 24e6
    profile = {"latency": 40, "downloadThroughput": mbit / 8, "uploadThroughput": mbit / 8}
    with StaticServer(site, mounts={"__bench__": PAGES, "__stock__": PYODIDE}) as srv, Browser() as br:
        v = network.visit(br, srv, srv.url + "__bench__/floor.html?pyodide=/__stock__/", profile)
    assert v["error"] is None
    assert v["feedback_ms"] is None  # the floor page shows no loading feedback
    assert v["bytes_to_answer"] > 5e6  # the stock runtime, gzip (the stdlib zip as it is)
    paths = {r["path"].split("?")[0] for r in v["requests"]}
    assert {"/__stock__/pyodide.asm.wasm", "/__stock__/python_stdlib.zip"} <= paths
    # the download cannot have been faster than the emulated link
    assert v["answer_ms"] >= 0.9 * v["bytes_to_answer"] * 8 / mbit * 1000
