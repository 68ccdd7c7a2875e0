"""zhapian-jieshi-2011#art-2 — 诈骗案件解释（2011）第二条: the circumstances of the first paragraph
(酌情从严), and the second paragraph: an amount "接近" 数额巨大 / 数额特别巨大 with one of those
circumstances, or by a fraud group's leader, is 其他严重情节 / 其他特别严重情节.

This module is the one place of 第二条. Rule data: ``rules/criminal/art2.toml`` (the circumstance sets,
the sentences) and each province's own 第二条 rules, ``[[version.local_rule]]`` in
``rules/thresholds/<code>-<name>.toml`` (上海's lower 数额较大 floor, 湖北's and 北京's figures,
江苏's "接近数额较大").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from ..facts import Facts
from ..labels import confidence_label, tier_label
from ..ruleset import TIER_ORDER, TIERS, LocalRuleKind, Ruleset
from .amounts import Basis, Mode
from .common import Evaluation, J, fmt, ordered, tier_of


def _data(rs: Ruleset) -> dict[str, Any]:
    return cast(dict[str, Any], rs.criminal["art2"])


def circumstances(rs: Ruleset) -> tuple[str, ...]:
    """The circumstance codes of 第二条 (第一款's five and 第二款's fraud group leader)."""
    return rs.art2["art2"]


def apply(rs: Ruleset, amount: Decimal, basis: Basis, facts: Facts, ev: Evaluation) -> None:
    """Apply the province's own 第二条 rules, then 第二条第二款 ("接近") where no local rule did."""
    data = _data(rs)
    local = data["local"]
    present = set(facts.circumstances)
    handled_near: set[str] = set()
    version = basis.version
    if version is not None and basis.mode is Mode.EXACT and basis.thresholds is not None:
        t = basis.thresholds
        for s in version.specials:
            hit = present & set(s.circumstances)
            if not hit:
                continue
            labels = "、".join(rs.circumstances[c].label for c in s.circumstances if c in hit)
            if s.kind is LocalRuleKind.LOWER_LARGE_FLOOR and s.min is not None and t.large is not None and s.min <= amount < t.large:
                ev.possible = {"large"}
                ev.steps.append((local["lower_large_floor"].format(text=s.text, labels=labels), [f"{J}#art-1"]))
            elif s.kind is LocalRuleKind.AGGRAVATED_FLOORS and s.floors is not None:
                handled_near |= hit
                higher = tier_of(amount, s.floors)
                cur = max(ev.possible, key=TIER_ORDER.__getitem__)
                if TIER_ORDER[higher] > TIER_ORDER[cur]:
                    ev.possible = {higher}
                ev.steps.append((local["aggravated_floors"].format(
                    text=s.text, labels=labels, amount=fmt(amount), tier=tier_label(higher, rs)),
                    [f"{J}#art-1", f"{J}#art-2"]))
            elif s.kind is LocalRuleKind.NEAR_LARGE and s.min is not None and t.large is not None and s.min <= amount < t.large:
                ev.possible = {"none", "large"}
                ev.steps.append((local["near_large"].format(text=s.text, labels=labels), [f"{J}#art-1"]))
                if s.warning:
                    ev.warnings.append((s.warning_code or "near_large_undefined", s.warning, [f"{J}#art-1"]))
    near = (present & set(circumstances(rs))) - handled_near
    if near:
        _near(rs, amount, basis, near, ev)


def higher_threshold(rs: Ruleset, basis: Basis, tier: str) -> int | None:
    """The floor of ``tier`` where the amount is judged: the figures in force, the lowest of the regions,
    or the national floor (the lowest any province may set) without provincial figures."""
    if basis.mode is Mode.EXACT and basis.thresholds is not None:
        return basis.thresholds.get(tier)
    if basis.mode is Mode.REGIONS:
        values = [v for r in basis.regions if (v := r.thresholds.get(tier)) is not None]
        return min(values) if values else None
    return rs.national_thresholds_low().get(tier)


def _near(rs: Ruleset, amount: Decimal, basis: Basis, near: set[str], ev: Evaluation) -> None:
    """第二条第二款 "接近": the province's own figures where the pack has them, else 60% of the higher
    tier's floor (the lowest share any province uses; not a rule of law)."""
    data = _data(rs)
    nt = data["near"]
    share = Decimal(nt["lowest_share"])
    labels = "、".join(rs.circumstances[c].label for c in rs.art2["art2"] if c in near)
    cites = list(nt["step_citations"])
    own_rules = [s for s in (basis.version.specials if basis.version is not None and basis.mode is Mode.EXACT else ())
                 if s.kind is LocalRuleKind.NEAR and near & set(s.circumstances)]
    province = basis.reason
    added: set[str] = set()
    for cur in ordered(ev.possible):
        if cur not in ("large", "huge"):
            continue
        higher = TIERS[TIER_ORDER[cur] + 1]
        if higher in ev.possible:
            continue
        label = tier_label(higher, rs)
        own = next((s for s in own_rules if s.floors is not None and s.floors.get(higher) is not None), None)
        if own is not None and own.floors is not None:
            floor = own.floors.get(higher)
            assert floor is not None
            conf = confidence_label(own.confidence, rs)
            if amount >= floor:
                added.add(higher)
                ev.steps.append((nt["own_step"].format(province=province, confidence=conf, text=own.text,
                                                       amount=fmt(amount), floor=fmt(floor), higher=label), cites))
                if own.confidence != "VERIFIED":
                    ev.warnings.append(("near_threshold_reported", nt["own_warning"].format(province=province),
                                        list(data["citations"])))
            else:
                ev.steps.append((nt["own_not_near"].format(province=province, confidence=conf, text=own.text,
                                                           amount=fmt(amount), floor=fmt(floor), higher=label), cites))
            continue
        threshold = higher_threshold(rs, basis, higher)
        if threshold is None:
            continue
        cut = Decimal(threshold) * share
        if amount >= cut:
            added.add(higher)
            ev.steps.append((nt["step"].format(labels=labels, amount=fmt(amount), higher=label,
                                               threshold=fmt(threshold), cut=fmt(cut)), cites))
            ev.warnings.append(("near_threshold_undefined", nt["warning"], list(data["citations"])))
        else:
            ev.steps.append((nt["not_near"].format(labels=labels, amount=fmt(amount), higher=label,
                                                   threshold=fmt(threshold), cut=fmt(cut)), cites))
    ev.possible |= added


def what_changes(rs: Ruleset, codes: set[str]) -> list[str]:
    if codes & {"near_threshold_undefined", "near_large_undefined", "near_threshold_reported"}:
        return [str(_data(rs)["near"]["what_changes"])]
    return []
