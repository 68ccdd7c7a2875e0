"""Perceptual hashes of a greyscale plane: difference hash (dHash) and DCT hash (pHash).

dHash: area-average to 9 × 8, one bit per horizontal neighbour pair (left brighter than right): 64 bits.
pHash: area-average to 32 × 32, 2-D DCT-II, keep the top-left 8 × 8 coefficients without the DC term
(63 values), one bit per coefficient above their median: 63 bits.
Both are robust to re-encoding, resizing and small brightness changes; a crop of more than a few
percent changes them, which is why the analysis also compares against the aligned crop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .pixels import resize

DHASH_BITS = 64
PHASH_BITS = 63

_COS32 = [[math.cos((2 * x + 1) * u * math.pi / 64) for x in range(32)] for u in range(8)]


def dhash(plane: Sequence[float], width: int, height: int) -> int:
    small = resize(plane, width, height, 9, 8)
    bits = 0
    for y in range(8):
        row = small[y * 9:(y + 1) * 9]
        for x in range(8):
            bits = (bits << 1) | (1 if row[x] > row[x + 1] else 0)
    return bits


def dct_lowfreq(plane32: Sequence[float]) -> list[float]:
    """The top-left 8 × 8 DCT-II coefficients (unnormalised) of a 32 × 32 plane, row-major (v, u)."""
    rows = [plane32[y * 32:(y + 1) * 32] for y in range(32)]
    # horizontal pass: for each row y and frequency u
    tmp = [[sum(c * p for c, p in zip(_COS32[u], row)) for u in range(8)] for row in rows]
    out = []
    for v in range(8):
        cv = _COS32[v]
        for u in range(8):
            out.append(sum(cv[y] * tmp[y][u] for y in range(32)))
    return out


def phash(plane: Sequence[float], width: int, height: int) -> int:
    coeffs = dct_lowfreq(resize(plane, width, height, 32, 32))[1:]  # drop DC
    med = sorted(coeffs)[len(coeffs) // 2]
    bits = 0
    for c in coeffs:
        bits = (bits << 1) | (1 if c > med else 0)
    return bits


def hamming(a: int, b: int) -> int:
    return bin(a ^ b).count("1")


def to_hex(value: int, bits: int) -> str:
    return format(value, f"0{(bits + 3) // 4}x")
