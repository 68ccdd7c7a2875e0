"""The Python side of the browser worker (docs/assets/pyworker.mjs).

The worker calls ``dispatch(fn, payload_json, blobs)`` for every request and posts the returned JSON
string back to the page. ``fn`` names an entry of ``REGISTRY``; each entry is a function
``browser_entry(payload: dict, blobs: list[bytes]) -> dict`` imported lazily (the first call of a tool
pays its import, the others do not). Whatever happens, ``dispatch`` returns JSON:

- ``{"ok": true, "result": {...}}`` on success;
- ``{"ok": false, "error": {"field": ..., "message": ...}}`` with a Chinese message for an unknown
  ``fn``, a tool that is not installed, malformed JSON, bad input (``FactsError`` or an ``error`` key
  returned by the entry itself) or any unexpected exception (logged to the console, never raised,
  so the worker never dies).

Standard library only; also runs in CPython (tests call it directly).
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from collections.abc import Callable
from typing import Any

from .limits import JsonInputError, load_json

REGISTRY: dict[str, str] = {
    "classify": "calculators.engine:browser_entry",
    "photo": "calculators.toolkit.photo:browser_entry",
    "deadlines": "calculators.toolkit.deadlines:browser_entry",
    "fees": "calculators.toolkit.fees:browser_entry",
    "platform": "calculators.toolkit.platform_review:browser_entry",
    "documents": "calculators.toolkit.documents:browser_entry",
}

Entry = Callable[[dict[str, Any], list[bytes]], dict[str, Any]]  # a tool's browser_entry(payload, blobs)
_loaded: dict[str, Entry] = {}

MAX_PAYLOAD_CHARS = 1_000_000


def _error(field: str | None, message: str) -> str:
    return json.dumps({"ok": False, "error": {"field": field, "message": message}}, ensure_ascii=False)


def to_bytes(blob: Any) -> bytes:
    """A JS ArrayBuffer / Uint8Array (a JsProxy in Pyodide), or bytes-like in CPython, as bytes."""
    if isinstance(blob, (bytes, bytearray, memoryview)):
        return bytes(blob)
    to_bytes_method = getattr(blob, "to_bytes", None)
    if to_bytes_method is not None:  # pyodide.ffi.JsBuffer: Uint8Array / ArrayBuffer
        return bytes(to_bytes_method())
    to_py = getattr(blob, "to_py", None)
    if to_py is not None:  # any other JsProxy
        return bytes(to_py())
    return bytes(blob)


def _resolve(fn: str) -> Entry:
    if fn in _loaded:
        return _loaded[fn]
    module_name, _, attr = REGISTRY[fn].partition(":")
    module = importlib.import_module(module_name)
    entry: Entry = getattr(module, attr)
    _loaded[fn] = entry
    return entry


def _field_error(exc: BaseException) -> tuple[str | None, str] | None:
    """(field, message) of an input error raised by an entry (FactsError or alike), else None."""
    if type(exc).__name__ in {"FactsError", "InputError", "ToolError"} or hasattr(exc, "field"):
        field = getattr(exc, "field", None)
        message = getattr(exc, "message", None) or (str(exc.args[-1]) if exc.args else str(exc))
        return (str(field) if field is not None else None, str(message))
    return None


def dispatch(fn: str, payload_json: str, blobs: Any = None) -> str:
    """Run one request from the page; always returns a JSON string (see the module docstring)."""
    try:
        if not isinstance(fn, str) or fn not in REGISTRY:
            return _error(None, f"未知的计算功能：{str(fn)[:40]!s}。")
        if not isinstance(payload_json, str) or len(payload_json) > MAX_PAYLOAD_CHARS:
            return _error(None, "输入数据过大或格式不正确。")
        try:
            payload = load_json(payload_json) if payload_json else {}
        except JsonInputError as exc:
            return _error(None, exc.message)
        if not isinstance(payload, dict):
            return _error(None, "输入数据应为一个对象（键值对）。")
        try:
            data = [to_bytes(b) for b in (list(blobs) if blobs is not None else [])]
        except Exception:
            return _error("blobs", "附带的文件数据无法读取。")
        try:
            entry = _resolve(fn)
        except (ImportError, AttributeError):
            return _error(None, f"此功能（{fn}）在当前版本中尚不可用。")
        try:
            result = entry(payload, data)
        except Exception as exc:  # noqa: BLE001 - turned into a message, never a crash
            fe = _field_error(exc)
            if fe is not None:
                return _error(*fe)
            raise
        if isinstance(result, dict) and isinstance(result.get("error"), dict) and len(result) == 1:
            err = result["error"]
            return _error(err.get("field"), str(err.get("message", "输入有误。")))
        # ASCII JSON (\uXXXX escapes) on purpose: measured in Pyodide, the 15 KB reply of classify
        # is encoded and handed to JavaScript in about half the time of the UTF-8 text (0.13 vs
        # 0.24 ms; a pure-ASCII str crosses the FFI on a fast path) and JSON.parse reads it faster
        # too (0.075 vs 0.10 ms), although it is twice as long (benchmarks/README.md, warm answer)
        return json.dumps({"ok": True, "result": result}, default=str)
    except Exception:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        return _error(None, "计算时发生内部错误，请检查输入后重试；如仍出错，请向本站报告。")
