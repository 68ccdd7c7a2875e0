"""Pixel rasters and the resampling the analysis needs (standard library only).

A :class:`Raster` holds 8-bit R, G, B planes (``bytes``, row-major). Alpha is composited on white
when the raster is built, so the CLI (PNG/JPEG decoders) and the browser (canvas RGBA) give the
analysis the same input. Resampling is an area average on integer-aligned bins, written with
``zip``/``sum`` so that most work runs in C even in Pyodide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import add

Plane = Sequence[float] | bytes


@dataclass(frozen=True)
class Raster:
    width: int
    height: int
    r: bytes
    g: bytes
    b: bytes

    @classmethod
    def from_channels(cls, width: int, height: int, r: bytes, g: bytes, b: bytes,
                      a: bytes | None = None) -> Raster:
        n = width * height
        if not (len(r) == len(g) == len(b) == n) or (a is not None and len(a) != n):
            raise ValueError("plane sizes do not match the raster size")
        if a is not None and a.count(255) != n:
            r, g, b = (_over_white(p, a) for p in (r, g, b))
        return cls(width, height, bytes(r), bytes(g), bytes(b))

    @classmethod
    def from_rgba(cls, width: int, height: int, data: bytes) -> Raster:
        """From canvas ImageData (RGBA, not premultiplied)."""
        if width <= 0 or height <= 0 or len(data) != width * height * 4:
            raise ValueError("RGBA buffer size does not match width × height × 4")
        data = bytes(data)
        return cls.from_channels(width, height, data[0::4], data[1::4], data[2::4], data[3::4])

    def oriented(self, orientation: int) -> Raster:
        """The raster as displayed under EXIF Orientation 1-8 (what browsers do by default)."""
        if orientation not in (2, 3, 4, 5, 6, 7, 8):
            return self
        w, h = self.width, self.height

        def one(p: bytes) -> bytes:
            if orientation == 3:
                return p[::-1]
            if orientation in (2, 4):
                rows = [p[y * w:(y + 1) * w] for y in range(h)]
                return b"".join(r[::-1] for r in rows) if orientation == 2 else b"".join(rows[::-1])
            cols: Callable[[int], bytes] = {5: lambda i: p[i::w], 6: lambda i: p[i::w][::-1],
                    7: lambda i: p[w - 1 - i::w][::-1], 8: lambda i: p[w - 1 - i::w]}[orientation]
            return b"".join(cols(i) for i in range(w))

        nw, nh = (h, w) if orientation >= 5 else (w, h)
        return Raster(nw, nh, one(self.r), one(self.g), one(self.b))

    def grey(self) -> list[float]:
        """Luma (ITU-R BT.601 weights), as floats 0..255."""
        return [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in zip(self.r, self.g, self.b)]


def _over_white(plane: bytes, alpha: bytes) -> bytes:
    return bytes((c * a + 255 * (255 - a) + 127) // 255 for c, a in zip(plane, alpha))


def _bins(size: int, target: int) -> list[tuple[int, int]]:
    out = []
    for i in range(target):
        lo = i * size // target
        hi = max(lo + 1, (i + 1) * size // target)
        out.append((lo, min(hi, size)))
    return out


def resize(plane: Plane, width: int, height: int, tw: int, th: int) -> list[float]:
    """Area-average ``plane`` (width × height) to tw × th (nearest pixel when enlarging)."""
    if tw == width and th == height:
        return [float(v) for v in plane]
    # Most of a large reduction by a whole factor f, with C-level strided adds; the rest below.
    # At most f - 1 pixels at the right and bottom edges are left out, so f is kept under 1 % of
    # each side (a small target such as a hash's 9 × 8 never takes this path from a small plane).
    f = min(width // tw, height // th, width // 100, height // 100)
    if f >= 2:
        plane, width, height = _shrink(plane, width, height, f), width // f, height // f
        if tw == width and th == height:
            return list(plane)
    xb = _bins(width, tw)
    out: list[float] = []
    for y0, y1 in _bins(height, th):
        if y1 - y0 == 1:
            col = plane[y0 * width:(y0 + 1) * width]
        else:
            col = list(map(sum, zip(*(plane[y * width:(y + 1) * width] for y in range(y0, y1)))))
        k = y1 - y0
        out.extend(sum(col[x0:x1]) / ((x1 - x0) * k) for x0, x1 in xb)
    return out


def _shrink(plane: Plane, width: int, height: int, f: int) -> list[float]:
    """Area-average by the whole factor f (output (width // f) × (height // f))."""
    w2, h2 = width // f, height // f
    n = f * f
    out: list[float] = []
    for y in range(h2):
        acc: list[float] | None = None
        for dy in range(f):
            start = (y * f + dy) * width
            row = plane[start:start + w2 * f]
            for dx in range(f):
                part = row[dx::f]
                acc = list(part) if acc is None else list(map(add, acc, part))
        assert acc is not None
        out.extend(v / n for v in acc)
    return out


def fit_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """The size with the same aspect ratio whose long side is ``long_side`` (never enlarged)."""
    if max(width, height) <= long_side:
        return width, height
    if width >= height:
        return long_side, max(1, round(height * long_side / width))
    return max(1, round(width * long_side / height)), long_side


class Integral:
    """Summed-area table of a plane, for means over arbitrary rectangles in O(1)."""

    def __init__(self, plane: Plane, width: int, height: int) -> None:
        self.width, self.height = width, height
        w1 = width + 1
        table = [0.0] * w1
        prev = table
        for y in range(height):
            row = [0.0]
            row.extend(accumulate(plane[y * width:(y + 1) * width]))
            cur = [a + b for a, b in zip(prev, row)]
            table.extend(cur)
            prev = cur
        self.table = table

    def sample(self, x: float, y: float, w: float, h: float, tw: int, th: int) -> list[float]:
        """Area-average the rectangle (x, y, w, h) (plane pixels, clamped) onto a tw × th grid."""
        t = self.table
        w1 = self.width + 1
        xb = _span(x, w, tw, self.width)
        yb = _span(y, h, th, self.height)
        out: list[float] = []
        for y0, y1 in yb:
            r0 = y0 * w1
            r1 = y1 * w1
            dy = y1 - y0
            for x0, x1 in xb:
                out.append((t[r1 + x1] - t[r1 + x0] - t[r0 + x1] + t[r0 + x0]) / ((x1 - x0) * dy))
        return out


def _span(start: float, length: float, n: int, size: int) -> list[tuple[int, int]]:
    """n integer bins covering [start, start + length), clamped to [0, size), each at least 1 wide."""
    out = []
    for i in range(n):
        lo = min(size - 1, max(0, round(start + length * i / n)))
        hi = min(size, max(lo + 1, round(start + length * (i + 1) / n)))
        out.append((lo, hi))
    return out


def normalise(values: Sequence[float]) -> list[float]:
    """Zero mean, unit standard deviation (a flat plane stays all zeros)."""
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / n
    sd = var ** 0.5
    if sd < 1e-6:
        return [0.0] * n
    return [(v - mean) / sd for v in values]
