"""Deadlines after a refund fraud: the 治安 discovery period, criminal limitation by tier, the civil
revocation periods and the limitation period, each with its article, last day and days left, and an
.ics calendar of reminders.

Every figure comes from the engine's rule data (``rules/administrative.toml`` discovery_months,
``rules/criminal/penalty.toml`` limitation_years of each tier, ``rules/civil.toml`` periods) and every date from the
engine's period arithmetic (``calculators.periods``, the method of 民法典第二百零一、二百零二条; the civil
periods from ``calculators.civil.periods``, the same function the civil track uses). With an amount, the tier comes from the engine's
``classify``; otherwise from the calculator's ``tier`` parameter; otherwise every tier is listed.
``today`` is passed in (the page sends the browser's date; the CLI its own): nothing here reads the clock.

CLI: ``python -m calculators.toolkit.deadlines --act 2026-03-01 --known 2026-03-05 [--amount 3500
--province 浙江] [--ics FILE]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from calculators import administrative, civil, ruleset
from calculators.dates import parse_date, parse_optional_date
from calculators.errors import FactsError, InputError
from calculators.labels import tier_labels
from calculators.laws import cite, rule_bytes
from calculators.limits import clip
from calculators.money import format_yuan
from calculators.periods import CITATIONS as PERIOD_CITATIONS
from calculators.periods import HOLIDAY_CITATION, add_months, add_years
from calculators.result import Track
from calculators.toolkit import ics

DISCLAIMER = ("这些日期是按条文推算的参考，不是法律意见。期间的起算、中止、中断和节假日顺延都可能改变到期日，"
              "重要的期限请尽早行动，并请律师核对。")
TIERS = ruleset.TIERS  # ("none", "large", "huge", "especially_huge"); the labels come from the rule data (labels.py)
# calculator query parameter -> engine fact (the calculator's links use the short names)
ENGINE_KEYS = {"amount": "amount", "province": "province", "region": "region", "act": "act_date",
               "decision": "decision_date", "attempt": "refund_obtained", "c": "circumstances", "known_date": "known_date",
               "discovery_date": "discovery_date"}
FIELD_OF_ENGINE = {v: k for k, v in ENGINE_KEYS.items()}
KNOWN_KEYS = set(ENGINE_KEYS) | {"today", "tier"}


class Status(StrEnum):
    """Where today stands against a deadline's last day (the JSON ``status``; null without today)."""
    OPEN = "open"
    TODAY = "today"
    PASSED = "passed"


class TierSource(StrEnum):
    """Where the possible tiers came from (the JSON ``tier_source``)."""
    PARAM = "param"    # the calculator's link passed its tier
    ENGINE = "engine"  # classify() on the amount
    ALL = "all"        # neither: every tier is listed


@cache
def texts() -> dict[str, Any]:
    """The tool's fixed texts, by provision (``rules/deadlines.toml``)."""
    return tomllib.loads(rule_bytes("deadlines.toml").decode("utf-8"))


def _say(template: str, **values: Any) -> str:
    return template.format(**values)


def _tiers(payload: dict[str, Any], act: date, today: date | None) -> tuple[list[str], TierSource, list[dict[str, Any]]]:
    """(possible tiers, where they came from, warnings): the calculator's own ``tier`` when its link
    passes one; else the engine's classify when an amount is given; else every tier."""
    tier = payload.get("tier")
    if tier not in (None, ""):
        if not isinstance(tier, str) or tier not in tier_labels():
            raise InputError("tier", "数额档次只能是：none、large、huge、especially_huge、uncertain。")
        if tier != "uncertain":
            return [tier], TierSource.PARAM, []
    if payload.get("amount") not in (None, "") and tier in (None, "", "uncertain"):
        from calculators.engine import classify  # lazy: the engine is only needed with an amount
        facts = {ENGINE_KEYS[k]: v for k, v in payload.items() if k in ENGINE_KEYS and v not in (None, "")}
        if "refund_obtained" in facts:  # the calculator's "attempt=1" means the refund was NOT obtained
            a = str(facts["refund_obtained"]).strip().lower()
            facts["refund_obtained"] = "false" if a in ("1", "true", "yes", "是") else "true"
        try:
            r = classify(facts, today=today or act).to_dict()
        except FactsError as e:
            raise InputError(FIELD_OF_ENGINE.get(e.field or "", e.field or "amount"), e.message) from None
        crim = r["criminal"]
        t = texts()["criminal_limitation"]
        province = r["facts"].get("province")
        where = _say(t["from_engine_province"], province=province) if province else t["from_engine_no_province"]
        return list(crim["possible_tiers"]), TierSource.ENGINE, [{"code": "tier_from_engine", "text": _say(
            t["from_engine"], amount=format_yuan(r["amount_yuan"]), province=where, tier=r["labels"]["tier"].get(crim["tier"], crim["tier"])),
            "citations": list(t["from_engine_citations"])}]
    return list(TIERS), TierSource.ALL, []


def _entry(code: str, track: Track, title: str, start: date | None, start_label: str, end: date | None,
           citations: list[str], basis: str, today: date | None, notes: list[str] | None = None) -> dict[str, Any]:
    days = (end - today).days if (end is not None and today is not None) else None
    status = None if days is None else (Status.PASSED if days < 0 else Status.TODAY if days == 0 else Status.OPEN)
    return {"code": code, "track": track.value, "title": title, "start": start.isoformat() if start else None,
            "start_label": start_label, "last_day": end.isoformat() if end else None, "days_left": days,
            "status": status.value if status else None, "citations": citations, "basis": basis, "notes": notes or []}


@dataclass(frozen=True)
class Dates:
    """The dates of one request, checked: the act, and optionally the day the merchant knew, today
    and the decision."""
    act: date
    known: date | None
    today: date | None
    decision: date | None


def read_dates(payload: Any) -> Dates:
    """The request's dates, or ``InputError`` (field and Chinese message) for an unknown field, a bad
    date or dates out of order."""
    if not isinstance(payload, dict):
        raise InputError("payload", "输入格式无法识别。")
    for key in payload:
        if key not in KNOWN_KEYS:
            raise InputError(str(key)[:40], f"未知的字段“{str(key)[:40]}”。")
    act = parse_date(payload.get("act"), "act", "行为日期（买家申请退款的日期）")
    known = parse_optional_date(payload.get("known_date"), "known_date", "你发现受骗的日期")
    today = parse_optional_date(payload.get("today"), "today", "今天的日期")
    decision = parse_optional_date(payload.get("decision"), "decision", "处理日期")
    if known is not None and known < act:
        raise InputError("known_date", f"你发现受骗的日期（{known.isoformat()}）早于行为日期（{act.isoformat()}），请检查日期顺序。")
    if today is not None:
        if act > today:
            raise InputError("act", f"行为日期（{act.isoformat()}）晚于今天（{today.isoformat()}），请检查。")
        if known is not None and known > today:
            raise InputError("known_date", f"你发现受骗的日期（{known.isoformat()}）晚于今天（{today.isoformat()}），请检查。")
    if decision is not None and decision < act:
        raise InputError("decision", f"处理日期（{decision.isoformat()}）早于行为日期（{act.isoformat()}），请检查。")
    return Dates(act, known, today, decision)


Part = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # (deadlines, notes) of one provision


def zhian_discovery(rs: ruleset.Ruleset, d: Dates, possible: list[str]) -> Part:
    """zhian-2012#art-22 / zhian-2025#art-25: six months for the police to discover the act, from the
    act; which text by xingzheng-chufa-2021#art-37 (``administrative.texts_in_force``), taking the
    decision date, else today, else the act date as the day of the decision."""
    adm, t = rs.administrative, texts()["zhian_discovery"]
    keys = administrative.texts_in_force(adm, d.act, d.decision or d.today or d.act)
    versions = [adm["versions"][k] for k in keys]
    notes: list[dict[str, Any]] = []
    if possible != ["none"] and "none" not in possible:
        notes.append({"code": "zhian_not_applicable", "text": t["not_applicable"],
                      "citations": [adm["versions"][keys[-1]]["scope_citation"]]})
    deadlines = []
    for m in sorted({v["discovery_months"] for v in versions}):
        vs = [v for v in versions if v["discovery_months"] == m]
        deadlines.append(_entry(
            "zhian-discovery", Track.ADMINISTRATIVE, _say(t["title"], months=m), d.act, t["start_label"], add_months(d.act, m),
            [v["discovery_citation"] for v in vs],
            "；".join(_say(t["basis"], label=cite(v["discovery_citation"]).label, text=v["discovery_text"]) for v in vs), d.today,
            list(t["notes"]) + ([t["both_texts"]] if len(keys) == 2 else []),
        ))
    return deadlines, notes


def criminal_limitation(rs: ruleset.Ruleset, d: Dates, possible: list[str], source: TierSource) -> Part:
    """xingfa#art-87: the limitation of each possible tier, counted from the act (xingfa#art-89);
    xingfa#art-88: when it does not run."""
    tiers, lim, t = rs.criminal["tiers"], rs.criminal["limitation"], texts()["criminal_limitation"]
    crime_tiers = [x for x in possible if x != "none"]
    deadlines = []
    for tier in crime_tiers:
        years = tiers[tier]["limitation_years"]
        deadlines.append(_entry(
            f"criminal-limitation-{tier}", Track.CRIMINAL, _say(t["title"], tier=tier_labels()[tier], years=years), d.act,
            t["start_label"], add_years(d.act, years), list(dict.fromkeys(tiers[tier]["citations"] + [lim["start_citation"]])),
            _say(t["basis"], item=tiers[tier]["limitation_item"], start=lim["start"]), d.today, list(lim["notes"])))
    notes: list[dict[str, Any]] = []
    if not crime_tiers:
        notes.append({"code": "no_crime_tier", "text": t["no_crime_tier"], "citations": list(t["no_crime_tier_citations"])})
    elif source == TierSource.ALL:
        notes.append({"code": "tier_unknown", "text": t["tier_unknown"], "citations": list(t["tier_citations"])})
    elif len(crime_tiers) > 1 or "none" in possible:
        notes.append({"code": "tier_uncertain", "text": t["tier_uncertain"], "citations": list(t["tier_citations"])})
    if crime_tiers:
        notes.append({"code": "criminal_method", "text": t["method"], "citations": list(t["method_citations"]), "pending": True})
    return deadlines, notes


def civil_periods(rs: ruleset.Ruleset, d: Dates) -> Part:
    """minfadian#art-152 (revocation: one year from knowing, five from the act) and minfadian#art-188
    (limitation: three years from knowing, twenty from the damage), computed by ``civil.periods``
    exactly as the civil track computes them; minfadian#art-201..203 and art-194/195/199 as notes."""
    t = texts()["civil"]
    p = {x["code"]: x for x in rs.civil["periods"]}
    ends = civil.periods(rs.civil, d.act, d.known)
    need_known = [t["need_known"]] if d.known is None else []
    rows = [("civil-revocation-1y", "revocation_known", d.known, ends.revocation_1y, need_known),
            ("civil-revocation-5y", "revocation_absolute", d.act, ends.revocation_5y, []),
            ("civil-limitation-3y", "limitation", d.known, ends.limitation_3y, need_known),
            ("civil-limitation-20y", "limitation_max", d.act, ends.limitation_20y, [])]
    deadlines = [_entry(code, Track.CIVIL, p[key]["label"], start, t[key]["start_label"], end, [p[key]["citation"]],
                        p[key]["text"], d.today, first + list(t[key]["notes"]))
                 for code, key, start, end, first in rows]
    rules = rs.civil["period_rules"]
    notes = [
        {"code": "civil_method", "text": rules["start_day"] + rules["end_day"], "citations": list(PERIOD_CITATIONS)},
        {"code": "holiday", "text": rules["holiday"], "citations": [HOLIDAY_CITATION], "pending": True},
        {"code": "interruption", "text": t["interruption"]["text"], "citations": list(t["interruption"]["citations"])},
    ]
    return deadlines, notes


def calendar(deadlines: list[dict[str, Any]], d: Dates) -> tuple[list[dict[str, Any]], list[ics.Event]]:
    """The dated deadlines in the order to show them (open first, then unknown status, then passed;
    each by date) and a calendar event for each one not yet passed."""
    order = {Status.OPEN: 0, Status.TODAY: 0, None: 1, Status.PASSED: 2}
    upcoming = sorted((x for x in deadlines if x["last_day"]), key=lambda x: (order[x["status"]], x["last_day"]))
    template = texts()["calendar"]["description"]
    events = [ics.Event(key=x["code"], day=date.fromisoformat(x["last_day"]), summary=x["title"],
                        description=_say(template, basis=x["basis"], start_label=x["start_label"], start=x["start"]),
                        alarms_days_before=(30, 7, 1) if (date.fromisoformat(x["last_day"]) - d.act).days > 365 else (7, 1))
              for x in upcoming if x["status"] != Status.PASSED]
    return upcoming, events


def compute(payload: dict[str, Any]) -> dict[str, Any]:
    d = read_dates(payload)
    rs = ruleset.load()
    possible, tier_source, warnings = _tiers(payload, d.act, d.today)
    parts = [zhian_discovery(rs, d, possible), criminal_limitation(rs, d, possible, tier_source), civil_periods(rs, d)]
    deadlines = [x for part in parts for x in part[0]]
    notes = [n for part in parts for n in part[1]]
    upcoming, events = calendar(deadlines, d)
    all_ids = [c for x in deadlines + notes + warnings for c in x["citations"]]
    return {
        "act": d.act.isoformat(), "known_date": d.known.isoformat() if d.known else None,
        "today": d.today.isoformat() if d.today else None,
        "possible_tiers": possible, "tier_source": tier_source.value,
        "deadlines": upcoming + [x for x in deadlines if not x["last_day"]],
        "ics": ics.calendar(events, d.today or d.act) if events else None,
        "ics_filename": texts()["calendar"]["filename"],
        "ics_events": len(events),
        "notes": notes, "warnings": warnings,
        "citations": {i: cite(i).to_dict() for i in dict.fromkeys(all_ids)},
        "disclaimer": DISCLAIMER,
    }


def browser_entry(payload: dict[str, Any], blobs: list[bytes] | None = None) -> dict[str, Any]:
    try:
        return compute(payload)
    except InputError as e:
        return e.to_dict()


def format_text(r: dict[str, Any]) -> str:
    lines = [f"行为日期：{r['act']}　发现日期：{r['known_date'] or '未填写'}　今天：{r['today'] or '未填写'}"]
    for d in r["deadlines"]:
        left = "" if d["days_left"] is None else ("（已过期）" if d["days_left"] < 0 else f"（还有{d['days_left']}天）")
        lines.append(f"- {d['title']}：{d['last_day'] or '无法计算'}{left}　依据：" + "、".join(cite(c).label for c in d["citations"]))
    for n in r["notes"]:
        lines.append("注：" + n["text"])
    lines.append(r["disclaimer"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calculators deadlines", description="计算治安、刑事、民事的有关期限")
    parser.add_argument("--act", help="行为日期（买家申请退款的日期），YYYY-MM-DD")
    parser.add_argument("--known", dest="known_date", help="你发现受骗的日期")
    parser.add_argument("--today", help="今天的日期（默认取本机日期）")
    parser.add_argument("--decision", help="处理日期（公安机关或法院处理的日期）")
    parser.add_argument("--amount", help="金额（元），用来确定数额档次")
    parser.add_argument("--province", help="省份")
    parser.add_argument("--region", help="城市（广东分两类）")
    parser.add_argument("--tier", choices=[*TIERS, "uncertain"], help="数额档次（不填金额时）")
    parser.add_argument("--ics", help="把日历提醒写入这个 .ics 文件")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    args = parser.parse_args(argv)
    payload = {k: getattr(args, k) for k in ("act", "known_date", "decision", "amount", "province", "region", "tier")
               if getattr(args, k) is not None}
    payload["today"] = args.today or date.today().isoformat()  # the CLI is the one place that reads the clock
    result = browser_entry(payload, [])
    if "error" in result:
        print(json.dumps(result, ensure_ascii=False))
        return 2
    if args.ics:
        if result["ics"] is None:
            print(json.dumps({"error": {"field": "ics", "message": "所有期限都已经过去，没有可以写入日历的提醒。"}}, ensure_ascii=False))
            return 2
        try:
            with open(args.ics, "w", encoding="utf-8", newline="") as fh:
                fh.write(result["ics"])
        except OSError as exc:
            where = clip(args.ics, 200)
            reason = ("这是一个目录，请给出文件名，例如 期限.ics" if isinstance(exc, IsADirectoryError)
                      else "所在的目录不存在" if isinstance(exc, FileNotFoundError)
                      else exc.strerror or "写入错误")
            print(json.dumps({"error": {"field": "ics", "message": f"无法写入日历文件“{where}”：{reason}。"}}, ensure_ascii=False))
            return 2
    if args.format == "text":
        print(format_text(result))
    else:
        out = dict(result)
        if args.ics:
            out["ics"] = args.ics
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
