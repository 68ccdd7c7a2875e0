"""Baseline JPEG decoder (standard library only).

Why a decoder of our own: the ``calculators`` package must run unchanged in CPython and in Pyodide
with no native dependency (no Pillow, no libjpeg). The page decodes photos with the browser's canvas;
this decoder serves the CLI and the tests. It favours clarity and bounded work over speed, and it can
decode at 1/2, 1/4 or 1/8 scale (an exact area average of the full decode, computed inside the
inverse DCT), because the analysis needs only a few hundred pixels per side.

Supported: baseline and extended sequential Huffman JPEG (SOF0/SOF1) with 8-bit samples, greyscale or
three components (YCbCr, or RGB per Adobe APP14), any sampling factors up to 4 (4:4:4, 4:2:2, 4:2:0,
...), restart intervals (DRI/RSTn), interleaved and non-interleaved scans.
Progressive JPEG (SOF2: spectral selection and successive approximation) is decoded too, up to 16
megapixels (all coefficients are kept until the last scan).
Not supported, with a clear Chinese message: lossless, hierarchical, arithmetic coding, 12-bit
samples, CMYK. Corrupt or truncated data raises :class:`DecodeError`, never an IndexError.
"""

from __future__ import annotations

import math
import struct

from .containers import is_jpeg as is_jpeg  # the walker lives in containers.py (kept in the browser wheel)
from .containers import iter_segments
from .errors import MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE, DecodeError
from .pixels import Raster

ZIGZAG = (
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
    54, 47, 55, 62, 63,
)

_UNSUPPORTED_SOF = {
    0xC3: "无损 JPEG", 0xC5: "差分 JPEG", 0xC6: "差分渐进式 JPEG",
    0xC7: "差分无损 JPEG", 0xC9: "算术编码 JPEG", 0xCA: "算术编码渐进式 JPEG", 0xCB: "算术编码无损 JPEG",
    0xCD: "差分算术编码 JPEG", 0xCE: "差分算术编码 JPEG", 0xCF: "差分算术编码 JPEG",
}

PROGRESSIVE_MAX_PIXELS = 16_000_000   # every coefficient is kept until the last scan
_BLOCK_BYTES = 600                     # one kept block: a list of 64 small ints (CPython, 64-bit)
_PAD = bytes(320)  # one block reads at most 64 x 32 bits past its start

_IDCT_CACHE: dict[int, list[list[float]]] = {}


def _idct_basis(n: int) -> list[list[float]]:
    """basis[u][x]: the mean of the 1-D DCT basis function u over output pixel x of n (8/n samples)."""
    if n in _IDCT_CACHE:
        return _IDCT_CACHE[n]
    step = 8 // n
    basis = []
    for u in range(8):
        cu = math.sqrt(0.5) if u == 0 else 1.0
        basis.append([
            sum(cu / 2 * math.cos((2 * s + 1) * u * math.pi / 16) for s in range(x * step, (x + 1) * step)) / step
            for x in range(n)
        ])
    _IDCT_CACHE[n] = basis
    return basis


_W2: list[tuple[float, float, float, float] | None] = []


def _weights2() -> list[tuple[float, float, float, float] | None]:
    """For 1/2 scale: the weights of coefficient z (natural order) on the 2 x 2 outputs, None if all ~0."""
    if not _W2:
        b = _idct_basis(2)
        for z in range(64):
            v, u = divmod(z, 8)
            w = (b[v][0] * b[u][0], b[v][0] * b[u][1], b[v][1] * b[u][0], b[v][1] * b[u][1])
            _W2.append(w if max(abs(x) for x in w) > 1e-12 else None)
    return _W2


def _ceil_div(a: int, b: int) -> int:
    """ceil(a / b) for b > 0, in integers (a block count: width in pixels -> 8-pixel blocks)."""
    return (a + b - 1) // b


def read_header(data: bytes) -> tuple[int, int]:
    for marker, payload, _ in iter_segments(data):
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if len(payload) < 6:
                raise DecodeError("JPEG 文件已损坏（帧头太短）。")
            h, w = struct.unpack(">HH", payload[1:5])
            return w, h
    raise DecodeError("JPEG 文件中没有图像帧。")


def _build_huffman(counts: bytes, symbols: bytes) -> list[int]:
    """A 65536-entry table: 16-bit peek -> (code length << 8) | symbol, or -1 for an invalid code."""
    table = [-1] * 65536
    code = 0
    k = 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            if k >= len(symbols) or code >= (1 << length):
                raise DecodeError("JPEG 文件已损坏（霍夫曼表无效）。")
            entry = (length << 8) | symbols[k]
            shift = 16 - length
            start = code << shift
            table[start:start + (1 << shift)] = [entry] * (1 << shift)
            code += 1
            k += 1
        code <<= 1
    return table


class _Component:
    __slots__ = ("cid", "h", "v", "tq", "bw", "bh", "plane", "pw", "pred", "td", "ta", "coefs")

    def __init__(self, cid: int, h: int, v: int, tq: int) -> None:
        self.cid, self.h, self.v, self.tq = cid, h, v, tq
        self.bw = self.bh = self.pw = self.pred = self.td = self.ta = 0
        self.plane = bytearray()
        self.coefs: list[list[int]] = []


def _unstuff(seg: bytes) -> bytes:
    return seg.replace(b"\xff\x00", b"\xff")


def decode(data: bytes, min_long_side: int | None = None) -> tuple[Raster, int, int]:
    """Decode; return (raster, original width, original height). With ``min_long_side`` the image is
    decoded at the smallest of the scales 1/8, 1/4, 1/2, 1 whose long side is at least that."""
    qt: dict[int, list[int]] = {}
    dc_tables: dict[int, list[int]] = {}
    ac_tables: dict[int, list[int]] = {}
    comps: list[_Component] = []
    restart = 0
    adobe_transform: int | None = None
    width = height = 0
    n = 8
    hmax = vmax = 1
    mcux = mcuy = 0
    frame_seen = False
    progressive = False
    scans = 0
    for marker, payload, end in iter_segments(data):
        if marker == 0xDB:
            p = 0
            while p < len(payload):
                pq, tq = payload[p] >> 4, payload[p] & 15
                if pq:
                    if p + 129 > len(payload):
                        raise DecodeError("JPEG 文件已损坏（量化表不完整）。")
                    vals = struct.unpack(">64H", payload[p + 1:p + 129])
                    p += 129
                else:
                    if p + 65 > len(payload):
                        raise DecodeError("JPEG 文件已损坏（量化表不完整）。")
                    vals = tuple(payload[p + 1:p + 65])
                    p += 65
                q = [0] * 64
                for k in range(64):
                    q[ZIGZAG[k]] = vals[k]
                qt[tq & 3] = q
        elif marker == 0xC4:
            p = 0
            while p < len(payload):
                if p + 17 > len(payload):
                    raise DecodeError("JPEG 文件已损坏（霍夫曼表不完整）。")
                tc, th = payload[p] >> 4, payload[p] & 15
                counts = payload[p + 1:p + 17]
                total = sum(counts)
                symbols = payload[p + 17:p + 17 + total]
                if len(symbols) < total:
                    raise DecodeError("JPEG 文件已损坏（霍夫曼表不完整）。")
                (ac_tables if tc else dc_tables)[th & 3] = _build_huffman(counts, symbols)
                p += 17 + total
        elif marker == 0xDD:
            if len(payload) < 2:
                raise DecodeError("JPEG 文件已损坏（DRI 段太短）。")
            restart, = struct.unpack(">H", payload[:2])
        elif marker == 0xEE and payload[:5] == b"Adobe" and len(payload) >= 12:
            adobe_transform = payload[11]
        elif marker in _UNSUPPORTED_SOF:
            raise DecodeError(f"暂不支持{_UNSUPPORTED_SOF[marker]}的命令行解码。请在网页版中检查（浏览器可以解码），"
                              "或先用看图软件另存为普通（基线）JPEG 或 PNG。")
        elif marker in (0xC0, 0xC1, 0xC2):
            progressive = marker == 0xC2
            if frame_seen:
                raise DecodeError("JPEG 文件已损坏（重复的帧头）。")
            frame_seen = True
            if len(payload) < 6:
                raise DecodeError("JPEG 文件已损坏（帧头太短）。")
            precision, height, width, nc = struct.unpack(">BHHB", payload[:6])
            if precision != 8:
                raise DecodeError(f"暂不支持 {precision} 位精度的 JPEG。")
            if width == 0 or height == 0:
                raise DecodeError("暂不支持高度写在 DNL 段中的 JPEG（帧头中的高度为 0）。")
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise DecodeError(f"图片尺寸 {width}×{height} 超出本工具的处理上限（{MAX_PIXELS // 1_000_000} 百万像素）。请先缩小图片。")
            if progressive and width * height > PROGRESSIVE_MAX_PIXELS:
                raise DecodeError(f"渐进式 JPEG 的命令行解码最多支持 {PROGRESSIVE_MAX_PIXELS // 1_000_000} 百万像素"
                                  f"（此图 {width}×{height}）。请在网页版中检查，或先缩小图片。")
            if nc not in (1, 3):
                raise DecodeError("暂不支持 CMYK 或其他非 1/3 个颜色分量的 JPEG。")
            if len(payload) < 6 + 3 * nc:
                raise DecodeError("JPEG 文件已损坏（帧头太短）。")
            for i in range(nc):
                cid, hv, tq = payload[6 + 3 * i:9 + 3 * i]
                h, v = hv >> 4, hv & 15
                if not (1 <= h <= 4 and 1 <= v <= 4) or tq > 3:
                    raise DecodeError("JPEG 文件已损坏（采样因子无效）。")
                comps.append(_Component(cid, h, v, tq))
            hmax = max(c.h for c in comps)
            vmax = max(c.v for c in comps)
            if nc == 1:
                comps[0].h = comps[0].v = hmax = vmax = 1
            if min_long_side:
                for cand in (1, 2, 4, 8):
                    if max(width, height) * cand >= min_long_side * 8 or cand == 8:
                        n = cand
                        break
            mcux = -(-width // (8 * hmax))
            mcuy = -(-height // (8 * vmax))
            # the memory budget: the sample planes at the chosen scale and, for a progressive
            # file, every coefficient block (a list of 64 ints: about 600 bytes) until the last scan
            blocks = sum(mcux * c.h * mcuy * c.v for c in comps)
            need = blocks * (n * n + (_BLOCK_BYTES if progressive else 0)) + 4 * (mcux * 8 * hmax) * (mcuy * 8 * vmax) * n * n // 64
            if need > MAX_DECODE_BYTES:
                raise DecodeError(f"图片 {width}×{height} 解码需要约 {need // 1048576} MB 内存，超出本工具的上限"
                                  f"（{MAX_DECODE_BYTES // 1048576} MB）。请在网页版中检查，或先缩小图片。")
            for c in comps:
                c.bw, c.bh = mcux * c.h, mcuy * c.v
                c.pw = c.bw * n
                c.plane = bytearray(c.pw * c.bh * n)
                if progressive:
                    c.coefs = [[0] * 64 for _ in range(c.bw * c.bh)]
        elif marker == 0xDA:
            if not frame_seen:
                raise DecodeError("JPEG 文件已损坏（扫描段出现在帧头之前）。")
            scans += 1
            ns = payload[0] if payload else 0
            if not 1 <= ns <= len(comps) or len(payload) < 1 + 2 * ns + 3:
                raise DecodeError("JPEG 文件已损坏（扫描段头无效）。")
            scomps = []
            for i in range(ns):
                cs, t = payload[1 + 2 * i], payload[2 + 2 * i]
                comp = next((c for c in comps if c.cid == cs), None)
                if comp is None:
                    raise DecodeError("JPEG 文件已损坏（扫描段引用了不存在的颜色分量）。")
                comp.td, comp.ta = t >> 4, t & 15
                if progressive:
                    ss_ = payload[1 + 2 * ns]
                    if (ss_ == 0 and comp.td not in dc_tables) or (ss_ > 0 and comp.ta not in ac_tables):
                        raise DecodeError("JPEG 文件已损坏（缺少霍夫曼表）。")
                elif comp.td not in dc_tables or comp.ta not in ac_tables or comp.tq not in qt:
                    raise DecodeError("JPEG 文件已损坏（缺少霍夫曼表或量化表）。")
                scomps.append(comp)
            try:
                if progressive:
                    ss, se, a = payload[1 + 2 * ns], payload[2 + 2 * ns], payload[3 + 2 * ns]
                    if ss > 0 and n == 1:
                        continue  # at 1/8 scale only the DC terms matter: AC scans are skipped
                    _decode_progressive_scan(data, end, scomps, mcux, mcuy, width, height, hmax, vmax, restart,
                                             ss, se, a >> 4, a & 15, dc_tables, ac_tables)
                else:
                    _decode_scan(data, end, scomps, ns == 1, mcux, mcuy, width, height, hmax, vmax, restart, n, qt,
                                 dc_tables, ac_tables)
            except (IndexError, KeyError):
                raise DecodeError("JPEG 图像数据已损坏或不完整。") from None
    if not frame_seen or scans == 0:
        raise DecodeError("JPEG 文件中没有图像数据（可能被截断）。")
    if progressive:
        basis = _idct_basis(n)
        for c in comps:
            cq = qt.get(c.tq)
            if cq is None:
                raise DecodeError("JPEG 文件已损坏（缺少量化表）。")
            qz = [cq[ZIGZAG[k]] for k in range(64)]
            dc_only = [0] * 64
            for idx, zz in enumerate(c.coefs):
                if n == 1 or not any(zz[1:]):
                    dc_only[0] = zz[0] * qz[0]
                    _idct_put(dc_only, False, c.plane, c.pw, n, basis, idx % c.bw, idx // c.bw)
                    continue
                nat = [0] * 64
                for k in range(64):
                    v = zz[k]
                    if v:
                        nat[ZIGZAG[k]] = v * qz[k]
                _idct_put(nat, True, c.plane, c.pw, n, basis, idx % c.bw, idx // c.bw)
            c.coefs = []
    return _to_raster(comps, width, height, n, hmax, vmax, adobe_transform), width, height


def _scan_segments(data: bytes, start: int) -> list[bytes]:
    """The entropy-coded segments of a scan (split at RSTn, unstuffed), up to the next other marker."""
    segments: list[bytes] = []
    pos = start
    seg_start = start
    total = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= total:
            segments.append(data[seg_start:])
            break
        nxt = data[pos + 1]
        if nxt == 0x00:
            pos += 2
        elif nxt == 0xFF:
            pos += 1
        elif 0xD0 <= nxt <= 0xD7:
            segments.append(data[seg_start:pos])
            pos += 2
            seg_start = pos
        else:
            segments.append(data[seg_start:pos])
            break
    return [_unstuff(x) for x in segments]


class _BitReader:
    __slots__ = ("d", "p", "end")

    def __init__(self, seg: bytes) -> None:
        self.d = seg + _PAD
        self.p = 0
        self.end = len(seg) * 8

    def bit(self) -> int:
        p = self.p
        self.p = p + 1
        return (self.d[p >> 3] >> (7 - (p & 7))) & 1

    def bits(self, n: int) -> int:
        if n == 0:
            return 0
        d, p = self.d, self.p
        i = p >> 3
        v = (((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) >> (8 - (p & 7))) & 0xFFFF
        self.p = p + n
        return v >> (16 - n)

    def huff(self, table: list[int]) -> int:
        d, p = self.d, self.p
        i = p >> 3
        e = table[(((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) >> (8 - (p & 7))) & 0xFFFF]
        if e < 0:
            raise DecodeError("JPEG 图像数据已损坏（无效的霍夫曼编码）。")
        self.p = p + (e >> 8)
        return e & 255

    def extend(self, s: int) -> int:
        v = self.bits(s)
        return v if v >> (s - 1) else v - (1 << s) + 1


def _decode_progressive_scan(data: bytes, start: int, scomps: list[_Component], mcux: int, mcuy: int,
                             width: int, height: int, hmax: int, vmax: int, restart: int,
                             ss: int, se: int, ah: int, al: int, dc_tables: dict[int, list[int]],
                             ac_tables: dict[int, list[int]]) -> None:
    """One scan of a progressive JPEG (ITU-T T.81 G.1.2): DC first/refine, AC first/refine with EOB
    runs. Coefficients accumulate in zig-zag order in each component's ``coefs``."""
    if ss == 0 and se != 0 or ss > se or se > 63 or al > 13 or (ss > 0 and len(scomps) != 1):
        raise DecodeError("JPEG 文件已损坏（渐进式扫描参数无效）。")
    segments = _scan_segments(data, start)
    single = len(scomps) == 1
    if single:
        c = scomps[0]
        bxn = _ceil_div(_ceil_div(width * c.h, hmax), 8)
        byn = _ceil_div(_ceil_div(height * c.v, vmax), 8)
        mcu_count = bxn * byn
    else:
        mcu_count = mcux * mcuy
    seg_i = 0
    br = _BitReader(segments[0])
    eobrun = 0
    for comp in scomps:
        comp.pred = 0
    p1 = 1 << al
    m1 = -1 << al
    for m in range(mcu_count):
        if restart and m and m % restart == 0:
            seg_i += 1
            if seg_i >= len(segments):
                raise DecodeError("JPEG 图像数据不完整，文件可能被截断。")
            br = _BitReader(segments[seg_i])
            eobrun = 0
            for comp in scomps:
                comp.pred = 0
        if single:
            blocks = [(scomps[0], m % bxn, m // bxn)]
        else:
            mx, my = m % mcux, m // mcux
            blocks = [(c, mx * c.h + i, my * c.v + j) for c in scomps for j in range(c.v) for i in range(c.h)]
        for c, bx, by in blocks:
            coef = c.coefs[by * c.bw + bx]
            if ss == 0:
                if ah == 0:
                    t = br.huff(dc_tables[c.td])
                    c.pred += br.extend(t) if t else 0
                    coef[0] = c.pred * p1
                elif br.bit():
                    coef[0] |= p1
                continue
            act = ac_tables[c.ta]
            k = ss
            if ah == 0:
                if eobrun:
                    eobrun -= 1
                    continue
                while k <= se:
                    rs = br.huff(act)
                    r, t = rs >> 4, rs & 15
                    if t:
                        k += r
                        if k > 63:
                            raise DecodeError("JPEG 图像数据已损坏（交流系数越界）。")
                        coef[k] = br.extend(t) * p1
                        k += 1
                    elif r < 15:
                        eobrun = (1 << r) - 1 + br.bits(r)
                        break
                    else:
                        k += 16
                continue
            # AC successive-approximation refinement
            if eobrun <= 0:
                while k <= se:
                    rs = br.huff(act)
                    r, t = rs >> 4, rs & 15
                    val = 0
                    if t:
                        val = p1 if br.bit() else m1
                    elif r != 15:
                        eobrun = (1 << r) + br.bits(r)
                        break
                    while k <= se:
                        z = coef[k]
                        if z:
                            if br.bit() and not (z & p1):
                                coef[k] = z + (p1 if z >= 0 else m1)
                        else:
                            if r == 0:
                                break
                            r -= 1
                        k += 1
                    if val and k <= 63:
                        coef[k] = val
                    k += 1
            if eobrun > 0:
                while k <= se:
                    z = coef[k]
                    if z and br.bit() and not (z & p1):
                        coef[k] = z + (p1 if z >= 0 else m1)
                    k += 1
                eobrun -= 1
        if br.p > br.end + 64:
            raise DecodeError("JPEG 图像数据不完整，文件可能被截断。")
    if br.p > br.end:
        raise DecodeError("JPEG 图像数据不完整，文件可能被截断。")


def _decode_scan(data: bytes, start: int, scomps: list[_Component], single: bool, mcux: int, mcuy: int,
                 width: int, height: int, hmax: int, vmax: int, restart: int, n: int, qt: dict[int, list[int]],
                 dc_tables: dict[int, list[int]], ac_tables: dict[int, list[int]]) -> None:
    segments = _scan_segments(data, start)
    basis = _idct_basis(n)
    if single:
        c = scomps[0]
        # a non-interleaved scan covers only the component's own blocks (not the MCU padding)
        blocks_x = _ceil_div(_ceil_div(width * c.h, hmax), 8)
        blocks_y = _ceil_div(_ceil_div(height * c.v, vmax), 8)
        units = [(c, bx, by) for by in range(blocks_y) for bx in range(blocks_x)]
        mcu_count = blocks_x * blocks_y
    else:
        mcu_count = mcux * mcuy
    seg_i = 0
    seg = segments[0] + _PAD
    seg_bits = (len(segments[0])) * 8
    p = 0
    for comp in scomps:
        comp.pred = 0
    for m in range(mcu_count):
        if restart and m and m % restart == 0:
            seg_i += 1
            if seg_i >= len(segments):
                raise DecodeError("JPEG 图像数据不完整，文件可能被截断。")
            seg = segments[seg_i] + _PAD
            seg_bits = len(segments[seg_i]) * 8
            p = 0
            for comp in scomps:
                comp.pred = 0
        if single:
            c, bx, by = units[m]
            blocks = [(c, bx, by)]
        else:
            mx, my = m % mcux, m // mcux
            blocks = [(c, mx * c.h + i, my * c.v + j) for c in scomps for j in range(c.v) for i in range(c.h)]
        for c, bx, by in blocks:
            p = _decode_block(seg, p, c, dc_tables[c.td], ac_tables[c.ta], qt[c.tq], basis, n, bx, by)
            if p > seg_bits + 16:
                raise DecodeError("JPEG 图像数据不完整，文件可能被截断。")
    if p > seg_bits:
        raise DecodeError("JPEG 图像数据不完整，文件可能被截断。")


def _decode_block(d: bytes, p: int, c: _Component, dct: list[int], act: list[int], q: list[int],
                  basis: list[list[float]], n: int, bx: int, by: int) -> int:
    i = p >> 3
    peek = (((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) >> (8 - (p & 7))) & 0xFFFF
    e = dct[peek]
    if e < 0:
        raise DecodeError("JPEG 图像数据已损坏（无效的霍夫曼编码）。")
    p += e >> 8
    s = e & 255
    diff = 0
    if s:
        if s > 11:
            raise DecodeError("JPEG 图像数据已损坏（直流系数无效）。")
        i = p >> 3
        bits = ((((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) >> (8 - (p & 7))) & 0xFFFF) >> (16 - s)
        p += s
        diff = bits if bits >> (s - 1) else bits - (1 << s) + 1
    c.pred += diff
    coef = [0] * 64
    coef[0] = c.pred * q[0]
    last = 0
    k = 1
    while k < 64:
        i = p >> 3
        peek = (((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) >> (8 - (p & 7))) & 0xFFFF
        e = act[peek]
        if e < 0:
            raise DecodeError("JPEG 图像数据已损坏（无效的霍夫曼编码）。")
        p += e >> 8
        rs = e & 255
        s = rs & 15
        r = rs >> 4
        if s:
            k += r
            if k > 63:
                raise DecodeError("JPEG 图像数据已损坏（交流系数越界）。")
            i = p >> 3
            bits = ((((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) >> (8 - (p & 7))) & 0xFFFF) >> (16 - s)
            p += s
            z = ZIGZAG[k]
            coef[z] = (bits if bits >> (s - 1) else bits - (1 << s) + 1) * q[z]
            last = k
            k += 1
        elif r == 15:
            k += 16
        else:
            break
    # at 1/8 scale the block's mean is its DC term alone (every AC basis function averages to zero)
    _idct_put(coef, last != 0 and n > 1, c.plane, c.pw, n, basis, bx, by)
    return p


def _idct_put(coef: list[int], has_ac: bool, plane: bytearray, pw: int, n: int, basis: list[list[float]],
              bx: int, by: int) -> None:
    """Inverse DCT of one dequantised block (natural order) straight to n × n output pixels (the area
    average of the 8 × 8 block) at block position (bx, by) of the component plane."""
    x0 = bx * n
    y0 = by * n
    if not has_ac:
        v = int(coef[0] / 8 + 128.5)
        row = bytes((0 if v < 0 else 255 if v > 255 else v,)) * n
        for y in range(n):
            o = (y0 + y) * pw + x0
            plane[o:o + n] = row
        return
    if n == 2:
        # 2 x 2 outputs: accumulate each nonzero coefficient's four weights (most AC terms have none)
        o0 = o1 = o2 = o3 = 0.0
        w2 = _weights2()
        for z in range(64):
            cz = coef[z]
            if cz:
                w = w2[z]
                if w is not None:
                    o0 += cz * w[0]
                    o1 += cz * w[1]
                    o2 += cz * w[2]
                    o3 += cz * w[3]
        vals = [0 if t < -128 else 255 if t > 127 else int(t + 128.5) for t in (o0, o1, o2, o3)]
        o = y0 * pw + x0
        plane[o:o + 2] = bytes(vals[:2])
        plane[o + pw:o + pw + 2] = bytes(vals[2:])
        return
    out = [[0.0] * n for _ in range(n)]
    for v in range(8):
        rowc = coef[v * 8:v * 8 + 8]
        if not any(rowc):
            continue
        acc = [0.0] * n
        for u in range(8):
            cu = rowc[u]
            if cu:
                bu = basis[u]
                acc = [a + cu * b for a, b in zip(acc, bu)]
        bv = basis[v]
        for y in range(n):
            f = bv[y]
            if f:
                out[y] = [o + f * a for o, a in zip(out[y], acc)]
    for y in range(n):
        o = (y0 + y) * pw + x0
        plane[o:o + n] = bytes(0 if t < -128 else 255 if t > 127 else int(t + 128.5) for t in out[y])


def _to_raster(comps: list[_Component], width: int, height: int, n: int, hmax: int, vmax: int,
               adobe_transform: int | None) -> Raster:
    ow = -(-width * n // 8)
    oh = -(-height * n // 8)
    planes = []
    for c in comps:
        fx, fy = hmax // c.h, vmax // c.v
        if hmax % c.h or vmax % c.v:
            raise DecodeError("暂不支持这种采样因子组合的 JPEG。")
        rows = []
        for y in range(oh):
            sy = y // fy
            src = bytes(c.plane[sy * c.pw:(sy + 1) * c.pw])
            if fx == 1:
                row = src[:ow]
            else:
                need = -(-ow // fx)
                part = src[:need]
                rb = bytearray(need * fx)
                for k in range(fx):
                    rb[k::fx] = part
                row = bytes(rb[:ow])
            rows.append(row)
        planes.append(b"".join(rows))
    if len(planes) == 1:
        return Raster(ow, oh, planes[0], planes[0], planes[0])
    yp, cb, cr = planes
    is_rgb = adobe_transform == 0 or [c.cid for c in comps] == [ord("R"), ord("G"), ord("B")]
    if is_rgb:
        return Raster(ow, oh, yp, cb, cr)
    clamp = bytes(max(0, min(255, v - 512)) for v in range(1536))
    cr_r = [round(1.402 * (v - 128)) + 512 for v in range(256)]
    cb_b = [round(1.772 * (v - 128)) + 512 for v in range(256)]
    cb_g = [-0.344136 * (v - 128) for v in range(256)]
    cr_g = [-0.714136 * (v - 128) for v in range(256)]
    r = bytes(clamp[a + cr_r[b]] for a, b in zip(yp, cr))
    b = bytes(clamp[a + cb_b[c]] for a, c in zip(yp, cb))
    g = bytes(clamp[a + round(cb_g[c] + cr_g[d]) + 512] for a, c, d in zip(yp, cb, cr))
    return Raster(ow, oh, r, g, b)
