"""PNG and baseline JPEG decoders (calculators.toolkit.photo.png / .jpeg) on generated files."""

from __future__ import annotations

import random
import shutil
import struct
import subprocess
import zlib

import pytest

import imagegen as g
from calculators.toolkit.photo import jpeg, png
from calculators.toolkit.photo.errors import DecodeError
from calculators.toolkit.photo.pixels import resize


@pytest.fixture(scope="module")
def photo() -> g.RGB:
    return g.product_photo(96, 72, seed=11)


def _grey(p):
    return round(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2])


def _mad(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a)


@pytest.mark.parametrize("interlace", [False, True])
def test_png_rgb_and_rgba_exact(photo, interlace):
    for ct in (2, 6):
        r = png.decode(g.png_bytes(photo, color_type=ct, interlace=interlace))
        assert (r.width, r.height) == (photo.width, photo.height)
        assert r.r == bytes(p[0] for p in photo.px)
        assert r.g == bytes(p[1] for p in photo.px)
        assert r.b == bytes(p[2] for p in photo.px)


@pytest.mark.parametrize("depth", [8, 16])
def test_png_grey_and_16_bit(photo, depth):
    r = png.decode(g.png_bytes(photo, color_type=0, bit_depth=depth))
    assert r.r == bytes(_grey(p) for p in photo.px) == r.g == r.b
    r16 = png.decode(g.png_bytes(photo, color_type=2, bit_depth=depth))
    assert r16.b == bytes(p[2] for p in photo.px)


def test_png_palette_and_each_filter(photo):
    for filters in ((0,), (1,), (2,), (3,), (4,)):
        r = png.decode(g.png_bytes(photo, color_type=3, filters=filters))
        assert r.r == bytes(p[0] & 0xE0 for p in photo.px)
        assert r.b == bytes(p[2] & 0xC0 for p in photo.px)


def test_png_alpha_is_composited_on_white(photo):
    r = png.decode(g.png_bytes(photo, color_type=6, alpha=0))
    assert set(r.r) == {255}
    half = png.decode(g.png_bytes(photo, color_type=4, alpha=128))
    p = photo.px[0]
    assert abs(half.r[0] - (_grey(p) * 128 + 255 * 127) / 255) <= 1


def test_png_low_bit_depth_grey():
    # 2-bit grey written by hand: a row of the four levels 0, 1, 2, 3 -> 0, 85, 170, 255
    raw = b"\x00" + bytes([0b00011011])
    data = (b"\x89PNG\r\n\x1a\n" + g._chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 1, 2, 0, 0, 0, 0))
            + g._chunk(b"IDAT", zlib.compress(raw)) + g._chunk(b"IEND", b""))
    assert png.decode(data).r == bytes([0, 85, 170, 255])


@pytest.mark.parametrize("sub", ["4:4:4", "4:2:2", "4:2:0"])
@pytest.mark.parametrize("restart", [0, 3])
def test_jpeg_baseline_close_to_original(photo, sub, restart):
    data = g.jpeg_bytes(photo, quality=95, subsampling=sub, restart=restart)
    r, w, h = jpeg.decode(data)
    assert (w, h, r.width, r.height) == (photo.width, photo.height, photo.width, photo.height)
    # lossy: small mean error; the chroma error grows with subsampling of a noisy image
    limit = {"4:4:4": 2.5, "4:2:2": 5.0, "4:2:0": 6.0}[sub]
    for k, plane in enumerate((r.r, r.g, r.b)):
        assert _mad(plane, bytes(p[k] for p in photo.px)) < limit


def test_jpeg_grey(photo):
    r, _, _ = jpeg.decode(g.jpeg_bytes(photo, quality=95, grey=True))
    assert _mad(r.r, bytes(_grey(p) for p in photo.px)) < 2.0
    assert r.r == r.g == r.b


def test_jpeg_restart_markers_matter(photo):
    """The restart variant decodes to the same picture as the plain one (DC predictors reset)."""
    a, _, _ = jpeg.decode(g.jpeg_bytes(photo, quality=90, restart=0))
    b, _, _ = jpeg.decode(g.jpeg_bytes(photo, quality=90, restart=2))
    assert a.r == b.r and a.b == b.b


@pytest.mark.parametrize("n", [1, 2, 4])
def test_jpeg_scaled_decode_is_area_average(photo, n):
    data = g.jpeg_bytes(photo, quality=90, subsampling="4:4:4")
    full, _, _ = jpeg.decode(data)
    small, w, h = jpeg.decode(data, min_long_side=photo.width * n // 8)
    assert (w, h) == (photo.width, photo.height)
    assert (small.width, small.height) == (photo.width * n // 8, photo.height * n // 8)
    expect = resize(full.g, full.width, full.height, small.width, small.height)
    assert max(abs(a - b) for a, b in zip(small.g, expect)) <= 3


def test_jpeg_arithmetic_and_lossless_are_refused_clearly(photo):
    data = bytearray(g.jpeg_bytes(photo))
    i = data.index(b"\xff\xc0")
    for marker, words in ((0xC9, "算术编码"), (0xC3, "无损")):
        with pytest.raises(DecodeError, match=words):
            jpeg.decode(bytes(data[:i + 1]) + bytes([marker]) + bytes(data[i + 2:]))


@pytest.mark.parametrize("sub", ["4:4:4", "4:2:2", "4:2:0", "grey"])
@pytest.mark.parametrize("restart", [0, 4])
def test_progressive_decodes_to_the_same_pixels_as_its_baseline_twin(photo, sub, restart):
    """Same quantised coefficients, two codings (SOF2 with spectral selection and successive
    approximation, EOB runs, correction bits; and SOF0): the pixels must be identical."""
    grey = sub == "grey"
    kw = {"quality": 85, "subsampling": "4:2:0" if grey else sub, "grey": grey}
    prog = g.jpeg_progressive_bytes(photo, restart=restart, **kw)
    base = g.jpeg_baseline_same_coefficients(photo, **kw)
    assert b"\xff\xc2" in prog and b"\xff\xc0" in base
    rp, w, h = jpeg.decode(prog)
    rb, _, _ = jpeg.decode(base)
    assert (w, h) == (photo.width, photo.height)
    assert (rp.r, rp.g, rp.b) == (rb.r, rb.g, rb.b)
    expect = bytes(_grey(p) if grey else p[1] for p in photo.px)
    assert _mad(rp.g, expect) < 6
    small, _, _ = jpeg.decode(prog, min_long_side=photo.width // 4)
    assert small.width == photo.width // 4


def test_progressive_truncated_and_too_big(photo):
    prog = g.jpeg_progressive_bytes(photo)
    for cut in (len(prog) // 4, len(prog) // 2, len(prog) - 20):
        with pytest.raises(DecodeError):
            jpeg.decode(prog[:cut])
    j = bytearray(prog)
    i = j.index(b"\xff\xc2")
    j[i + 5:i + 9] = struct.pack(">HH", 4000, 5000)
    with pytest.raises(DecodeError, match="渐进式"):
        jpeg.decode(bytes(j))


@pytest.mark.parametrize("seed", range(8))
def test_corrupted_progressive_never_raises_anything_else(photo, seed):
    rnd = random.Random(100 + seed)
    data = bytearray(g.jpeg_progressive_bytes(photo, restart=5 if seed % 2 else 0))
    for _ in range(1 + seed % 4):
        data[rnd.randrange(300, len(data))] = rnd.randrange(256)
    try:
        r, _, _ = jpeg.decode(bytes(data))
    except DecodeError as exc:
        assert str(exc)
    else:
        assert len(r.r) == r.width * r.height


def _real_imagemagick() -> str | None:
    """ImageMagick's command, by what ``-version`` says (as scripts/test.sh, which installs it): a
    ``convert`` on PATH may be a stand-in that only shows pictures."""
    for name in ("magick", "convert-im6.q16", "convert"):
        path = shutil.which(name)
        if path:
            try:
                out = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            if out.startswith("Version: ImageMagick"):
                return path
    return None


@pytest.mark.skipif(_real_imagemagick() is None, reason="ImageMagick (a real libjpeg encoder) is not installed")
@pytest.mark.parametrize("args", [["-interlace", "JPEG"], ["-interlace", "JPEG", "-sampling-factor", "1x1"],
                                  ["-sampling-factor", "2x1", "-define", "jpeg:restart-interval=2"]])
def test_against_libjpeg_files(photo, tmp_path, args):
    """Cross-check with files written and read by libjpeg (ImageMagick), where it is installed."""
    src = tmp_path / "in.png"
    src.write_bytes(g.png_bytes(photo))
    out = tmp_path / "out.jpg"
    tool = _real_imagemagick()
    subprocess.run([tool, str(src), "-quality", "85", *args, str(out)], check=True, timeout=60)
    ppm = subprocess.run([tool, str(out), "ppm:-"], check=True, capture_output=True, timeout=60).stdout
    ref = ppm.split(b"\n", 3)[3]
    r, _, _ = jpeg.decode(out.read_bytes())
    mine = bytes(v for t in zip(r.r, r.g, r.b) for v in t)
    # libjpeg upsamples chroma with a smoothing filter, we replicate: small mean difference only
    assert _mad(mine, ref) < (0.5 if "1x1" in args else 3.0)


def test_huge_dimensions_are_refused_before_decoding():
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + g._chunk(b"IHDR", ihdr) + g._chunk(b"IDAT", zlib.compress(b"")) + g._chunk(b"IEND", b"")
    with pytest.raises(DecodeError, match="超出"):
        png.decode(data)
    j = bytearray(g.jpeg_bytes(g.product_photo(16, 16)))
    i = j.index(b"\xff\xc0")
    j[i + 5:i + 9] = struct.pack(">HH", 9000, 9000)
    with pytest.raises(DecodeError, match="超出"):
        jpeg.decode(bytes(j))


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_truncated_files_raise_decode_error(photo, fmt):
    data = g.png_bytes(photo) if fmt == "png" else g.jpeg_bytes(photo)
    mod = png if fmt == "png" else jpeg
    for cut in (10, 40, len(data) // 3, len(data) // 2, len(data) - 40):
        with pytest.raises(DecodeError):
            mod.decode(data[:cut])


def test_png_crc_error_is_reported(photo):
    data = bytearray(g.png_bytes(photo))
    data[40] ^= 0xFF
    with pytest.raises(DecodeError, match="校验"):
        png.decode(bytes(data))


@pytest.mark.parametrize("seed", range(12))
def test_corrupted_jpeg_never_raises_anything_else(photo, seed):
    rnd = random.Random(seed)
    data = bytearray(g.jpeg_bytes(photo, restart=4 if seed % 2 else 0))
    for _ in range(1 + seed % 5):
        data[rnd.randrange(2, len(data))] = rnd.randrange(256)
    try:
        r, _, _ = jpeg.decode(bytes(data))
    except DecodeError as exc:
        assert str(exc)  # a Chinese message
    else:
        assert len(r.r) == r.width * r.height


def _area_average(plane, w, h, tw, th):
    """Independent exact area average (fractional pixel overlaps), for checking resize."""
    out = []
    for j in range(th):
        y0, y1 = j * h / th, (j + 1) * h / th
        for i in range(tw):
            x0, x1 = i * w / tw, (i + 1) * w / tw
            tot = area = 0.0
            for y in range(int(y0), min(h, int(y1) + 1)):
                fy = min(y + 1, y1) - max(y, y0)
                if fy <= 0:
                    continue
                for x in range(int(x0), min(w, int(x1) + 1)):
                    fx = min(x + 1, x1) - max(x, x0)
                    if fx > 0:
                        tot += plane[y * w + x] * fx * fy
                        area += fx * fy
            out.append(tot / area)
    return out


@pytest.mark.parametrize("w,h,tw,th", [(192, 144, 9, 8), (192, 144, 32, 32), (1024, 768, 192, 144), (640, 480, 320, 240),
                                       (333, 217, 41, 29)])
def test_resize_is_close_to_an_exact_area_average(w, h, tw, th):
    rnd = random.Random(w * h)
    # smooth content plus an edge band on the right and bottom (which a lossy shortcut would lose)
    plane = bytes(min(255, (x * 255 // w + y * 100 // h) // 2 + (120 if x >= w - w // 16 or y >= h - h // 16 else 0)
                      + rnd.randrange(8)) for y in range(h) for x in range(w))
    got = resize(plane, w, h, tw, th)
    exact = _area_average(plane, w, h, tw, th)
    # integer bin edges move a sharp edge by under one output pixel: small mean error, and the last
    # column and row (where a shortcut that drops edge pixels would show) stay close on average
    assert sum(abs(a - b) for a, b in zip(got, exact)) / len(got) < 3.0
    last_col = [k for k in range(len(got)) if k % tw == tw - 1]
    last_row = range((th - 1) * tw, th * tw)
    for idx in (last_col, last_row):
        assert abs(sum(got[k] for k in idx) - sum(exact[k] for k in idx)) / len(idx) < 8.0
