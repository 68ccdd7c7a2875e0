"""xingshi-shenpan-1320, jianli-105, dianxin-yijian-2016#sec-2-1 — ordinary 诈骗 or 电信网络诈骗.

A buyer's refund fraud against a specific merchant is ordinary 诈骗 and takes the provincial figures
(刑事审判参考第1320号, VERIFIED; 检例第105号, REPORTED), not the telecom figures of the 2016 意见
二（一）. Where the facts describe broadcasting to many unspecified victims, the telecom figures may
apply instead (待核实). Rule data: ``rules/criminal/characterisation.toml``.
"""

from __future__ import annotations

from typing import Any, cast

from ..facts import Facts
from ..labels import confidence_label, tier_label
from ..laws import registry
from ..result import Trail
from ..ruleset import Ruleset, Thresholds
from .amounts import thresholds_dict
from .common import fmt, tier_of


def _data(rs: Ruleset) -> dict[str, Any]:
    return cast(dict[str, Any], rs.criminal["characterisation"])


def telecom_thresholds(rs: Ruleset) -> Thresholds:
    t = _data(rs)["telecom"]
    return Thresholds(t["large"], t["huge"], t["especially_huge"])


def assess(rs: Ruleset, facts: Facts, trail: Trail) -> dict[str, Any]:
    """The characterisation step of every criminal result; returns the ``offence`` result key."""
    data = _data(rs)
    t = telecom_thresholds(rs)
    laws = registry()
    trail.step("criminal", data["ordinary"]["step"].format(
        large=fmt(t.large), huge=fmt(t.huge), eh=fmt(t.especially_huge),
        c1320=confidence_label(laws["xingshi-shenpan-1320"].confidence, rs),
        j105=confidence_label(laws["jianli-105"].confidence, rs)), list(data["ordinary"]["citations"]))
    out: dict[str, Any] = {"kind": "ordinary", "telecom_may_apply": False, "telecom": None,
                           "citations": list(data["ordinary"]["citations"])}
    b = data["broadcast"]
    hit = [c for c in b["circumstances"] if facts.has(c)]
    if hit:
        tier = tier_of(facts.amount, t)
        trail.step("criminal", b["step"].format(
            label=rs.circumstances[hit[0]].label, large=fmt(t.large), huge=fmt(t.huge), eh=fmt(t.especially_huge),
            amount=fmt(facts.amount), tier=tier_label(tier, rs)), list(b["citations"]))
        trail.warn("telecom_figures_may_apply", b["warning"], list(b["citations"]), "criminal")
        out |= {"telecom_may_apply": True, "pending_verification": True,
                "telecom": {"tier": tier, "thresholds_yuan": thresholds_dict(t),
                            "citation": data["telecom"]["citation"]}}
    return out


def what_changes(rs: Ruleset, facts: Facts) -> list[str]:
    b = _data(rs)["broadcast"]
    return [str(b["what_changes"])] if any(facts.has(c) for c in b["circumstances"]) else []
