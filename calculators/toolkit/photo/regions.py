"""Align the claim photo with a reference photo and locate the regions that differ.

Alignment (kept simple and honest): the claim is assumed to be the reference, or a crop of it
(down to 55 % of the side), possibly resized, re-encoded and with small brightness changes. We search
crop rectangles with the claim's aspect ratio: a coarse grid over scale and position on 24-pixel-wide
thumbnails, then a local refinement on 64-pixel-wide ones, minimising the mean absolute difference of
brightness-normalised thumbnails. Rotations, mirroring and perspective changes are not searched: such a
copy may still match by hash, but its regions are not located (the result says so).

Local differences: the aligned reference crop is resampled onto the claim's working grid, each colour
channel is matched to the claim's mean and spread, and the per-pixel difference (mean of |ΔR|, |ΔG|,
|ΔB|) is averaged over square cells. A cell is "different" when its value is above both an absolute
floor and a robust threshold (median + k × MAD of all cells); different cells that touch, or are
separated by at most one cell, form one region, reported as a box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .pixels import Integral, normalise, resize

SCALES = (1.0, 0.93, 0.86, 0.79, 0.72, 0.65, 0.58)
COARSE_W = 24
FINE_W = 64
REFINE_TOP = 3          # coarse candidates refined
HOPELESS_COST = 0.8     # coarse cost above which the photos are plainly different: no refinement

# Calibrated on generated photos (tests/imagegen.py; see tests/test_photo_analysis.py): a re-encoded,
# resized and cropped clean copy stays below the floor; a painted blob or crack rises far above it.
CELL_FLOOR = 9.0       # mean absolute difference (0-255 scale) a cell must exceed
CELL_K = 6.0            # robust threshold: median + CELL_K * 1.4826 * MAD
ALIGN_MAX_COST = 0.5
GAP_RANGE = (-2, -1, 0, 1, 2)   # cells up to one empty cell apart belong to the same region
TEXTURE_G = 20.0        # local contrast (0-255) at which a difference counts half    # mean abs difference of z-scored thumbnails above which we do not trust the alignment


@dataclass(frozen=True)
class Alignment:
    x: float
    y: float
    w: float
    h: float
    cost: float


def _cost(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a)


def align(claim: Sequence[float], cw: int, ch: int, ref: Sequence[float], rw: int, rh: int) -> Alignment:
    """Best crop rectangle (in ``ref`` plane pixels) whose content matches the claim plane."""
    aspect = cw / ch
    w0 = min(float(rw), rh * aspect)
    h0 = w0 / aspect
    # coarse level
    tw, th = (COARSE_W, max(4, round(COARSE_W / aspect))) if aspect >= 1 else (max(4, round(COARSE_W * aspect)), COARSE_W)
    claim_t = normalise(resize(claim, cw, ch, tw, th))
    coarse_long = 96
    k = coarse_long / max(rw, rh)
    if k < 1:
        sw, sh = max(1, round(rw * k)), max(1, round(rh * k))
        small = resize(ref, rw, rh, sw, sh)
    else:
        sw, sh, small, k = rw, rh, list(ref), 1.0
    integ = Integral(small, sw, sh)
    cands: list[tuple[float, float, float, float]] = []
    for f in SCALES:
        w, h = w0 * f * k, h0 * f * k
        nx = 1 if sw - w < 1 else 7
        ny = 1 if sh - h < 1 else 7
        for iy in range(ny):
            y = (sh - h) * iy / max(1, ny - 1) if ny > 1 else (sh - h) / 2
            for ix in range(nx):
                x = (sw - w) * ix / max(1, nx - 1) if nx > 1 else (sw - w) / 2
                c = _cost(claim_t, normalise(integ.sample(x, y, w, h, tw, th)))
                cands.append((c, x / k, y / k, f))
    cands.sort()
    # fine level: refine the best coarse candidates
    fine = Integral(ref, rw, rh)
    best: tuple[float, float, float, float] | None = None
    if cands[0][0] > HOPELESS_COST:
        c, x, y, f = cands[0]
        return Alignment(x, y, w0 * f, h0 * f, c)
    long_ref = max(rw, rh)
    for _, x, y, f in cands[:REFINE_TOP]:
        cur = _refine(claim, cw, ch, fine, rw, rh, w0, h0, (x, y, f), FINE_W, long_ref / 24, 0.5)
        if best is None or cur[0] < best[0]:
            best = cur
    assert best is not None
    c, x, y, f = best
    return Alignment(x, y, w0 * f, h0 * f, c)


def _refine(claim: Sequence[float], cw: int, ch: int, fine: Integral, rw: int, rh: int, w0: float, h0: float,
            start: tuple[float, float, float], thumb_w: int, step: float, min_step: float
            ) -> tuple[float, float, float, float]:
    """Coordinate descent on (x, y, scale) with halving steps, on thumb_w-wide thumbnails."""
    aspect = cw / ch
    tw, th = (thumb_w, max(4, round(thumb_w / aspect))) if aspect >= 1 else (max(4, round(thumb_w * aspect)), thumb_w)
    target = normalise(resize(claim, cw, ch, tw, th))
    x, y, f = start
    cur = (_cost(target, normalise(fine.sample(x, y, w0 * f, h0 * f, tw, th))), x, y, f)
    fstep = 0.035 * step / (max(rw, rh) / 24)
    while step >= min_step:
        improved = True
        while improved:
            improved = False
            c0, x0, y0, f0 = cur
            for dx, dy, df in ((step, 0, 0), (-step, 0, 0), (0, step, 0), (0, -step, 0), (0, 0, fstep), (0, 0, -fstep)):
                nf = min(1.0, max(SCALES[-1] - 0.05, f0 + df))
                nw, nh = w0 * nf, h0 * nf
                nx = min(max(0.0, x0 + dx), rw - nw)
                ny = min(max(0.0, y0 + dy), rh - nh)
                c = _cost(target, normalise(fine.sample(nx, ny, nw, nh, tw, th)))
                if c < cur[0] - 1e-9:
                    cur = (c, nx, ny, nf)
                    improved = True
        step /= 2
        fstep /= 2
    return cur


@dataclass(frozen=True)
class DiffResult:
    cols: int
    rows: int
    cell_w: float
    cell_h: float
    values: list[float]       # mean abs difference per cell, 0-255 scale, row-major
    threshold: float
    flagged: list[bool]
    boxes: list[tuple[int, int, int, int]]   # in working-grid pixels (x, y, w, h)


def _shift(plane: list[float], w: int, h: int, dx: int, dy: int) -> list[float]:
    """The plane moved by (dx, dy) pixels, edges repeated."""
    if dx == 0 and dy == 0:
        return plane
    rows = [plane[y * w:(y + 1) * w] for y in range(h)]
    if dx > 0:
        rows = [r[:1] * dx + r[:w - dx] for r in rows]
    elif dx < 0:
        rows = [r[-dx:] + r[-1:] * (-dx) for r in rows]
    if dy > 0:
        rows = rows[:1] * dy + rows[:h - dy]
    elif dy < 0:
        rows = rows[-dy:] + rows[-1:] * (-dy)
    return [v for r in rows for v in r]


def _match_stats(src: list[float], target: Sequence[float]) -> list[float]:
    n = len(src)
    ms, mt = sum(src) / n, sum(target) / n
    ss = (sum((v - ms) ** 2 for v in src) / n) ** 0.5
    st = (sum((v - mt) ** 2 for v in target) / n) ** 0.5
    g = st / ss if ss > 1e-6 else 1.0
    g = min(2.0, max(0.5, g))
    return [(v - ms) * g + mt for v in src]


def diff_grid(claim_rgb: tuple[Sequence[float], Sequence[float], Sequence[float]], cw: int, ch: int,
              ref_integrals: tuple[Integral, Integral, Integral], al: Alignment, cell: int) -> DiffResult:
    """Cell-wise differences between the claim (working size cw × ch) and the aligned reference crop."""
    refs = [_match_stats(integ.sample(al.x, al.y, al.w, al.h, cw, ch), plane)
            for plane, integ in zip(claim_rgb, ref_integrals)]
    # Tolerate the residual misalignment: each pixel takes the smallest difference over the
    # reference shifted by up to one pixel in each direction (edges of fine patterns would otherwise
    # light up everywhere).
    per_px: list[float] | None = None
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            d = [0.0] * (cw * ch)
            for plane, ref in zip(claim_rgb, refs):
                shifted = _shift(ref, cw, ch, dx, dy)
                d = [t + abs(a - b) for t, a, b in zip(d, plane, shifted)]
            per_px = d if per_px is None else [min(a, b) for a, b in zip(per_px, d)]
    assert per_px is not None
    # Weigh each difference down where the reference itself has strong local contrast (edges, fine
    # print): there, resampling alone changes pixel values. Smooth surfaces (where painted mould or a
    # crack stands out) keep their full weight. An edit inside busy texture is therefore harder to
    # see: a stated limit of the method.
    grey = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in zip(*refs)]
    gx = [abs(a - b) / 2 for a, b in zip(_shift(grey, cw, ch, 1, 0), _shift(grey, cw, ch, -1, 0))]
    gy = [abs(a - b) / 2 for a, b in zip(_shift(grey, cw, ch, 0, 1), _shift(grey, cw, ch, 0, -1))]
    grad = [max(a, b) for a, b in zip(gx, gy)]
    local = grad
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        local = [max(a, b) for a, b in zip(local, _shift(grad, cw, ch, dx, dy))]
    per_px = [t / 3 * TEXTURE_G / (TEXTURE_G + g) for t, g in zip(per_px, local)]
    cols = max(1, round(cw / cell))
    rows = max(1, round(ch / cell))
    values = resize(per_px, cw, ch, cols, rows)
    srt = sorted(values)
    med = srt[len(srt) // 2]
    mad = sorted(abs(v - med) for v in values)[len(values) // 2]
    threshold = max(CELL_FLOOR, med + CELL_K * 1.4826 * mad)
    flagged = [v > threshold for v in values]
    boxes = []
    seen = [False] * len(values)
    cell_w, cell_h = cw / cols, ch / rows
    for start in range(len(values)):
        if not flagged[start] or seen[start]:
            continue
        stack = [start]
        seen[start] = True
        members = []
        while stack:
            i = stack.pop()
            members.append(i)
            cx, cy = i % cols, i // cols
            for dy in GAP_RANGE:
                for dx in GAP_RANGE:
                    nx, ny = cx + dx, cy + dy
                    if 0 <= nx < cols and 0 <= ny < rows:
                        j = ny * cols + nx
                        if flagged[j] and not seen[j]:
                            seen[j] = True
                            stack.append(j)
        xs = [i % cols for i in members]
        ys = [i // cols for i in members]
        x0, x1, y0, y1 = min(xs), max(xs) + 1, min(ys), max(ys) + 1
        boxes.append((round(x0 * cell_w), round(y0 * cell_h), round((x1 - x0) * cell_w), round((y1 - y0) * cell_h)))
    return DiffResult(cols, rows, cell_w, cell_h, values, threshold, flagged, boxes)
