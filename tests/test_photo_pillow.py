"""The project's own PNG and JPEG decoders (calculators/toolkit/photo/png.py, jpeg.py) against Pillow
(a test-only dependency, like python-docx for the documents), on files from tests/imagegen.py and on
files Pillow itself writes (libjpeg / zlib, as phones and editors do).

PNG is lossless: every pixel must be equal. JPEG decoders may differ, and the bounds are those of the
libjpeg comparison in test_photo_decoders.py: a mean absolute difference under 0.5 where chroma is
not subsampled (only IDCT and colour-conversion rounding differ) and under 3.0 where it is (libjpeg
upsamples chroma with a smoothing filter, our decoder replicates samples). A mean over the whole
image could hide one block decoded wrong, so each 16×16 block is bounded as well: measured, the
worst block differs by about 0.1 on average without subsampling and by about 8 with 4:2:0 (at the
sharp edges of the printed label), while a block decoded wrong differs by tens.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image  # test-only dependency

import imagegen as g
from calculators.toolkit.photo import jpeg, png
from calculators.toolkit.photo.pixels import Raster

W, H = 96, 72
MEAN_BOUND = {"4:4:4": 0.5, "grey": 0.5, "4:2:2": 3.0, "4:2:0": 3.0}   # as test_against_libjpeg_files
BLOCK_BOUND = {"4:4:4": 1.0, "grey": 1.0, "4:2:2": 12.0, "4:2:0": 12.0}


@pytest.fixture(scope="module")
def photo() -> g.RGB:
    return g.product_photo(W, H, seed=11)


def _ours(r: Raster) -> bytes:
    return bytes(v for t in zip(r.r, r.g, r.b) for v in t)


def _pillow_rgb(data: bytes) -> tuple[tuple[int, int], bytes]:
    """Pillow's pixels, brought to 8-bit RGB the way the project's decoder defines its output: the
    high byte of a 16-bit sample, alpha composited on white (round(c·a/255 + 255·(1 − a/255)))."""
    im = Image.open(io.BytesIO(data))
    im.load()
    if im.mode in ("I;16", "I;16B"):  # 16-bit grey: Pillow keeps the 16-bit values
        raw = im.tobytes()
        grey = raw[1::2] if im.mode == "I;16" else raw[0::2]  # little- / big-endian: the high bytes
        return im.size, bytes(v for x in grey for v in (x, x, x))
    if im.mode in ("LA", "RGBA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA").tobytes()
        out = bytearray()
        for i in range(0, len(rgba), 4):
            a = rgba[i + 3]
            out += bytes(round((c * a + 255 * (255 - a)) / 255) for c in rgba[i:i + 3])
        return im.size, bytes(out)
    return im.size, im.convert("RGB").tobytes()


def _mad(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a)


def _worst_block(a: bytes, b: bytes, w: int, h: int, n: int = 16) -> float:
    worst = 0.0
    for by in range(0, h, n):
        for bx in range(0, w, n):
            d = [abs(a[i] - b[i]) for y in range(by, min(h, by + n))
                 for i in range((y * w + bx) * 3, (y * w + min(w, bx + n)) * 3)]
            worst = max(worst, sum(d) / len(d))
    return worst


# ---- PNG: exact -------------------------------------------------------------------------------------

PNG_VARIANTS = [
    # (colour type, bit depth, interlaced, alpha)
    (0, 8, False, 255), (0, 16, True, 255), (2, 8, False, 255), (2, 8, True, 255), (2, 16, False, 255),
    (3, 8, False, 255), (3, 8, True, 255), (4, 8, False, 128), (6, 8, True, 77), (6, 16, False, 200),
]


@pytest.mark.parametrize("ctype,depth,interlace,alpha", PNG_VARIANTS,
                         ids=[f"type{c}-{d}bit{'-adam7' if i else ''}-a{a}" for c, d, i, a in PNG_VARIANTS])
def test_generated_png_equals_pillow(photo, ctype, depth, interlace, alpha):
    data = g.png_bytes(photo, color_type=ctype, bit_depth=depth, interlace=interlace, alpha=alpha)
    size, ref = _pillow_rgb(data)
    r = png.decode(data)
    assert (r.width, r.height) == size == (W, H)
    assert _ours(r) == ref


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_png_written_by_pillow_equals_pillow(photo, mode):
    im = Image.frombytes("RGB", (W, H), photo.rgb_bytes())
    if mode == "RGBA":
        im.putalpha(Image.linear_gradient("L").resize((W, H)))  # alpha 0..255 across the image
    elif mode == "P":
        im = im.quantize(colors=64)
    else:
        im = im.convert(mode)
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=True)
    data = buf.getvalue()
    size, ref = _pillow_rgb(data)
    r = png.decode(data)
    assert (r.width, r.height) == size
    assert _ours(r) == ref


# ---- JPEG: within the IDCT / upsampling tolerance ----------------------------------------------------

JPEG_VARIANTS = [
    # (imagegen keyword arguments, progressive, kind for the bounds)
    ({"subsampling": "4:4:4"}, False, "4:4:4"),
    ({"subsampling": "4:2:2", "restart": 3}, False, "4:2:2"),
    ({"subsampling": "4:2:0"}, False, "4:2:0"),
    ({"subsampling": "4:2:0", "quality": 50}, False, "4:2:0"),
    ({"grey": True}, False, "grey"),
    ({"subsampling": "4:4:4"}, True, "4:4:4"),
    ({"subsampling": "4:2:0", "restart": 2}, True, "4:2:0"),
    ({"grey": True}, True, "grey"),
]


def _check_jpeg(data: bytes, kind: str) -> None:
    size, ref = _pillow_rgb(data)
    r, ow, oh = jpeg.decode(data)
    assert (r.width, r.height) == (ow, oh) == size
    ours = _ours(r)
    assert len(ours) == len(ref)
    assert _mad(ours, ref) < MEAN_BOUND[kind]
    assert _worst_block(ours, ref, r.width, r.height) < BLOCK_BOUND[kind]


@pytest.mark.parametrize("kwargs,progressive,kind", JPEG_VARIANTS,
                         ids=[f"{'progressive' if p else 'baseline'}-{'-'.join(f'{k}={v}' for k, v in kw.items())}"
                              for kw, p, _ in JPEG_VARIANTS])
def test_generated_jpeg_close_to_pillow(photo, kwargs, progressive, kind):
    data = (g.jpeg_progressive_bytes if progressive else g.jpeg_bytes)(photo, **kwargs)
    _check_jpeg(data, kind)


@pytest.mark.parametrize("subsampling,progressive", [(0, False), (1, True), (2, False), (2, True)])
def test_jpeg_written_by_pillow_close_to_pillow(subsampling, progressive):
    """libjpeg's own encoder (Pillow's): optimised Huffman tables, progressive scans as libjpeg
    writes them, odd sizes that leave partial blocks at the edges."""
    img = g.unrelated_photo(W - 5, H - 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", (img.width, img.height), img.rgb_bytes()).save(
        buf, "JPEG", quality=85, subsampling=subsampling, progressive=progressive, optimize=True)
    _check_jpeg(buf.getvalue(), {0: "4:4:4", 1: "4:2:2", 2: "4:2:0"}[subsampling])
