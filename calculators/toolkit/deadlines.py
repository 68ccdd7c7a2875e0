"""Deadlines after a refund fraud: the 治安 discovery period, criminal limitation by tier, the civil
revocation periods and the limitation period, each with its article, last day and days left, and an
.ics calendar of reminders.

Every figure comes from the engine's rule data (``rules/administrative.toml`` discovery_months,
``rules/criminal.toml`` limitation_years, ``rules/civil.toml`` periods) and every date from the
engine's period arithmetic (``calculators.administrative.add_months`` / ``calculators.civil.period_end``,
the method of 民法典第二百零一、二百零二条). With an amount, the tier comes from the engine's
``classify``; otherwise from the calculator's ``tier`` parameter; otherwise every tier is listed.
``today`` is passed in (the page sends the browser's date; the CLI its own): nothing here reads the clock.

CLI: ``python -m calculators.toolkit.deadlines --act 2026-03-01 --known 2026-03-05 [--amount 3500
--province 浙江] [--ics FILE]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from datetime import date
from typing import Any

from calculators import ruleset
from calculators.administrative import add_months
from calculators.civil import period_end
from calculators.laws import cite
from calculators.toolkit import ics
from calculators.limits import clip
from calculators.money import format_yuan
from calculators.toolkit.fees import InputError

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MIN_YEAR, MAX_YEAR = 1990, 2100

DISCLAIMER = ("这些日期是按条文推算的参考，不是法律意见。期间的起算、中止、中断和节假日顺延都可能改变到期日，"
              "重要的期限请尽早行动，并请律师核对。")
TIERS = ("none", "large", "huge", "especially_huge")
TIER_LABELS = {"none": "未达数额较大", "large": "数额较大", "huge": "数额巨大", "especially_huge": "数额特别巨大",
               "uncertain": "不确定"}
# calculator query parameter -> engine fact (the calculator's links use the short names)
ENGINE_KEYS = {"amount": "amount", "province": "province", "region": "region", "act": "act_date",
               "decision": "decision_date", "attempt": "refund_obtained", "c": "circumstances", "known_date": "known_date",
               "discovery_date": "discovery_date"}
FIELD_OF_ENGINE = {v: k for k, v in ENGINE_KEYS.items()}
KNOWN_KEYS = set(ENGINE_KEYS) | {"today", "tier"}


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


def _tiers(payload: dict[str, Any], act: date, today: date | None) -> tuple[list[str], str, list[dict[str, Any]]]:
    """(possible tiers, where they came from, warnings): the calculator's own ``tier`` when its link
    passes one; else the engine's classify when an amount is given; else every tier."""
    tier = payload.get("tier")
    if tier not in (None, ""):
        if not isinstance(tier, str) or tier not in TIER_LABELS:
            raise InputError("tier", "数额档次只能是：none、large、huge、especially_huge、uncertain。")
        if tier != "uncertain":
            return [tier], "param", []
    if payload.get("amount") not in (None, "") and tier in (None, "", "uncertain"):
        from calculators.engine import classify  # lazy: the engine is only needed with an amount
        from calculators.facts import FactsError
        facts = {ENGINE_KEYS[k]: v for k, v in payload.items() if k in ENGINE_KEYS and v not in (None, "")}
        if "refund_obtained" in facts:  # the calculator's "attempt=1" means the refund was NOT obtained
            a = str(facts["refund_obtained"]).strip().lower()
            facts["refund_obtained"] = "false" if a in ("1", "true", "yes", "是") else "true"
        try:
            r = classify(facts, today=today or act).to_dict()
        except FactsError as e:
            raise InputError(FIELD_OF_ENGINE.get(e.field or "", e.field or "amount"), e.message) from None
        crim = r["criminal"]
        return list(crim["possible_tiers"]), "engine", [{"code": "tier_from_engine", "text":
            f"按金额 {format_yuan(r['amount_yuan'])}" + (f"和{r['facts']['province']}的标准" if r["facts"].get("province") else "（未选省份）")
            + f"，计算器的结论是：{TIER_LABELS.get(crim['tier'], crim['tier'])}。", "citations": ["xingfa#art-266"]}]
    return list(TIERS), "all", []


def _entry(code: str, track: str, title: str, start: date | None, start_label: str, end: date | None,
           citations: list[str], basis: str, today: date | None, notes: list[str] | None = None) -> dict[str, Any]:
    days = (end - today).days if (end is not None and today is not None) else None
    status = None if days is None else ("passed" if days < 0 else "today" if days == 0 else "open")
    return {"code": code, "track": track, "title": title, "start": start.isoformat() if start else None,
            "start_label": start_label, "last_day": end.isoformat() if end else None, "days_left": days,
            "status": status, "citations": citations, "basis": basis, "notes": notes or []}


def compute(payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InputError("payload", "输入格式无法识别。")
    for key in payload:
        if key not in KNOWN_KEYS:
            raise InputError(str(key)[:40], f"未知的字段“{str(key)[:40]}”。")
    act = parse_date(payload.get("act"), "act", "行为日期（买家申请退款的日期）")
    assert act is not None
    known = parse_date(payload.get("known_date"), "known_date", "你发现受骗的日期", required=False)
    today = parse_date(payload.get("today"), "today", "今天的日期", required=False)
    decision = parse_date(payload.get("decision"), "decision", "处理日期", required=False)
    if known is not None and known < act:
        raise InputError("known_date", f"你发现受骗的日期（{known.isoformat()}）早于行为日期（{act.isoformat()}），请检查日期顺序。")
    if today is not None:
        if act > today:
            raise InputError("act", f"行为日期（{act.isoformat()}）晚于今天（{today.isoformat()}），请检查。")
        if known is not None and known > today:
            raise InputError("known_date", f"你发现受骗的日期（{known.isoformat()}）晚于今天（{today.isoformat()}），请检查。")
    if decision is not None and decision < act:
        raise InputError("decision", f"处理日期（{decision.isoformat()}）早于行为日期（{act.isoformat()}），请检查。")

    rs = ruleset.load()
    possible, tier_source, warnings = _tiers(payload, act, today)
    deadlines: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []

    # 治安: six months for discovery, counted from the act; which text follows 行政处罚法第37条
    adm = rs.administrative
    switch: date = adm["transition"]["switch_date"]
    ref = decision or today or act
    keys = ["2025"] if act >= switch else (["2012"] if ref < switch else ["2012", "2025"])
    versions = [adm["versions"][k] for k in keys]
    months = {v["discovery_months"] for v in versions}
    if possible != ["none"] and "none" not in possible:
        notes.append({"code": "zhian_not_applicable", "text": "按金额可能构成诈骗罪：构成犯罪的，不以治安管理处罚代替刑事处罚，"
                      "六个月的治安发现期限只在不作为犯罪处理时才有意义。", "citations": [adm["versions"][keys[-1]]["scope_citation"]]})
    for m in sorted(months):
        vs = [v for v in versions if v["discovery_months"] == m]
        end = add_months(act, m)
        deadlines.append(_entry(
            "zhian-discovery", "administrative", f"治安案件：{m}个月内没有被公安机关发现的，不再处罚", act, "行为发生之日", end,
            [v["discovery_citation"] for v in vs],
            "；".join(f"{cite(v['discovery_citation']).label}：{v['discovery_text']}" for v in vs), today,
            ["起算点是行为发生之日（2025年文本第二十五条第二款：连续或者继续的，从行为终了之日起）。",
             "要看公安机关在这一天之前是否已经“发现”；什么情况算“发现”（例如接到报案是否即为发现），本站收录的文本没有界定（待核实）。"
             "请尽量在这一天之前报案。"]
            + (["行为在2026年1月1日以前、处理在以后：两个文本都规定六个月（行政处罚法第三十七条决定适用哪一个）。"] if len(keys) == 2 else []),
        ))

    # criminal limitation: 刑法第八十七条 by tier, from the act (第八十九条)
    tiers_data = rs.criminal["tiers"]
    lim = rs.criminal["limitation"]
    crime_tiers = [t for t in possible if t != "none"]
    for t in crime_tiers:
        years = tiers_data[t]["limitation_years"]
        end = add_months(act, years * 12)
        deadlines.append(_entry(
            f"criminal-limitation-{t}", "criminal", f"刑事追诉期限（{TIER_LABELS[t]}）：经过{years}年不再追诉", act, "犯罪之日",
            end, list(dict.fromkeys(tiers_data[t]["citations"] + [lim["start_citation"]])),
            f"刑法第八十七条{tiers_data[t]['limitation_item']}。{lim['start']}", today,
            list(lim["notes"])))
    if not crime_tiers:
        notes.append({"code": "no_crime_tier", "text": "按所填金额未达到诈骗罪“数额较大”的标准，不涉及刑事追诉期限。", "citations": ["xingfa#art-266"]})
    elif tier_source == "all":
        notes.append({"code": "tier_unknown", "text": "没有填写金额，无法确定数额档次：这里列出每一档的追诉期限。填写金额和省份可以只看适用的一档。",
                      "citations": ["xingfa#art-87"]})
    elif len(crime_tiers) > 1 or "none" in possible:
        notes.append({"code": "tier_uncertain", "text": "数额档次不确定（取决于省份的标准）：列出了可能的各档。", "citations": ["xingfa#art-87"]})
    if crime_tiers:
        notes.append({"code": "criminal_method", "text": "刑事追诉期限按日历上的同月同日推算；刑法本身的期间计算规则不在本站收录的文本中（待核实）。"
                      "立案后逃避侦查或审判、被害人在期限内控告而应当立案未立案的，不受期限限制（刑法第八十八条）。",
                      "citations": ["xingfa#art-88", "xingfa#art-89"], "pending": True})

    # civil periods (民法典第一百五十二条, 第一百八十八条)
    periods = {p["code"]: p for p in rs.civil["periods"]}
    p1, p5, p3, p20 = periods["revocation_known"], periods["revocation_absolute"], periods["limitation"], periods["limitation_max"]
    five_end = period_end(act, years=p5["years"], months=p5["months"])
    twenty_end = period_end(act, years=p20["years"], months=p20["months"])
    if known is not None:
        one_end = min(period_end(known, years=p1["years"], months=p1["months"]), five_end)
        three_end = min(period_end(known, years=p3["years"], months=p3["months"]), twenty_end)
    else:
        one_end = three_end = None
    need_known = ["没有填写你发现受骗的日期，无法算出到期日。"] if known is None else []
    deadlines.append(_entry("civil-revocation-1y", "civil", p1["label"], known, "知道或者应当知道撤销事由之日", one_end,
                            [p1["citation"]], p1["text"], today,
                            need_known + ["撤销权期间不适用中止、中断和延长（民法典第一百九十九条）。",
                                          "只有你自己因受骗作出了同意退款等意思表示时，才谈得上撤销；平台直接判定的退款，通常按不当得利或侵权主张返还。"]))
    deadlines.append(_entry("civil-revocation-5y", "civil", p5["label"], act, "民事法律行为发生之日", five_end,
                            [p5["citation"]], p5["text"], today, ["撤销权期间不适用中止、中断和延长（民法典第一百九十九条）。"]))
    deadlines.append(_entry("civil-limitation-3y", "civil", p3["label"], known, "知道或者应当知道权利受到损害以及义务人之日",
                            three_end, [p3["citation"]], p3["text"], today,
                            need_known + ["起算需要同时知道受到损害和义务人（买家是谁）：当时还不知道买家身份的，起算日会更晚。",
                                          "向买家提出还款请求、买家同意还款、起诉或申请仲裁等，诉讼时效中断，从中断时起重新计算（民法典第一百九十五条）。"]))
    deadlines.append(_entry("civil-limitation-20y", "civil", p20["label"], act, "权利受到损害之日", twenty_end,
                            [p20["citation"]], p20["text"], today))
    notes.append({"code": "civil_method", "text": rs.civil["period_rules"]["start_day"] + rs.civil["period_rules"]["end_day"],
                  "citations": ["minfadian#art-201", "minfadian#art-202"]})
    notes.append({"code": "holiday", "text": rs.civil["period_rules"]["holiday"], "citations": ["minfadian#art-203"], "pending": True})
    notes.append({"code": "interruption", "text": "诉讼时效期间的最后六个月内因不可抗力等障碍不能行使请求权的，诉讼时效中止（民法典第一百九十四条）；"
                  "提出履行请求、对方同意履行、起诉等，诉讼时效中断（第一百九十五条）。本工具按没有中止、中断计算。",
                  "citations": ["minfadian#art-194", "minfadian#art-195", "minfadian#art-199"]})

    order = {"open": 0, "today": 0, None: 1, "passed": 2}
    upcoming = sorted((d for d in deadlines if d["last_day"]), key=lambda d: (order[d["status"]], d["last_day"]))
    events = [ics.Event(key=d["code"], day=date.fromisoformat(d["last_day"]), summary=d["title"],
                        description=f"{d['basis']}\n起算：{d['start_label']}（{d['start']}）\n"
                                    "本提醒由“恶意仅退款法律指南”期限计算工具生成，仅供参考，请律师核对。",
                        alarms_days_before=(30, 7, 1) if (date.fromisoformat(d["last_day"]) - act).days > 365 else (7, 1))
              for d in upcoming if d["status"] != "passed"]
    all_ids: list[str] = []
    for d in deadlines:
        all_ids += d["citations"]
    for n in notes + warnings:
        all_ids += n["citations"]
    return {
        "act": act.isoformat(), "known_date": known.isoformat() if known else None,
        "today": today.isoformat() if today else None,
        "possible_tiers": possible, "tier_source": tier_source,
        "deadlines": upcoming + [d for d in deadlines if not d["last_day"]],
        "ics": ics.calendar(events, today or act) if events else None,
        "ics_filename": "仅退款维权期限.ics",
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
