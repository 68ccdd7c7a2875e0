"""Parse and validate the facts of one case, as people type them.

``parse_facts(raw, today)`` turns a dict of facts (from JSON, a CSV row, a form) into a ``Facts``
value or raises ``FactsError(field, message)`` with a Chinese message. Amounts are ``Decimal``
(never float). The parser never reads the clock: ``today`` comes from the caller.

Standard library only: this module runs in CPython and in Pyodide.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .dates import parse_date
from .errors import FactsError as FactsError  # re-exported: calculators.facts.FactsError stays importable
from .limits import MAX_FIELD_CHARS, MAX_LIST_FIELD_CHARS, clip
from .money import AmountTextError, decimal_text, format_yuan, parse_yuan_text
from .ruleset import Province, Region, Ruleset, load

MAX_AMOUNT = Decimal("1000000000000")  # 1e12 yuan: anything above is not a refund claim
MAX_CLAIMS = 100_000
EARLIEST_ACT = date(2011, 4, 8)

KNOWN_KEYS: tuple[str, ...] = (
    "amount", "claims", "province", "region", "act_date", "decision_date", "refund_obtained",
    "circumstances", "known_date", "discovery_date",
)

FIELD_LABELS = {
    "amount": "金额", "claims": "各笔退款金额", "province": "省份", "region": "地区（城市）",
    "act_date": "行为日期", "decision_date": "处理日期", "refund_obtained": "是否已拿到退款",
    "circumstances": "情节", "known_date": "商家知道受骗的日期", "discovery_date": "公安机关发现的日期",
}


@dataclass(frozen=True)
class Facts:
    amount: Decimal
    claims: tuple[Decimal, ...]
    province: Province | None
    region: Region | None
    act_date: date
    decision_date: date
    act_date_given: bool
    decision_date_given: bool
    refund_obtained: bool
    circumstances: tuple[str, ...]
    known_date: date | None
    discovery_date: date | None
    notes: tuple[str, ...] = field(default=())  # parser remarks turned into warnings by the engine

    def has(self, *codes: str) -> bool:
        return any(c in self.circumstances for c in codes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": money(self.amount),
            "claims": [money(c) for c in self.claims],
            "province": self.province.name if self.province else None,
            "province_code": self.province.code if self.province else None,
            "region": self.region.code if self.region else None,
            "region_label": self.region.label if self.region else None,
            "act_date": self.act_date.isoformat(),
            "act_date_given": self.act_date_given,
            "decision_date": self.decision_date.isoformat(),
            "refund_obtained": self.refund_obtained,
            "circumstances": list(self.circumstances),
            "known_date": self.known_date.isoformat() if self.known_date else None,
            "discovery_date": self.discovery_date.isoformat() if self.discovery_date else None,
        }


money = decimal_text  # the machine form ("3500.00"); see calculators.money


# ---- amounts ----------------------------------------------------------------------------------

def parse_amount(value: Any, field_name: str = "amount") -> Decimal:
    """Parse an amount of yuan: 3500, "3,500", "3500元", "1.2万", "１２００", "￥3,500", "3500.5"."""
    label = FIELD_LABELS.get(field_name, "金额")
    if value is None:
        raise FactsError(field_name, f"缺少{label}：请填写骗取（或试图骗取）的退款金额，单位为元，例如 3500。")
    if isinstance(value, bool):
        raise FactsError(field_name, f"{label}不能是“是/否”，请填写数字金额（元），例如 3500。")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise FactsError(field_name, f"{label}不是一个有效的数字（NaN 或无穷大），请填写具体金额（元）。")
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise FactsError(field_name, f"{label}不是一个有效的数字（NaN 或无穷大），请填写具体金额（元）。")
        amount = value
    elif isinstance(value, str):
        amount = _parse_amount_text(value, field_name, label)
    else:
        raise FactsError(field_name, f"{label}的格式无法识别，请填写数字金额（元），例如 3500 或 “1.2万”。")
    return _check_amount(amount, field_name, label)


def _parse_amount_text(text: str, field_name: str, label: str) -> Decimal:
    try:
        return parse_yuan_text(text)
    except AmountTextError as exc:
        if exc.reason == "为空":
            raise FactsError(field_name, f"{label}为空：请填写骗取（或试图骗取）的退款金额，单位为元，例如 3500。") from None
        if exc.reason.startswith("不是一个有效的数字"):
            raise FactsError(field_name, f"{label}{exc.reason}，请填写具体金额（元）。") from None
        if exc.reason == "不是可识别的数字":
            raise FactsError(
                field_name,
                f"{label}“{clip(text.strip(), 40)}”不是可识别的数字。请用阿拉伯数字填写金额（元），"
                "例如 3500、3,500、3500元、1.2万。",
            ) from None
        raise FactsError(field_name, f"{label}{exc.reason}。请填写一笔退款的金额（元），例如 3500 或 1.2万。") from None


def _check_amount(amount: Decimal, field_name: str, label: str) -> Decimal:
    if amount < 0:
        raise FactsError(field_name, f"{label}不能是负数，请填写骗取（或试图骗取）的金额（元）。")
    if amount == 0:
        raise FactsError(field_name, f"{label}不能为零：没有财物损失就谈不上诈骗的数额，请填写实际金额（元）。")
    if amount > MAX_AMOUNT:
        raise FactsError(field_name, f"{label}超过一万亿元，显然不是一笔退款的金额，请检查是否多输了数字。")
    if amount != amount.quantize(Decimal("0.01")):
        raise FactsError(field_name, f"{label}最多保留两位小数（精确到分），例如 3500.50。")
    return amount.quantize(Decimal("0.01"))


def parse_claims(value: Any) -> tuple[Decimal, ...]:
    if isinstance(value, str):
        parts = [p for p in re.split(r"[;；、\n]+", value) if p.strip()]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise FactsError("claims", "各笔退款金额应当是一组金额，例如 [1200, 800] 或 “1200;800”。")
    if not parts:
        raise FactsError("claims", "各笔退款金额为空：请至少填写一笔金额，或者删除这一项只填总金额。")
    if len(parts) > MAX_CLAIMS:
        raise FactsError("claims", f"各笔退款金额超过 {MAX_CLAIMS} 笔，请直接填写总金额。")
    out = []
    for i, p in enumerate(parts, start=1):
        try:
            out.append(parse_amount(p, "claims"))
        except FactsError as exc:
            raise FactsError("claims", f"第 {i} 笔：{exc.message}") from None
    return tuple(out)


# ---- other facts ------------------------------------------------------------------------------

_TRUE = {"true", "1", "yes", "y", "是", "已", "已退款", "已拿到", "既遂"}
_FALSE = {"false", "0", "no", "n", "否", "未", "未退款", "没有", "未遂"}


def parse_bool(value: Any, field_name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        s = unicodedata.normalize("NFKC", value).strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    label = FIELD_LABELS.get(field_name, field_name)
    raise FactsError(field_name, f"{label}应填 true/false 或 是/否。")


def parse_province(value: Any, rs: Ruleset) -> Province | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FactsError("province", "省份应填写名称或行政区划代码，例如 “浙江”“浙江省”或 “330000”。")
    s = unicodedata.normalize("NFKC", str(value)).strip()
    if not s:
        return None
    p = rs.find_province(s)
    if p is None and not s.isdigit():
        for suffix in ("省", "市", "自治区"):
            if s.endswith(suffix):
                p = rs.find_province(s[: -len(suffix)])
                break
    if p is None:
        examples = "、".join(pr.short for pr in list(rs.provinces.values())[:6])
        raise FactsError(
            "province",
            f"无法识别省份“{clip(s, 20)}”。请填写省级行政区的全称或简称（如 {examples}……，或“浙江省”），"
            "或者 6 位行政区划代码（如 330000）；不知道省份可以不填。",
        )
    return p


def _norm_city(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).strip()
    return s[:-1] if len(s) > 2 and s.endswith("市") else s


def parse_region(value: Any, province: Province | None, rs: Ruleset, act: date) -> tuple[Province | None, Region | None, list[str]]:
    notes: list[str] = []
    if value is None or (isinstance(value, str) and not value.strip()):
        return province, None, notes
    if not isinstance(value, str):
        raise FactsError("region", "地区应填写城市名称，例如 “广州”。")
    city = _norm_city(value)
    candidates = [province] if province else list(rs.provinces.values())
    for p in candidates:
        for ver in p.versions:
            for r in ver.regions:
                if city in r.cities or city in (r.code, r.label):
                    if province is None:
                        notes.append(f"根据城市“{clip(city)}”推定省份为{p.name}。")
                    return p, r, notes
    if province is not None and not any(ver.regions for ver in province.versions):
        notes.append(f"{province.name}的数额标准全省（区、市）统一，不分地区：已忽略填写的地区“{clip(city)}”。")
        return province, None, notes
    if province is not None:
        cities = "、".join(c for ver in province.versions for r in ver.regions for c in r.cities)
        raise FactsError("region", f"{province.name}没有名为“{clip(city)}”的地区。可填写的城市：{cities}。")
    raise FactsError("region", f"无法识别地区“{clip(city, 20)}”：只有分地区确定数额标准的省份（如广东）需要填写城市，请同时填写省份。")


def parse_circumstances(value: Any, rs: Ruleset) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = [x.strip() for x in re.split(r"[;；、,，\s]+", value) if x.strip()]
    elif isinstance(value, (list, tuple)):
        items = []
        for x in value:
            if not isinstance(x, str):
                raise FactsError("circumstances", "情节应当是代码列表，例如 [\"surrender\", \"restitution\"]。")
            items.append(x.strip())
    else:
        raise FactsError("circumstances", "情节应当是代码列表，例如 [\"surrender\", \"restitution\"]。")
    by_label = {c.label: c.code for c in rs.circumstances.values()}
    out: list[str] = []
    for item in items:
        if not item:
            continue
        code = item if item in rs.circumstances else by_label.get(item)
        if code is None:
            known = "、".join(f"{c.code}（{c.label}）" for c in rs.circumstances.values())
            raise FactsError("circumstances", f"未知的情节代码“{clip(item, 30)}”。可用的代码：{known}。")
        if code not in out:
            out.append(code)
    return tuple(out)


def _check_sizes(raw: dict[str, Any]) -> None:
    """The written caps (calculators.limits), checked before any parsing: a fact typed as text is
    short; only a list written as text (claims "1200;800;...", circumstances) may be long."""
    for key, value in raw.items():
        label = FIELD_LABELS.get(key, key)
        cap = MAX_LIST_FIELD_CHARS if key in ("claims", "circumstances") else MAX_FIELD_CHARS
        if isinstance(value, str) and len(value) > cap:
            raise FactsError(key, f"{label}太长（共 {len(value)} 个字符，最多 {cap} 个）：请检查是否粘贴了多余的内容。")
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_CLAIMS:
                raise FactsError(key, f"{label}超过 {MAX_CLAIMS} 项，请检查。")
            for item in value:
                if isinstance(item, str) and len(item) > MAX_FIELD_CHARS:
                    raise FactsError(key, f"{label}中有一项太长（共 {len(item)} 个字符，最多 {MAX_FIELD_CHARS} 个）。")


def parse_facts(raw: Any, today: date | None = None, rs: Ruleset | None = None) -> Facts:
    """Validate a dict of facts. ``today`` is the default decision date (the engine never reads the
    clock); without it the decision date is required."""
    rs = rs or load()
    if not isinstance(raw, dict):
        raise FactsError(None, "输入应当是一个 JSON 对象，例如 {\"amount\": \"3500\", \"province\": \"浙江\"}。")
    for key in raw:
        if key not in KNOWN_KEYS:
            raise FactsError(clip(key), f"未知的字段“{clip(key)}”。可用的字段：{'、'.join(KNOWN_KEYS)}。")
    _check_sizes(raw)
    notes: list[str] = []
    claims: tuple[Decimal, ...] = ()
    raw_amount = raw.get("amount")
    if raw_amount is not None and isinstance(raw_amount, str) and not raw_amount.strip() and raw.get("claims") is not None:
        raw_amount = None
    if raw.get("claims") is not None:
        claims = parse_claims(raw["claims"])
        total = sum(claims, Decimal(0))
        if raw_amount is not None:
            amount = parse_amount(raw_amount)
            if amount != total:
                raise FactsError("amount", f"金额 {format_yuan(amount)}与各笔退款之和 {format_yuan(total)}不一致：请只填一项，或者改正其中一项。")
        amount = _check_amount(total, "claims", "各笔退款金额之和")
    else:
        amount = parse_amount(raw_amount)

    if raw.get("decision_date") not in (None, ""):
        decision = parse_date(raw["decision_date"], "decision_date", FIELD_LABELS["decision_date"])
        decision_given = True
    elif today is not None:
        decision, decision_given = today, False
    else:
        raise FactsError("decision_date", "缺少处理日期（YYYY-MM-DD）。")
    if raw.get("act_date") not in (None, ""):
        act = parse_date(raw["act_date"], "act_date", FIELD_LABELS["act_date"])
        act_given = True
    else:
        act, act_given = decision, False
    if act < EARLIEST_ACT:
        raise FactsError(
            "act_date",
            "行为日期早于 2011-04-08（诈骗案件解释施行日）：本计算器只支持此后的行为，更早的行为适用已失效的旧标准，请咨询律师。",
        )
    if today is not None and act > today:
        raise FactsError("act_date", f"行为日期 {act.isoformat()} 晚于今天（{today.isoformat()}），请检查。")
    if decision < act:
        raise FactsError("decision_date", f"处理日期 {decision.isoformat()} 早于行为日期 {act.isoformat()}，请检查。")
    if today is not None and decision > today:
        notes.append(f"处理日期 {decision.isoformat()} 晚于今天：结果按这个假设的处理日期计算，届时规则可能已有变化。")

    province = parse_province(raw.get("province"), rs)
    province, region, region_notes = parse_region(raw.get("region"), province, rs, act)
    notes.extend(region_notes)

    refund = parse_bool(raw["refund_obtained"], "refund_obtained") if raw.get("refund_obtained") not in (None, "") else True
    circs = parse_circumstances(raw.get("circumstances"), rs)

    known = parse_date(raw["known_date"], "known_date", FIELD_LABELS["known_date"]) if raw.get("known_date") not in (None, "") else None
    if known is not None and known < act:
        raise FactsError("known_date", f"商家知道受骗的日期 {known.isoformat()} 早于行为日期 {act.isoformat()}，请检查。")
    discovery = parse_date(raw["discovery_date"], "discovery_date", FIELD_LABELS["discovery_date"]) if raw.get("discovery_date") not in (None, "") else None
    if discovery is not None and discovery < act:
        raise FactsError("discovery_date", f"公安机关发现的日期 {discovery.isoformat()} 早于行为日期 {act.isoformat()}，请检查。")

    return Facts(
        amount=amount, claims=claims, province=province, region=region, act_date=act,
        decision_date=decision, act_date_given=act_given, decision_date_given=decision_given,
        refund_obtained=refund, circumstances=circs, known_date=known, discovery_date=discovery,
        notes=tuple(notes),
    )
