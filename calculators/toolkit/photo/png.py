"""PNG decoder (standard library only: zlib and struct).

Why a decoder of our own: the ``calculators`` package must run unchanged in CPython and in Pyodide,
with no native dependency (no Pillow). In the browser the page decodes photos with the canvas
(createImageBitmap), so this code serves the CLI and the tests; it is written for clarity and
bounded work, not for speed.

Supported: colour types 0 (grey), 2 (RGB), 3 (palette, with tRNS), 4 (grey+alpha), 6 (RGBA); bit
depths 1, 2, 4, 8 and 16 (16-bit samples keep their high byte); Adam7 interlace. Every chunk CRC is
checked; a truncated or corrupt file raises :class:`DecodeError` with a Chinese message.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from .containers import SIGNATURE as SIGNATURE  # the walker lives in containers.py (kept in the browser wheel)
from .containers import is_png as is_png
from .containers import iter_chunks
from .errors import MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE, DecodeError
from .pixels import Raster

_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def read_header(data: bytes) -> tuple[int, int]:
    """(width, height) from IHDR without decoding the pixels."""
    for name, payload in iter_chunks(data, check_crc=False):
        if name != "IHDR" or len(payload) != 13:
            raise DecodeError("PNG 文件已损坏（第一个数据块不是 IHDR）。")
        w, h = struct.unpack(">II", payload[:8])
        return w, h
    raise DecodeError("PNG 文件已损坏。")


# The cost, per byte of a row, of decoding it in pure Python, in units of about 50 ns (measured
# with tests/imagegen.png_raw on CPython 3.11 on a loaded 2-core machine: 20-60 ns per byte):
# every byte costs 1 (the copy into samples and planes); None, Up (one big-integer addition per
# row) and Sub (log2(width) big-integer steps) nothing more; Average and Paeth a Python loop per
# byte. Samples of fewer than 8 bits are unpacked one by one (SUBBYTE_COST per sample).
FILTER_COST = (1, 1, 1, 4, 10)
SUBBYTE_COST = 8
# The most work one decode may take: well under 2 s of processor time on that machine. So at most
# 8 MB of samples (2.7 MP RGB), and less when rows are Paeth-filtered (about 800 KB, e.g.
# 510 x 510 RGB). Past it the decoder refuses with a Chinese message instead of working for
# minutes (a 170 KB Paeth-filtered 6300 x 6300 PNG once took 196 s). The page decodes photos with
# the browser's own decoder and has no such limit.
MAX_FILTER_WORK = 8_000_000

_SWAR: dict[int, tuple[int, int]] = {}


def _masks(n: int) -> tuple[int, int]:
    if n not in _SWAR:
        if len(_SWAR) > 64:
            _SWAR.clear()
        _SWAR[n] = (int.from_bytes(b"\x7f" * n, "little"), int.from_bytes(b"\x80" * n, "little"))
    return _SWAR[n]


def filter_work(raw: bytes, pos: int, width_bytes: int, rows: int) -> int:
    """The cost of unfiltering one (sub)image, from its filter bytes alone (one look per row)."""
    work = 0
    step = width_bytes + 1
    for k in range(rows):
        p = pos + k * step
        if p < len(raw) and raw[p] < 5:
            work += FILTER_COST[raw[p]] * width_bytes
    return work


def _unfilter(raw: bytes, pos: int, width_bytes: int, rows: int, bpp: int) -> Iterator[bytes]:
    """Undo the per-row filters of one (sub)image, yielding each row (only the previous row is kept)."""
    prev = bytes(width_bytes)
    m7, m8 = _masks(width_bytes)
    for _ in range(rows):
        if pos + 1 + width_bytes > len(raw):
            raise DecodeError("PNG 图像数据不完整（解压后的数据比图像尺寸要求的少）。")
        ftype = raw[pos]
        chunk = raw[pos + 1:pos + 1 + width_bytes]
        pos += 1 + width_bytes
        if ftype == 0:
            out = bytes(chunk)
        elif ftype == 2:  # Up: bytewise sum with the previous row, as one big-integer operation
            a, b = int.from_bytes(chunk, "little"), int.from_bytes(prev, "little")
            out = (((a & m7) + (b & m7)) ^ ((a ^ b) & m8)).to_bytes(width_bytes, "little")
        elif ftype == 1:  # Sub: a running sum (mod 256) per channel, as log2(width) big-integer steps
            x = int.from_bytes(chunk, "little")
            full_mask = m7 | m8
            shift = 8 * bpp
            while shift < 8 * width_bytes:
                y = (x << shift) & full_mask
                x = ((x & m7) + (y & m7)) ^ ((x ^ y) & m8)
                shift *= 2
            out = x.to_bytes(width_bytes, "little")
        elif ftype == 3:
            line = bytearray(chunk)
            for i in range(width_bytes):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
            out = bytes(line)
        elif ftype == 4:
            line = bytearray(chunk)
            for i in range(bpp):
                line[i] = (line[i] + prev[i]) & 0xFF
            for i in range(bpp, width_bytes):
                a = line[i - bpp]
                b = prev[i]
                c = prev[i - bpp]
                pa = b - c if b > c else c - b
                pb = a - c if a > c else c - a
                pc = a + b - c - c
                if pc < 0:
                    pc = -pc
                if pa <= pb and pa <= pc:
                    line[i] = (line[i] + a) & 0xFF
                elif pb <= pc:
                    line[i] = (line[i] + b) & 0xFF
                else:
                    line[i] = (line[i] + c) & 0xFF
            out = bytes(line)
        else:
            raise DecodeError("PNG 图像数据已损坏（未知的行过滤类型）。")
        yield out
        prev = out


def _samples(row: bytes, width: int, channels: int, depth: int) -> bytes:
    """Expand one unfiltered row to one byte per sample (depth 16 keeps the high byte; depths < 8 are
    left as raw indices/levels, scaled later)."""
    if depth == 8:
        return row[: width * channels]
    if depth == 16:
        return row[0: width * channels * 2: 2]
    per = 8 // depth
    mask = (1 << depth) - 1
    out = bytearray(width * channels)
    n = width * channels
    for i in range(n):
        byte = row[i // per]
        shift = 8 - depth * (i % per + 1)
        out[i] = (byte >> shift) & mask
    return bytes(out)


def decode(data: bytes) -> Raster:
    """Decode a PNG file to an RGB raster composited on white (alpha matters little for photos)."""
    chunks = iter_chunks(data)
    header = None
    palette = b""
    trns = b""
    idat: list[bytes] = []
    for name, payload in chunks:
        if header is None:
            if name != "IHDR" or len(payload) != 13:
                raise DecodeError("PNG 文件已损坏（第一个数据块不是 IHDR）。")
            header = struct.unpack(">IIBBBBB", payload)
        elif name == "PLTE":
            palette = payload
        elif name == "tRNS":
            trns = payload
        elif name == "IDAT":
            idat.append(payload)
    assert header is not None
    width, height, depth, ctype, comp, filt, interlace = header
    if ctype not in _CHANNELS or depth not in _DEPTHS[ctype] or comp != 0 or filt != 0 or interlace > 1:
        raise DecodeError("PNG 文件头无效（颜色类型、位深或压缩方式不符合规范）。")
    if width == 0 or height == 0 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise DecodeError(f"图片尺寸 {width}×{height} 超出本工具的处理上限（{MAX_PIXELS // 1_000_000} 百万像素）。请先缩小图片。")
    if ctype == 3 and (not palette or len(palette) % 3):
        raise DecodeError("PNG 调色板缺失或已损坏。")
    channels = _CHANNELS[ctype]
    bits_pp = channels * depth
    bpp = max(1, bits_pp // 8)
    expected = 0
    passes = [(0, 0, 1, 1)] if interlace == 0 else list(_ADAM7)
    for x0, y0, dx, dy in passes:
        pw = (width - x0 + dx - 1) // dx
        ph = (height - y0 + dy - 1) // dy
        if pw and ph:
            expected += ph * (1 + (pw * bits_pp + 7) // 8)
    if expected - height > MAX_FILTER_WORK:  # every byte of a row costs at least 1: refuse before inflating
        raise DecodeError(f"这张 PNG 图片（{width}×{height}）太大，命令行版逐像素解码需要太长时间（最多约 "
                          f"{MAX_FILTER_WORK // 1_000_000} MB 像素数据）。请在网页版中检查（使用浏览器自带的解码器），"
                          "或先缩小图片、另存为 JPEG。")
    # the memory budget: the inflated rows (16-bit samples count twice), one byte per sample, and
    # the RGB(A) planes of the result, all held at once
    need = expected + width * height * (channels + 4)
    if need > MAX_DECODE_BYTES:
        raise DecodeError(f"图片 {width}×{height}（{depth} 位、{channels} 个通道）解码需要约 {need // 1048576} MB 内存，"
                          f"超出本工具的上限（{MAX_DECODE_BYTES // 1048576} MB）。请在网页版中检查，或先缩小图片、另存为 JPEG。")
    try:
        dec = zlib.decompressobj()
        raw = dec.decompress(b"".join(idat), expected + 1)
    except zlib.error:
        raise DecodeError("PNG 图像数据已损坏（无法解压）。") from None
    if len(raw) < expected:
        raise DecodeError("PNG 图像数据不完整，文件可能被截断。")
    work = 0
    pos = 0
    for x0, y0, dx, dy in passes:
        pw = (width - x0 + dx - 1) // dx
        ph = (height - y0 + dy - 1) // dy
        if pw and ph:
            wb = (pw * bits_pp + 7) // 8
            work += filter_work(raw, pos, wb, ph)
            if depth < 8:
                work += SUBBYTE_COST * pw * ph * channels
            pos += ph * (1 + wb)
    if work > MAX_FILTER_WORK:
        raise DecodeError(f"这张 {width}×{height} 的 PNG 图片逐行还原需要的计算量太大（约为上限的 {work / MAX_FILTER_WORK:.0f} 倍），"
                          "命令行版不解码这么大的 PNG。请在网页版中检查（使用浏览器自带的解码器），或先缩小图片、另存为 JPEG。")

    n = width * height
    full = bytearray(n * channels)
    pos = 0
    for x0, y0, dx, dy in passes:
        pw = (width - x0 + dx - 1) // dx
        ph = (height - y0 + dy - 1) // dy
        if not pw or not ph:
            continue
        wb = (pw * bits_pp + 7) // 8
        rows = _unfilter(raw, pos, wb, ph, bpp)
        pos += ph * (1 + wb)
        for j, row in enumerate(rows):
            s = _samples(row, pw, channels, depth)
            y = y0 + j * dy
            if dx == 1:
                full[y * width * channels:(y + 1) * width * channels] = s
            else:
                for c in range(channels):
                    start = (y * width + x0) * channels + c
                    full[start: start + (pw - 1) * dx * channels + 1: dx * channels] = s[c::channels]

    if ctype == 3:
        levels = palette + bytes(768 - len(palette))
        alpha_tab = trns + b"\xff" * (256 - len(trns))
        idx = bytes(full)
        if max(idx, default=0) * 3 >= len(palette):
            raise DecodeError("PNG 图像引用了调色板中不存在的颜色。")
        r = idx.translate(bytes(levels[0::3][:256].ljust(256, b"\0")))
        g = idx.translate(bytes(levels[1::3][:256].ljust(256, b"\0")))
        b = idx.translate(bytes(levels[2::3][:256].ljust(256, b"\0")))
        a = idx.translate(alpha_tab[:256]) if trns else None
        return Raster.from_channels(width, height, r, g, b, a)
    if depth < 8:
        scale = 255 // ((1 << depth) - 1)
        full = bytearray(bytes(full).translate(bytes(min(255, i * scale) for i in range(256))))
    buf = bytes(full)
    if ctype == 0:
        return Raster.from_channels(width, height, buf, buf, buf, None)
    if ctype == 4:
        grey = buf[0::2]
        return Raster.from_channels(width, height, grey, grey, grey, buf[1::2])
    if ctype == 2:
        return Raster.from_channels(width, height, buf[0::3], buf[1::3], buf[2::3], None)
    return Raster.from_channels(width, height, buf[0::4], buf[1::4], buf[2::4], buf[3::4])
