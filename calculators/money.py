"""Money: parse the amount text people type, and write amounts in the product's one style.

Parsing (``parse_yuan_text``): "3500", "3,500", "3500元", "1.2万", "１２００" (full-width), "￥3,500",
"人民币3500元整", "3500.5". One regular expression over the whole text, so the work is linear in
the input, and two written caps checked *before* any other work:

- ``MAX_AMOUNT_TEXT`` characters of amount text (affixes included): "3500" followed by 20,000 "元" is
  refused at once instead of being stripped one affix at a time;
- ``MAX_AMOUNT_DIGITS`` digits in the number: a 5,000-digit amount gets a Chinese error, never
  Python's integer-string limit.

Formatting, one style for the whole product (reader-facing text):
``format_yuan(8000) == "8,000 元"``, ``format_yuan("3500.50") == "3,500.50 元"`` (thousands
separators; cents only when they are not zero). ``format_number`` is the same without the unit.
``decimal_text`` is the machine form used in JSON results ("3500.00"); the page's script and the
site hooks format money for readers from that string exactly as ``format_number`` does.

Standard library only: this module runs in CPython and in Pyodide.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "CENT", "MAX_AMOUNT_DIGITS", "MAX_AMOUNT_TEXT", "AmountTextError", "decimal_text", "format_number",
    "format_yuan", "parse_yuan_text",
]

CENT = Decimal("0.01")
MAX_AMOUNT_TEXT = 64     # characters of one amount as typed ("人民币 1,234,567,890.12 元整" is 27)
MAX_AMOUNT_DIGITS = 20   # digits of one amount (1万亿元 with cents is 15 digits)


class AmountTextError(ValueError):
    """The text is not an amount; ``reason`` is a Chinese sentence fragment (the caller adds the
    field's label)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_NUMBER = r"(?P<num>\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
_AMOUNT = re.compile(
    r"(?P<sign1>[-−+]?)"
    r"(?:人民币|rmb|cny|¥)*"
    r"(?P<sign2>[-−]?)"
    + _NUMBER +
    r"(?P<mult>[万千]?)"
    r"(?:人民币|元整|元|圆|块钱|块|rmb|cny)*",
    re.IGNORECASE,
)
_MULTIPLIERS = {"": Decimal(1), "万": Decimal(10000), "千": Decimal(1000)}
_NON_FINITE = frozenset(("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"))
_SPACES = str.maketrans({"￥": "¥", "，": ",", "。": ".", " ": None, "\u3000": None, "\t": None})


def parse_yuan_text(text: str) -> Decimal:
    """The amount of yuan written in ``text`` (not yet range-checked: it may be zero or negative).
    Raises ``AmountTextError`` with a Chinese reason."""
    if len(text) > MAX_AMOUNT_TEXT * 4:  # checked before normalising: even NFKC is not run on huge text
        raise AmountTextError(f"太长（共 {len(text)} 个字符）：一笔金额最多 {MAX_AMOUNT_TEXT} 个字符")
    s = unicodedata.normalize("NFKC", text).translate(_SPACES).strip()
    if not s:
        raise AmountTextError("为空")
    if len(s) > MAX_AMOUNT_TEXT:
        raise AmountTextError(f"太长（共 {len(s)} 个字符）：一笔金额最多 {MAX_AMOUNT_TEXT} 个字符")
    if s.lower() in _NON_FINITE:
        raise AmountTextError("不是一个有效的数字（NaN 或无穷大）")
    m = _AMOUNT.fullmatch(s)
    if m is None:
        raise AmountTextError("不是可识别的数字")
    num = m.group("num")
    digits = sum(ch.isdigit() for ch in num)
    if digits > MAX_AMOUNT_DIGITS:
        raise AmountTextError(f"的数字位数太多（{digits} 位）：一笔金额最多 {MAX_AMOUNT_DIGITS} 位数字")
    try:
        amount = Decimal(num.replace(",", "")) * _MULTIPLIERS[m.group("mult")]
    except InvalidOperation:  # pragma: no cover - the expression admits only valid decimals
        raise AmountTextError("不是可识别的数字") from None
    negative = bool(m.group("sign2")) or m.group("sign1") in ("-", "−")
    return -amount if negative else amount


def decimal_text(value: Decimal | int | str | None) -> str | None:
    """The machine form of an amount in JSON results: two decimals, no separators ("3500.00")."""
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT))


def format_number(value: Decimal | int | str) -> str:
    """``8000 -> "8,000"``, ``3500.5 -> "3,500.50"``: thousands separators, cents only when not zero."""
    v = Decimal(value).quantize(CENT)
    if v == v.to_integral_value():
        return f"{int(v):,}"
    return f"{v:,.2f}"


def format_yuan(value: Decimal | int | str | None, missing: str = "") -> str:
    """The product's one money style for readers: ``"8,000 元"``, ``"3,500.50 元"``."""
    if value is None or value == "":
        return missing
    return format_number(value) + " 元"
