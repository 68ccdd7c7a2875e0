"""The PNG and JPEG container layouts: the chunk and marker-segment walkers, without pixel decoding.

Kept apart from the decoders (png.py, jpeg.py) so that the browser's tools wheel can leave the
decoders out (the page decodes pixels with the browser's own decoder, issue 11) while the metadata
reader (metadata.py) and the truncation check of ``browser_entry`` still walk the files with the same
code the CLI's decoders use: one place knows each layout. Both walkers are linear in their input and
raise :class:`DecodeError` (Chinese message) on a truncated or corrupt structure.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from .errors import DecodeError

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def is_png(data: bytes) -> bool:
    return data[:8] == SIGNATURE


def iter_chunks(data: bytes, check_crc: bool = True) -> Iterator[tuple[str, bytes]]:
    """Yield (type, payload) for each chunk; raise DecodeError on a truncated or corrupt chunk."""
    if not is_png(data):
        raise DecodeError("不是 PNG 文件（文件头不符）。")
    pos = 8
    n = len(data)
    while True:
        if pos + 8 > n:
            raise DecodeError("PNG 文件不完整（缺少 IEND 结束块），可能在传输中被截断。")
        length, = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        if length > 0x7FFFFFFF or pos + 12 + length > n:
            raise DecodeError("PNG 文件不完整或已损坏（数据块长度超出文件）。")
        payload = data[pos + 8:pos + 8 + length]
        if check_crc:
            crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
            if zlib.crc32(ctype + payload) & 0xFFFFFFFF != crc:
                raise DecodeError("PNG 文件已损坏（数据块校验码不符）。")
        try:
            name = ctype.decode("ascii")
        except UnicodeDecodeError:
            raise DecodeError("PNG 文件已损坏（数据块类型无效）。") from None
        yield name, payload
        pos += 12 + length
        if name == "IEND":
            return


def is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def iter_segments(data: bytes) -> Iterator[tuple[int, bytes, int]]:
    """Yield (marker, payload, end offset) for the marker segments before the first scan (APPn, COM,
    DQT, ...), up to and including the first SOS; raise DecodeError when the structure is broken."""
    if not data.startswith(b"\xff\xd8"):
        raise DecodeError("不是 JPEG 文件（文件头不符）。")
    pos = 2
    n = len(data)
    while True:
        while pos < n and data[pos] == 0xFF and pos + 1 < n and data[pos + 1] == 0xFF:
            pos += 1
        if pos + 2 > n:
            raise DecodeError("JPEG 文件不完整（文件被截断）。")
        if data[pos] != 0xFF:
            raise DecodeError("JPEG 文件已损坏（标记段错位）。")
        marker = data[pos + 1]
        if marker == 0xD9:
            return
        if pos + 4 > n:
            raise DecodeError("JPEG 文件不完整（文件被截断）。")
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        length, = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2 or pos + 2 + length > n:
            raise DecodeError("JPEG 文件不完整或已损坏（标记段长度超出文件）。")
        yield marker, data[pos + 4:pos + 2 + length], pos + 2 + length
        pos += 2 + length
        if marker == 0xDA:
            # skip the entropy-coded data up to the next marker that is not RSTn or a stuffed byte
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= n:
                    return
                nxt = data[pos + 1]
                if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
                    pos += 1 if nxt == 0xFF else 2
                    continue
                break
