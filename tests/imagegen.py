"""Test image generators (the photo generators are cached: treat their result as read-only): synthetic textured "product photos", a PNG writer (zlib) and a small
baseline JPEG encoder (standard Huffman tables, 4:4:4 / 4:2:2 / 4:2:0, restart intervals), plus
metadata payloads (EXIF, XMP, PNG text, C2PA JUMBF box, the AIGC implicit label).

Everything is generated from seeded random numbers, so tests are deterministic; nothing here is
used by the product.
"""

from __future__ import annotations

import functools
import json
import math
import random
import struct
import zlib
from dataclasses import dataclass


@dataclass
class RGB:
    width: int
    height: int
    px: list[list[int]]  # [r, g, b] per pixel, row-major

    def copy(self) -> RGB:
        return RGB(self.width, self.height, [p[:] for p in self.px])

    def crop(self, x: int, y: int, w: int, h: int) -> RGB:
        return RGB(w, h, [self.px[(y + j) * self.width + x + i][:] for j in range(h) for i in range(w)])

    def resize(self, w: int, h: int) -> RGB:
        """Bilinear resize (the kind a phone app does when it re-saves a photo)."""
        out = []
        for j in range(h):
            sy = min(self.height - 1.0, max(0.0, (j + 0.5) * self.height / h - 0.5))
            y0 = int(sy)
            y1 = min(self.height - 1, y0 + 1)
            fy = sy - y0
            for i in range(w):
                sx = min(self.width - 1.0, max(0.0, (i + 0.5) * self.width / w - 0.5))
                x0 = int(sx)
                x1 = min(self.width - 1, x0 + 1)
                fx = sx - x0
                a, b = self.px[y0 * self.width + x0], self.px[y0 * self.width + x1]
                c, d = self.px[y1 * self.width + x0], self.px[y1 * self.width + x1]
                out.append([round((a[k] * (1 - fx) + b[k] * fx) * (1 - fy) + (c[k] * (1 - fx) + d[k] * fx) * fy)
                            for k in range(3)])
        return RGB(w, h, out)

    def rotate_ccw(self) -> RGB:
        """Turned 90 degrees counter-clockwise (how a phone stores a portrait shot with Orientation 6)."""
        w, h = self.width, self.height
        return RGB(h, w, [self.px[y * w + (w - 1 - x)][:] for x in range(w) for y in range(h)])

    def brighten(self, delta: int) -> RGB:
        return RGB(self.width, self.height, [[max(0, min(255, v + delta)) for v in p] for p in self.px])

    def rgb_bytes(self) -> bytes:
        return bytes(v for p in self.px for v in p)


def _clamp(v: float) -> int:
    return 0 if v < 0 else 255 if v > 255 else int(v + 0.5)


@functools.cache
def product_photo(width: int = 320, height: int = 240, seed: int = 1) -> RGB:
    """A textured synthetic product photo: a wooden-table gradient with grain, a shaded "fruit"
    (ellipse with highlight), a box with a printed label (stripes), and sensor noise."""
    rnd = random.Random(seed)
    cx, cy = width * (0.38 + 0.1 * rnd.random()), height * (0.5 + 0.08 * rnd.random())
    rx, ry = width * 0.2, height * 0.3
    bx0, by0 = int(width * 0.64), int(height * 0.22)
    bx1, by1 = int(width * 0.9), int(height * 0.78)
    fruit = (200 + rnd.randint(-30, 30), 120 + rnd.randint(-40, 40), 40 + rnd.randint(0, 40))
    grain_f = 0.15 + 0.1 * rnd.random()
    px = []
    for y in range(height):
        for x in range(width):
            t = y / height
            grain = 12 * math.sin(x * grain_f + 3 * math.sin(y * 0.05)) + 6 * math.sin(y * 0.9 + x * 0.02)
            r, g, b = 150 + 60 * t + grain, 110 + 40 * t + grain * 0.8, 70 + 20 * t + grain * 0.5
            dx, dy = (x - cx) / rx, (y - cy) / ry
            d = dx * dx + dy * dy
            if d <= 1.0:
                shade = 0.55 + 0.45 * (1 - d) ** 0.5
                hl = max(0.0, 1 - ((x - cx + rx * 0.35) ** 2 + (y - cy + ry * 0.4) ** 2) / (rx * 0.25) ** 2)
                r, g, b = (fruit[0] * shade + 90 * hl, fruit[1] * shade + 90 * hl, fruit[2] * shade + 90 * hl)
                r += 6 * math.sin(x * 0.7) * math.sin(y * 0.6)
            elif bx0 <= x < bx1 and by0 <= y < by1:
                stripe = (y - by0) // 6 % 2
                r, g, b = (230, 225, 210) if stripe else (60, 90, 160)
                if by0 + (by1 - by0) * 0.4 < y < by0 + (by1 - by0) * 0.6 and bx0 + 8 < x < bx1 - 8:
                    r, g, b = (240, 40 + (x * 7) % 60, 40)
                if x == bx0 or x == bx1 - 1 or y == by0 or y == by1 - 1:
                    r, g, b = 20, 20, 20
            n = rnd.gauss(0, 5)
            px.append([_clamp(r + n), _clamp(g + n), _clamp(b + n)])
    return RGB(width, height, px)


@functools.cache
def unrelated_photo(width: int = 320, height: int = 240, seed: int = 7) -> RGB:
    """Another scene entirely: blue sky gradient, green hills, a white house, different noise."""
    rnd = random.Random(seed)
    px = []
    for y in range(height):
        for x in range(width):
            hill = height * (0.55 + 0.1 * math.sin(x * 0.03 + seed))
            if y < hill:
                r, g, b = 90 + y * 0.4, 150 + y * 0.3, 235
            else:
                r, g, b = 40 + 20 * math.sin(x * 0.3) , 140 + 30 * math.sin(y * 0.2 + x * 0.05), 50
            if width * 0.15 < x < width * 0.35 and height * 0.35 < y < height * 0.6:
                r, g, b = 245, 245, 240
                if (x // 10 + y // 10) % 3 == 0:
                    r, g, b = 120, 60, 30
            n = rnd.gauss(0, 6)
            px.append([_clamp(r + n), _clamp(g + n), _clamp(b + n)])
    return RGB(width, height, px)


def paint_mould(img: RGB, cx: int, cy: int, radius: int, seed: int = 3) -> tuple[RGB, tuple[int, int, int, int]]:
    """Paint an irregular grey-green "mould" blob; return the image and the blob's true box."""
    rnd = random.Random(seed)
    out = img.copy()
    xs, ys = [], []
    lobes = [(rnd.uniform(0, 2 * math.pi), rnd.uniform(0.15, 0.35)) for _ in range(5)]
    for y in range(max(0, cy - radius * 2), min(img.height, cy + radius * 2)):
        for x in range(max(0, cx - radius * 2), min(img.width, cx + radius * 2)):
            ang = math.atan2(y - cy, x - cx)
            rr = radius * (1 + sum(a * math.cos(3 * ang + ph) for ph, a in lobes) / 2)
            if math.hypot(x - cx, y - cy) <= rr:
                v = rnd.randint(-20, 20)
                out.px[y * img.width + x] = [_clamp(70 + v), _clamp(110 + v), _clamp(70 + v)]
                xs.append(x)
                ys.append(y)
    return out, (min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


def paint_crack(img: RGB, x0: int, y0: int, x1: int, y1: int, width: int = 3) -> tuple[RGB, tuple[int, int, int, int]]:
    """Paint a dark jagged "crack" line; return the image and its box."""
    out = img.copy()
    rnd = random.Random(5)
    steps = max(abs(x1 - x0), abs(y1 - y0))
    xs, ys = [], []
    jitter = 0.0
    for s in range(steps + 1):
        t = s / steps
        jitter += rnd.uniform(-1, 1)
        jitter = max(-4, min(4, jitter))
        x = round(x0 + (x1 - x0) * t + jitter)
        y = round(y0 + (y1 - y0) * t)
        for dx in range(-(width // 2), width - width // 2):
            xx = x + dx
            if 0 <= xx < img.width and 0 <= y < img.height:
                out.px[y * img.width + xx] = [25, 20, 18]
                xs.append(xx)
                ys.append(y)
    return out, (min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


# ---------------------------------------------------------------- PNG

def _chunk(ctype: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + ctype + payload + struct.pack(">I", zlib.crc32(ctype + payload) & 0xFFFFFFFF)


def png_bytes(img: RGB, *, color_type: int = 2, filters: tuple[int, ...] = (0, 1, 2, 3, 4),
              extra_chunks: list[tuple[bytes, bytes]] = (), alpha: int = 255, bit_depth: int = 8,
              interlace: bool = False) -> bytes:
    """Write a PNG. color_type 0 (grey), 2 (RGB), 3 (palette: colours quantised), 4, 6; bit_depth 8 or 16
    (16 for types 0/2/6). Rows cycle through ``filters`` so every filter type is exercised."""
    w, h = img.width, img.height
    plte = b""
    if color_type == 3:
        palette: dict[tuple[int, int, int], int] = {}
        idx = []
        for p in img.px:
            key = (p[0] & 0xE0, p[1] & 0xE0, p[2] & 0xC0)
            if key not in palette:
                palette[key] = len(palette)
            idx.append(palette[key])
        plte = b"".join(bytes(k) for k in palette)
    def sample_row(y: int, xs: range) -> bytes:
        out = bytearray()
        for x in xs:
            p = img.px[y * w + x]
            grey = round(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2])
            if color_type == 0:
                vals = [grey]
            elif color_type == 2:
                vals = p
            elif color_type == 3:
                out.append(idx[y * w + x])
                continue
            elif color_type == 4:
                vals = [grey, alpha]
            else:
                vals = p + [alpha]
            for v in vals:
                if bit_depth == 16:
                    out += bytes((v, (v * 7) & 0xFF))
                else:
                    out.append(v)
        return bytes(out)
    bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type] * (2 if bit_depth == 16 else 1)

    def encode_rows(rows: list[bytes]) -> bytes:
        raw = bytearray()
        prev = bytes(len(rows[0])) if rows else b""
        for j, line in enumerate(rows):
            f = filters[j % len(filters)]
            enc = bytearray(len(line))
            for i, v in enumerate(line):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if f == 0:
                    pr = 0
                elif f == 1:
                    pr = a
                elif f == 2:
                    pr = b
                elif f == 3:
                    pr = (a + b) >> 1
                else:
                    pp = a + b - c
                    pa, pb, pc = abs(pp - a), abs(pp - b), abs(pp - c)
                    pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                enc[i] = (v - pr) & 0xFF
            raw.append(f)
            raw += enc
            prev = line
        return bytes(raw)

    if interlace:
        data = bytearray()
        for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
            xs = range(x0, w, dx)
            if not len(xs):
                continue
            rows = [sample_row(y, xs) for y in range(y0, h, dy)]
            if rows:
                data += encode_rows(rows)
    else:
        data = encode_rows([sample_row(y, range(w)) for y in range(h)])
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
    for ctype, payload in extra_chunks:
        out += _chunk(ctype, payload)
    if plte:
        out += _chunk(b"PLTE", plte)
    out += _chunk(b"IDAT", zlib.compress(bytes(data), 6)) + _chunk(b"IEND", b"")
    return out


def png_text(key: str, value: str) -> tuple[bytes, bytes]:
    return b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")


def png_ztxt(key: str, value: str) -> tuple[bytes, bytes]:
    return b"zTXt", key.encode("latin-1") + b"\0\0" + zlib.compress(value.encode("latin-1"))


def png_itxt(key: str, value: str, compressed: bool = False) -> tuple[bytes, bytes]:
    text = value.encode("utf-8")
    if compressed:
        text = zlib.compress(text)
    return b"iTXt", key.encode("latin-1") + b"\0" + bytes([1 if compressed else 0, 0]) + b"\0\0" + text


# ---------------------------------------------------------------- EXIF / XMP / C2PA / AIGC payloads

def tiff_exif(ifd0: dict[int, str], exif: dict[int, str], big_endian: bool = False) -> bytes:
    """A TIFF structure (as inside APP1 "Exif\\0\\0" or a PNG eXIf chunk) with ASCII tags; tag 0x9286
    (UserComment) is written as UNDEFINED with the ASCII prefix."""
    e = ">" if big_endian else "<"

    def ifd(entries: dict[int, tuple[int, bytes]], offset: int, next_ptr: dict | None = None) -> tuple[bytes, int]:
        items = sorted(entries.items())
        size = 2 + 12 * len(items) + 4
        data_off = offset + size
        head = struct.pack(e + "H", len(items))
        blob = b""
        for tag, (typ, val) in items:
            count = len(val) if typ in (2, 7) else 1
            if typ == 4:
                head += struct.pack(e + "HHI", tag, typ, 1) + val
                continue
            if len(val) <= 4:
                head += struct.pack(e + "HHI", tag, typ, count) + val.ljust(4, b"\0")
            else:
                head += struct.pack(e + "HHII", tag, typ, count, data_off + len(blob))
                blob += val + (b"\0" if len(val) % 2 else b"")
        head += struct.pack(e + "I", 0)
        return head + blob, offset + len(head) + len(blob)

    def entries(d: dict[int, str]) -> dict[int, tuple[int, bytes]]:
        out = {}
        for tag, text in d.items():
            if isinstance(text, int):
                out[tag] = (3, struct.pack(e + "H", text))
            elif tag == 0x9286:
                out[tag] = (7, b"ASCII\0\0\0" + text.encode("utf-8"))
            else:
                out[tag] = (2, text.encode("utf-8") + b"\0")
        return out

    header = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    e0 = entries(ifd0)
    if exif:
        e0[0x8769] = (4, b"\0\0\0\0")  # placeholder, fixed below
    first, end0 = ifd(e0, 8)
    if exif:
        e0[0x8769] = (4, struct.pack(e + "I", end0))
        first, end0 = ifd(e0, 8)
        sub, _ = ifd(entries(exif), end0)
        return header + first + sub
    return header + first


def xmp_packet(props: dict[str, str], aigc: dict | None = None) -> bytes:
    attrs = "".join(f' {k}="{v}"' for k, v in props.items())
    extra = ""
    if aigc is not None:
        esc = json.dumps(aigc, ensure_ascii=False).replace("&", "&amp;").replace('"', "&quot;")
        extra = f' xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" TC260:AIGC="{esc}"'
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"{attrs}{extra}/>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def jumbf_c2pa(generator: str = "FakeGen/1.0 c2pa-rs/0.1") -> bytes:
    """A minimal JUMBF superbox labelled "c2pa" with a claim box whose CBOR has claim_generator."""
    def box(btype: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + btype + payload

    label = b"c2pa\0"
    jumd = box(b"jumd", bytes.fromhex("6332706100110010800000aa00389b71") + b"\x03" + label)
    gen = generator.encode()
    head = bytes([0x60 + len(gen)]) if len(gen) < 24 else bytes([0x78, len(gen)])
    cbor = b"\xa1" + b"\x6f" + b"claim_generator" + head + gen
    claim = box(b"jumb", box(b"jumd", bytes(16) + b"\x03" + b"c2pa.claim\0") + box(b"cbor", cbor))
    return box(b"jumb", jumd + claim)


def app11_c2pa(jumbf: bytes) -> bytes:
    """JPEG APP11 payload (without marker/length): common identifier "JP", instance, sequence, box."""
    return b"JP" + struct.pack(">HI", 1, 1) + jumbf


AIGC_EXAMPLE = {
    "Label": "1",
    "ContentProducer": "001191110108MA01XXXXXX00000",
    "ProduceID": "20250901-test-0001",
    "ReservedCode1": "",
    "ContentPropagator": "",
    "PropagateID": "",
    "ReservedCode2": "",
}


# ---------------------------------------------------------------- baseline JPEG encoder

_STD_LUM_Q = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17,
              22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78,
              87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
_STD_CHR_Q = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66,
              99, 99, 99, 99, 99, 99] + [99] * 32
_ZZ = (0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
       21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60,
       61, 54, 47, 55, 62, 63)
_DC_LUM = ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12)))
_DC_CHR = ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], list(range(12)))
_AC_LUM = ([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D], bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738"
    "393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5"
    "a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"))
_AC_CHR = ([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77], bytes.fromhex(
    "000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a3536"
    "3738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2"
    "a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa"))
_DCT = [[(math.sqrt(0.5) if u == 0 else 1.0) / 2 * math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)]
        for u in range(8)]


def _codes(spec) -> dict[int, tuple[int, int]]:
    counts, symbols = spec
    out = {}
    code = 0
    k = 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            out[symbols[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return out


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, code: int, length: int) -> None:
        self.acc = (self.acc << length) | code
        self.n += length
        while self.n >= 8:
            self.n -= 8
            byte = (self.acc >> self.n) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)
        self.acc &= (1 << self.n) - 1

    def flush(self) -> None:
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)


def jpeg_bytes(img: RGB, *, quality: int = 90, subsampling: str = "4:2:0", restart: int = 0,
               grey: bool = False, app_segments: list[tuple[int, bytes]] = ()) -> bytes:
    """Encode a baseline JPEG. ``app_segments``: (marker, payload) written after SOI, e.g.
    (0xE1, b"Exif\\0\\0" + tiff), (0xE1, XMP_NS + packet), (0xEB, app11_c2pa(...))."""
    scale = 5000 / quality if quality < 50 else 200 - 2 * quality
    def qtab(base):
        return [max(1, min(255, (b * scale + 50) // 100)) for b in base]
    ql, qc = qtab(_STD_LUM_Q), qtab(_STD_CHR_Q)
    w, h = img.width, img.height
    ys, cbs, crs = [], [], []
    for p in img.px:
        r, g, b = p
        ys.append(0.299 * r + 0.587 * g + 0.114 * b)
        cbs.append(-0.168736 * r - 0.331264 * g + 0.5 * b + 128)
        crs.append(0.5 * r - 0.418688 * g - 0.081312 * b + 128)
    hs, vs = {"4:4:4": (1, 1), "4:2:2": (2, 1), "4:2:0": (2, 2)}[subsampling]
    if grey:
        hs = vs = 1
    comps = [(1, hs, vs, 0, ys, 1, 1)] if grey else [(1, hs, vs, 0, ys, 1, 1), (2, 1, 1, 1, cbs, hs, vs), (3, 1, 1, 1, crs, hs, vs)]
    mcux = -(-w // (8 * hs))
    mcuy = -(-h // (8 * vs))

    def sample(plane, fx, fy, bx, by):
        blk = []
        for j in range(8):
            for i in range(8):
                tot = 0.0
                for dy in range(fy):
                    for dx in range(fx):
                        x = min(w - 1, (bx * 8 + i) * fx + dx)
                        y = min(h - 1, (by * 8 + j) * fy + dy)
                        tot += plane[y * w + x]
                blk.append(tot / (fx * fy) - 128)
        return blk

    def fdct(blk):
        tmp = [[sum(_DCT[u][x] * blk[y * 8 + x] for x in range(8)) for u in range(8)] for y in range(8)]
        return [sum(_DCT[v][y] * tmp[y][u] for y in range(8)) for v in range(8) for u in range(8)]

    dcl, dcc, acl, acc = _codes(_DC_LUM), _codes(_DC_CHR), _codes(_AC_LUM), _codes(_AC_CHR)
    bits = _Bits()
    scan = bytearray()
    preds = [0, 0, 0]

    def emit_value(v: int) -> tuple[int, int]:
        s = abs(v).bit_length()
        return s, (v if v >= 0 else v + (1 << s) - 1)

    mcu_i = 0
    rst = 0
    for my in range(mcuy):
        for mx in range(mcux):
            if restart and mcu_i and mcu_i % restart == 0:
                bits.flush()
                scan += bits.out + bytes((0xFF, 0xD0 + rst % 8))
                rst += 1
                bits = _Bits()
                preds = [0, 0, 0]
            mcu_i += 1
            for ci, (_cid, ch, cv, tq, plane, fx, fy) in enumerate(comps):
                q = ql if tq == 0 else qc
                dct_t, ac_t = (dcl, acl) if tq == 0 else (dcc, acc)
                for j in range(cv):
                    for i in range(ch):
                        coef = fdct(sample(plane, fx, fy, mx * ch + i, my * cv + j))
                        qz = [round(coef[_ZZ[k]] / q[_ZZ[k]]) for k in range(64)]
                        diff = qz[0] - preds[ci]
                        preds[ci] = qz[0]
                        s, v = emit_value(diff)
                        bits.put(*dct_t[s])
                        if s:
                            bits.put(v, s)
                        run = 0
                        for k in range(1, 64):
                            if qz[k] == 0:
                                run += 1
                                continue
                            while run > 15:
                                bits.put(*ac_t[0xF0])
                                run -= 16
                            s, v = emit_value(qz[k])
                            bits.put(*ac_t[(run << 4) | s])
                            bits.put(v, s)
                            run = 0
                        if run:
                            bits.put(*ac_t[0x00])
    bits.flush()
    scan += bits.out

    def seg(marker: int, payload: bytes) -> bytes:
        return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload

    out = bytearray(b"\xff\xd8")
    out += seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    for marker, payload in app_segments:
        out += seg(marker, payload)
    out += seg(0xDB, bytes([0]) + bytes(ql[_ZZ[k]] for k in range(64)))
    if not grey:
        out += seg(0xDB, bytes([1]) + bytes(qc[_ZZ[k]] for k in range(64)))
    sof = struct.pack(">BHHB", 8, h, w, len(comps))
    for cid, ch, cv, tq, *_ in comps:
        sof += bytes((cid, (ch << 4) | cv, tq))
    out += seg(0xC0, sof)
    for tc, th, spec in ((0, 0, _DC_LUM), (1, 0, _AC_LUM)) + (() if grey else ((0, 1, _DC_CHR), (1, 1, _AC_CHR))):
        out += seg(0xC4, bytes([(tc << 4) | th]) + bytes(spec[0]) + bytes(spec[1]))
    if restart:
        out += seg(0xDD, struct.pack(">H", restart))
    sos = bytes([len(comps)])
    for cid, _ch, _cv, tq, *_ in comps:
        sos += bytes((cid, (tq << 4) | tq))
    out += seg(0xDA, sos + b"\x00\x3f\x00")
    out += scan + b"\xff\xd9"
    return bytes(out)


XMP_NS = b"http://ns.adobe.com/xap/1.0/\0"


# ---------------------------------------------------------------- progressive JPEG encoder

def _flat_tables() -> tuple[tuple[list[int], bytes], tuple[list[int], bytes]]:
    """Valid Huffman tables covering every symbol (progressive scans need EOBn symbols that the
    standard Annex K tables lack): DC 12 symbols of 4 bits; AC 254 symbols of 8 bits + 2 of 9."""
    dc = ([0, 0, 0, 12] + [0] * 12, bytes(range(12)))
    ac = ([0] * 7 + [254, 2] + [0] * 7, bytes(range(256)))
    return dc, ac


def _blocks(img: RGB, quality: int, subsampling: str, grey: bool):
    """Quantised blocks in zig-zag order per component, on the MCU-padded block grid."""
    scale = 5000 / quality if quality < 50 else 200 - 2 * quality
    ql = [max(1, min(255, (b * scale + 50) // 100)) for b in _STD_LUM_Q]
    qc = [max(1, min(255, (b * scale + 50) // 100)) for b in _STD_CHR_Q]
    w, h = img.width, img.height
    planes = [[0.299 * r + 0.587 * g + 0.114 * b for r, g, b in img.px]]
    if not grey:
        planes.append([-0.168736 * r - 0.331264 * g + 0.5 * b + 128 for r, g, b in img.px])
        planes.append([0.5 * r - 0.418688 * g - 0.081312 * b + 128 for r, g, b in img.px])
    hs, vs = (1, 1) if grey else {"4:4:4": (1, 1), "4:2:2": (2, 1), "4:2:0": (2, 2)}[subsampling]
    mcux, mcuy = -(-w // (8 * hs)), -(-h // (8 * vs))
    comps = []
    for ci, plane in enumerate(planes):
        ch, cv = (hs, vs) if ci == 0 else (1, 1)
        fx, fy = hs // ch, vs // cv
        q = ql if ci == 0 else qc
        bw, bh = mcux * ch, mcuy * cv
        blocks = []
        for by in range(bh):
            for bx in range(bw):
                blk = []
                for j in range(8):
                    for i in range(8):
                        tot = 0.0
                        for dy in range(fy):
                            for dx in range(fx):
                                x = min(w - 1, (bx * 8 + i) * fx + dx)
                                y = min(h - 1, (by * 8 + j) * fy + dy)
                                tot += plane[y * w + x]
                        blk.append(tot / (fx * fy) - 128)
                tmp = [[sum(_DCT[u][x] * blk[y * 8 + x] for x in range(8)) for u in range(8)] for y in range(8)]
                coef = [sum(_DCT[v][y] * tmp[y][u] for y in range(8)) for v in range(8) for u in range(8)]
                blocks.append([round(coef[_ZZ[k]] / q[_ZZ[k]]) for k in range(64)])
        comps.append({"id": ci + 1, "h": ch, "v": cv, "tq": 0 if ci == 0 else 1, "bw": bw, "bh": bh,
                      "blocks": blocks, "w": -(-(w * ch // hs) // 8) if hs % ch == 0 else 0})
    return comps, (ql, qc), mcux, mcuy, hs, vs


SIMPLE_PROGRESSION = [  # (component indexes, Ss, Se, Ah, Al): libjpeg's jpeg_simple_progression for YCbCr
    ((0, 1, 2), 0, 0, 0, 1), ((0,), 1, 5, 0, 2), ((2,), 1, 63, 0, 1), ((1,), 1, 63, 0, 1), ((0,), 6, 63, 0, 2),
    ((0,), 1, 63, 2, 1), ((0, 1, 2), 0, 0, 1, 0), ((2,), 1, 63, 1, 0), ((1,), 1, 63, 1, 0), ((0,), 1, 63, 1, 0),
]


def jpeg_progressive_bytes(img: RGB, *, quality: int = 90, subsampling: str = "4:2:0", restart: int = 0,
                           grey: bool = False, script=None) -> bytes:
    """A progressive JPEG (SOF2) with spectral selection and successive approximation, written after
    libjpeg's jcphuff.c. Its quantised coefficients equal those of ``jpeg_bytes`` with the same
    arguments, so both files must decode to the same pixels."""
    comps, (ql, qc), mcux, mcuy, hs, vs = _blocks(img, quality, subsampling, grey)
    if script is None:
        script = [(tuple(c for c in s[0] if c < len(comps)),) + s[1:] for s in SIMPLE_PROGRESSION]
        script = [s for s in script if s[0]]
    dc_spec, ac_spec = _flat_tables()
    dc_codes, ac_codes = _codes(dc_spec), _codes(ac_spec)
    w, h = img.width, img.height

    def seg(marker: int, payload: bytes) -> bytes:
        return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload

    out = bytearray(b"\xff\xd8")
    out += seg(0xDB, bytes([0]) + bytes(ql[_ZZ[k]] for k in range(64)))
    if not grey:
        out += seg(0xDB, bytes([1]) + bytes(qc[_ZZ[k]] for k in range(64)))
    sof = struct.pack(">BHHB", 8, h, w, len(comps))
    for c in comps:
        sof += bytes((c["id"], (c["h"] << 4) | c["v"], c["tq"]))
    out += seg(0xC2, sof)
    out += seg(0xC4, bytes([0x00]) + bytes(dc_spec[0]) + dc_spec[1] + bytes([0x10]) + bytes(ac_spec[0]) + ac_spec[1])
    if restart:
        out += seg(0xDD, struct.pack(">H", restart))

    for cidx, ss, se, ah, al in script:
        scomps = [comps[i] for i in cidx]
        sos = bytes([len(scomps)]) + b"".join(bytes((c["id"], 0x00)) for c in scomps) + bytes((ss, se, (ah << 4) | al))
        out += seg(0xDA, sos)
        st = {"bits": _Bits(), "eobrun": 0, "be": [], "rst": 0}
        scan = bytearray()

        def emit_eobrun() -> None:
            if st["eobrun"] > 0:
                n = st["eobrun"].bit_length() - 1
                st["bits"].put(*ac_codes[n << 4])
                if n:
                    st["bits"].put(st["eobrun"] & ((1 << n) - 1), n)
                st["eobrun"] = 0
                for b in st["be"]:
                    st["bits"].put(b, 1)
                st["be"] = []

        if len(scomps) == 1:
            c = scomps[0]
            sub_w = -(-w * c["h"] // hs)
            sub_h = -(-h * c["v"] // vs)
            units = [[(c, bx, by)] for by in range(-(-sub_h // 8)) for bx in range(-(-sub_w // 8))]
        else:
            units = [[(c, mx * c["h"] + i, my * c["v"] + j) for c in scomps for j in range(c["v"]) for i in range(c["h"])]
                     for my in range(mcuy) for mx in range(mcux)]
        preds = {c["id"]: 0 for c in scomps}
        for m, unit in enumerate(units):
            if restart and m and m % restart == 0:
                emit_eobrun()
                st["bits"].flush()
                scan += st["bits"].out + bytes((0xFF, 0xD0 + st["rst"] % 8))
                st["rst"] += 1
                st["bits"] = _Bits()
                preds = {c["id"]: 0 for c in scomps}
            bits = st["bits"]
            for c, bx, by in unit:
                blk = c["blocks"][by * c["bw"] + bx]
                if ss == 0:
                    if ah == 0:
                        v = blk[0] >> al
                        diff = v - preds[c["id"]]
                        preds[c["id"]] = v
                        s = abs(diff).bit_length()
                        bits.put(*dc_codes[s])
                        if s:
                            bits.put(diff if diff >= 0 else diff + (1 << s) - 1, s)
                    else:
                        bits.put((blk[0] >> al) & 1, 1)
                    if se == 0:
                        continue
                if ah == 0:
                    r = 0
                    for k in range(max(1, ss), se + 1):
                        t = abs(blk[k]) >> al
                        if t == 0:
                            r += 1
                            continue
                        emit_eobrun()
                        while r > 15:
                            bits.put(*ac_codes[0xF0])
                            r -= 16
                        n = t.bit_length()
                        bits.put(*ac_codes[(r << 4) | n])
                        bits.put(t if blk[k] > 0 else (~t) & ((1 << n) - 1), n)
                        r = 0
                    if r > 0:
                        st["eobrun"] += 1
                        if st["eobrun"] == 0x7FFF or ss == 0:  # a sequential scan has no EOB runs
                            emit_eobrun()
                    continue
                absv = [abs(blk[k]) >> al for k in range(64)]
                eob = max((k for k in range(ss, se + 1) if absv[k] == 1), default=-1)
                r = 0
                br: list[int] = []
                for k in range(ss, se + 1):
                    t = absv[k]
                    if t == 0:
                        r += 1
                        continue
                    while r > 15 and k <= eob:
                        emit_eobrun()
                        bits.put(*ac_codes[0xF0])
                        r -= 16
                        for b in br:
                            bits.put(b, 1)
                        br = []
                    if t > 1:
                        br.append(t & 1)
                        continue
                    emit_eobrun()
                    bits.put(*ac_codes[(r << 4) | 1])
                    bits.put(0 if blk[k] < 0 else 1, 1)
                    for b in br:
                        bits.put(b, 1)
                    br = []
                    r = 0
                if r > 0 or br:
                    st["eobrun"] += 1
                    st["be"].extend(br)
                    if st["eobrun"] == 0x7FFF or len(st["be"]) > 900:
                        emit_eobrun()
        emit_eobrun()
        st["bits"].flush()
        scan += st["bits"].out
        out += scan
    out += b"\xff\xd9"
    return bytes(out)


def jpeg_baseline_same_coefficients(img: RGB, *, quality: int = 90, subsampling: str = "4:2:0", grey: bool = False) -> bytes:
    """The baseline twin of ``jpeg_progressive_bytes`` (same quantised coefficients)."""
    return jpeg_progressive_bytes(img, quality=quality, subsampling=subsampling, grey=grey,
                                  script=[(tuple(range(1 if grey else 3)), 0, 63, 0, 0)]).replace(b"\xff\xc2", b"\xff\xc0", 1)


# ---------------------------------------------------------------- hostile inputs (issue 15)
# Generated here instead of kept as binary files: each is a small valid container around a payload
# that made a parser work much faster than linearly (or decode far too much).

def hostile_jpeg_comment(repeat: int = 13_000, unit: bytes = b"AIGC{") -> bytes:
    """A small baseline JPEG whose COM segments hold ``unit`` × ``repeat`` (64 KB per segment)."""
    payload = unit * repeat
    segments = [(0xFE, payload[i:i + 65_000]) for i in range(0, len(payload), 65_000)]
    return jpeg_bytes(product_photo(64, 64), app_segments=segments)


def hostile_png_text(size: int = 1_000_000, unit: str = "AIGC{", key: str = "Comment") -> bytes:
    """A small PNG with one long tEXt chunk made of ``unit`` repeated to about ``size`` bytes."""
    value = unit * (size // len(unit))
    return png_bytes(product_photo(64, 64), extra_chunks=[png_text(key, value)])


def hostile_xmp(repeat: int = 20_000, tag: str = "<xmp:CreatorTool>x") -> bytes:
    """An XMP packet (in a PNG iTXt chunk) with ``tag`` repeated: many opening tags without their close."""
    packet = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>' + tag * repeat
              + "</rdf:Description></rdf:RDF></x:xmpmeta>")
    return png_bytes(product_photo(64, 64), extra_chunks=[png_itxt("XML:com.adobe.xmp", packet)])


def png_raw(width: int, height: int, *, color_type: int = 2, bit_depth: int = 8, filter_type: int = 4,
            level: int = 9) -> bytes:
    """A PNG of the given size whose rows are all zero bytes with one filter type: tiny on disk (a
    6300 x 6300 Paeth image is about 170 KB), but every row must be unfiltered to decode it."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    row = bytes([filter_type]) + bytes((width * channels * bit_depth + 7) // 8)
    comp = zlib.compressobj(level)
    body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
