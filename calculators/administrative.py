"""Administrative track: 治安管理处罚法 (2012 text until 2025-12-31; 2025 text from 2026-01-01).

Which text: 行政处罚法第三十七条 — the law at the time of the act; where the law changed before the
decision and the new one punishes more lightly, the new one. For an act before 2026-01-01 decided
later, both texts are shown with the comparison; which one is lighter depends on the punishment
considered (an open question in the source pack), so the engine does not pick one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .facts import Facts, money
from .result import AdministrativeResult, Trail
from .ruleset import Ruleset


def add_months(d: date, months: int) -> date:
    """The corresponding day ``months`` later; the last day of the month where there is none
    (the method of 民法典第二百零一、二百零二条)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 31, 30, 29, 28):
        if day <= d.day:
            try:
                return date(year, month, day)
            except ValueError:
                continue
    raise AssertionError("unreachable")


def _version_dict(rs: Ruleset, key: str, facts: Facts) -> dict[str, Any]:
    v = rs.administrative["versions"][key]
    track = f"admin_{key}"
    mitigation: list[dict[str, Any]] = []
    aggravation: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    both_19_2 = facts.has("restitution") and facts.has("forgiveness")
    for code in facts.circumstances:
        c = rs.circumstances[code]
        eff = c.effect(track)
        if eff is None:
            continue
        item = {"code": code, "label": c.label, "effect": eff["effect"], "citations": list(eff["citations"])}
        kind = eff["kind"]
        if key == "2012" and code in ("restitution", "forgiveness") and not both_19_2:
            kind = "info"
            item["effect"] = eff["effect"] + "本案只具备其中一项，不足以适用该项。"
        if kind == "mitigation":
            mitigation.append(item)
        elif kind == "aggravation":
            aggravation.append(item)
        else:
            notes.append(item)
    return {
        "law_version": key, "label": v["label"], "law": v["law"], "article": v["article"], "citation": v["citation"],
        "text": v["text"], "detention_days": list(v["detention_days"]), "fine_max_yuan": money(v["fine_max_yuan"]),
        "fine_alone_possible": v["fine_alone_possible"],
        "serious": {"detention_days": list(v["serious_detention_days"]), "fine_max_yuan": money(v["serious_fine_max_yuan"]),
                    "fine_alone_possible": v["serious_fine_alone_possible"]},
        "mitigation": mitigation, "mitigation_effect": v["mitigation_effect"],
        "aggravation": aggravation, "notes": notes,
        "citations": [v["citation"], v["inclusive_citation"], v["scope_citation"]],
    }


def assess(rs: Ruleset, facts: Facts, possible_tiers: list[str], trail: Trail) -> AdministrativeResult:
    adm = rs.administrative
    switch: date = adm["transition"]["switch_date"]
    if possible_tiers == ["none"]:
        applies: bool | str = True
        summary = "未达到诈骗罪的数额标准：可以由公安机关依照治安管理处罚法给予治安管理处罚。"
    elif "none" in possible_tiers:
        applies = "conditional"
        summary = "是否构成犯罪不确定：如果不作为犯罪追究，可以依照治安管理处罚法处罚。"
    else:
        applies = False
        summary = "按所填事实可能构成诈骗罪：构成犯罪应当追究刑事责任的，不得以治安管理处罚代替刑事处罚。"

    if facts.act_date >= switch:
        keys = ["2025"]
    elif facts.decision_date < switch:
        keys = ["2012"]
    else:
        keys = ["2012", "2025"]
    transition = len(keys) == 2

    scope = ["zhian-2012#art-2"] if keys == ["2012"] else ["zhian-2025#art-3", "zhian-2025#art-8"] if keys == ["2025"] else \
        ["zhian-2012#art-2", "zhian-2025#art-8"]
    trail.step("administrative", f"治安管理处罚只处理尚不够刑事处罚的行为。{summary}", scope)

    versions = [_version_dict(rs, k, facts) for k in keys]
    t_cite = adm["transition"]["citation"]
    lighter = None
    if applies is False:
        which = "2012年文本" if keys == ["2012"] else "2025年文本" if keys == ["2025"] else "2012年和2025年两个文本（行为在2026-01-01以前、处理在以后）"
        trail.step("administrative", f"如果最终不作为犯罪处理，按行为和处理的日期应当看{which}（行政处罚法第三十七条）；"
                                     "这里不展开治安处罚的幅度。", [t_cite])
    elif transition:
        trail.step("administrative",
                   f"行为在 {facts.act_date.isoformat()}（2012年文本有效期间），处理在 {facts.decision_date.isoformat()}（2025年文本已施行）："
                   "行政处罚法第三十七条，原则上适用行为时的规定，新规定处罚较轻的适用新规定。两个文本都列出。",
                   [t_cite, "zhian-2012#art-49", "zhian-2025#art-58"])
        trail.step("administrative", adm["transition"]["ordinary"], ["zhian-2012#art-49", "zhian-2025#art-58", t_cite])
        trail.step("administrative", adm["transition"]["serious"], ["zhian-2012#art-49", "zhian-2025#art-58", t_cite])
        trail.warn("admin_lighter_open", adm["transition"]["open_question"], [t_cite], "administrative")
        lighter = {"ordinary": "2025", "serious": "2012", "decided": False,
                   "ordinary_reason": adm["transition"]["ordinary"], "serious_reason": adm["transition"]["serious"],
                   "open_question": adm["transition"]["open_question"], "citations": [t_cite]}
    else:
        why = ("行为发生在2026-01-01以后，适用2025年修订的文本" if keys == ["2025"]
               else "行为和处理都在2026-01-01以前，适用2012年修正的文本")
        trail.step("administrative", f"{why}（行政处罚法第三十七条）。", [t_cite])
    for v in versions if applies is not False else []:
        fine = (f"或者{money_text(v['fine_max_yuan'])}以下罚款（可以只罚款）" if v["fine_alone_possible"]
                else f"可以并处{money_text(v['fine_max_yuan'])}以下罚款（不能只罚款）")
        trail.step("administrative",
                   f"{v['label']}{v['article']}：诈骗的，处{v['detention_days'][0]}日以上{v['detention_days'][1]}日以下拘留，{fine}；"
                   f"情节较重的，处{v['serious']['detention_days'][0]}日以上{v['serious']['detention_days'][1]}日以下拘留，"
                   f"可以并处{money_text(v['serious']['fine_max_yuan'])}以下罚款。以上、以下包括本数。",
                   [v["citation"], v["citations"][1]])
        for m in v["mitigation"]:
            trail.step("administrative", f"{v['label']}：{m['label']}——{m['effect']}", m["citations"])
        for a in v["aggravation"]:
            trail.step("administrative", f"{v['label']}：{a['label']}——{a['effect']}", a["citations"])
        for n in v["notes"]:
            trail.step("administrative", f"{v['label']}：{n['label']}——{n['effect']}", n["citations"])

    # six months for discovery (2012 第二十二条 / 2025 第二十五条): counted from the act date
    months = rs.administrative["versions"][keys[0]]["discovery_months"]
    last_day = add_months(facts.act_date, months)
    d_cites = [rs.administrative["versions"][k]["discovery_citation"] for k in keys]
    discovery: dict[str, Any] = {
        "months": months, "from": facts.act_date.isoformat(), "last_day": last_day.isoformat(),
        "discovery_date": facts.discovery_date.isoformat() if facts.discovery_date else None,
        "expired": None, "decision_after_last_day": facts.decision_date > last_day, "citations": d_cites,
        "method": "从行为发生之日起计算（连续或继续的从终了之日起）；起算日不计入、到对应日止，按民法典第二百零一、二百零二条的方法推算，治安管理处罚法本身的计算规则不在本站收录的资料中，待核实。",
    }
    if facts.discovery_date is not None:
        discovery["expired"] = facts.discovery_date > last_day
        trail.step("administrative",
                   f"发现期限：违反治安管理行为在六个月内没有被公安机关发现的，不再处罚。自 {facts.act_date.isoformat()} 起算，约至 {last_day.isoformat()}；"
                   f"公安机关发现的日期 {facts.discovery_date.isoformat()} " + ("已超过，原则上不再处罚。" if discovery["expired"] else "在期限内。"),
                   d_cites)
    else:
        trail.step("administrative",
                   f"发现期限：违反治安管理行为在六个月内没有被公安机关发现的，不再处罚。自 {facts.act_date.isoformat()} 起算，约至 {last_day.isoformat()}。"
                   + ("处理日期已过这一天：是否还能处罚，取决于公安机关在此之前是否已经发现（报案、受案）。" if discovery["decision_after_last_day"]
                      else "处理日期尚在期限内。"),
                   d_cites)
        if discovery["decision_after_last_day"]:
            trail.warn("discovery_date_missing", "没有填写公安机关发现（接到报案）的日期：六个月的发现期限是否已过，取决于这个日期。", d_cites, "administrative")
    trail.warn("discovery_method", discovery["method"], d_cites + ["minfadian#art-201", "minfadian#art-202"], "administrative")
    if applies is not False:
        fv = adm["first_violation"]
        trail.warn("first_violation_debated", fv["note"], [fv["citation"]], "administrative")

    primary = versions[0] if not transition else None
    return AdministrativeResult(
        applies=applies, summary=summary,
        law_version=keys[0] if not transition else "2012/2025", law_versions=keys, transition=transition,
        article=primary["article"] if primary else f"第四十九条（2012年文本）/第五十八条（2025年文本）",
        detention_days=primary["detention_days"] if primary else (
            versions[0]["detention_days"] if all(v["detention_days"] == versions[0]["detention_days"] for v in versions) else None),
        fine_max_yuan=primary["fine_max_yuan"] if primary else None,
        fine_alone_possible=primary["fine_alone_possible"] if primary else None,
        serious=primary["serious"] if primary else None,
        mitigation=[m | {"law_version": v["law_version"]} for v in versions for m in v["mitigation"]],
        aggravation=[a | {"law_version": v["law_version"]} for v in versions for a in v["aggravation"]],
        versions=versions if applies is not False else [], lighter=lighter, discovery_period=discovery,
        citations=[v["citation"] for v in versions] + [t_cite],
    )


def money_text(s: str | None) -> str:
    if s is None:
        return ""
    whole = s.split(".")[0]
    return f"{whole}元"
