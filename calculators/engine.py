"""The engine: ``classify(facts, today) -> Result``. Pure: no I/O, no clock (``today`` comes from the
caller; the thin layers that read the clock are ``calculators.classify``, the CLI and
``browser_entry``).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from . import __version__, administrative, civil, criminal
from .dates import parse_date
from .errors import FactsError
from .facts import Facts, money, parse_facts
from .money import format_yuan
from .result import Result, Trail
from .ruleset import Ruleset, load

__all__ = ["classify", "classify_facts", "browser_entry", "FactsError"]

PACKAGE_VERSION = __version__  # the one version string, in calculators/__init__.py


def _similar_cases(rs: Ruleset, amount: Decimal, possible: list[str], limit: int = 3) -> list[dict[str, Any]]:
    routes: tuple[str, ...]
    if possible == ["none"]:
        routes = ("administrative", "civil")
    elif "none" in possible:
        routes = ("administrative", "criminal")
    else:
        routes = ("criminal",)
    scored = []
    a = float(amount)
    for c in rs.cases:
        if c["route"] not in routes:
            continue
        ca = float(Decimal(c["amount_yuan"]))
        scored.append((abs(math.log(ca / a)), c["id"], c))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [
        {"id": c["id"], "title": c["title"], "body": c["body"], "year": c["year"], "route": c["route"],
         "amount_yuan": money(Decimal(c["amount_yuan"])), "amount_text": c["amount_text"], "method": c["method"],
         "outcome": c["outcome"], "source": c["source"],
         "note": "真实案例，仅作参照：每个案件的事实和情节不同，不代表本案的结果。"}
        for _, _, c in scored[:limit]
    ]


def classify_facts(facts: Facts, rs: Ruleset | None = None) -> Result:
    rs = rs or load()
    trail = Trail()
    for note in facts.notes:
        trail.warn("facts_note", note, [], "facts")
    if not facts.act_date_given:
        trail.warn("act_date_defaulted", f"没有填写行为日期：按处理日期 {facts.decision_date.isoformat()} 计算。行为日期决定适用哪一版数额标准和哪一个治安管理处罚法文本，请尽量填写。",
                   ["xingzheng-chufa-2021#art-37"], "facts")
    if facts.claims:
        trail.step("facts", f"共 {len(facts.claims)} 笔退款，合计 {format_yuan(facts.amount)}，按合计数计算。", [])
        if len(facts.claims) > 1:
            trail.warn("claims_summed",
                       "多笔退款相加计算是实务做法，不是普通诈骗的全国性规则：诈骗案件解释没有累计计算的规定；电信网络诈骗意见（2016）"
                       "“二年内多次实施电信网络诈骗未经处理，诈骗数额累计计算”只见于二手转述（PARTIAL，待核实），退款诈骗是否属于电信网络诈骗也无定论。"
                       "实务中有把一万多单退款合并起诉、一并定罪的案例（案例C5）。已经处理过的退款不应再计入。",
                       ["dianxin-yijian-2016#sec-2-multi", "fan-dianxin-zhapian-2022#art-2"], "facts")

    crim = criminal.assess(rs, facts, trail)
    adm = administrative.assess(rs, facts, crim.possible_tiers, trail)
    civ = civil.assess(rs, facts, trail)
    return Result(
        amount_yuan=money(facts.amount) or "0.00", facts=facts.to_dict(), criminal=crim, administrative=adm,
        civil=civ, steps=trail.steps, warnings=trail.warnings,
        similar_cases=_similar_cases(rs, facts.amount, crim.possible_tiers),
        rules_version=rs.version, package_version=PACKAGE_VERSION, as_of=facts.decision_date.isoformat(),
    )


def classify(raw: dict[str, Any], today: date | None = None, rs: Ruleset | None = None) -> Result:
    """Classify one case. ``today`` is the default decision date; without it ``decision_date`` is
    required (the engine never reads the clock). Raises ``FactsError`` for bad input."""
    rs = rs or load()
    return classify_facts(parse_facts(raw, today=today, rs=rs), rs)


def browser_entry(payload: dict[str, Any], blobs: list[bytes]) -> dict[str, Any]:
    """Entry point of the web worker: ``{"facts": {...}, "today": "YYYY-MM-DD"}`` -> result dict, or
    ``{"error": {"field", "message"}}`` for bad input (never raises for bad input)."""
    try:
        if not isinstance(payload, dict):
            raise FactsError(None, "请求格式不对：应为 {\"facts\": {...}, \"today\": \"YYYY-MM-DD\"}。")
        facts = payload.get("facts", {k: v for k, v in payload.items() if k != "today"})
        raw_today = payload.get("today")
        if raw_today in (None, ""):
            today = date.today()  # thin layer: the page normally sends its own date
        else:
            today = parse_date(raw_today, "today", "今天的日期")
        return classify(facts, today=today).to_dict()
    except FactsError as exc:
        return exc.to_dict()
