"""Sentence estimate for 诈骗罪 (issue 14): a cited range of months, never a single number.

The method is the 2021 sentencing guideline's (量刑指导意见, PARTIAL text in legal/partial/liangxing-2021.md)
with the statute's limits (刑法, VERIFIED):

1. 量刑起点 by tier (诈骗罪第1项), or a province's own starting point (实施细则, REPORTED);
2. 增加刑罚量 by the amount above the tier's floor (诈骗罪第2项; the yuan-per-month figures are
   provincial, REPORTED) -> 基准刑;
3. each circumstance's percentage of the 基准刑 (三、常见量刑情节的适用), added up "同向相加、逆向相减";
4. the 20% latitude of the court (宣告刑);
5. the statute's limits: 第62条 (从重、从轻 within the tier), 第63条 (减轻: the next lower range),
   第266条 (the tier's range), and probation (第72-74条) and the fine alone (第266条 "单处罚金").

Where the source pack has no figure (a province without increments, minors' percentage, the
circumstances of the 2011 interpretation's art. 2 without a percentage), the range is widened to
what the sources allow and a caveat says 待核实 and why. Each function below implements one
provision and is named after it; the data is ``calculators/rules/criminal/sentencing.toml``.

Standard library only (runs in Pyodide too).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache
from typing import Any

from ..errors import FactsError, RulesError
from ..labels import tier_label
from ..laws import rule_bytes
from ..ruleset import AMOUNT_TIERS, Ruleset, check_citations, load

__all__ = ["estimate", "sentencing_rules", "calibration", "fmt_months", "CONFIDENCE_ORDER"]

# Lowest first: the estimate's confidence is the lowest of its inputs.
CONFIDENCE_ORDER: dict[str, int] = {"REPORTED": 0, "PARTIAL": 1, "VERIFIED": 2}
LOWER_TIER = {"large": None, "huge": "large", "especially_huge": "huge"}
ZERO = Decimal(0)
HUNDRED = Decimal(100)

Span = tuple[Decimal, Decimal]


class SentencingRulesError(RulesError):
    """sentencing.toml is inconsistent (a bug in the data, not bad input)."""


# ---- the rule data --------------------------------------------------------------------------------

def _check(ids: list[str], where: str) -> None:
    check_citations(ids, where, SentencingRulesError)


@cache
def sentencing_rules() -> dict[str, Any]:
    """sentencing.toml, validated once: every value has a confidence and citations that resolve."""
    data = tomllib.loads(rule_bytes("criminal/sentencing.toml").decode("utf-8"))
    for section in ("statutory", "starting_points", "adjustments", "unquantified"):
        for key, item in data[section].items():
            if item.get("confidence") not in CONFIDENCE_ORDER:
                raise SentencingRulesError(f"{section}.{key}: confidence {item.get('confidence')!r}")
            if not item.get("citations"):
                raise SentencingRulesError(f"{section}.{key}: no citation")
            _check(list(item["citations"]) + list(item.get("extra_citations", [])), f"{section}.{key}")
    for i, inc in enumerate(data["increments"]):
        where = f"increments[{i}] {inc['province_name']} {inc['tier']}"
        if inc["confidence"] not in CONFIDENCE_ORDER or not inc.get("source") or not inc.get("citations"):
            raise SentencingRulesError(f"{where}: needs confidence, source and citations")
        if inc["tier"] not in AMOUNT_TIERS:
            raise SentencingRulesError(f"{where}: unknown tier")
        _check(list(inc["citations"]), where)
    for key in ("combination", "latitude", "probation", "fine"):
        _check(list(data[key]["citations"]), key)
    for tier in AMOUNT_TIERS:
        lo, hi = data["starting_points"][tier]["months"]
        slo, shi = data["statutory"][tier]["months"]
        if not slo <= lo < hi <= shi:
            raise SentencingRulesError(f"starting point of {tier} outside the statutory range")
    return data


def calibration() -> list[dict[str, Any]]:
    """The real cases with a known sentence (sentencing.toml [[calibration]])."""
    return [dict(c) for c in sentencing_rules()["calibration"]]


def calibration_rows() -> list[dict[str, Any]]:
    """Each calibration case through the engine: the facts used, the estimate for the case's tier,
    the actual sentence and whether the range contains it (the site's table and the tests use this)."""
    from ..engine import classify  # the engine imports this module: imported when called

    rows = []
    for c in calibration():
        r = classify(c["facts"]).to_dict()
        est = {e["tier"]: e for e in r["criminal"]["sentence_estimate"]}
        e = est[c["tier"]]
        lo, hi = e["months"]
        smin, smax = e["statutory_months"]
        rows.append({
            "id": c["id"], "facts_text": c["facts_text"], "tier": c["tier"], "engine_tier": r["criminal"]["tier"],
            "engine_possible": list(r["criminal"]["possible_tiers"]),
            "tier_label": tier_label(c["tier"]), "months": [lo, hi], "months_text": e["months_text"],
            "actual_months": int(c["actual_months"]), "actual_text": c["actual_text"], "suspended": bool(c["suspended"]),
            "inside": lo <= int(c["actual_months"]) <= hi, "width_ratio": (hi - lo) / (smax - smin),
            "confidence": e["confidence"], "caveats": list(e["caveats"]),
        })
    return rows


def calibration_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of real outcomes inside the estimate and the median width relative to the statutory range."""
    widths = sorted(r["width_ratio"] for r in rows)
    n = len(widths)
    median = (widths[n // 2] if n % 2 else (widths[n // 2 - 1] + widths[n // 2]) / 2) if n else 0.0
    inside = sum(1 for r in rows if r["inside"])
    return {"cases": n, "inside": inside, "share_inside": inside / n if n else 0.0, "median_width_ratio": median}


# ---- small helpers ----------------------------------------------------------------------------------

def _d(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def fmt_months(m: Decimal | int) -> str:
    """12 -> 一年 style in digits: "1年", "1年6个月", "8个月"."""
    v = _d(m)
    if v != v.to_integral_value():
        return f"{_m(v)}个月"
    years, months = divmod(int(v), 12)
    if years and months:
        return f"{years}年{months}个月"
    if years:
        return f"{years}年"
    return f"{months}个月"


def _m(x: Decimal) -> str:
    """Months with one decimal for the steps' arithmetic."""
    q = x.quantize(Decimal("0.1"))
    return f"{q.normalize():f}" if q == q.to_integral_value() else f"{q:f}"


def _span_text(s: Span) -> str:
    if s[1] == Decimal("Infinity"):
        return f"{_m(s[0])}个月以上（没有上限）"
    return f"{_m(s[0])}至{_m(s[1])}个月"


def _yuan(v: Decimal) -> str:
    q = v.quantize(Decimal("0.01"))
    text = f"{q:,.2f}"
    return (text[:-3] if text.endswith(".00") else text) + " 元"


def _pct(p: tuple[Decimal, Decimal] | list[Any]) -> str:
    lo, hi = _d(p[0]), _d(p[1])
    return f"{lo.normalize():f}%" if lo == hi else f"{lo.normalize():f}%至{hi.normalize():f}%"


@dataclass
class Adjustment:
    """One line of 三、常见量刑情节的适用: a percentage range of the 基准刑."""
    key: str
    label: str
    direction: str                  # decrease | increase
    percent: tuple[Decimal, Decimal]
    citations: list[str]
    confidence: str
    reduces_below_floor: bool = False
    min_months: Decimal | None = None

    def months(self, base: Decimal, which: int) -> Decimal:
        v = base * self.percent[which] / HUNDRED
        if self.min_months is not None:
            v = max(v, self.min_months)
        return v


@dataclass
class Work:
    """What one tier's estimate collects while the provisions run."""
    tier: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    confidences: list[str] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    below_floor: list[str] = field(default_factory=list)     # labels of 减轻 circumstances
    widen_up: list[str] = field(default_factory=list)        # unquantified 从严: upper bound to the tier's max
    widen_down: list[str] = field(default_factory=list)      # unquantified 从宽: lower bound to the tier's min
    minor: bool = False

    def step(self, text: str, citations: list[str], confidence: str | None = None) -> None:
        self.steps.append({"text": text, "citations": list(dict.fromkeys(citations))})
        if confidence:
            self.confidences.append(confidence)

    def caveat(self, text: str) -> None:
        if text not in self.caveats:
            self.caveats.append(text)


# ---- contradictions -----------------------------------------------------------------------------------

def check_contradictions(codes: set[str]) -> None:
    """Facts that cannot both be true get a Chinese error (the other overlaps are resolved by the
    guideline's own rules against counting twice, in the adjustment functions below).

    - 刑法第67条: 坦白 is "不具有前两款规定的自首情节" — 自首 and 坦白 exclude each other.
    - 刑法第65条: 累犯 excludes "不满十八周岁的人犯罪".
    """
    if {"surrender", "confession"} <= codes:
        raise FactsError("circumstances", "“自首”和“坦白”不能同时选择：坦白是指没有自首、但被动归案后如实供述（刑法第六十七条第三款）。"
                                          "主动投案并如实供述的选“自首”，被查获后才如实供述的选“坦白”。")
    if {"recidivist", "minor"} <= codes:
        raise FactsError("circumstances", "“累犯”和“犯罪时未满十八周岁”不能同时选择：不满十八周岁的人犯罪不构成累犯（刑法第六十五条）。")


# ---- 1. 量刑起点 and 2. 增加刑罚量 -------------------------------------------------------------------

@dataclass(frozen=True)
class Floor:
    """A floor of the tier that may apply (yuan) and the region it belongs to."""
    yuan: Decimal
    region: str | None


def tier_floors(rs: Ruleset, tier: str, province_code: str | None, region: str | None,
                dates: list[date]) -> tuple[list[Floor], str, str | None]:
    """The floors of ``tier`` that may apply (诈骗案件解释第一条 and the provincial standard in force
    on each date), the way they were found, and the lowest confidence of the provincial figures."""
    out: list[Floor] = []
    confidence: str | None = None
    province = rs.provinces.get(province_code) if province_code else None
    if province is not None:
        versions = [v for v in (rs.version_in_force(province, d) for d in dates) if v is not None]
        if not dates:
            versions = list(province.versions)
        for v in versions:
            if not v.has_figures:
                continue
            if v.confidence == "REPORTED":
                confidence = "REPORTED"
            if v.regions:
                chosen = [r for r in v.regions if region in (r.code, r.label) or (region and region in r.cities)]
                for r in chosen or list(v.regions):
                    f = r.thresholds.get(tier)
                    if f is not None:
                        out.append(Floor(Decimal(f), r.code))
            elif v.thresholds is not None and (figure := v.thresholds.get(tier)) is not None:
                out.append(Floor(Decimal(figure), None))
    if out:
        return sorted(set(out), key=lambda f: (f.yuan, f.region or "")), "province", confidence
    lo, hi = rs.national_ranges[tier]
    return [Floor(Decimal(lo), None), Floor(Decimal(hi), None)], "national", None


def _rule_increment(rule: dict[str, Any], amount: Decimal, floor: Floor, own: bool = True) -> Span | None:
    """Months added by one provincial rule for ``amount`` (None: the rule has no per-amount figure).
    ``own``: the rule is the case's province's, so its own starting amount applies; another province's
    rule is applied to the amount above the case's own floor."""
    bases = ([Decimal(b) for b in rule.get("from_yuan", [])] if own else []) or [floor.yuan]
    spans: list[Span] = []
    for base in bases:
        excess = max(ZERO, amount - base)
        if "step_yuan" in rule:
            lo_m, hi_m = (Decimal(x) for x in rule["step_months"])
            steps = excess / Decimal(rule["step_yuan"])
            spans.append((steps * lo_m, steps * hi_m))
        elif rule.get("bands"):
            for band in rule["bands"]:
                start = Decimal(band.get("excess_from", band.get("excess_above", 0)))
                above_open = "excess_above" in band
                if "excess_below" in band:
                    inside = start <= excess < Decimal(band["excess_below"])
                elif "excess_upto" in band:
                    inside = start <= excess <= Decimal(band["excess_upto"])
                else:
                    inside = excess > start if above_open else excess >= start
                if inside:
                    months = [Decimal(x) for x in band["months"]]
                    spans.append((months[0], months[1] if len(months) > 1 else Decimal("Infinity")))
        else:
            return None
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def starting_point_and_increment(w: Work, rs: Ruleset, amount: Decimal, province_code: str | None, region: str | None,
                                 codes: set[str], dates: list[date]) -> Span:
    """量刑指导意见 诈骗罪第1项（量刑起点）and 第2项（根据诈骗数额增加刑罚量，确定基准刑）, with the
    provincial 实施细则 where the pack has them. Returns the 基准刑 range in months."""
    data = sentencing_rules()
    sp = data["starting_points"][w.tier]
    floors, found, th_conf = tier_floors(rs, w.tier, province_code, region, dates)
    if th_conf:
        w.confidences.append(th_conf)
    art2 = {c for c in codes if "art2" in rs.circumstances[c].tags} if codes else set()

    def applies(rule: dict[str, Any], floor: Floor) -> bool:
        if rule["tier"] != w.tier or rule["province"] != province_code:
            return False
        if rule["region"] and rule["region"] != floor.region:
            return False
        return True

    own = [r for r in data["increments"] if province_code and r["province"] == province_code and r["tier"] == w.tier]
    special = [r for r in own if r.get("requires")
               and art2 and Decimal(r["from_yuan"][0]) <= amount < Decimal(r["until_yuan"])]
    regular = [r for r in own if not r.get("requires")]
    rules_used = special or regular

    # 1. the starting point: the province's own where its rule gives one, else the national one
    starts = [tuple(Decimal(x) for x in r["start_months"]) for r in rules_used if "start_months" in r]
    national = (Decimal(sp["months"][0]), Decimal(sp["months"][1]))
    if starts:
        start: Span = (min(s[0] for s in starts), max(s[1] for s in starts))
        docs = "；".join(dict.fromkeys(f"{r['province_name']}：{r['text']}（{r['document']}）" for r in rules_used if "start_months" in r))
        w.step(f"量刑起点：量刑指导意见规定“{sp['text']}”（全国：{_span_text(national)}）。本省实施细则据二手来源为：{docs}。"
               f"按本省起点 {_span_text(start)} 计算（二手来源，待核实）。",
               list(sp["citations"]) + [c for r in rules_used for c in r["citations"]], "REPORTED")
        w.confidences.append(sp["confidence"])
    else:
        start = national
        w.step(f"量刑起点：量刑指导意见规定“{sp['text']}”，即 {_span_text(start)}。{sp.get('note', '')}",
               list(sp["citations"]), sp["confidence"])

    # 2. the increment by amount
    floor_text = "、".join(dict.fromkeys(_yuan(f.yuan) for f in floors))
    spans: list[Span] = []
    used_rules: list[dict[str, Any]] = []
    for fl in floors:
        for r in rules_used:
            if not applies(r, fl):
                continue
            s = _rule_increment(r, amount, fl)
            if s is not None:
                spans.append(s)
                used_rules.append(r)
    if spans:
        inc: Span = (min(s[0] for s in spans), max(s[1] for s in spans))
        texts = "；".join(dict.fromkeys(f"{r['province_name']}：{r['text']}" for r in used_rules))
        w.step(f"增加刑罚量：{_yuan(amount)}，本档起点为 {floor_text}。本省实施细则（二手来源）：{texts}。"
               f"按此增加 {_span_text(inc)}。",
               [c for r in used_rules for c in r["citations"]], "REPORTED")
        for r in used_rules:
            if r.get("caveat"):
                w.caveat(r["caveat"])
    else:
        # no figure for this province and tier: the range of every province's figure in the pack
        pool = [r for r in data["increments"] if r["tier"] == w.tier and not r.get("requires")]
        for fl in floors:
            for r in pool:
                s = _rule_increment(r, amount, Floor(fl.yuan, r["region"] or None), own=False)
                if s is not None:
                    spans.append(s)
                    used_rules.append(r)
        if spans:
            inc = (min(s[0] for s in spans), max(s[1] for s in spans))
        else:
            inc = (ZERO, ZERO)
        names = "、".join(dict.fromkeys(r["province_name"] for r in used_rules))
        why = ("没有填写省份" if not province_code else
               ("本站找到的资料中没有本省实施细则这一档“每增加多少元增加多少刑期”的数字"))
        w.step(f"增加刑罚量：{_yuan(amount)}，本档起点为 {floor_text}。{why}：全国文本只说“根据诈骗数额等……增加刑罚量”，"
               f"具体数字由各省规定。这里用已找到的各省细则（{names}）对同一超出数额给出的最少和最多增加量，"
               f"即 {_span_text(inc)}（二手来源，待核实）。",
               [c for r in used_rules for c in r["citations"]] or ["liangxing-2021#zhapian-2"], "REPORTED")
        w.caveat(("没有填写省份" if not province_code else "没有找到该省这一档的实施细则数字")
                 + "：按数额增加的刑期取已找到的各省细则（" + names + "）的最小到最大值，可能与当地实际做法不同（待核实）。")
        if found == "national":
            w.caveat("没有可用的本省数额标准：按全国幅度内最高和最低的起点计算超出数额，范围因此更宽。")
    if inc[1] == Decimal("Infinity"):
        w.caveat("广东的细则对超出起点250万元以上的只说“增加三年以上”，没有上限：估算的上限由法定刑封顶。")
    base: Span = (start[0] + inc[0], start[1] + inc[1])
    w.step(f"基准刑：量刑起点加增加的刑罚量，约 {_span_text(base)}。",
           ["liangxing-2021#zhapian-2"])
    return base


# ---- 3. 情节：三、常见量刑情节的适用 ---------------------------------------------------------------------

def _adj(key: str, *, label: str | None = None, percent: list[Any] | None = None) -> Adjustment:
    a = sentencing_rules()["adjustments"][key]
    p = percent if percent is not None else a["percent"]
    return Adjustment(key=key, label=label or a["label"], direction=a["direction"],
                      percent=(Decimal(p[0]), Decimal(p[1])), citations=list(a["citations"]),
                      confidence=a["confidence"], reduces_below_floor=bool(a.get("reduces_below_floor")),
                      min_months=Decimal(a["min_months"]) if "min_months" in a else None)


def _effect_text(a: Adjustment, base: Span) -> str:
    lo, hi = a.months(base[0], 0), a.months(base[1], 1)
    verb = "减少" if a.direction == "decrease" else "增加"
    extra = f"，一般不少于{_m(a.min_months)}个月" if a.min_months is not None else ""
    return f"{verb}基准刑的{_pct(a.percent)}{extra}：按基准刑 {_span_text(base)}，{verb}约 {_m(lo)} 至 {_m(hi)} 个月"


def adjust_attempt_art23(w: Work, refund_obtained: bool, base: Span) -> None:
    """刑法第二十三条 (未遂：可以比照既遂犯从轻或者减轻处罚) and 量刑指导意见 三（四）(50%以下)."""
    if refund_obtained:
        return
    a = _adj("attempt")
    w.adjustments.append(a)
    w.below_floor.append(a.label)
    w.step(f"未遂（退款没有到手）：量刑指导意见可以比照既遂犯{_effect_text(a, base)}。刑法第二十三条允许减轻处罚，"
           "因此结果可以低于本档的最低刑。", a.citations, a.confidence)


def adjust_surrender_art67(w: Work, codes: set[str], base: Span) -> None:
    """刑法第六十七条第一款 (自首：可以从轻或者减轻) and 量刑指导意见 三（六）(40%以下)."""
    if "surrender" not in codes:
        return
    a = _adj("surrender")
    w.adjustments.append(a)
    w.below_floor.append(a.label)
    w.step(f"自首：{_effect_text(a, base)}。刑法第六十七条允许减轻处罚，结果可以低于本档的最低刑。", a.citations, a.confidence)
    w.caveat(sentencing_rules()["adjustments"]["surrender"]["lighter_note"])


def adjust_confession_art67_3(w: Work, codes: set[str], base: Span) -> None:
    """刑法第六十七条第三款 (坦白：可以从轻) and 量刑指导意见 三（七）1 (20%以下)."""
    if "confession" not in codes:
        return
    a = _adj("confession")
    w.adjustments.append(a)
    w.step(f"坦白（如实供述自己罪行）：{_effect_text(a, base)}。坦白只能从轻，结果不低于本档的最低刑"
           "（供述避免特别严重后果的才可以减轻，本估算不涉及）。", a.citations, a.confidence)


def adjust_guilty_plea_in_court_3_8(w: Work, codes: set[str], base: Span) -> None:
    """量刑指导意见 三（八）: 当庭自愿认罪 10%以下, 依法认定自首、坦白的除外."""
    if "guilty_plea_in_court" not in codes:
        return
    cfg = sentencing_rules()["adjustments"]["guilty_plea_in_court"]
    hit = [c for c in cfg["excluded_by"] if c in codes]
    if hit:
        w.step("当庭自愿认罪：已认定" + "、".join("自首" if c == "surrender" else "坦白" for c in hit)
               + "，量刑指导意见规定“依法认定自首、坦白的除外”，不再单独减少（避免重复计算）。", list(cfg["citations"]), cfg["confidence"])
        return
    a = _adj("guilty_plea_in_court")
    w.adjustments.append(a)
    w.step(f"当庭自愿认罪：{_effect_text(a, base)}。", a.citations, a.confidence)


def adjust_restitution_and_compensation_3_10_3_11(w: Work, codes: set[str], base: Span) -> None:
    """量刑指导意见 三（十）(退赃、退赔 30%以下) and 三（十一）(积极赔偿并取得谅解 40%以下；赔偿未谅解
    30%以下；未赔偿但谅解 20%以下). In a fraud the money returned is both 退赔 and 赔偿: it is counted
    once, under the item that describes the facts."""
    restitution, forgiven = "restitution" in codes, "forgiveness" in codes
    if not (restitution or forgiven):
        return
    if restitution and forgiven:
        a = _adj("compensation_forgiven", label="退赃退赔并取得谅解")
        w.step(f"退赃退赔并取得谅解：按“积极赔偿被害人经济损失并取得谅解”{_effect_text(a, base)}。"
               "诈骗中退还的钱既是退赃退赔、也是赔偿：同一笔钱只计算一次，不再另按退赃退赔（30%以下）叠加。",
               a.citations + ["liangxing-2021#item-3-10"], a.confidence)
        w.caveat("量刑指导意见（现有转录）没有说明“退赃退赔”与“赔偿谅解”能否分别计算：估算按同一笔钱只算一次（最多减少40%），"
                 "如果法院分别评价，减少的幅度可能更大（待核实）。")
    elif restitution:
        a = _adj("restitution")
        w.step(f"退赃退赔：{_effect_text(a, base)}（积极赔偿但没有取得谅解的，同为30%以下）。",
               a.citations + ["liangxing-2021#item-3-11"], a.confidence)
    else:
        a = _adj("forgiveness_only")
        w.step(f"取得谅解（没有赔偿）：{_effect_text(a, base)}。", a.citations, a.confidence)
    w.adjustments.append(a)


def adjust_reconciliation_3_12(w: Work, codes: set[str], base: Span) -> None:
    """量刑指导意见 三（十二）(刑事和解 50%以下) with 刑事诉讼法第二百八十八条 (可能判处三年有期徒刑以下；
    五年以内曾经故意犯罪的不适用). Supersedes 三（十）/（十一）: the agreement is the compensation."""
    if "reconciliation" not in codes:
        return
    cfg = sentencing_rules()["adjustments"]["reconciliation"]
    if "recidivist" in codes:
        w.step("刑事和解：累犯在五年以内曾经故意犯罪，刑事诉讼法第二百八十八条第二款规定不适用和解程序，不计入。",
               list(cfg["citations"]), cfg["confidence"])
        return
    could_be_low = base[0] <= Decimal(cfg["max_months"]) or bool(w.below_floor) or w.tier == "large"
    if not could_be_low:
        w.step("刑事和解：只适用于可能判处三年有期徒刑以下刑罚的案件（刑事诉讼法第二百八十八条）；本档基准刑在三年以上，"
               "又没有可以减轻处罚的情节，不计入。", list(cfg["citations"]), cfg["confidence"])
        return
    a = _adj("reconciliation")
    replaced = [x for x in w.adjustments if x.key in ("restitution", "compensation_forgiven", "forgiveness_only")]
    for x in replaced:
        w.adjustments.remove(x)
    w.adjustments.append(a)
    w.step(f"刑事和解：{_effect_text(a, base)}。"
           + ("和解协议本身就是赔偿和谅解，改按刑事和解计算，不再叠加“" + "、".join(x.label for x in replaced) + "”。" if replaced else ""),
           a.citations, a.confidence)
    w.caveat("刑事和解要求案件“因民间纠纷引起”（刑事诉讼法第二百八十八条），骗取仅退款是否属于，没有定论（待核实）。")
    w.caveat(cfg["lighter_note"])


def adjust_plea_3_14(w: Work, codes: set[str], base: Span) -> None:
    """量刑指导意见 三（十四）: 认罪认罚 30%以下; with 自首、重大坦白、退赃退赔、赔偿谅解、刑事和解 60%以下;
    not counted twice with 自首、坦白、当庭自愿认罪、退赃退赔、赔偿谅解、刑事和解: those are replaced by one
    combined reduction."""
    if "plea" not in codes:
        return
    cfg = sentencing_rules()["adjustments"]["plea"]
    covered = set(cfg["covers"])
    keys = {"surrender": "surrender", "confession": "confession", "guilty_plea_in_court": "guilty_plea_in_court",
            "restitution": "restitution", "compensation_forgiven": "forgiveness", "forgiveness_only": "forgiveness",
            "reconciliation": "reconciliation"}
    merged = [a for a in w.adjustments if keys.get(a.key) in covered]
    for a in merged:
        w.adjustments.remove(a)
    triggers = [a for a in merged if keys[a.key] in set(cfg["with_codes"])]
    percent = cfg["percent_with"] if triggers else cfg["percent"]
    a = _adj("plea", percent=percent)
    a.reduces_below_floor = any(m.reduces_below_floor for m in merged)
    w.adjustments.append(a)
    if merged:
        names = "、".join(m.label for m in merged)
        w.step(f"认罪认罚：{_effect_text(a, base)}。" + (f"同时有{names}，" if merged else "")
               + ("按“具有自首、重大坦白、退赃退赔、赔偿谅解、刑事和解等情节的，可以减少基准刑的60%以下”计算；" if triggers else "按30%以下计算；")
               + f"量刑指导意见规定认罪认罚与这些情节“不作重复评价”，因此{names}不再另外叠加，上面各步的比例由这一步取代。",
               a.citations, a.confidence)
    else:
        w.step(f"认罪认罚：{_effect_text(a, base)}。", a.citations, a.confidence)
    w.caveat(cfg["lighter_note"])


def adjust_recidivist_art65(w: Work, codes: set[str], base: Span) -> None:
    """刑法第六十五条 (累犯：应当从重处罚) and 量刑指导意见 三（十五）(10%-40%，一般不少于3个月)."""
    if "recidivist" not in codes:
        return
    a = _adj("recidivist")
    w.adjustments.append(a)
    w.step(f"累犯：{_effect_text(a, base)}。从重处罚不超出本档法定刑（刑法第六十二条）。",
           a.citations + ["xingfa#art-62"], a.confidence)


def adjust_prior_record_3_16(w: Work, codes: set[str], base: Span) -> None:
    """量刑指导意见 三（十六）: 前科 可以增加基准刑的10%以下 (过失犯罪、未成年人犯罪的前科除外)."""
    if "prior_record" not in codes:
        return
    a = _adj("prior_record")
    w.adjustments.append(a)
    text = f"前科：{_effect_text(a, base)}。"
    if "recidivist" in codes:
        text += ("同时选择了累犯：构成累犯的那次前罪已在上一步计算，不能再按前科增加；只有另有一次前科时才可能再增加。"
                 "这里的最低增加为0%，因此范围同时包括这两种情况。")
    w.step(text, a.citations, a.confidence)
    w.caveat("前科为过失犯罪或者未成年人犯罪的，不按前科增加（量刑指导意见三（十六））。")


def adjust_minor_art17(w: Work, codes: set[str]) -> None:
    """刑法第十七条第四款: 不满十八周岁的人犯罪，应当从轻或者减轻处罚 (no percentage in the pack)."""
    if "minor" not in codes:
        return
    cfg = sentencing_rules()["adjustments"]["minor"]
    w.minor = True
    w.below_floor.append(cfg["label"])
    w.step(f"犯罪时未满十八周岁：刑法第十七条第四款“{cfg['text']}”。{cfg['missing']}",
           list(cfg["citations"]), cfg["confidence"])
    w.caveat("未成年人：" + cfg["missing"])


def unquantified_circumstances(w: Work, codes: set[str]) -> None:
    """Circumstances with an effect in the texts but no percentage in the pack (诈骗案件解释第二条第一款
    从严、第四条 近亲属 从宽): the range is widened to the tier's limit on that side."""
    data = sentencing_rules()["unquantified"]
    labels = {c: load().circumstances[c].label for c in data if c in codes}
    for code, label in labels.items():
        cfg = data[code]
        if cfg["direction"] == "increase":
            w.widen_up.append(label)
            w.step(f"{label}：{cfg['text']}。没有找到相应的调节比例：估算的上限放宽到本档法定最高刑（待核实）。",
                   list(cfg["citations"]), cfg["confidence"])
        else:
            w.widen_down.append(label)
            w.step(f"{label}：{cfg['text']}。没有找到相应的调节比例：估算的下限放宽到本档法定最低刑（待核实）。",
                   list(cfg["citations"]), cfg["confidence"])
        w.caveat(f"“{label}”没有调节比例可依，估算在这一方向放宽到法定刑的界限（待核实）。")
        if cfg.get("extra_caveat"):
            w.caveat(cfg["extra_caveat"])


def combine_3_multi(w: Work, base: Span) -> Span:
    """量刑指导意见 三（多个情节）: 同向相加、逆向相减. Lower bound: every reduction at its largest and every
    increase at its smallest; upper bound: the opposite."""
    cfg = sentencing_rules()["combination"]
    if not w.adjustments:
        return base
    lo = base[0] + sum((a.months(base[0], 0) if a.direction == "increase" else -a.months(base[0], 1) for a in w.adjustments), ZERO)
    hi = base[1] + sum((a.months(base[1], 1) if a.direction == "increase" else -a.months(base[1], 0) for a in w.adjustments), ZERO)
    lo = max(lo, ZERO)
    w.step(f"多个情节“同向相加、逆向相减”：从宽的比例取最大、从严的取最小得到下限，反过来得到上限，调节结果约 {_span_text((lo, hi))}。",
           list(cfg["citations"]), cfg["confidence"])
    return lo, hi


def statutory_limits_art62_63(w: Work, span: Span, final: bool) -> Span:
    """刑法第六十二条 (从重、从轻在法定刑以内), 第六十三条 (减轻：在下一个量刑幅度内) and 第二百六十六条."""
    data = sentencing_rules()
    smin, smax = (Decimal(x) for x in data["statutory"][w.tier]["months"])
    lower = LOWER_TIER[w.tier]
    floor = smin
    if w.below_floor:
        floor = Decimal(data["statutory"][lower]["months"][0]) if lower else smin
    lo, hi = span
    if final:
        if w.minor:
            lo = floor
        if w.widen_down:
            lo = min(lo, smin)
        if w.widen_up:
            hi = smax
    lo = min(max(lo, floor), smax)
    hi = min(max(hi, lo), smax)
    if final:
        cites = (["xingfa#art-62"] if w.adjustments or w.widen_up or w.widen_down else []) + ["xingfa#art-266"] \
            + (["xingfa#art-63"] if w.below_floor else [])
        text = (f"法定刑的界限：本档为{data['statutory'][w.tier]['text']}（{_span_text((smin, smax))}）。")
        if w.below_floor:
            text += (f"有可以减轻处罚的情节（{'、'.join(w.below_floor)}），结果可以低于本档最低刑，在下一个量刑幅度内"
                     f"（最低 {_m(floor)} 个月）；")
        else:
            text += "从轻、从重都在本档法定刑以内；"
        text += f"宣告刑约 {_span_text((lo, hi))}。"
        w.step(text, cites, "VERIFIED")
    return lo, hi


def latitude_3_final(w: Work, span: Span) -> Span:
    """量刑指导意见 三（宣告刑）: 可以在20%的幅度内对调节结果进行调整."""
    cfg = sentencing_rules()["latitude"]
    p = Decimal(cfg["percent"]) / HUNDRED
    out = (span[0] * (1 - p), span[1] * (1 + p))
    w.step(f"宣告刑：法官可以在20%的幅度内对调节结果进行调整，范围约 {_span_text(out)}。", list(cfg["citations"]), cfg["confidence"])
    return out


def probation_art72_74(w: Work, codes: set[str], months: tuple[int, int]) -> bool:
    """刑法第七十二条 (拘役、三年以下有期徒刑可以缓刑；未成年人应当缓刑) and 第七十四条 (累犯、犯罪集团的首要分子不适用)."""
    cfg = sentencing_rules()["probation"]
    excluded = [load().circumstances[c].label for c in cfg["excluded_by"] if c in codes]
    limit = int(cfg["max_months"])
    if excluded:
        w.step(f"缓刑：{'、'.join(excluded)}不适用缓刑（刑法第七十四条）。", ["xingfa#art-74"], cfg["confidence"])
        return False
    if months[0] > limit:
        w.step("缓刑：只能对拘役、三年以下有期徒刑宣告缓刑（刑法第七十二条），估算的刑期都在三年以上，不可能缓刑。",
               ["xingfa#art-72"], cfg["confidence"])
        return False
    text = "缓刑：宣告刑为拘役或者三年以下有期徒刑，同时犯罪情节较轻、有悔罪表现、没有再犯罪的危险、对所居住社区没有重大不良影响的，可以宣告缓刑（刑法第七十二条）"
    if months[1] > limit:
        text += "；估算范围中超过三年的部分不能缓刑"
    if "minor" in codes:
        text += "；不满十八周岁的人符合条件的，应当宣告缓刑"
    w.step(text + "。", ["xingfa#art-72"], cfg["confidence"])
    if "mass_telecom" in codes:
        w.caveat("量刑指导意见诈骗罪第4项：对实施电信网络诈骗的，从严把握缓刑的适用。")
    return True


def fine_alone_art266(w: Work) -> bool:
    """刑法第二百六十六条: only 数额较大 is punished "并处或者单处罚金"."""
    cfg = sentencing_rules()["fine"]
    alone = w.tier in cfg["alone_tiers"]
    if alone:
        w.step(f"罚金：{cfg['text']}——这一档可以只判罚金（单处罚金），不判徒刑。{cfg['amount_note']}",
               list(cfg["citations"]), cfg["confidence"])
    else:
        w.step(f"罚金：这一档“并处罚金”（{data_text(w.tier)}），不能只判罚金。{cfg['amount_note']}",
               list(cfg["citations"]), cfg["confidence"])
    return alone


def data_text(tier: str) -> str:
    return str(sentencing_rules()["statutory"][tier]["text"])


def _reference_cases(tier: str) -> list[dict[str, Any]]:
    """The calibration cases of ``tier`` for the chart (fresh dicts: the result is the caller's)."""
    return [dict(c) for c in _reference_cases_cached(tier)]


@cache
def _reference_cases_cached(tier: str) -> tuple[dict[str, Any], ...]:
    rs = load()
    titles = {c["id"]: c for c in rs.cases}
    out = []
    for c in sentencing_rules()["calibration"]:
        if c.get("tier") != tier:
            continue
        base = titles.get(c["id"], {})
        out.append({"id": c["id"], "title": base.get("title", ""), "amount_yuan": f"{Decimal(c['facts']['amount']):.2f}",
                    "months": int(c["actual_months"]), "suspended": bool(c["suspended"]), "outcome": c["actual_text"],
                    "facts": c["facts_text"]})
    return tuple(out)


# ---- the public entry ------------------------------------------------------------------------------------

def estimate(amount: Decimal, tiers: list[str], province_code: str | None, region: str | None,
             circumstances: list[str], refund_obtained: bool, *, act_date: date | None = None,
             decision_date: date | None = None, rs: Ruleset | None = None) -> list[dict[str, Any]]:
    """One estimate per possible tier (``tiers`` without "none"). ``region`` is a region code of the
    province's standard (广东: ``class1``/``class2``), its label or a city. Raises ``FactsError`` for
    circumstances that contradict each other."""
    rs = rs or load()
    codes = set(circumstances)
    unknown = codes - set(rs.circumstances)
    if unknown:
        raise FactsError("circumstances", f"未知的情节代码：{'、'.join(sorted(unknown))}。")
    check_contradictions(codes)
    amount = _d(amount)
    dates = [d for d in (act_date, decision_date) if d is not None]
    data = sentencing_rules()
    out: list[dict[str, Any]] = []
    for tier in tiers:
        if tier not in AMOUNT_TIERS:
            continue
        w = Work(tier)
        base = starting_point_and_increment(w, rs, amount, province_code, region, codes, dates)
        if base[1] == Decimal("Infinity"):
            base = (base[0], Decimal(data["statutory"][tier]["months"][1]))
        adjust_attempt_art23(w, refund_obtained, base)
        adjust_surrender_art67(w, codes, base)
        adjust_confession_art67_3(w, codes, base)
        adjust_guilty_plea_in_court_3_8(w, codes, base)
        adjust_restitution_and_compensation_3_10_3_11(w, codes, base)
        adjust_reconciliation_3_12(w, codes, base)
        adjust_plea_3_14(w, codes, base)
        adjust_recidivist_art65(w, codes, base)
        adjust_prior_record_3_16(w, codes, base)
        adjust_minor_art17(w, codes)
        unquantified_circumstances(w, codes)
        adjusted = combine_3_multi(w, base)
        adjusted = statutory_limits_art62_63(w, adjusted, final=False)
        declared = latitude_3_final(w, adjusted)
        lo, hi = statutory_limits_art62_63(w, declared, final=True)
        # to the hundredth of a month first, so that 14.000…04 (a repeating fraction) is 14, not 15
        cent = Decimal("0.01")
        months = (int(lo.quantize(cent).to_integral_value(ROUND_FLOOR)), int(hi.quantize(cent).to_integral_value(ROUND_CEILING)))
        smin, smax = (int(x) for x in data["statutory"][tier]["months"])
        if months[0] >= months[1]:  # a range, never one number: the statute's own limit gives the other end
            months = (max(min(months[0], smax - 1), 0), max(months[1], min(months[0] + 1, smax)))
        probation = probation_art72_74(w, codes, months)
        fine_alone = fine_alone_art266(w)
        if data["statutory"][tier].get("life"):
            w.caveat("这一档还可以判处无期徒刑（“依法应当判处无期徒刑的除外”），本估算只计算有期徒刑。")
        width = (months[1] - months[0]) / (smax - smin)
        if width >= 1:
            reasons = []
            if w.minor:
                reasons.append("未成年人没有调节比例，减轻处罚可以到下一个量刑幅度")
            if w.widen_up or w.widen_down:
                reasons.append("有没有调节比例的情节（" + "、".join(w.widen_up + w.widen_down) + "）")
            if any("各省细则" in s["text"] for s in w.steps):
                reasons.append("本省没有按数额增加刑期的数字，各省细则之间差别很大")
            if w.below_floor and not w.minor:
                reasons.append("有可以减轻处罚的情节，可以低于本档最低刑")
            w.caveat("估算范围不比本档法定刑窄，原因：" + ("；".join(reasons) or "各项比例和幅度叠加后覆盖了整个法定刑") + "。")
        rank = min((CONFIDENCE_ORDER[c] for c in w.confidences), default=CONFIDENCE_ORDER["PARTIAL"])
        confidence = next(k for k, v in CONFIDENCE_ORDER.items() if v == rank)
        w.caveat("量刑指导意见的文字来自未在发布机关网站核对的转录（待核实）；各省实施细则的数字只见于二手来源（待核实）。"
                 "这是按公开方法推算的参考范围，不是对判决的预测。")
        out.append({
            "tier": tier, "tier_label": tier_label(tier, rs),
            "months": [months[0], months[1]],
            "months_text": f"{fmt_months(months[0])}至{fmt_months(months[1])}",
            "statutory_months": [smin, smax], "life_possible": bool(data["statutory"][tier].get("life")),
            "fine_alone_possible": fine_alone, "probation_possible": probation,
            "steps": w.steps, "confidence": confidence, "caveats": w.caveats,
            "width_ratio": round(width, 3),
            "reference_cases": _reference_cases(tier),
        })
    return out
