"""zhapian-jieshi-2011#art-3, #art-4, xingfa#art-37 — leniency: 诈骗案件解释第三条 (数额较大 with a
listed ground and remorse: 可以不起诉或者免予刑事处罚, 刑法第三十七条) and 第四条 (近亲属).
Rule data: ``rules/criminal/leniency.toml``; the grounds are the ``art3-*`` tags in circumstances.toml.
"""

from __future__ import annotations

from typing import Any

from ..facts import Facts
from ..result import Trail
from ..ruleset import Ruleset


def non_prosecution(rs: Ruleset, facts: Facts, possible: set[str], trail: Trail) -> bool:
    """第三条: shown for the 数额较大 tier only."""
    a3 = rs.criminal["leniency"]["art3"]
    grounds = [c for c in facts.circumstances if any(tag.startswith("art3-") for tag in rs.circumstances[c].tags)]
    attempt_ground = not facts.refund_obtained
    possible_here = "large" in possible and bool(grounds or attempt_ground)
    if possible_here:
        names = [rs.circumstances[c].label for c in grounds] + ([a3["attempt_ground"]] if attempt_ground else [])
        remorse = any("remorse" in rs.circumstances[c].tags for c in facts.circumstances)
        trail.step("criminal", a3["step"].format(grounds="、".join(names), remorse="" if remorse else a3["remorse_missing"]),
                   list(a3["citations"]))
    return possible_here


def close_relative(rs: Ruleset, facts: Facts, trail: Trail) -> dict[str, Any] | None:
    """第四条: the victim is a close relative."""
    if not facts.has("close_relative"):
        return None
    a4 = rs.criminal["leniency"]["art4"]
    forgiven = facts.has("forgiveness")
    trail.step("criminal", a4["step_forgiven"] if forgiven else a4["step_not_forgiven"], list(a4["citations"]))
    return {"forgiven": forgiven, "effect": a4["effect_forgiven"] if forgiven else a4["effect_not_forgiven"],
            "citations": list(a4["citations"])}
