"""site_hooks/precompress.py: the .br and .gz siblings of the built site exist where compression
helps and decompress to the exact bytes of their file."""

from __future__ import annotations

import gzip
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
    (site / "lib.zip").write_bytes(b"PK" + b"\0" * 5000)  # never considered: already an archive
    (site / "noise.json.br").write_bytes(b"stale")  # from a build where it helped
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<urlset/>"))  # not ours: kept
    stats = precompress.precompress_tree(site, cache_dir=tmp_path / "cache")
    assert stats["files"] == 3  # page.html, tiny.js, noise.json
    raw = (site / "a" / "page.html").read_bytes()
    for coding in (".br", ".gz"):
        sib = site / "a" / ("page.html" + coding)
        assert DECODE[coding](sib.read_bytes()) == raw
        assert sib.stat().st_mtime_ns >= (site / "a" / "page.html").stat().st_mtime_ns
    assert not list(site.glob("tiny.js.*")) and not list(site.glob("noise.json.*"))
    assert not list(site.glob("lib.zip.*"))
    assert (site / "sitemap.xml.gz").exists()
    # a second build reads the cache: nothing is compressed again
    cached = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len(cached) == 2 + 2  # page.html and noise.json, two codings each

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
    # archives are left alone, and the service worker does not precache the siblings
    assert not list(site.rglob("*.zip.*")) and not list(site.rglob("*.whl.*"))
    sw = (site / "sw.js").read_text("utf-8")
    assert ".br\"" not in sw and ".gz\"" not in sw
