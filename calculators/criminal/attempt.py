"""xingfa#art-23, zhapian-jieshi-2011#art-5 — 未遂: the refund was applied for but not obtained.
Rule data: ``rules/criminal/attempt.toml``.

诈骗案件解释第五条 makes an attempt aimed at 数额巨大 (or with other serious circumstances) punishable;
for an attempt aimed at 数额较大 it says nothing, so that tier becomes "possible" (none or large).
"""

from __future__ import annotations

from ..facts import Facts
from ..result import Trail
from ..ruleset import Ruleset
from .common import Evaluation


def apply(ev: Evaluation, facts: Facts) -> None:
    if facts.refund_obtained:
        return
    new: set[str] = set()
    for t in ev.possible:
        new |= {"none", "large"} if t == "large" else {t}
    ev.possible = new


def explain(rs: Ruleset, facts: Facts, possible: set[str], trail: Trail) -> None:
    if facts.refund_obtained:
        return
    a = rs.criminal["attempt"]
    trail.step("criminal", a["step"], list(a["citations"]))
    if "large" in possible:
        trail.warn("attempt_large_unsettled", a["warning"], list(a["warning_citations"]), "criminal")


def what_changes(rs: Ruleset, facts: Facts) -> list[str]:
    return [] if facts.refund_obtained else [str(rs.criminal["attempt"]["what_changes"])]
