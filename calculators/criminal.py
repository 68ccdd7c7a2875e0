"""Criminal track: 刑法第二百六十六条 诈骗罪, the amount tiers of the 2011 interpretation and the
provincial standards, attempts, the 2011 interpretation's arts. 2-5, and the circumstances.

Rules (see ARCHITECTURE.md and the rule files):
- thresholds are inclusive (刑法第九十九条: "以上" includes the figure);
- without usable provincial figures, an amount between the national floor and ceiling of a tier
  gives ``uncertain`` with the possible tiers, never a guess;
- 从旧兼从轻: the possible tiers are computed under the standard in force at the act date and at
  the decision date, and the lighter of each pair is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from . import sentencing
from .facts import Facts, money
from .result import CriminalResult, Trail
from .ruleset import AMOUNT_TIERS, TIER_ORDER, TIERS, Province, ProvinceVersion, Region, Ruleset, Thresholds

TIER_LABELS = {
    "none": "未达数额较大", "large": "数额较大", "huge": "数额巨大", "especially_huge": "数额特别巨大",
    "uncertain": "不确定",
}
ART2_NEAR_CODES = ("mass_telecom", "relief_funds", "disaster_donation", "vulnerable_victim", "serious_consequence", "gang_leader")
J = "zhapian-jieshi-2011"


def tier_of(amount: Decimal, t: Thresholds) -> str:
    """Highest tier whose floor the amount reaches (inclusive, 刑法第九十九条)."""
    tier = "none"
    for name in AMOUNT_TIERS:
        floor = t.get(name)
        if floor is not None and amount >= floor:
            tier = name
    return tier


def span(tiers: set[str]) -> set[str]:
    """Fill the gaps: if none and huge are possible, large is too (thresholds are monotone)."""
    orders = [TIER_ORDER[t] for t in tiers]
    return {TIERS[i] for i in range(min(orders), max(orders) + 1)}


def ordered(tiers: set[str]) -> list[str]:
    return sorted(tiers, key=TIER_ORDER.__getitem__)


def fmt(value: int | Decimal | None) -> str:
    if value is None:
        return "—"
    v = Decimal(value)
    if v >= 10000 and v % 10000 == 0:
        return f"{v / 10000:.0f}万元"
    if v >= 10000 and v % 1000 == 0:
        return f"{v / 10000:.1f}万元"
    return f"{v:,.2f}".rstrip("0").rstrip(".") + "元"


@dataclass
class Basis:
    """Which figures apply on one date."""
    on: date
    mode: str                        # exact | national | regions
    thresholds: Thresholds | None
    regions: tuple[Region, ...]
    version: ProvinceVersion | None
    reason: str                      # why this mode (for the steps)

    def key(self) -> tuple[Any, ...]:
        return (self.mode, self.thresholds, self.regions, id(self.version))


@dataclass
class Evaluation:
    possible: set[str]
    steps: list[tuple[str, list[str]]] = field(default_factory=list)
    warnings: list[tuple[str, str, list[str]]] = field(default_factory=list)


def basis_at(rs: Ruleset, province: Province | None, region: Region | None, on: date) -> Basis:
    if province is None:
        return Basis(on, "national", None, (), None, "未填写省份")
    version = rs.version_in_force(province, on)
    if version is None:
        return Basis(on, "national", None, (), None, f"{province.name}的数额标准文件在 {on.isoformat()} 尚未施行")
    if not version.has_figures:
        return Basis(on, "national", None, (), version, f"资料包没有{province.name}的可靠数额标准（UNKNOWN）")
    if version.regions:
        if region is not None:
            match = next((r for r in version.regions if r.code == region.code), None)
            if match is not None:
                return Basis(on, "exact", match.thresholds, (match,), version, f"{province.name}{match.label}")
        return Basis(on, "regions", None, version.regions, version, f"{province.name}分地区规定数额，未填写城市")
    return Basis(on, "exact", version.thresholds, (), version, province.name)


def evaluate(rs: Ruleset, amount: Decimal, basis: Basis, facts: Facts) -> Evaluation:
    ev = Evaluation(set())
    cites_t = [f"{J}#art-1", "xingfa#art-99"]
    if basis.mode == "national":
        low, high = rs.national_thresholds_low(), rs.national_thresholds_high()
        ev.possible = span({tier_of(amount, low), tier_of(amount, high)})
        ev.steps.append((
            f"{basis.reason}：只能用全国幅度（数额较大 {fmt(low.large)}至{fmt(high.large)}、数额巨大 {fmt(low.huge)}至"
            f"{fmt(high.huge)}、数额特别巨大 {fmt(low.especially_huge)}）。{fmt(amount)}在这些幅度下可能属于："
            f"{'、'.join(TIER_LABELS[t] for t in ordered(ev.possible))}。",
            cites_t,
        ))
    elif basis.mode == "regions":
        per = {r.label: tier_of(amount, r.thresholds) for r in basis.regions}
        ev.possible = span(set(per.values()))
        detail = "；".join(
            f"{r.label}（{'、'.join(r.cities[:6])}{'等' if len(r.cities) > 6 else ''}）数额较大 {fmt(r.thresholds.large)}、"
            f"数额巨大 {fmt(r.thresholds.huge)}，按此为{TIER_LABELS[per[r.label]]}"
            for r in basis.regions
        )
        ev.steps.append((f"{basis.reason}：{detail}。", cites_t))
    else:
        t = basis.thresholds
        assert t is not None
        tier = tier_of(amount, t)
        ev.possible = {tier}
        ev.steps.append((
            f"{basis.reason}的数额标准：数额较大 {fmt(t.large)}以上、数额巨大 {fmt(t.huge)}以上、数额特别巨大 "
            f"{fmt(t.especially_huge)}以上（“以上”包括本数）。{fmt(amount)}属于：{TIER_LABELS[tier]}。",
            cites_t + ["xingfa#art-266"],
        ))
    _apply_specials(rs, amount, basis, facts, ev)
    return ev


def _apply_specials(rs: Ruleset, amount: Decimal, basis: Basis, facts: Facts, ev: Evaluation) -> None:
    present = set(facts.circumstances)
    handled_near: set[str] = set()
    version = basis.version
    if version is not None and basis.mode == "exact" and basis.thresholds is not None:
        t = basis.thresholds
        for s in version.specials:
            hit = present & set(s.circumstances)
            if not hit:
                continue
            labels = "、".join(rs.circumstances[c].label for c in s.circumstances if c in hit)
            if s.kind == "lower_large_floor" and s.min is not None and t.large is not None and s.min <= amount < t.large:
                ev.possible = {"large"}
                ev.steps.append((f"本地特别规定：{s.text}已选择的情节（{labels}）符合，因此按数额较大处理。", [f"{J}#art-1"]))
            elif s.kind == "aggravated_floors" and s.floors is not None:
                handled_near |= hit
                higher = tier_of(amount, s.floors)
                cur = max(ev.possible, key=TIER_ORDER.__getitem__)
                if TIER_ORDER[higher] > TIER_ORDER[cur]:
                    ev.possible = {higher}
                ev.steps.append((
                    f"本地特别规定：{s.text}已选择的情节（{labels}）符合；按这些数额，{fmt(amount)}属于"
                    f"{TIER_LABELS[tier_of(amount, s.floors)]}（数额巨大、特别巨大两档在此是“其他严重情节”“其他特别严重情节”）。",
                    [f"{J}#art-1", f"{J}#art-2"],
                ))
            elif s.kind == "near_large" and s.min is not None and t.large is not None and s.min <= amount < t.large:
                ev.possible = {"none", "large"}
                ev.steps.append((f"本地特别规定：{s.text}已选择的情节（{labels}）符合，结果列为可能构成。", [f"{J}#art-1"]))
                ev.warnings.append(("near_large_undefined", "江苏的规定没有说明“接近数额较大”具体是多少：3000元以上不满6000元且有所列情形的，只能列为可能构成犯罪。", [f"{J}#art-1"]))
    near = (present & set(ART2_NEAR_CODES)) - handled_near
    if near:
        # 诈骗案件解释第二条第二款: "接近" the next tier has no national figure, so no cut-off is applied:
        # with a listed circumstance, the next tier up is always possible and the result says why.
        nt = rs.criminal["near_threshold"]
        added = {TIERS[TIER_ORDER[t] + 1] for t in ev.possible if t in ("large", "huge")}
        labels = "、".join(rs.circumstances[c].label for c in near)
        if added - ev.possible:
            ev.possible |= added
            ev.steps.append((
                f"诈骗案件解释第二条第二款：数额接近“数额巨大”“数额特别巨大”的标准，并有第二条所列情形或者属于诈骗集团首要分子（{labels}）的，"
                f"应当分别认定为“其他严重情节”“其他特别严重情节”。“接近”没有全国统一的数字，{fmt(amount)}是否算接近由办案机关判断，"
                f"因此更高一档列为可能：{'、'.join(TIER_LABELS[x] for x in ordered(added))}。",
                [f"{J}#art-2", "xingfa#art-266"],
            ))
            ev.warnings.append(("near_threshold_undefined", nt["text"], list(nt["citations"])))


def _attempt(ev: Evaluation, facts: Facts) -> None:
    if facts.refund_obtained:
        return
    new: set[str] = set()
    for t in ev.possible:
        new |= {"none", "large"} if t == "large" else {t}
    ev.possible = new


def _thresholds_dict(t: Thresholds | None) -> dict[str, str] | None:
    if t is None:
        return None
    return {k: money(v) for k, v in t.to_dict().items() if v is not None}  # type: ignore[misc]


def _version_source(province: Province | None, basis: Basis) -> dict[str, Any] | None:
    v = basis.version
    if province is None or v is None:
        return None
    return {
        "province": province.name, "province_code": province.code,
        "region": basis.regions[0].label if basis.mode == "exact" and basis.regions else None,
        "document": v.document_title, "document_note": v.document, "document_date": v.document_date,
        "confidence": v.confidence,
        "from": v.valid_from.isoformat() if v.valid_from else None, "date_known": v.date_known,
        "sources": list(v.sources), "caveats": list(v.caveats),
    }


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February -> 28 February (no corresponding day: last day of the month)
        return d.replace(year=d.year + years, day=28)


def assess(rs: Ruleset, facts: Facts, trail: Trail) -> CriminalResult:
    tiers = rs.criminal["tiers"]
    amount = facts.amount
    province, region = facts.province, facts.region
    pending = False

    trail.step("criminal", f"诈骗罪的定罪量刑首先看数额：刑法第二百六十六条分数额较大、数额巨大、数额特别巨大三档，"
                           f"全国幅度由诈骗案件解释（2011）第一条规定，各省在幅度内确定本地标准。本案按 {fmt(amount)} 计算。",
               ["xingfa#art-266", f"{J}#art-1"])

    b_act = basis_at(rs, province, region, facts.act_date)
    b_dec = basis_at(rs, province, region, facts.decision_date)
    ev_act = evaluate(rs, amount, b_act, facts)
    _attempt(ev_act, facts)
    same = b_act.key() == b_dec.key()
    if same:
        ev_dec = ev_act
    else:
        ev_dec = evaluate(rs, amount, b_dec, facts)
        _attempt(ev_dec, facts)

    for text, cites in ev_act.steps:
        trail.step("criminal", f"按行为时（{facts.act_date.isoformat()}）的标准：" + text if not same else text, cites)
    if not same:
        for text, cites in ev_dec.steps:
            trail.step("criminal", f"按处理时（{facts.decision_date.isoformat()}）的标准：" + text, cites)
    for ev in (ev_act, ev_dec) if not same else (ev_act,):
        for code, text, cites in ev.warnings:
            trail.warn(code, text, cites, "criminal")

    possible = {min(a, d, key=TIER_ORDER.__getitem__) for a in ev_act.possible for d in ev_dec.possible}
    possible = span(possible)
    te = rs.criminal["time_effect"]
    time_effect = {"act_date_possible": ordered(ev_act.possible), "decision_date_possible": ordered(ev_dec.possible),
                   "applied": "lighter", "note": te["note"], "citation": te["citation"]}
    if ev_act.possible != ev_dec.possible:
        trail.step("criminal", "行为时和处理时的数额标准不同：按从旧兼从轻的做法取较轻的结果。" + te["note"],
                   [te["citation"]])
        trail.warn("time_effect_pending", te["note"], [te["citation"]], "criminal")
        pending = True

    if not facts.refund_obtained:
        trail.step("criminal", "退款申请没有成功（未遂）。诈骗案件解释第五条：以数额巨大的财物为诈骗目标的，或者具有其他严重情节的，"
                               "应当定罪处罚；对以数额较大的财物为目标的未遂，该解释没有规定，因此这一档只能列为“可能构成”。"
                               "对于未遂犯，可以比照既遂犯从轻或者减轻处罚（刑法第二十三条）；量刑指导意见：可以减少基准刑的50%以下（PARTIAL，待核实）。",
                   ["xingfa#art-23", f"{J}#art-5", "liangxing-2021#item-3-4"])
        if "large" in possible:
            trail.warn("attempt_large_unsettled", "以数额较大的财物为目标的诈骗未遂是否追究，诈骗案件解释没有规定：结果列为“可能构成”。",
                       [f"{J}#art-5", "xingfa#art-23"], "criminal")

    tier = ordered(possible)[0] if len(possible) == 1 else "uncertain"
    crime_tiers = [t for t in ordered(possible) if t != "none"]

    # provenance and caveats of the figures used
    for basis in (b_act,) if same else (b_act, b_dec):
        v = basis.version
        if province is None:
            trail.warn("no_province", "没有填写省份：各省的数额标准不同，金额落在全国幅度之间时结果只能是“不确定”。填写省份（广东还需城市）可以得到确定的结果。",
                       [f"{J}#art-1"], "criminal")
            continue
        if v is None:
            trail.warn("province_not_in_force", f"{basis.reason}：该日按全国幅度计算。", [f"{J}#art-1"], "criminal")
            continue
        if v.confidence == "UNKNOWN":
            trail.warn("province_unknown", f"资料包没有找到{province.name}可靠的诈骗罪数额标准：按全国幅度计算，幅度之间的金额结果为“不确定”。",
                       [f"{J}#art-1"], "criminal")
            continue
        caveats = list(v.caveats)
        if v.confidence == "REPORTED":
            pending = True
            first = caveats.pop(0) if caveats and "REPORTED" in caveats[0] else "数额只见于二手来源（REPORTED），待核实。"
            trail.warn("threshold_reported", f"{province.name}：{first}", [f"{J}#art-1"], "criminal")
        if not v.date_known:
            pending = True
        for c in caveats:
            pending = True
            trail.warn("threshold_caveat", f"{province.name}：{c}", [f"{J}#art-1"], "criminal")
        if basis.mode == "regions":
            trail.warn("region_missing", f"{province.name}按城市分两类标准：填写城市（地区）可以得到确定的结果。", [f"{J}#art-1"], "criminal")

    # sentence and limitation
    sentences = [
        {"tier": t, "label": tiers[t]["label"], "text": tiers[t]["statutory_text"], "penalties": list(tiers[t]["penalties"]),
         "min_years": tiers[t]["min_years"], "max_years": tiers[t]["max_years"] or None, "life": tiers[t]["life"],
         "fine": tiers[t]["fine"], "citations": ["xingfa#art-266"]}
        for t in crime_tiers
    ]
    limitation_by_tier = {t: tiers[t]["limitation_years"] for t in crime_tiers}
    sentence: str | None = None
    limitation_years: int | None = None
    limitation: dict[str, Any] | None = None
    if tier in AMOUNT_TIERS:
        sentence = f"刑法第二百六十六条：{tiers[tier]['statutory_text']}。"
        limitation_years = tiers[tier]["limitation_years"]
        until = _add_years(facts.act_date, limitation_years)
        limitation = {
            "years": limitation_years, "item": tiers[tier]["limitation_item"], "from": facts.act_date.isoformat(),
            "until_approx": until.isoformat(), "expired_at_decision": facts.decision_date > until,
            "notes": list(rs.criminal["limitation"]["notes"]),
            "citations": ["xingfa#art-87", "xingfa#art-88", "xingfa#art-89"],
        }
        trail.step("criminal", f"法定刑（{TIER_LABELS[tier]}）：{tiers[tier]['statutory_text']}。", ["xingfa#art-266"])
        trail.step("criminal", f"追诉期限：这一档的法定最高刑对应刑法第八十七条第{tiers[tier]['limitation_item'][1]}项，"
                               f"经过{limitation_years}年不再追诉，从犯罪之日起计算（连续或继续的从终了之日起）；"
                               f"立案后逃避侦查审判、被害人在期限内控告而应立案未立案的，不受期限限制。",
                   ["xingfa#art-87", "xingfa#art-88", "xingfa#art-89"])
        if limitation["expired_at_decision"]:
            trail.warn("limitation_may_have_run", f"按行为日期粗算，追诉期限约在 {until.isoformat()} 届满，处理日期已经超过：是否真的不再追诉，要看有无刑法第八十八条、第八十九条的中断或不受限制情形。",
                       ["xingfa#art-87", "xingfa#art-88", "xingfa#art-89"], "criminal")
    elif tier == "uncertain" and crime_tiers:
        sentence = "；或者".join(f"{tiers[t]['statutory_text']}" for t in crime_tiers)
        sentence = f"刑法第二百六十六条（视最终认定的数额档次）：{sentence}。"
        trail.step("criminal", "结果不确定：可能的各档法定刑与追诉期限："
                   + "；".join(f"{TIER_LABELS[t]}——{tiers[t]['statutory_text']}，追诉期限{tiers[t]['limitation_years']}年" for t in crime_tiers) + "。",
                   ["xingfa#art-266", "xingfa#art-87"])
    else:
        trail.step("criminal", f"{fmt(amount)}未达到诈骗罪“数额较大”的标准：一般不作为诈骗罪追究（但见下面的情节和提示）。",
                   [f"{J}#art-1"])

    # circumstances
    circ_out: list[dict[str, Any]] = []
    characterisation: list[dict[str, Any]] = []
    for code in facts.circumstances:
        c = rs.circumstances[code]
        eff = c.effect("criminal")
        if eff is None:
            continue
        item = {"code": code, "label": c.label, "kind": eff["kind"], "effect": eff["effect"], "citations": list(eff["citations"])}
        if "partial" in c.tags or any(x.startswith("liangxing-2021") or x.startswith("dianxin-yijian") for x in eff["citations"]):
            item["pending_verification"] = True
        circ_out.append(item)
        if eff["kind"] == "characterisation":
            characterisation.append(item)
            trail.warn(f"characterisation_{code}", f"{c.label}：{eff['effect']}", eff["citations"], "criminal")
        elif crime_tiers:
            trail.step("criminal", f"情节“{c.label}”：{eff['effect']}", eff["citations"])
    if any(x.get("pending_verification") for x in circ_out):
        trail.warn("sentencing_guidance_partial", "量刑指导意见（2021）的调节比例来自 PARTIAL 转录，未在发布机关网站核对：只作参考，待核实。",
                   ["liangxing-2021#item-3-0"], "criminal")

    # art. 3: non-prosecution / exemption
    grounds = [c for c in facts.circumstances if any(tag.startswith("art3-") for tag in rs.circumstances[c].tags)]
    attempt_ground = not facts.refund_obtained
    non_pros = "large" in possible and bool(grounds or attempt_ground)
    if non_pros:
        names = [rs.circumstances[c].label for c in grounds] + (["未遂（法定从宽情节）"] if attempt_ground else [])
        remorse = any("remorse" in rs.circumstances[c].tags for c in facts.circumstances)
        trail.step("criminal",
                   f"诈骗案件解释第三条：已达到数额较大，但具有法定从宽情节、一审宣判前全部退赃退赔、被害人谅解等情形之一（本案：{'、'.join(names)}），"
                   "且行为人认罪、悔罪的，可以不起诉或者免予刑事处罚（刑法第三十七条；该条所引“刑事诉讼法第一百四十二条”即现行刑事诉讼法第一百七十七条第二款）。"
                   + ("" if remorse else "所填情节中没有自首、坦白或认罪认罚，还需要行为人认罪、悔罪。")
                   + "本站只在“数额较大”这一档提示这种可能。",
                   [f"{J}#art-3", "xingfa#art-37", "xingshi-susong-2018#art-177"])

    close_rel = None
    if facts.has("close_relative"):
        forgiven = facts.has("forgiveness")
        close_rel = {"forgiven": forgiven, "effect": "一般可不按犯罪处理" if forgiven else "确有追究必要的，也应酌情从宽",
                     "citations": [f"{J}#art-4"]}
        trail.step("criminal", ("被骗的是近亲属且已谅解：诈骗案件解释第四条，一般可不按犯罪处理。" if forgiven else
                                "被骗的是近亲属：取得近亲属谅解的，一般可不按犯罪处理；确有追究刑事责任必要的，也应酌情从宽（诈骗案件解释第四条）。"),
                   [f"{J}#art-4"])

    probation_excluded = facts.has("recidivist", "gang_leader") and bool(crime_tiers)
    if probation_excluded:
        trail.step("criminal", "累犯和犯罪集团的首要分子不适用缓刑（刑法第七十四条）。", ["xingfa#art-74"])

    sentence_estimate = sentencing.estimate(  # issue 14: one cited range per possible tier
        amount, crime_tiers, province.code if province else None, region.code if region else None,
        list(facts.circumstances), facts.refund_obtained, act_date=facts.act_date, decision_date=facts.decision_date, rs=rs)

    ranges = None
    if b_act.mode != "exact" or b_dec.mode != "exact":
        ranges = {t: [money(lo), money(hi)] for t, (lo, hi) in rs.national_ranges.items()}  # type: ignore[misc]
    used = b_act if b_act.mode == "exact" else (b_dec if b_dec.mode == "exact" else None)
    cites = ["xingfa#art-266", f"{J}#art-1", "xingfa#art-99"]
    codes = {w.code for w in trail.warnings}
    what_changes: list[str] = []
    if province is None or "province_unknown" in codes:
        what_changes.append("案件所在的省份（各省在全国幅度内确定数额标准；没有可靠的省级标准时只能按全国幅度给出“不确定”）。")
    if "region_missing" in codes:
        what_changes.append("案件所在的城市（广东一类、二类地区标准不同）。")
    if not facts.act_date_given or not same:
        what_changes.append("行为日期（决定适用哪一版数额标准）。")
    if not facts.refund_obtained:
        what_changes.append("退款是否实际到手（既遂还是未遂）。")
    if "near_threshold_undefined" in codes or "near_large_undefined" in codes:
        what_changes.append("办案机关是否认为金额“接近”更高一档（没有全国数字）。")
    what_changes.append("金额是否还有未经处理的其他退款需要合并计算（合并是实务做法，不是全国性规定）。")
    what_changes.append("是否以差评、投诉相威胁（可能是敲诈勒索），是否调包退货（诈骗还是盗窃有争议）。")
    return CriminalResult(
        tier=tier, possible_tiers=ordered(possible), tier_label=TIER_LABELS[tier],
        thresholds_yuan=_thresholds_dict(used.thresholds) if used else None,
        thresholds_source=_version_source(province, used) if used else _version_source(province, b_act),
        national_ranges_yuan=ranges, sentence=sentence, sentences=sentences,
        limitation_years=limitation_years, limitation_years_by_tier=limitation_by_tier, limitation=limitation,
        attempt=not facts.refund_obtained, circumstances=circ_out, non_prosecution_possible=non_pros,
        close_relative=close_rel, probation_excluded=probation_excluded, characterisation=characterisation,
        time_effect=time_effect, pending_verification=pending, what_changes=what_changes, citations=cites,
        sentence_estimate=sentence_estimate,
    )
