"""xingfa#art-12 — 刑法第十二条 (从旧兼从轻), applied to a change of the amount standards between the
act and the decision. Rule data: ``rules/criminal/time_effect.toml``.

The possible tiers are computed under the standard in force at the act date and at the decision date,
and the lighter of each pair is kept. 第十二条 speaks of the criminal law itself; how a change of an
interpretation or a provincial standard applies has no text in the source pack: the result says so.
"""

from __future__ import annotations

from typing import Any

from ..facts import Facts
from ..result import Trail
from ..ruleset import TIER_ORDER, Ruleset
from .common import Evaluation, ordered, span


def combine(rs: Ruleset, act: Evaluation, dec: Evaluation, trail: Trail) -> tuple[set[str], dict[str, Any], bool]:
    """(possible tiers, the ``time_effect`` result key, pending verification)."""
    te = rs.criminal["time_effect"]
    possible = span({min(a, d, key=TIER_ORDER.__getitem__) for a in act.possible for d in dec.possible})
    out = {"act_date_possible": ordered(act.possible), "decision_date_possible": ordered(dec.possible),
           "applied": "lighter", "note": te["note"], "citation": te["citation"]}
    pending = False
    if act.possible != dec.possible:
        trail.step("criminal", te["step"] + te["note"], [te["citation"]])
        trail.warn("time_effect_pending", te["note"], [te["citation"]], "criminal")
        pending = True
    return possible, out, pending


def what_changes(rs: Ruleset, facts: Facts, same: bool) -> list[str]:
    return [] if facts.act_date_given and same else [str(rs.criminal["time_effect"]["what_changes"])]
