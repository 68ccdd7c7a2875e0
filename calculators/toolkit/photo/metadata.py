"""Metadata read from the file's bytes: EXIF, PNG text chunks, XMP, C2PA manifest presence and the
implicit AI-content label (a JSON value under the key ``AIGC``, as GB 45438-2025 is described to
specify; see legal/partial.md: the standard's own text was not read, so we report what we find and
never what we assume).

Each item is ``{"kind": exif|png_text|xmp|c2pa|aigc_label, "key": str, "value": str}``; an AIGC item
also carries ``fields`` (the parsed JSON object) and ``source`` (where it was found). Reading never
raises: a damaged segment ends the reading of that segment only.

The container structure is walked by the walkers the decoders use too (``containers.iter_chunks``,
``containers.iter_segments``): one place knows the PNG and JPEG layouts, and this module does not
import the pixel decoders (the browser's tools wheel leaves them out). Every step is linear in its input
and has a written cap (below): a hostile file costs at most a few passes over its bytes, and what
lies past a cap is reported as cut, never waited for.
"""

from __future__ import annotations

import html
import json
import re
import struct
import zlib
from typing import Any

from . import containers
from .errors import DecodeError

MAX_VALUE = 2000          # characters kept of one value (prompts and workflows can be very long)
MAX_SEGMENT_TEXT = 2 * 1024 * 1024   # characters of one text chunk / XMP packet that are examined
MAX_INFLATED = 2 * 1024 * 1024       # bytes a compressed PNG text chunk may inflate to
MAX_TAG_BYTES = 64 * 1024            # bytes read of one EXIF value
MAX_LABEL_CHARS = 8192               # characters of one AIGC label ({...}): a label holds a few fields
MAX_LABEL_TRIES = 64                 # "AIGC{" occurrences examined per file (each costs <= MAX_LABEL_CHARS)
MAX_ITEMS = 400                      # items reported per file
MAX_XMP_VALUES = 20                  # values reported per XMP property

_IFD0_TAGS = {
    0x010E: "ImageDescription", 0x010F: "Make", 0x0110: "Model", 0x0112: "Orientation",
    0x0131: "Software", 0x0132: "DateTime", 0x013B: "Artist", 0x8298: "Copyright",
}
_EXIF_TAGS = {
    0x9003: "DateTimeOriginal", 0x9004: "DateTimeDigitized", 0x9010: "OffsetTime",
    0x9011: "OffsetTimeOriginal", 0x9286: "UserComment", 0xA430: "CameraOwnerName",
    0xA431: "BodySerialNumber", 0xA433: "LensMake", 0xA434: "LensModel", 0x927C: "MakerNote",
    0xA420: "ImageUniqueID",
}
_XMP_NAMES = (
    "xmp:CreatorTool", "xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate", "photoshop:DateCreated",
    "Iptc4xmpExt:DigitalSourceType", "stEvt:softwareAgent", "dc:creator", "tiff:Make", "tiff:Model",
    "exif:DateTimeOriginal", "xmpMM:DocumentID", "xmpMM:OriginalDocumentID",
)
XMP_NS = b"http://ns.adobe.com/xap/1.0/\0"
XMP_EXT_NS = b"http://ns.adobe.com/xmp/extension/\0"


def _clip(text: str) -> str:
    text = text.replace("\x00", "").strip()
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + f"…（共 {len(text)} 字符，已截断）"


def _item(kind: str, key: str, value: str) -> dict[str, Any]:
    return {"kind": kind, "key": key, "value": _clip(value)}


# ---------------------------------------------------------------- AIGC implicit label

class Budget:
    """The work left for one file: AIGC candidates to examine and items to report. Shared by every
    segment of the file, so that 500 comment segments cost no more than one."""

    def __init__(self) -> None:
        self.label_tries = MAX_LABEL_TRIES
        self.scanned = 0  # characters looked at by the label reader (the tests check it grows linearly)


def _json_object_at(text: str, start: int, limit: int = MAX_LABEL_CHARS) -> str | None:
    """The balanced {...} starting at text[start] (strings respected) within ``limit`` characters,
    or None. At most ``limit`` characters are looked at."""
    depth = 0
    in_str = False
    esc = False
    for i in range(start, min(len(text), start + limit)):
        ch = text[i]
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return None


_AIGC_RE = re.compile(r"AIGC[\"']?[ \t\r\n]{0,16}(?:=[ \t\r\n]{0,16}[\"']?|:[ \t\r\n]{0,16}[\"']?|>[ \t\r\n]{0,16})?(?=\{)")


def find_aigc(text: str, source: str, budget: Budget | None = None) -> list[dict[str, Any]]:
    """Every ``AIGC`` key followed by a JSON object in ``text`` (XML entities already decoded).
    One pass of the expression over the text; each candidate object is read within
    MAX_LABEL_CHARS, at most ``budget.label_tries`` candidates in all, and the search goes on after
    the end of a label that was read (never inside it)."""
    budget = budget or Budget()
    out = []
    pos = 0
    while budget.label_tries > 0:
        m = _AIGC_RE.search(text, pos)
        if m is None:
            break
        budget.label_tries -= 1
        raw = _json_object_at(text, m.end())
        budget.scanned += len(raw) if raw is not None else min(len(text) - m.end(), MAX_LABEL_CHARS)
        if raw is None:
            pos = m.end()
            continue
        out.append(_aigc_item(raw, source))
        pos = m.end() + len(raw)
    return out


def _aigc_item(raw: str, source: str) -> dict[str, Any]:
    item = _item("aigc_label", "AIGC", raw)
    item["source"] = source
    try:
        fields = json.loads(raw)
        item["fields"] = {str(k): (v if isinstance(v, (str, int, float, bool)) or v is None else json.dumps(v, ensure_ascii=False))
                          for k, v in fields.items()} if isinstance(fields, dict) else {}
    except (ValueError, AttributeError):
        item["fields"] = {}
        item["parse_error"] = "标识内容不是有效的 JSON，按原文列出。"
    return item


# ---------------------------------------------------------------- EXIF (TIFF)

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8, 13: 4}


def parse_tiff(tiff: bytes, where: str, budget: Budget | None = None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return items
    e = "<" if tiff[:2] == b"II" else ">"
    try:
        first, = struct.unpack(e + "I", tiff[4:8])
    except struct.error:
        return items
    visited: set[int] = set()

    def read_ifd(off: int, names: dict[int, str]) -> dict[int, object]:
        found: dict[int, object] = {}
        if off in visited or off + 2 > len(tiff):
            return found
        visited.add(off)
        count, = struct.unpack(e + "H", tiff[off:off + 2])
        for i in range(min(count, 512)):
            p = off + 2 + 12 * i
            if p + 12 > len(tiff):
                break
            tag, typ, n = struct.unpack(e + "HHI", tiff[p:p + 8])
            size = _TYPE_SIZE.get(typ, 0) * n
            if size == 0:
                continue
            if size <= 4:
                raw = tiff[p + 8:p + 8 + size]
            else:
                vo, = struct.unpack(e + "I", tiff[p + 8:p + 12])
                if vo + size > len(tiff):
                    continue
                raw = tiff[vo:vo + min(size, MAX_TAG_BYTES)]
            if tag in (0x8769, 0x8825):
                if typ in (4, 13):
                    found[tag] = struct.unpack(e + "I", raw[:4])[0]
                elif typ == 3:
                    found[tag] = struct.unpack(e + "H", raw[:2])[0]
            elif typ == 2:
                found[tag] = raw.split(b"\0", 1)[0].decode("utf-8", "replace")
            elif typ == 3:
                found[tag] = struct.unpack(e + "H", raw[:2])[0]
            elif typ == 4:
                found[tag] = struct.unpack(e + "I", raw[:4])[0]
            elif typ in (5, 10):
                vals = []
                for k in range(min(n, 4)):
                    a, b = struct.unpack(e + ("II" if typ == 5 else "ii"), raw[8 * k:8 * k + 8])
                    vals.append(a / b if b else 0.0)
                found[tag] = vals
            elif typ in (1, 7):
                found[tag] = raw
        return found

    ifd0 = read_ifd(first, _IFD0_TAGS)
    for tag, name in _IFD0_TAGS.items():
        if tag in ifd0:
            items.append(_item("exif", name, _fmt(tag, ifd0[tag], e)))
    exif_at = ifd0.get(0x8769)
    if isinstance(exif_at, int):
        sub = read_ifd(exif_at, _EXIF_TAGS)
        for tag, name in _EXIF_TAGS.items():
            if tag in sub:
                items.append(_item("exif", name, _fmt(tag, sub[tag], e)))
    gps_at = ifd0.get(0x8825)
    if isinstance(gps_at, int):
        gps = read_ifd(gps_at, {})
        items.append(_item("exif", "GPS", _gps(gps) or "存在（无法解析坐标）"))
    for it in list(items):
        items.extend(find_aigc(it["value"], f"EXIF {it['key']}（{where}）", budget))
    return items


def _fmt(tag: int, value: object, e: str) -> str:
    if tag == 0x927C:
        return f"存在（{len(value)} 字节，相机厂商私有数据）" if isinstance(value, bytes) else "存在"
    if tag == 0x9286 and isinstance(value, bytes):
        head, body = value[:8], value[8:]
        if head.startswith(b"UNICODE"):
            return body.decode("utf-16-be" if e == ">" else "utf-16-le", "replace")
        return body.decode("utf-8", "replace")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return ", ".join(f"{v:g}" for v in value)
    return str(value)


def _degrees(v: Any) -> float:
    """Degrees from an EXIF GPS (degrees, minutes, seconds) rational list; TypeError or IndexError when
    the value is not such a list (the caller turns that into "no coordinates")."""
    return float(v[0] + v[1] / 60 + v[2] / 3600)


def _gps(gps: dict[int, object]) -> str:
    try:
        lat, lon = gps[2], gps[4]
        lat_ref = (gps.get(1) or "N") if isinstance(gps.get(1), str) else "N"
        lon_ref = (gps.get(3) or "E") if isinstance(gps.get(3), str) else "E"
        return f"{_degrees(lat):.5f}°{lat_ref}, {_degrees(lon):.5f}°{lon_ref}"
    except (KeyError, IndexError, TypeError):
        return ""


# ---------------------------------------------------------------- XMP

_XMP_ALT = "|".join(re.escape(n) for n in _XMP_NAMES)
# attribute form name="value" / name='value': a value ends at its quote, and the next occurrence of
# the pattern holds a quote too, so no start scans past the next one
_XMP_ATTR = re.compile(r"(?<![\w:])(" + _XMP_ALT + r")[ \t\r\n]{0,16}=[ \t\r\n]{0,16}(?:\"([^\"]*)\"|'([^']*)')")
# element form <name ...>: the attribute part stops at the next '<' or '>', so it is linear too
_XMP_OPEN = re.compile(r"<(" + _XMP_ALT + r")(?:[ \t\r\n][^<>]*)?>")
_XMP_CLOSE = re.compile(r"</(" + _XMP_ALT + r")[ \t\r\n]*>")
_TAG = re.compile(r"<[^<>]*>")


def _xmp_values(text: str) -> dict[str, list[str]]:
    """name -> raw values, in a constant number of linear passes: the attributes, then the opening
    and closing tags; each opening tag is paired with the first closing tag of its name after it
    (a pointer per name that only moves forward), so 20,000 unclosed tags cost one pass."""
    values: dict[str, list[str]] = {n: [] for n in _XMP_NAMES}
    for m in _XMP_ATTR.finditer(text):
        values[m.group(1)].append(m.group(2) if m.group(2) is not None else m.group(3))
    closes: dict[str, list[tuple[int, int]]] = {n: [] for n in _XMP_NAMES}
    for m in _XMP_CLOSE.finditer(text):
        closes[m.group(1)].append((m.start(), m.end()))
    pointer = dict.fromkeys(_XMP_NAMES, 0)
    consumed = dict.fromkeys(_XMP_NAMES, -1)
    for m in _XMP_OPEN.finditer(text):
        name = m.group(1)
        if m.start() < consumed[name]:
            continue  # nested inside the previous element of the same name
        ends, k = closes[name], pointer[name]
        while k < len(ends) and ends[k][0] < m.end():
            k += 1
        pointer[name] = k
        if k == len(ends):
            continue
        values[name].append(_TAG.sub(" ", text[m.end():min(ends[k][0], m.end() + MAX_VALUE * 4)]))
        consumed[name] = ends[k][1]
    return values


def parse_xmp(packet: bytes, where: str, budget: Budget | None = None) -> list[dict[str, Any]]:
    budget = budget or Budget()
    text = packet[:MAX_SEGMENT_TEXT].decode("utf-8", "replace")
    cut = "，只检查了前 2 MB" if len(packet) > MAX_SEGMENT_TEXT else ""
    items = [_item("xmp", "packet", f"存在（{len(packet)} 字节，{where}{cut}）")]
    for name, found in _xmp_values(text).items():
        seen: set[str] = set()
        for v in found:
            v = " ".join(html.unescape(v).split())
            if v and v not in seen:
                seen.add(v)
                items.append(_item("xmp", name, v))
                if len(seen) >= MAX_XMP_VALUES:
                    break
    items.extend(find_aigc(html.unescape(text), f"XMP（{where}）", budget))
    return items


# ---------------------------------------------------------------- C2PA

def _c2pa_summary(box: bytes, where: str) -> list[dict[str, Any]]:
    parts = [f"存在（{where}，{len(box)} 字节）；本工具未验证其签名"]
    m = re.search(rb"claim_generator[\x60-\x77\x78\x79]", box)
    items = []
    if m:
        p = m.end() - 1
        hb = box[p]
        if 0x60 <= hb <= 0x77:
            ln, s = hb - 0x60, p + 1
        elif hb == 0x78 and p + 1 < len(box):
            ln, s = box[p + 1], p + 2
        elif p + 2 < len(box):
            ln, s = (box[p + 1] << 8) | box[p + 2], p + 3
        else:
            ln, s = 0, p
        gen = box[s:s + ln].decode("utf-8", "replace")
        if gen:
            items.append(_item("c2pa", "claim_generator", gen))
    items.insert(0, _item("c2pa", "manifest", "；".join(parts)))
    for term in (b"trainedAlgorithmicMedia", b"compositeWithTrainedAlgorithmicMedia", b"c2pa.created", b"c2pa.edited"):
        if term in box:
            items.append(_item("c2pa", "mentions", f"清单中出现“{term.decode()}”字样"))
    return items


# ---------------------------------------------------------------- containers

def _inflate(data: bytes) -> bytes:
    return zlib.decompressobj().decompress(data, MAX_INFLATED)


def read_png(data: bytes, budget: Budget | None = None) -> list[dict[str, Any]]:
    budget = budget or Budget()
    items: list[dict[str, Any]] = []
    chunks = containers.iter_chunks(data, check_crc=False)
    while True:
        try:
            name, payload = next(chunks)
        except (StopIteration, DecodeError):  # the end, or a truncated or damaged chunk
            break
        try:
            if name in ("tEXt", "zTXt", "iTXt"):
                key, _, rest = payload.partition(b"\0")
                k = key[:80].decode("latin-1")
                if name == "tEXt":
                    text = rest[:MAX_SEGMENT_TEXT].decode("latin-1")
                elif name == "zTXt":
                    text = _inflate(rest[1:]).decode("latin-1")
                else:
                    comp_flag = rest[0]
                    rest = rest[2:]
                    _lang, _, rest = rest.partition(b"\0")
                    _tkey, _, rest = rest.partition(b"\0")
                    raw = _inflate(rest) if comp_flag else rest[:MAX_SEGMENT_TEXT]
                    text = raw.decode("utf-8", "replace")
                if k == "XML:com.adobe.xmp":
                    items.extend(parse_xmp(text.encode("utf-8"), "PNG iTXt", budget))
                    continue
                items.append(_item("png_text", k, text))
                if k.upper() == "AIGC" and text.lstrip().startswith("{"):
                    items.append(_aigc_item(_json_object_at(text, text.index("{")) or text, f"PNG {name} AIGC"))
                else:
                    items.extend(find_aigc(text, f"PNG {name} {k}", budget))
            elif name == "eXIf":
                items.extend(parse_tiff(payload, "PNG eXIf", budget))
            elif name == "caBX":
                items.extend(_c2pa_summary(payload, "PNG caBX 块"))
        except (zlib.error, UnicodeDecodeError, IndexError, ValueError):
            items.append(_item("exif" if name == "eXIf" else "png_text", name, "数据块已损坏，无法读取"))
        if len(items) >= MAX_ITEMS:
            break
    return items


def read_jpeg(data: bytes, budget: Budget | None = None) -> list[dict[str, Any]]:
    budget = budget or Budget()
    items: list[dict[str, Any]] = []
    c2pa = bytearray()
    segments = containers.iter_segments(data)
    while len(items) < MAX_ITEMS:
        try:
            marker, payload, _end = next(segments)
        except (StopIteration, DecodeError):  # the end, or a truncated or damaged segment
            break
        if marker == 0xDA:  # metadata comes before the first scan
            break
        if marker == 0xE1 and payload.startswith(b"Exif\0"):
            items.extend(parse_tiff(payload[6:], "JPEG APP1", budget))
        elif marker == 0xE1 and payload.startswith(XMP_NS):
            items.extend(parse_xmp(payload[len(XMP_NS):], "JPEG APP1", budget))
        elif marker == 0xE1 and payload.startswith(XMP_EXT_NS):
            items.append(_item("xmp", "extended", f"扩展 XMP 数据段（{len(payload)} 字节）"))
            items.extend(find_aigc(html.unescape(payload.decode("utf-8", "replace")), "XMP 扩展段", budget))
        elif marker == 0xEB and payload[:2] == b"JP" and len(payload) > 8:
            c2pa += payload[8:] if not c2pa else payload[8 + 8:]
        elif marker == 0xFE:
            items.extend(find_aigc(payload.decode("utf-8", "replace"), "JPEG 注释段", budget))
    if c2pa and b"jumb" in c2pa[:16] and b"c2pa" in c2pa:
        items.extend(_c2pa_summary(bytes(c2pa), "JPEG APP11 JUMBF"))
    elif c2pa:
        items.append(_item("c2pa", "jumbf", f"存在 JUMBF 数据段（{len(c2pa)} 字节），未见 c2pa 标签"))
    return items


def read_metadata(data: bytes) -> list[dict[str, Any]]:
    """Every metadata item of a file, with one work budget for the whole file (see the caps above)."""
    budget = Budget()
    if data[:8] == containers.SIGNATURE:
        return read_png(data, budget)[:MAX_ITEMS]
    if data[:2] == b"\xff\xd8":
        return read_jpeg(data, budget)[:MAX_ITEMS]
    # other formats decoded by the browser (WebP, HEIC, GIF...): look for an AIGC label and XMP only
    items: list[dict[str, Any]] = []
    head = data[: 4 * 1024 * 1024]
    i = head.find(b"<x:xmpmeta")
    if i >= 0:
        j = head.find(b"</x:xmpmeta>", i)
        if j > 0:
            items.extend(parse_xmp(head[i:j + 12], "文件内嵌", budget))
    if not any(it["kind"] == "aigc_label" for it in items):
        items.extend(find_aigc(html.unescape(head.decode("latin-1")), "文件内容", budget))
    return items[:MAX_ITEMS]
