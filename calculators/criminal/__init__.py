"""Criminal track: 诈骗罪 (刑法第二百六十六条), one module per provision, each beside the rule data it reads.

=====================  ==========================================  ===================================
module                 provision (citation id)                     rule data (calculators/rules/)
=====================  ==========================================  ===================================
amounts                zhapian-jieshi-2011#art-1, xingfa#art-99    thresholds/*.toml, criminal/amounts.toml
art2                   zhapian-jieshi-2011#art-2                   criminal/art2.toml, thresholds/* local_rule
time_effect            xingfa#art-12                               criminal/time_effect.toml
attempt                xingfa#art-23, zhapian-jieshi-2011#art-5    criminal/attempt.toml
penalty                xingfa#art-266, #art-87, #art-74            criminal/penalty.toml
leniency               zhapian-jieshi-2011#art-3, #art-4, xingfa#art-37   criminal/leniency.toml
circumstances          the reader's circumstances                  circumstances.toml
=====================  ==========================================  ===================================

``assess`` is the pipeline: figures on the act date and on the decision date (解释第一条, then 第二条,
then 未遂), the lighter of the two (刑法第十二条), the penalty and limitation of the tier, the
circumstances and leniency. The sentence estimate (calculators/sentencing.py) plugs in where marked.
"""

from __future__ import annotations

from ..facts import Facts
from ..labels import tier_label
from ..result import CriminalResult, Trail
from ..ruleset import Ruleset
from . import (
    amounts,
    art2,
    attempt,
    characterisation,
    circumstances,
    leniency,
    penalty,
    sentencing,
    time_effect,
)
from .amounts import Basis, Mode
from .common import Evaluation, J, fmt, ordered, span, tier_of

__all__ = ["Basis", "Evaluation", "Mode", "assess", "fmt", "ordered", "span", "tier_of"]


def evaluate(rs: Ruleset, facts: Facts, basis: Basis) -> Evaluation:
    """The possible tiers on one date: 解释第一条, then 第二条, then 未遂 (第二十三条, 解释第五条)."""
    ev = amounts.evaluate(rs, facts.amount, basis)
    art2.apply(rs, facts.amount, basis, facts, ev)
    attempt.apply(ev, facts)
    return ev


def assess(rs: Ruleset, facts: Facts, trail: Trail) -> CriminalResult:
    texts = rs.criminal["texts"]
    steps = rs.criminal["amounts"]["steps"]
    province, region = facts.province, facts.region
    trail.step("criminal", texts["intro"].format(amount=fmt(facts.amount)), ["xingfa#art-266", f"{J}#art-1"])
    # 0. ordinary 诈骗 (provincial figures), not 电信网络诈骗 (刑事审判参考第1320号, 检例第105号)
    offence = characterisation.assess(rs, facts, trail)

    # 1. the figures on each date (解释第一条, 第二条, 未遂)
    b_act = amounts.basis_at(rs, province, region, facts.act_date)
    b_dec = amounts.basis_at(rs, province, region, facts.decision_date)
    same = b_act.key() == b_dec.key()
    ev_act = evaluate(rs, facts, b_act)
    ev_dec = ev_act if same else evaluate(rs, facts, b_dec)
    for text, cites in ev_act.steps:
        trail.step("criminal", text if same else steps["act_date"].format(on=facts.act_date.isoformat()) + text, cites)
    if not same:
        for text, cites in ev_dec.steps:
            trail.step("criminal", steps["decision_date"].format(on=facts.decision_date.isoformat()) + text, cites)
    for ev in (ev_act,) if same else (ev_act, ev_dec):
        for code, text, cites in ev.warnings:
            trail.warn(code, text, cites, "criminal")

    # 2. the lighter of the two (刑法第十二条), the attempt's explanation
    possible, time_effect_out, pending = time_effect.combine(rs, ev_act, ev_dec, trail)
    attempt.explain(rs, facts, possible, trail)
    tier = ordered(possible)[0] if len(possible) == 1 else "uncertain"
    crime_tiers = [t for t in ordered(possible) if t != "none"]
    likelies = [x for x in (ev_act.likely, ev_dec.likely) if x is not None and x in possible]
    likely_tier = ordered(likelies)[0] if tier == "uncertain" and likelies else None
    pending = pending or likely_tier is not None or bool(offence.get("pending_verification"))

    # 3. where the figures come from; whether a province (or a city) would settle the answer
    would_resolve = tier == "uncertain" and province_would_resolve(rs, facts)
    pending = amounts.provenance(rs, province, (b_act,) if same else (b_act, b_dec), trail, facts.amount,
                                 would_resolve) or pending

    # 4. penalty and limitation (第二百六十六条, 第八十七条)
    pen = penalty.assess(rs, facts, tier, crime_tiers, trail)

    # 5. circumstances, leniency (解释第三、四条), probation (第七十四条)
    circ_out, characterising = circumstances.assess(rs, facts, crime_tiers, trail)
    non_pros = leniency.non_prosecution(rs, facts, possible, trail)
    close_rel = leniency.close_relative(rs, facts, trail)
    penalty.explain_probation(rs, pen, trail)

    # 6. the sentence estimate (量刑指导意见 and 刑法第十七、二十三、六十三至七十四条): one cited range per
    #    possible tier (sentencing.py, data in rules/criminal/sentencing.toml)
    sentence_estimate = sentencing.estimate(
        facts.amount, crime_tiers, province.code if province else None, region.code if region else None,
        list(facts.circumstances), facts.refund_obtained, act_date=facts.act_date, decision_date=facts.decision_date, rs=rs)

    used = b_act if b_act.mode is Mode.EXACT else (b_dec if b_dec.mode is Mode.EXACT else None)
    codes = {w.code for w in trail.warnings}
    what_changes = (amounts.what_changes(rs, province, codes, would_resolve) + time_effect.what_changes(rs, facts, same)
                    + attempt.what_changes(rs, facts) + art2.what_changes(rs, codes)
                    + characterisation.what_changes(rs, facts)
                    + [texts["what_changes_merge"], texts["what_changes_other_offences"]])
    return CriminalResult(
        tier=tier, possible_tiers=ordered(possible), tier_label=tier_label(tier, rs),
        thresholds_yuan=amounts.thresholds_dict(used.thresholds) if used else None,
        thresholds_source=amounts.version_source(province, used) if used else amounts.version_source(province, b_act),
        national_ranges_yuan=amounts.national_ranges_yuan(rs) if b_act.mode is not Mode.EXACT or b_dec.mode is not Mode.EXACT else None,
        sentence=pen.sentence, sentences=pen.sentences,
        limitation_years=pen.limitation_years, limitation_years_by_tier=pen.limitation_years_by_tier,
        limitation=pen.limitation,
        attempt=not facts.refund_obtained, circumstances=circ_out, non_prosecution_possible=non_pros,
        close_relative=close_rel, probation_excluded=pen.probation_excluded, characterisation=characterising,
        time_effect=time_effect_out, pending_verification=pending, what_changes=what_changes,
        citations=["xingfa#art-266", f"{J}#art-1", "xingfa#art-99"],
        sentence_estimate=sentence_estimate, likely_tier=likely_tier, offence=offence,
        summary=amounts.summary(rs, facts.amount, len(facts.claims), tier, ordered(possible), likely_tier),
        amount_basis="total" if len(facts.claims) > 1 else "single",
    )


def province_would_resolve(rs: Ruleset, facts: Facts) -> bool:
    """Would naming a province settle an uncertain answer? Only if the figures are what leaves it open:
    with a province's figures at either end of the national range, the answer is one tier."""
    from ..ruleset import Thresholds

    for t in (rs.national_thresholds_low(), rs.national_thresholds_high()):
        basis = Basis(facts.act_date, Mode.EXACT, Thresholds(t.large, t.huge, t.especially_huge), (), None, "")
        if len(evaluate(rs, facts, basis).possible) != 1:
            return False
    return True
