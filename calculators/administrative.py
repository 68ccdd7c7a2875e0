"""Administrative track: 治安管理处罚法 (2012 text until 2025-12-31; 2025 text from 2026-01-01).

One function per provision, each named in its docstring by the citation id it implements; the
figures and the fixed Chinese texts sit beside each other in ``rules/administrative.toml``:

- ``texts_in_force``     xingzheng-chufa-2021#art-37   which text: the law at the time of the act;
                                                        the new one where it punishes more lightly
- ``scope``              zhian-2012#art-2, zhian-2025#art-8   only what is not a crime
- ``circumstances``      zhian-2012#art-19/20, zhian-2025#art-20/21/22   lighter and heavier
- ``punishment``         zhian-2012#art-49, zhian-2025#art-58   detention and fine
- ``discovery_period``   zhian-2012#art-22, zhian-2025#art-25   not discovered in six months: 不再处罚
- ``first_violation``    xingzheng-chufa-2021#art-33   首违不罚 (debated for 治安)

``assess`` runs them in that order. For an act before 2026-01-01 decided later, both texts are
shown with the comparison; which one is lighter depends on the punishment considered (an open
question in the source pack), so the engine does not pick one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .facts import Facts, money
from .money import format_yuan
from .periods import CITATIONS as PERIOD_CITATIONS
from .periods import add_months
from .result import AdministrativeResult, Track, Trail
from .ruleset import Ruleset

TRACK = Track.ADMINISTRATIVE
Applies = bool | str  # True | False | "conditional" (the JSON contract)


def _say(template: str, **values: Any) -> str:
    """A fixed text of the rule data with its {placeholders} filled in."""
    return template.format(**values)


# ---- xingzheng-chufa-2021#art-37: which text ------------------------------------------------------

def texts_in_force(adm: dict[str, Any], act: date, decision: date) -> list[str]:
    """xingzheng-chufa-2021#art-37: the text in force at the act ("2012" or "2025"); both where the
    act is before the 2025 text took effect and the decision after it (the lighter one may apply)."""
    switch: date = adm["transition"]["switch_date"]
    if act >= switch:
        return ["2025"]
    if decision < switch:
        return ["2012"]
    return ["2012", "2025"]


def _which(adm: dict[str, Any], keys: list[str]) -> str:
    t = adm["transition"]
    return str(t["which_both"] if len(keys) == 2 else t[f"which_{keys[0]}"])


def explain_texts_in_force(adm: dict[str, Any], keys: list[str], applies: Applies, no_penalty: bool,
                           facts: Facts, trail: Trail) -> dict[str, Any] | None:
    """xingzheng-chufa-2021#art-37 in the reasoning; returns the comparison of the two texts
    (``lighter``) where both are shown and a penalty is possible, else ``None``. ``no_penalty``:
    not a crime, but the six months have run out."""
    t = adm["transition"]
    cite = t["citation"]
    if applies is False:
        template = t["no_penalty"] if no_penalty else t["if_not_crime"]
        trail.step(TRACK, _say(template, which=_which(adm, keys)), [cite])
        return None
    if len(keys) == 1:
        trail.step(TRACK, t[f"only_{keys[0]}"], [cite])
        return None
    trail.step(TRACK, _say(t["both"], act=facts.act_date.isoformat(), decision=facts.decision_date.isoformat()),
               t["both_citations"])
    comparison = ["zhian-2012#art-49", "zhian-2025#art-58", cite]
    trail.step(TRACK, t["ordinary"], comparison)
    trail.step(TRACK, t["serious"], comparison)
    trail.warn("admin_lighter_open", t["open_question"], [cite], TRACK)
    return {"ordinary": "2025", "serious": "2012", "decided": False,
            "ordinary_reason": t["ordinary"], "serious_reason": t["serious"],
            "open_question": t["open_question"], "citations": [cite]}


# ---- zhian-2012#art-2, zhian-2025#art-3/8: only what is not a crime ---------------------------------

def scope(adm: dict[str, Any], possible_tiers: list[str]) -> tuple[Applies, str]:
    """zhian-2012#art-2, zhian-2025#art-8: 治安管理处罚 only for what is not punished as a crime.
    ``applies`` is True below 数额较大, "conditional" where the tier is uncertain, False for a crime."""
    s = adm["scope"]
    if possible_tiers == ["none"]:
        return True, s["not_crime"]
    if "none" in possible_tiers:
        return "conditional", s["maybe_crime"]
    return False, s["crime"]


def _scope_citations(adm: dict[str, Any], keys: list[str]) -> list[str]:
    if len(keys) == 2:
        return list(adm["transition"]["scope_step_citations"])
    return list(adm["versions"][keys[0]]["scope_step_citations"])


# ---- zhian-2012#art-19/20, zhian-2025#art-20/21/22: lighter and heavier ----------------------------

def circumstances(rs: Ruleset, key: str, facts: Facts) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """zhian-2012#art-19 / zhian-2025#art-20 (mitigation), zhian-2025#art-21 (leniency),
    zhian-2012#art-20 / zhian-2025#art-22 (aggravation): the facts' circumstances under one text, as
    (mitigation, aggravation, notes). 2012 第十九条（二） needs both restitution and forgiveness."""
    v = rs.administrative["versions"][key]
    track = f"admin_{key}"
    both = v.get("mitigation_both", [])
    only_one = bool(both) and not all(facts.has(c) for c in both)
    mitigation: list[dict[str, Any]] = []
    aggravation: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for code in facts.circumstances:
        eff = rs.circumstances[code].effect(track)
        if eff is None:
            continue
        item = {"code": code, "label": rs.circumstances[code].label, "effect": eff["effect"],
                "citations": list(eff["citations"])}
        kind = eff["kind"]
        if only_one and code in both:
            kind = "info"
            item["effect"] = eff["effect"] + v["mitigation_both_missing"]
        {"mitigation": mitigation, "aggravation": aggravation}.get(kind, notes).append(item)
    return mitigation, aggravation, notes


# ---- zhian-2012#art-49, zhian-2025#art-58: detention and fine ---------------------------------------

def punishment(rs: Ruleset, key: str, facts: Facts) -> dict[str, Any]:
    """zhian-2012#art-49 / zhian-2025#art-58 (诈骗): the ranges of one text, with the facts'
    circumstances under it (``rules/administrative.toml`` ``[versions."<key>"]``)."""
    v = rs.administrative["versions"][key]
    mitigation, aggravation, notes = circumstances(rs, key, facts)
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


def explain_punishment(adm: dict[str, Any], version: dict[str, Any], trail: Trail) -> None:
    """zhian-2012#art-49 / zhian-2025#art-58 in the reasoning: the ranges, then each circumstance."""
    p = adm["punishment"]
    v, serious = version, version["serious"]
    fine = _say(p["fine_alone"] if v["fine_alone_possible"] else p["fine_joint"], fine=money_text(v["fine_max_yuan"]))
    trail.step(TRACK, _say(p["step"], label=v["label"], article=v["article"],
                           min_days=v["detention_days"][0], max_days=v["detention_days"][1], fine=fine,
                           serious_min_days=serious["detention_days"][0], serious_max_days=serious["detention_days"][1],
                           serious_fine=money_text(serious["fine_max_yuan"])),
               [v["citation"], v["citations"][1]])
    for item in v["mitigation"] + v["aggravation"] + v["notes"]:
        trail.step(TRACK, _say(p["circumstance"], label=v["label"], circumstance=item["label"], effect=item["effect"]),
                   item["citations"])


# ---- zhian-2012#art-22, zhian-2025#art-25: not discovered within six months ------------------------

def discovery_period(adm: dict[str, Any], keys: list[str], facts: Facts) -> dict[str, Any]:
    """zhian-2012#art-22 / zhian-2025#art-25: an act not discovered by the police within six months
    (from the act; from its end where it continues) is no longer punished. ``expired`` is known only
    when the discovery date is given. The months are counted by ``calculators.periods``."""
    months = adm["versions"][keys[0]]["discovery_months"]
    last_day = add_months(facts.act_date, months)
    return {
        "months": months, "from": facts.act_date.isoformat(), "last_day": last_day.isoformat(),
        "discovery_date": facts.discovery_date.isoformat() if facts.discovery_date else None,
        "expired": None if facts.discovery_date is None else facts.discovery_date > last_day,
        "decision_after_last_day": facts.decision_date > last_day,
        "citations": [adm["versions"][k]["discovery_citation"] for k in keys],
        "method": adm["discovery"]["method"],
    }


def no_penalty(adm: dict[str, Any], applies: Applies, summary: str, period: dict[str, Any],
               trail: Trail) -> tuple[Applies, str]:
    """zhian-2012#art-22 / zhian-2025#art-25 "不再处罚": once the six months have run out before the
    police discovered the act, no 治安管理处罚 may be imposed: ``applies`` becomes False and the
    summary and a warning say why, with the dates. Unchanged while ``expired`` is not True."""
    if period["expired"] is not True:
        return applies, summary
    d = adm["discovery"]
    dates = {"act": period["from"], "last_day": period["last_day"], "discovery": period["discovery_date"]}
    articles = "、".join(v["label"] + v["discovery_article"] for v in adm["versions"].values()
                        if v["discovery_citation"] in period["citations"])
    trail.warn("discovery_expired", _say(d["expired_warning"], articles=articles, **dates),
               period["citations"] + list(PERIOD_CITATIONS), TRACK)
    if applies is True:
        return False, _say(d["no_penalty"], **dates)
    if applies == "conditional":
        return False, _say(d["no_penalty_maybe_crime"], **dates)
    return False, summary + _say(d["no_penalty_crime"], **dates)


def explain_discovery_period(adm: dict[str, Any], period: dict[str, Any], trail: Trail) -> None:
    """zhian-2012#art-22 / zhian-2025#art-25 in the reasoning, with the warnings on what is unknown."""
    d = adm["discovery"]
    cites = period["citations"]
    text = _say(d["step"], act=period["from"], last_day=period["last_day"])
    if period["discovery_date"] is not None:
        text += _say(d["step_discovered"], discovery=period["discovery_date"]) + (d["expired"] if period["expired"] else d["in_time"])
    else:
        text += d["decision_after"] if period["decision_after_last_day"] else d["decision_before"]
    trail.step(TRACK, text, cites)
    if period["discovery_date"] is None and period["decision_after_last_day"]:
        trail.warn("discovery_date_missing", d["date_missing"], cites, TRACK)
    trail.warn("discovery_method", period["method"], cites + list(PERIOD_CITATIONS), TRACK)


# ---- xingzheng-chufa-2021#art-33: 首违不罚 -------------------------------------------------------------

def first_violation(adm: dict[str, Any], trail: Trail) -> None:
    """xingzheng-chufa-2021#art-33: whether 首违不罚 applies to 治安 cases is debated (a warning)."""
    fv = adm["first_violation"]
    trail.warn("first_violation_debated", fv["note"], [fv["citation"]], TRACK)


# ---- the pipeline ---------------------------------------------------------------------------------------

def assess(rs: Ruleset, facts: Facts, possible_tiers: list[str], trail: Trail) -> AdministrativeResult:
    adm = rs.administrative
    keys = texts_in_force(adm, facts.act_date, facts.decision_date)
    not_crime, summary = scope(adm, possible_tiers)
    period = discovery_period(adm, keys, facts)
    expired = period["expired"] is True and not_crime is not False
    scope_text = adm["scope"][f"{'maybe_crime' if not_crime == 'conditional' else 'not_crime'}_expired"] if expired else summary
    trail.step(TRACK, _say(adm["scope"]["step"], summary=scope_text), _scope_citations(adm, keys))

    versions = [punishment(rs, k, facts) for k in keys]
    applies, summary = no_penalty(adm, not_crime, summary, period, trail)
    lighter = explain_texts_in_force(adm, keys, applies, expired, facts, trail)
    if applies is not False:
        for v in versions:
            explain_punishment(adm, v, trail)
    explain_discovery_period(adm, period, trail)
    if applies is not False:
        first_violation(adm, trail)
    return _result(adm, keys, applies, summary, versions, lighter, period)


def _result(adm: dict[str, Any], keys: list[str], applies: Applies, summary: str, versions: list[dict[str, Any]],
            lighter: dict[str, Any] | None, period: dict[str, Any]) -> AdministrativeResult:
    """The result; once the six months have run out (``no_penalty``) no range is given at all."""
    transition = len(keys) == 2
    ranges = period["expired"] is not True
    primary = versions[0] if ranges and not transition else None
    same_days = ranges and all(v["detention_days"] == versions[0]["detention_days"] for v in versions)
    article = versions[0]["article"] if not transition else _say(
        adm["punishment"]["article_both"], article_2012=versions[0]["article"], article_2025=versions[1]["article"])
    return AdministrativeResult(
        applies=applies, summary=summary,
        law_version=keys[0] if not transition else "2012/2025", law_versions=keys, transition=transition,
        article=article,
        detention_days=primary["detention_days"] if primary else (versions[0]["detention_days"] if same_days else None),
        fine_max_yuan=primary["fine_max_yuan"] if primary else None,
        fine_alone_possible=primary["fine_alone_possible"] if primary else None,
        serious=primary["serious"] if primary else None,
        mitigation=[m | {"law_version": v["law_version"]} for v in versions for m in v["mitigation"]],
        aggravation=[a | {"law_version": v["law_version"]} for v in versions for a in v["aggravation"]],
        versions=versions if applies is not False else [], lighter=lighter, discovery_period=period,
        citations=[v["citation"] for v in versions] + [adm["transition"]["citation"]],
    )


def money_text(s: str | None) -> str:
    """A fine in reader text, in the product's one style ("1,000 元")."""
    return format_yuan(s)
