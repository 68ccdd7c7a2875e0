"""Dates as people type them: one parser, one error shape (``FactsError(field, message)``).

``parse_date(value, field, label)`` accepts ``date`` values and the written forms "2026-03-01",
"2026/3/1", "2026.3.1", "2026年3月1日" (full-width digits and spaces around the separators too) and
raises ``FactsError`` with a Chinese message naming ``label`` for anything else: not text, not a
date, a day that does not exist, a year outside 1990-2100 (no case of this product is that old,
and the period arithmetic needs room after it). ``parse_optional_date`` gives ``None`` for a
missing or blank value.

Used by the engine's facts (``calculators.facts``), the CLI and every merchant tool.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from .errors import FactsError

__all__ = ["MIN_YEAR", "MAX_YEAR", "parse_date", "parse_optional_date"]

MIN_YEAR, MAX_YEAR = 1990, 2100
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXAMPLE = "应为 YYYY-MM-DD，例如 2026-03-01"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any, field: str | None, label: str = "日期") -> date:
    """``value`` as a ``date``; ``FactsError(field, 中文说明)`` otherwise (a blank value included)."""
    if isinstance(value, date):
        return value
    if _blank(value):
        raise FactsError(field, f"请填写{label}（{_EXAMPLE}）。")
    if not isinstance(value, str):
        raise FactsError(field, f"{label}的格式{_EXAMPLE}。")
    text = unicodedata.normalize("NFKC", value).strip()
    shown = text[:40]
    m = _DATE.match(text) if len(text) <= 30 else None
    if not m:
        raise FactsError(field, f"{label}“{shown}”的格式不对，{_EXAMPLE}。")
    y, mo, d = (int(g) for g in m.groups())
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise FactsError(field, f"{label}“{shown}”的年份超出可计算的范围（{MIN_YEAR}—{MAX_YEAR}年）。")
    try:
        return date(y, mo, d)
    except ValueError:
        why = f"{y}年{mo}月没有{d}日" if 1 <= mo <= 12 else f"没有{mo}月"
        raise FactsError(field, f"{label}“{shown}”不存在：{why}，请检查。") from None


def parse_optional_date(value: Any, field: str | None, label: str = "日期") -> date | None:
    """Like ``parse_date``, but a missing or blank value gives ``None``."""
    return None if _blank(value) else parse_date(value, field, label)
