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
