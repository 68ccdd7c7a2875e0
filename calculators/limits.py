"""Written caps on input sizes, and the clipping of values echoed back in error messages.

Every value a reader can type (a form field, a share-link parameter, a CSV cell, a JSON fact) is
short in real use. A value past its cap is refused with a Chinese message *before* any parsing, so
that hostile input never costs more than reading its length. Values quoted back in a message are
clipped (and lone surrogates replaced), so that a 100,000-character region does not come back whole
and the message can always be encoded as UTF-8.

Standard library only: this module runs in CPython and in Pyodide.
"""

from __future__ import annotations

import json
import re

__all__ = ["ECHO_CHARS", "MAX_FIELD_CHARS", "MAX_LIST_FIELD_CHARS", "JsonInputError", "clip", "load_json", "safe_text"]

MAX_FIELD_CHARS = 200            # one fact as text: a province, a city, a date, an amount, a yes/no
MAX_LIST_FIELD_CHARS = 1_000_000  # a list written as text ("1200;800;..."): claims may hold many amounts
ECHO_CHARS = 40                  # characters of a value quoted back in an error message

_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def clip(text: object, limit: int = ECHO_CHARS) -> str:
    """A value to quote in a message: at most ``limit`` characters (then "…"), encodable as UTF-8."""
    s = text if isinstance(text, str) else str(text)
    if len(s) > limit:
        s = s[:limit] + "…"
    return safe_text(s)


class JsonInputError(ValueError):
    """Text that is not usable JSON; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def load_json(text: str | bytes) -> object:
    """``json.loads`` that fails only with ``JsonInputError`` (a Chinese message): not JSON, nested
    too deeply ('[' * 100000 would raise RecursionError) or an integer past Python's digit limit."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"输入不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）。") from None
    except RecursionError:
        raise JsonInputError("输入的 JSON 嵌套层数太多，无法读取。") from None
    except (ValueError, UnicodeDecodeError):  # e.g. a number with more than 4,300 digits
        raise JsonInputError("输入的 JSON 中有无法读取的值（例如位数过多的数字）。") from None
