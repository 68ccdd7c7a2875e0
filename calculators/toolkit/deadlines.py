"""Deadlines for a merchant after a refund fraud (work in progress: date parsing first)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from calculators.toolkit.fees import InputError

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MIN_YEAR, MAX_YEAR = 1990, 2100


def parse_date(value: Any, field: str, label: str, *, required: bool = True) -> date | None:
    """ISO "2026-03-01" (also 2026/3/1, 2026年3月1日, full-width digits) -> date; Chinese InputError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(field, f"请填写{label}（例如 2026-03-01）。")
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InputError(field, f"{label}的格式无法识别，请写成 2026-03-01 的形式。")
    text = unicodedata.normalize("NFKC", value).strip()
    m = _DATE_RE.match(text) if len(text) <= 20 else None
    if not m:
        raise InputError(field, f"{label}的格式无法识别，请写成 2026-03-01 的形式。")
    y, mo, d = (int(g) for g in m.groups())
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise InputError(field, f"{label}的年份超出可计算的范围（{MIN_YEAR}—{MAX_YEAR}年）。")
    try:
        return date(y, mo, d)
    except ValueError:
        raise InputError(field, f"{label}不存在：{y}年{mo}月没有{d}日。" if 1 <= mo <= 12 else f"{label}不存在：没有{mo}月。") from None
