"""PNG and baseline JPEG decoders (calculators.toolkit.photo.png / .jpeg) on generated files."""

from __future__ import annotations

import random
import struct
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


def test_jpeg_progressive_and_cmyk_are_refused_clearly(photo):
    data = bytearray(g.jpeg_bytes(photo))
    i = data.index(b"\xff\xc0")
    prog = bytes(data[:i + 1]) + b"\xc2" + bytes(data[i + 2:])
    with pytest.raises(DecodeError, match="渐进式"):
        jpeg.decode(prog)
    arith = bytes(data[:i + 1]) + b"\xc9" + bytes(data[i + 2:])
    with pytest.raises(DecodeError, match="算术编码"):
        jpeg.decode(arith)


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
