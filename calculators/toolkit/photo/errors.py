"""The one error type of the photo check: a field name and a plain Chinese message."""

from __future__ import annotations


class PhotoError(Exception):
    """Bad input: ``field`` is "claim" or "reference" (or "payload"); ``message`` is Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"field": self.field, "message": self.message}}


class DecodeError(ValueError):
    """A file that cannot be decoded; the message is Chinese and names no field (the caller adds it)."""


# Limits shared by the decoders and the analysis.
MAX_FILE_BYTES = 30 * 1024 * 1024          # 30 MiB, the same limit as the page
MAX_PIXELS = 40_000_000                    # 40 megapixels (e.g. 7300 x 5470)
MAX_SIDE = 20_000
# The memory budget of one decode: the bytes of decoded pixel data held at once (the inflated rows,
# 16-bit samples counting twice, the unpacked samples and the RGB(A) planes). A budget in bytes
# rather than a pixel count: a 16-bit 6320 x 6320 PNG is within 40 MP but once took 1.25 GB.
MAX_DECODE_BYTES = 256 * 1024 * 1024
