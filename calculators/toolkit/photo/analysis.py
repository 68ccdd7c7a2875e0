"""The photo check itself: reuse of a reference photo (perceptual hashes), edited regions (aligned
cell-wise differences) and the heat map. Works on decoded rasters, so the CLI (our decoders) and the
browser (canvas pixels) share every line of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .hashes import DHASH_BITS, PHASH_BITS, dhash, hamming, phash, to_hex
from .pixels import Integral, Raster, fit_size, resize
from .regions import ALIGN_MAX_COST, Alignment, align, diff_grid

CLAIM_WORK = 192        # long side of the claim's working copy (pixels)
REF_WORK = 320          # long side of a reference's working copy
CELL = 8                # heat-map cell size on the claim's working copy (192 / 8 = 24 cells)

# Combined distance = mean of the dHash and pHash Hamming distances, both on a 0-64 scale.
# Calibrated on generated photos (tests/test_photo_analysis.py, calibration figures in the report):
# re-encoded / resized / cropped / painted copies of the same photo stay at or below about 9;
# different photos, including another shot of a similar scene, start at about 20.
REUSE_THRESHOLD = 10.0
# A (nearly) uniform picture has degenerate hashes (all bits equal) and matches any other uniform
# picture: below this spread of brightness (standard deviation, 0-255) no reuse is claimed.
FLAT_STD = 3.0
MIN_SHORT_SIDE = 16     # pixels; smaller pictures are refused (see load checks in __init__)


@dataclass
class Photo:
    name: str
    raster: Raster
    width: int                 # the photo's own pixel size (boxes are reported in these pixels)
    height: int
    data: bytes | None = None  # the original file bytes (metadata), if available
    metadata: list[dict[str, Any]] | None = None  # read_metadata(data), when the loader has read it already


@dataclass
class _Work:
    w: int
    h: int
    rgb: tuple[list[float], list[float], list[float]]
    grey: list[float] = field(default_factory=list)


def _work(raster: Raster, long_side: int) -> _Work:
    w, h = fit_size(raster.width, raster.height, long_side)
    rs, gs, bs = (resize(p, raster.width, raster.height, w, h) for p in (raster.r, raster.g, raster.b))
    grey = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in zip(rs, gs, bs)]
    return _Work(w, h, (rs, gs, bs), grey)


def _std(values: list[float]) -> float:
    n = len(values)
    m = sum(values) / n
    return float((sum((v - m) ** 2 for v in values) / n) ** 0.5)


def combined(dh: int, ph: int) -> float:
    return round((dh + ph * DHASH_BITS / PHASH_BITS) / 2, 1)


def compare(claim: Photo, refs: list[Photo]) -> dict[str, Any]:
    cw_ = _work(claim.raster, CLAIM_WORK)
    c_dh = dhash(cw_.grey, cw_.w, cw_.h)
    c_ph = phash(cw_.grey, cw_.w, cw_.h)
    per_ref: list[dict[str, Any]] = []
    best: tuple[dict[str, Any], _Work, Alignment] | None = None
    claim_flat = _std(cw_.grey) < FLAT_STD
    for ref in refs:
        rw_ = _work(ref.raster, REF_WORK)
        comparable = not claim_flat and _std(rw_.grey) >= FLAT_STD
        g_dh = hamming(c_dh, dhash(rw_.grey, rw_.w, rw_.h))
        g_ph = hamming(c_ph, phash(rw_.grey, rw_.w, rw_.h))
        al = align(cw_.grey, cw_.w, cw_.h, rw_.grey, rw_.w, rw_.h)
        crop = Integral(rw_.grey, rw_.w, rw_.h).sample(al.x, al.y, al.w, al.h, cw_.w, cw_.h)
        a_dh = hamming(c_dh, dhash(crop, cw_.w, cw_.h))
        a_ph = hamming(c_ph, phash(crop, cw_.w, cw_.h))
        g_d, a_d = combined(g_dh, g_ph), combined(a_dh, a_ph)
        sx, sy = ref.width / rw_.w, ref.height / rw_.h
        entry: dict[str, Any] = {
            "reference": ref.name,
            "distance": min(g_d, a_d),
            "comparable": comparable,
            "whole_image": {"dhash_distance": g_dh, "phash_distance": g_ph, "distance": g_d},
            "aligned_crop": {
                "dhash_distance": a_dh, "phash_distance": a_ph, "distance": a_d,
                "box": [round(al.x * sx), round(al.y * sy), round(al.w * sx), round(al.h * sy)],
                "alignment_cost": round(al.cost, 3),
            },
        }
        per_ref.append(entry)
        if comparable and (best is None or entry["distance"] < best[0]["distance"]):
            best = (entry, rw_, al)
    detected = best is not None and best[0]["distance"] <= REUSE_THRESHOLD
    out: dict[str, Any] = {
        "reuse": {
            "detected": detected,
            "reference": best[0]["reference"] if detected and best else None,
            "distance": best[0]["distance"] if best else None,
            "threshold": REUSE_THRESHOLD,
            "per_reference": per_ref,
        },
        "hashes": {"dhash": to_hex(c_dh, DHASH_BITS), "phash": to_hex(c_ph, PHASH_BITS)},
        "edited_regions": [],
        "heatmap": None,
        "alignment_trusted": None,
        "low_detail": claim_flat or any(not e["comparable"] for e in per_ref),
    }
    if detected and best:
        entry, rw_, al = best
        trusted = al.cost <= ALIGN_MAX_COST
        out["alignment_trusted"] = trusted
        if trusted:
            ir, ig, ib = (Integral(p, rw_.w, rw_.h) for p in rw_.rgb)
            d = diff_grid(cw_.rgb, cw_.w, cw_.h, (ir, ig, ib), al, CELL)
            sx, sy = claim.width / cw_.w, claim.height / cw_.h
            out["edited_regions"] = [
                [round(x * sx), round(y * sy), min(claim.width - round(x * sx), round(w * sx)),
                 min(claim.height - round(y * sy), round(h * sy))]
                for x, y, w, h in d.boxes
            ]
            scale = 2 * d.threshold
            out["heatmap"] = {
                "cols": d.cols, "rows": d.rows,
                "values": [round(min(1.0, v / scale), 3) for v in d.values],
                "threshold": round(d.threshold, 2),
                "cell_values": [round(v, 1) for v in d.values],
            }
    return out
