"""Photo check: is the buyer's photo a re-use of the merchant's own photo, where was it edited, and
what does its metadata say (EXIF, PNG text, XMP, C2PA, the AIGC implicit label).

Entry points:
- :func:`check_files` (CLI): decode the files with our own PNG/JPEG decoders (see png.py and jpeg.py
  for why pure Python), analyse, return the result dict; raises :class:`PhotoError`.
- :func:`browser_entry` (Pyodide worker): the page decodes with the canvas and sends RGBA pixels plus
  the original file bytes; the analysis code is the same. This path never imports png.py or jpeg.py
  (only containers.py, the chunk/segment walkers): the browser's tools wheel leaves the pixel
  decoders out (site_hooks/wheel.py BROWSER_EXCLUDED).
"""

from __future__ import annotations

import time
from typing import Any

from . import containers
from .analysis import MIN_SHORT_SIDE, Photo, compare
from .errors import MAX_FILE_BYTES, DecodeError, PhotoError
from .metadata import read_metadata
from .pixels import Raster
from .report import NOTES, citations, signals

__all__ = ["PhotoError", "analyse", "browser_entry", "check_files", "load_photo"]

MAX_REFERENCES = 12
DECODE_LONG_SIDE = 400   # the CLI decodes JPEGs at the smallest 1/8..1 scale with at least this long side
                         # (the analysis works at 192-320 px)


def _sniff(data: bytes) -> str:
    if containers.is_png(data):
        return "png"
    if containers.is_jpeg(data) or data[:2] == b"\xff\xd8":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "heic"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return ""


def _orientation(meta: list[dict[str, Any]]) -> int:
    for m in meta:
        if m["kind"] == "exif" and m["key"] == "Orientation":
            try:
                return int(m["value"])
            except ValueError:
                return 1
    return 1


def load_photo(data: bytes, field: str, name: str) -> Photo:
    """Decode a file for the CLI; every failure becomes PhotoError(field, Chinese message)."""
    if not data:
        raise PhotoError(field, f"“{name}”是空文件。")
    if len(data) > MAX_FILE_BYTES:
        raise PhotoError(field, f"“{name}”有 {len(data) / 1048576:.1f} MB，超过 {MAX_FILE_BYTES // 1048576} MB 的上限。请先缩小或压缩图片。")
    kind = _sniff(data)
    from . import jpeg, png  # the pixel decoders: CLI only (not in the browser's tools wheel)

    try:
        if kind == "png":
            raster = png.decode(data)
            w, h = raster.width, raster.height
        elif kind == "jpeg":
            raster, w, h = jpeg.decode(data, DECODE_LONG_SIDE)
        if kind in ("png", "jpeg"):
            if min(w, h) < MIN_SHORT_SIDE:
                raise PhotoError(field, f"“{name}”只有 {w}×{h} 像素，太小，无法分析。")
            # Browsers show a photo turned as its EXIF Orientation says; do the same so that boxes
            # are in the pixels the merchant sees.
            meta = read_metadata(data)  # read once: analyse() reuses it
            o = _orientation(meta)
            if o in (2, 3, 4, 5, 6, 7, 8):
                raster = raster.oriented(o)
                if o >= 5:
                    w, h = h, w
            return Photo(name, raster, w, h, data, meta)
    except DecodeError as exc:
        raise PhotoError(field, f"“{name}”无法读取：{exc}") from None
    except (ValueError, IndexError, KeyError, OverflowError, MemoryError, RecursionError):
        raise PhotoError(field, f"“{name}”无法读取：文件已损坏或不完整。") from None
    if kind in ("webp", "heic", "gif"):
        raise PhotoError(field, f"“{name}”是 {kind.upper()} 图片，命令行版只能读取 PNG 和 JPEG；请在网页版中检查，或先另存为 JPEG/PNG。")
    raise PhotoError(field, f"“{name}”不是可以读取的图片（只支持 PNG 和 JPEG 文件）。")


def truncation_problem(data: bytes) -> str | None:
    """For files the browser decoded: a Chinese message when a JPEG/PNG is visibly incomplete (browsers
    show a truncated file with a grey or empty bottom instead of failing), else None. Files that are
    neither JPEG nor PNG are not checked."""
    kind = _sniff(data)
    if kind == "png":
        try:
            for _ in containers.iter_chunks(data, check_crc=False):
                pass
        except DecodeError as exc:
            return str(exc)
        return None
    if kind == "jpeg":
        try:
            for marker, _payload, end in containers.iter_segments(data):
                if marker == 0xDA:
                    if data.find(b"\xff\xd9", end) < 0:
                        return "JPEG 文件不完整（图像数据没有结束标记），可能在下载或传输中被截断。"
                    return None
        except DecodeError as exc:
            return str(exc)
        return "JPEG 文件中没有图像数据（可能被截断）。"
    return None


def summary(result: dict[str, Any], n_refs: int) -> list[str]:
    """Verdict-free sentences for the top of the page and the printout."""
    out = []
    reuse = result["reuse"]
    if n_refs == 0:
        out.append("未提供参考照片：只检查了文件信息（元数据）。")
    elif reuse["detected"]:
        out.append(f"与参考照片“{reuse['reference']}”高度相似（差异值 {reuse['distance']:g}，阈值 {reuse['threshold']:g}）。")
        n = len(result["edited_regions"])
        if result.get("alignment_trusted") is False:
            out.append("未能可靠对齐，没有标出差异区域。")
        else:
            out.append(f"对齐后发现 {n} 处明显不同的区域。" if n else "对齐后没有发现明显的局部差异。")
    elif reuse["distance"] is None:
        out.append("照片几乎没有明暗变化，无法比对。")
    else:
        out.append(f"与 {n_refs} 张参考照片都不相似（最小差异值 {reuse['distance']:g}，阈值 {reuse['threshold']:g}）。")
    meta = result["metadata"]
    if meta:
        kinds = {"exif": "EXIF", "png_text": "PNG 文本", "xmp": "XMP", "c2pa": "C2PA 内容凭证", "aigc_label": "AI 生成隐式标识"}
        found = "、".join(v for k, v in kinds.items() if any(m["kind"] == k for m in meta))
        out.append(f"读到 {len(meta)} 项文件信息：{found}。")
    else:
        out.append("文件中没有读到元数据（这本身不说明任何问题）。")
    return out


def analyse(claim: Photo, refs: list[Photo]) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = compare(claim, refs)
    meta = claim.metadata if claim.metadata is not None else read_metadata(claim.data) if claim.data else []
    out = {
        "claim": {"name": claim.name, "width": claim.width, "height": claim.height},
        "reuse": result["reuse"],
        "edited_regions": result["edited_regions"],
        "heatmap": result["heatmap"],
        "alignment_trusted": result["alignment_trusted"],
        "hashes": result["hashes"],
        "metadata": meta,
        "signals": signals(result, meta, len(refs)),
        "notes": [dict(n, citations=list(n.get("citations", [])), pending=bool(n.get("pending"))) for n in NOTES],
        "citations": citations(),
    }
    out["summary"] = summary(out, len(refs))
    out["timing_ms"] = round((time.perf_counter() - t0) * 1000)
    return out


def check_files(claim: tuple[str, bytes], references: list[tuple[str, bytes]]) -> dict[str, Any]:
    if len(references) > MAX_REFERENCES:
        raise PhotoError("reference", f"参考照片最多 {MAX_REFERENCES} 张。")
    c = load_photo(claim[1], "claim", claim[0])
    refs = [load_photo(data, "reference", name) for name, data in references]
    return analyse(c, refs)


def _raster_from_payload(item: object, rgba: bytes | bytearray | memoryview | None, field: str) -> tuple[str, Raster, int, int]:
    if not isinstance(item, dict):
        raise PhotoError(field, "照片信息缺失。")
    name = str(item.get("name") or ("买家照片" if field == "claim" else "参考照片"))
    try:
        w, h = int(item["width"]), int(item["height"])
        scale = float(item.get("scale") or 1.0)
    except (KeyError, TypeError, ValueError):
        raise PhotoError(field, f"“{name}”的尺寸信息无效。") from None
    data = bytes(rgba) if rgba is not None else b""
    if w <= 0 or h <= 0 or w * h > 4_000_000 or len(data) != w * h * 4:
        raise PhotoError(field, f"“{name}”的像素数据不完整，请重新选择图片。")
    if not 0 < scale <= 100:
        raise PhotoError(field, f"“{name}”的缩放比例无效。")
    raster = Raster.from_rgba(w, h, data)
    ow, oh = max(1, round(w * scale)), max(1, round(h * scale))
    if min(ow, oh) < MIN_SHORT_SIDE:
        raise PhotoError(field, f"“{name}”只有 {ow}×{oh} 像素，太小，无法分析。")
    return name, raster, ow, oh


def browser_entry(payload: dict[str, Any], blobs: list[Any]) -> dict[str, Any]:
    """Pyodide entry: payload = {claim: {name, width, height, scale}, references: [...]}, blobs =
    [claimRGBA, claimFileBytes, ref1RGBA, ref1FileBytes, ...]; ``scale`` = original / sent size.
    Returns the result dict; raises PhotoError for bad input (the worker turns it into {field, message})."""
    if not isinstance(payload, dict):
        raise PhotoError("claim", "请求格式无效。")
    refs_meta = payload.get("references") or []
    if not isinstance(refs_meta, list):
        raise PhotoError("reference", "参考照片列表格式无效。")
    if len(refs_meta) > MAX_REFERENCES:
        raise PhotoError("reference", f"参考照片最多 {MAX_REFERENCES} 张。")
    blobs = list(blobs or [])
    if len(blobs) < 2 + 2 * len(refs_meta):
        raise PhotoError("claim", "照片数据不完整，请重新选择图片。")
    name, raster, ow, oh = _raster_from_payload(payload.get("claim"), blobs[0], "claim")
    claim_bytes = bytes(blobs[1]) if blobs[1] is not None else b""
    if len(claim_bytes) > MAX_FILE_BYTES:
        raise PhotoError("claim", f"“{name}”超过 {MAX_FILE_BYTES // 1048576} MB 的上限。")
    problem = truncation_problem(claim_bytes) if claim_bytes else None
    if problem:
        raise PhotoError("claim", f"“{name}”无法读取：{problem}")
    claim = Photo(name, raster, ow, oh, claim_bytes or None)
    refs = []
    for i, meta in enumerate(refs_meta):
        rname, rr, rw, rh = _raster_from_payload(meta, blobs[2 + 2 * i], "reference")
        rbytes = blobs[3 + 2 * i] if len(blobs) > 3 + 2 * i else None
        problem = truncation_problem(bytes(rbytes)) if rbytes else None
        if problem:
            raise PhotoError("reference", f"“{rname}”无法读取：{problem}")
        refs.append(Photo(rname, rr, rw, rh, None))
    return analyse(claim, refs)
