"""xingfa#art-266, xingfa#art-87 — 刑法第二百六十六条 (the three tiers' statutory penalties) and
第八十七条 (the limitation period of each tier); 第七十四条 (no probation for recidivists and group
leaders). Rule data: ``rules/criminal/penalty.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..facts import Facts
from ..labels import tier_label
from ..periods import add_years
from ..result import Trail
from ..ruleset import AMOUNT_TIERS, Ruleset
from .common import fmt

LIMITATION_CITATIONS = ["xingfa#art-87", "xingfa#art-88", "xingfa#art-89"]


@dataclass
class Penalty:
    sentence: str | None
    sentences: list[dict[str, Any]]
    limitation_years: int | None
    limitation_years_by_tier: dict[str, int]
    limitation: dict[str, Any] | None
    probation_excluded: bool


def assess(rs: Ruleset, facts: Facts, tier: str, crime_tiers: list[str], trail: Trail) -> Penalty:
    tiers = rs.criminal["tiers"]
    texts = rs.criminal["texts"]
    sentences = [
        {"tier": t, "label": tiers[t]["label"], "text": tiers[t]["statutory_text"], "penalties": list(tiers[t]["penalties"]),
         "min_years": tiers[t]["min_years"], "max_years": tiers[t].get("max_years"), "life": tiers[t]["life"],
         "fine": tiers[t]["fine"], "citations": ["xingfa#art-266"]}
        for t in crime_tiers
    ]
    by_tier = {t: int(tiers[t]["limitation_years"]) for t in crime_tiers}
    sentence: str | None = None
    years: int | None = None
    limitation: dict[str, Any] | None = None
    if tier in AMOUNT_TIERS:
        sentence = f"刑法第二百六十六条：{tiers[tier]['statutory_text']}。"
        years = int(tiers[tier]["limitation_years"])
        until = add_years(facts.act_date, years)
        limitation = {
            "years": years, "item": tiers[tier]["limitation_item"], "from": facts.act_date.isoformat(),
            "until_approx": until.isoformat(), "expired_at_decision": facts.decision_date > until,
            "notes": list(rs.criminal["limitation"]["notes"]), "citations": list(LIMITATION_CITATIONS),
        }
        trail.step("criminal", texts["penalty"].format(label=tier_label(tier, rs), statutory_text=tiers[tier]["statutory_text"]),
                   ["xingfa#art-266"])
        trail.step("criminal", texts["limitation"].format(item=tiers[tier]["limitation_item"][1], years=years),
                   LIMITATION_CITATIONS)
        if limitation["expired_at_decision"]:
            trail.warn("limitation_may_have_run", texts["limitation_may_have_run"].format(until=until.isoformat()),
                       LIMITATION_CITATIONS, "criminal")
    elif tier == "uncertain" and crime_tiers:
        sentence = "；或者".join(f"{tiers[t]['statutory_text']}" for t in crime_tiers)
        sentence = f"刑法第二百六十六条（视最终认定的数额档次）：{sentence}。"
        items = "；".join(f"{tier_label(t, rs)}——{tiers[t]['statutory_text']}，追诉期限{tiers[t]['limitation_years']}年"
                         for t in crime_tiers)
        trail.step("criminal", texts["uncertain"].format(items=items), ["xingfa#art-266", "xingfa#art-87"])
    else:
        trail.step("criminal", texts["below_large"].format(amount=fmt(facts.amount)), ["zhapian-jieshi-2011#art-1"])
    probation_excluded = facts.has("recidivist", "gang_leader") and bool(crime_tiers)
    return Penalty(sentence, sentences, years, by_tier, limitation, probation_excluded)


def explain_probation(rs: Ruleset, p: Penalty, trail: Trail) -> None:
    if p.probation_excluded:
        texts = rs.criminal["texts"]
        trail.step("criminal", texts["probation_excluded"], list(texts["probation_citations"]))
