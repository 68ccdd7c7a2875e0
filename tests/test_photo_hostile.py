"""Crafted images (issue 15): each finishes in under 2 s or is refused with a clear Chinese error.
The inputs are generated (tests/imagegen.py), never kept as binary files. Time is the processor
time of this process (time.process_time): the machine running the tests is shared, and waiting for
a core is not work the parser did."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import imagegen as g
from calculators.toolkit.photo import jpeg, metadata, png
from calculators.toolkit.photo.errors import DecodeError
from conftest import ROOT

LIMIT_S = 2.0


def timed(fn, *args):
    t0 = time.process_time()
    out = fn(*args)
    return out, time.process_time() - t0


@pytest.mark.parametrize("make", [
    lambda: g.hostile_jpeg_comment(),                               # "AIGC{" x 13,000 in a comment (60 s before)
    lambda: g.hostile_jpeg_comment(repeat=120_000),                 # the same over ten comment segments
    lambda: g.hostile_png_text(),                                   # 1 MB tEXt of "AIGC{" (over two minutes before)
    lambda: g.hostile_png_text(unit='AIGC={"a":"'),                 # candidates that open strings
    lambda: g.hostile_xmp(),                                        # 20,000 unclosed <xmp:CreatorTool>
    lambda: g.hostile_xmp(tag="<xmp:CreatorTool a"),                # tags that never end
    lambda: g.hostile_xmp(tag='xmp:CreatorTool="v"<xmp:ModifyDate>'),
], ids=["jpeg-com", "jpeg-com-x10", "png-text", "png-text-strings", "xmp-open", "xmp-unended", "xmp-mixed"])
def test_crafted_metadata_reads_quickly(make):
    data = make()
    items, took = timed(metadata.read_metadata, data)
    assert took < LIMIT_S, f"{took:.1f} s"
    assert len(items) <= metadata.MAX_ITEMS
    assert all(len(i["value"]) <= metadata.MAX_VALUE + 40 for i in items)


def test_real_labels_are_still_found_after_the_rewrite():
    label = {"Label": "1", "ContentProducer": "001191110108MA01"}
    text = "prefix AIGC " + json.dumps(label) + " and AIGC=" + json.dumps({"Label": "2"})
    found = metadata.find_aigc(text, "t")
    assert [f["fields"]["Label"] for f in found] == ["1", "2"]
    xmp = g.xmp_packet({"xmp:CreatorTool": "Gen &amp; Co"}, aigc=label).replace(
        b"</rdf:RDF>", b"<xmp:ModifyDate>2026-03-01</xmp:ModifyDate><xmp:ModifyDate>x</rdf:RDF>")
    items = metadata.parse_xmp(xmp, "t")
    keys = {(i["key"], i["value"]) for i in items}
    assert ("xmp:CreatorTool", "Gen & Co") in keys and ("xmp:ModifyDate", "2026-03-01") in keys
    assert any(i["kind"] == "aigc_label" and i["fields"]["Label"] == "1" for i in items)


def test_the_budget_is_shared_by_every_segment_of_a_file():
    budget = metadata.Budget()
    for _ in range(200):
        metadata.find_aigc("AIGC{" * 100, "t", budget)
    assert budget.label_tries == 0


def test_paeth_filtered_6300_square_png_is_refused_at_once():
    data = g.png_raw(6300, 6300, filter_type=4)
    assert len(data) < 400_000
    with pytest.raises(DecodeError, match="网页版") as e:
        png.decode(data)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))


def test_16_bit_6320_square_png_is_refused_at_once():
    data = g.png_raw(6320, 6320, bit_depth=16, filter_type=0)
    t0 = time.process_time()
    with pytest.raises(DecodeError, match="太大|内存"):
        png.decode(data)
    assert time.process_time() - t0 < LIMIT_S


@pytest.mark.parametrize("size,ftype,ctype,depth", [
    (600, 4, 2, 8), (1000, 4, 2, 8), (2000, 2, 2, 8), (1800, 1, 2, 8), (1000, 3, 2, 8),
    (1200, 4, 6, 16), (3000, 0, 0, 1), (4000, 0, 0, 1), (900, 4, 4, 8),
])
def test_large_pngs_decode_in_time_or_are_refused(size: int, ftype: int, ctype: int, depth: int):
    data = g.png_raw(size, size, color_type=ctype, bit_depth=depth, filter_type=ftype)
    t0 = time.process_time()
    try:
        png.decode(data)
    except DecodeError as exc:
        assert "网页版" in str(exc)
    assert time.process_time() - t0 < LIMIT_S


def test_filters_stay_exact():
    """Up and Sub are now big-integer steps: compare every filter with the reference image."""
    img = g.product_photo(97, 41, seed=5)
    for ctype, depth in ((2, 8), (6, 8), (0, 8), (2, 16), (4, 8)):
        ref = png.decode(g.png_bytes(img, color_type=ctype, bit_depth=depth, filters=(0,)))
        for f in (1, 2, 3, 4):
            r = png.decode(g.png_bytes(img, color_type=ctype, bit_depth=depth, filters=(f,)))
            assert (r.r, r.g, r.b) == (ref.r, ref.g, ref.b), (ctype, depth, f)


def test_huge_progressive_jpeg_is_refused_by_the_memory_budget():
    j = bytearray(g.jpeg_progressive_bytes(g.product_photo(16, 16), subsampling="4:4:4"))
    i = j.index(b"\xff\xc2")
    j[i + 5:i + 9] = (4000).to_bytes(2, "big") + (4000).to_bytes(2, "big")
    with pytest.raises(DecodeError, match="内存"):
        jpeg.decode(bytes(j))


def test_cli_reads_metadata_once(monkeypatch):
    from calculators.toolkit import photo

    calls = []
    real = photo.read_metadata
    monkeypatch.setattr(photo, "read_metadata", lambda data: calls.append(1) or real(data))
    data = g.jpeg_bytes(g.product_photo(), app_segments=[(0xFE, b"AIGC{}")])
    photo.check_files(("a.jpg", data), [])
    assert len(calls) == 1


def test_cli_on_the_crafted_comment_jpeg(tmp_path: Path):
    f = tmp_path / "c.jpg"
    f.write_bytes(g.hostile_jpeg_comment(repeat=30_000))
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "calculators", "photo", str(f)], capture_output=True, check=False, cwd=ROOT,
                       timeout=120)
    took = time.perf_counter() - t0
    assert p.returncode == 0, p.stdout[:300]
    assert isinstance(json.loads(p.stdout)["metadata"], list)
    assert took < 30  # wall time, interpreter start-up included (the old reader took minutes)
