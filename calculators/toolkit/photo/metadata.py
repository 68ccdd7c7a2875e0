"""Metadata read from the file's bytes: EXIF, PNG text chunks, XMP, C2PA manifest presence and the
implicit AI-content label (a JSON value under the key ``AIGC``, as GB 45438-2025 is described to
specify; see legal/partial.md: the standard's own text was not read, so we report what we find and
never what we assume).

Each item is ``{"kind": exif|png_text|xmp|c2pa|aigc_label, "key": str, "value": str}``; an AIGC item
also carries ``fields`` (the parsed JSON object) and ``source`` (where it was found). Reading never
raises: a damaged segment ends the reading of that segment only.
"""

from __future__ import annotations

import html
import json
import re
import struct
import zlib

MAX_VALUE = 2000          # characters kept of one value (prompts and workflows can be very long)

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


def _item(kind: str, key: str, value: str) -> dict:
    return {"kind": kind, "key": key, "value": _clip(value)}


# ---------------------------------------------------------------- AIGC implicit label

def _json_object_at(text: str, start: int) -> str | None:
    """The balanced {...} starting at text[start] (strings respected), or None."""
    depth = 0
    in_str = False
    esc = False
    for i in range(start, min(len(text), start + 20000)):
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


_AIGC_RE = re.compile(r"AIGC[\"']?\s*(?:=\s*[\"']?|:\s*[\"']?|>\s*)?(?=\{)")


def find_aigc(text: str, source: str) -> list[dict]:
    """Every ``AIGC`` key followed by a JSON object in ``text`` (XML entities already decoded)."""
    out = []
    for m in _AIGC_RE.finditer(text):
        raw = _json_object_at(text, m.end())
        if raw is None:
            continue
        out.append(_aigc_item(raw, source))
    return out


def _aigc_item(raw: str, source: str) -> dict:
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


def parse_tiff(tiff: bytes, where: str) -> list[dict]:
    items: list[dict] = []
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
                raw = tiff[vo:vo + size]
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
    if isinstance(ifd0.get(0x8769), int):
        sub = read_ifd(int(ifd0[0x8769]), _EXIF_TAGS)  # type: ignore[arg-type]
        for tag, name in _EXIF_TAGS.items():
            if tag in sub:
                items.append(_item("exif", name, _fmt(tag, sub[tag], e)))
    if isinstance(ifd0.get(0x8825), int):
        gps = read_ifd(int(ifd0[0x8825]), {})  # type: ignore[arg-type]
        items.append(_item("exif", "GPS", _gps(gps) or "存在（无法解析坐标）"))
    for it in list(items):
        items.extend(find_aigc(it["value"], f"EXIF {it['key']}（{where}）"))
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


def _gps(gps: dict[int, object]) -> str:
    try:
        lat, lon = gps[2], gps[4]
        lat_ref = (gps.get(1) or "N") if isinstance(gps.get(1), str) else "N"
        lon_ref = (gps.get(3) or "E") if isinstance(gps.get(3), str) else "E"
        to_deg = lambda v: v[0] + v[1] / 60 + v[2] / 3600  # noqa: E731
        return f"{to_deg(lat):.5f}°{lat_ref}, {to_deg(lon):.5f}°{lon_ref}"  # type: ignore[arg-type]
    except (KeyError, IndexError, TypeError):
        return ""


# ---------------------------------------------------------------- XMP

def parse_xmp(packet: bytes, where: str) -> list[dict]:
    text = packet.decode("utf-8", "replace")
    items = [_item("xmp", "packet", f"存在（{len(packet)} 字节，{where}）")]
    for name in _XMP_NAMES:
        q = re.escape(name)
        values = re.findall(q + r'\s*=\s*"([^"]*)"', text) + re.findall(q + r"\s*=\s*'([^']*)'", text)
        values += [re.sub(r"<[^>]+>", " ", v) for v in re.findall(r"<" + q + r"(?:\s[^>]*)?>(.*?)</" + q + ">", text, re.S)]
        seen = []
        for v in values:
            v = " ".join(html.unescape(v).split())
            if v and v not in seen:
                seen.append(v)
                items.append(_item("xmp", name, v))
    items.extend(find_aigc(html.unescape(text), f"XMP（{where}）"))
    return items


# ---------------------------------------------------------------- C2PA

def _c2pa_summary(box: bytes, where: str) -> list[dict]:
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

def read_png(data: bytes) -> list[dict]:
    items: list[dict] = []
    pos = 8
    while pos + 12 <= len(data):
        length, = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        payload = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if len(payload) < length:
            break
        try:
            if ctype in (b"tEXt", b"zTXt", b"iTXt"):
                key, _, rest = payload.partition(b"\0")
                k = key.decode("latin-1")
                if ctype == b"tEXt":
                    text = rest.decode("latin-1")
                elif ctype == b"zTXt":
                    text = zlib.decompressobj().decompress(rest[1:], 1 << 24).decode("latin-1")
                else:
                    comp_flag = rest[0]
                    rest = rest[2:]
                    _lang, _, rest = rest.partition(b"\0")
                    _tkey, _, rest = rest.partition(b"\0")
                    raw = zlib.decompressobj().decompress(rest, 1 << 24) if comp_flag else rest
                    text = raw.decode("utf-8", "replace")
                if k == "XML:com.adobe.xmp":
                    items.extend(parse_xmp(text.encode("utf-8"), "PNG iTXt"))
                    continue
                items.append(_item("png_text", k, text))
                if k.upper() == "AIGC" and text.lstrip().startswith("{"):
                    items.append(_aigc_item(_json_object_at(text, text.index("{")) or text, f"PNG {ctype.decode()} AIGC"))
                else:
                    items.extend(find_aigc(text, f"PNG {ctype.decode()} {k}"))
            elif ctype == b"eXIf":
                items.extend(parse_tiff(payload, "PNG eXIf"))
            elif ctype == b"caBX":
                items.extend(_c2pa_summary(payload, "PNG caBX 块"))
        except (zlib.error, UnicodeDecodeError, IndexError, ValueError):
            items.append(_item(ctype.decode("latin-1") == "eXIf" and "exif" or "png_text",
                               ctype.decode("latin-1"), "数据块已损坏，无法读取"))
        if ctype == b"IEND":
            break
    return items


def read_jpeg(data: bytes) -> list[dict]:
    items: list[dict] = []
    c2pa = bytearray()
    pos = 2
    n = len(data)
    while pos + 4 <= n and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):
            break
        length, = struct.unpack(">H", data[pos + 2:pos + 4])
        payload = data[pos + 4:pos + 2 + length]
        pos += 2 + length
        if marker == 0xE1 and payload.startswith(b"Exif\0"):
            items.extend(parse_tiff(payload[6:], "JPEG APP1"))
        elif marker == 0xE1 and payload.startswith(XMP_NS):
            items.extend(parse_xmp(payload[len(XMP_NS):], "JPEG APP1"))
        elif marker == 0xE1 and payload.startswith(XMP_EXT_NS):
            items.append(_item("xmp", "extended", f"扩展 XMP 数据段（{len(payload)} 字节）"))
            items.extend(find_aigc(html.unescape(payload.decode("utf-8", "replace")), "XMP 扩展段"))
        elif marker == 0xEB and payload[:2] == b"JP" and len(payload) > 8:
            c2pa += payload[8:] if not c2pa else payload[8 + 8:]
        elif marker == 0xFE:
            items.extend(find_aigc(payload.decode("utf-8", "replace"), "JPEG 注释段"))
    if c2pa and b"jumb" in c2pa[:16] and b"c2pa" in c2pa:
        items.extend(_c2pa_summary(bytes(c2pa), "JPEG APP11 JUMBF"))
    elif c2pa:
        items.append(_item("c2pa", "jumbf", f"存在 JUMBF 数据段（{len(c2pa)} 字节），未见 c2pa 标签"))
    return items


def read_metadata(data: bytes) -> list[dict]:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return read_png(data)
    if data[:2] == b"\xff\xd8":
        return read_jpeg(data)
    # other formats decoded by the browser (WebP, HEIC, GIF...): look for an AIGC label and XMP only
    items: list[dict] = []
    head = data[: 4 * 1024 * 1024]
    i = head.find(b"<x:xmpmeta")
    if i >= 0:
        j = head.find(b"</x:xmpmeta>", i)
        if j > 0:
            items.extend(parse_xmp(head[i:j + 12], "文件内嵌"))
    if not any(it["kind"] == "aigc_label" for it in items):
        items.extend(find_aigc(html.unescape(head.decode("latin-1")), "文件内容"))
    return items
