"""site_hooks/precompress.py: the .br and .gz siblings of the built site exist where compression
helps and decompress to the exact bytes of their file."""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site_hooks"))

import precompress  # noqa: E402

brotli = pytest.importorskip("brotli")
DECODE = {".br": brotli.decompress, ".gz": gzip.decompress}


def test_tree_siblings_only_where_they_help(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "page.html").write_text("<p>法律</p>\n" * 500, "utf-8")
    (site / "tiny.js").write_text("x=1", "utf-8")
    (site / "noise.json").write_bytes(os.urandom(5000))  # compression cannot help
    (site / "lib.zip").write_bytes(b"PK" + os.urandom(5000))  # an archive of deflated entries: no help
    (site / "stored.whl").write_bytes(b"PK" + "def f():\n    return '法律'\n".encode() * 300)  # stored entries
    (site / "photo.png").write_bytes(b"\x89PNG" + b"\0" * 5000)  # images are never considered
    (site / "noise.json.br").write_bytes(b"stale")  # from a build where it helped
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<urlset/>"))  # not ours: kept
    stats = precompress.precompress_tree(site, cache_dir=tmp_path / "cache")
    assert stats["files"] == 5  # page.html, tiny.js, noise.json, lib.zip, stored.whl
    raw = (site / "a" / "page.html").read_bytes()
    for coding in (".br", ".gz"):
        sib = site / "a" / ("page.html" + coding)
        assert DECODE[coding](sib.read_bytes()) == raw
        assert sib.stat().st_mtime_ns >= (site / "a" / "page.html").stat().st_mtime_ns
    assert not list(site.glob("tiny.js.*")) and not list(site.glob("noise.json.*"))
    assert not list(site.glob("lib.zip.*")) and not list(site.glob("photo.png.*"))
    assert brotli.decompress((site / "stored.whl.br").read_bytes()) == (site / "stored.whl").read_bytes()
    assert (site / "sitemap.xml.gz").exists()
    # a second build reads the cache: nothing is compressed again
    cached = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len(cached) == 4 * 2  # page.html, noise.json, lib.zip, stored.whl: two codings each

    def boom(data: bytes, coding: str) -> bytes:
        raise AssertionError("compressed again")

    orig = precompress.compress
    precompress.compress = boom
    try:
        precompress.precompress_tree(site, cache_dir=tmp_path / "cache")
    finally:
        precompress.compress = orig
    assert DECODE[".br"]((site / "a" / "page.html.br").read_bytes()) == raw


def test_built_site_siblings_decode_to_the_file() -> None:
    from browser_support import BuildFailed, built_site

    try:
        site = built_site()
    except BuildFailed as exc:
        pytest.fail(str(exc))
    checked = 0
    for path in sorted(site.rglob("*")):
        if not precompress.wanted(path):
            continue
        raw = path.read_bytes()
        for coding in (".br", ".gz"):
            sib = path.with_name(path.name + coding)
            if sib.exists():
                assert DECODE[coding](sib.read_bytes()) == raw, sib
                assert len(sib.read_bytes()) <= len(raw) * precompress.MAX_RATIO
                checked += 1
            elif len(raw) >= precompress.MIN_BYTES:
                # no sibling only where it would not help
                assert len(precompress.compress(raw, coding)) > len(raw) * precompress.MAX_RATIO, sib
    assert checked > 150
    for rel in ("index.html", "calculator/index.html", "404.html", "sw.js", "assets/pyworker.mjs",
                "pyodide/pyodide.asm.wasm", "pyodide/pyodide.asm.mjs",
                "search/search_index.json", "assets/py/manifest.json"):
        for coding in (".br", ".gz"):
            assert (site / (rel + coding)).is_file(), rel + coding
    # the stored archives (trimmed stdlib, both wheels) travel compressed; Pyodide's own deflated
    # stdlib zip gains nothing and has no sibling; the service worker does not precache the siblings
    manifest = json.loads((site / "assets/py/manifest.json").read_text("utf-8"))
    for rel in ("pyodide/python_stdlib.min.zip", "assets/py/" + manifest["name"],
                "assets/py/" + manifest["tools"]["name"]):
        for coding in (".br", ".gz"):
            assert (site / (rel + coding)).is_file(), rel + coding
    assert (site / "pyodide/python_stdlib.min.zip.br").stat().st_size < 0.3 * (site / "pyodide/python_stdlib.zip").stat().st_size
    assert not list(site.glob("pyodide/python_stdlib.zip.*"))
    sw = (site / "sw.js").read_text("utf-8")
    assert ".br\"" not in sw and ".gz\"" not in sw
