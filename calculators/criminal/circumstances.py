"""The circumstances the reader chose, as the criminal track sees them (rules/circumstances.toml:
each circumstance's ``criminal`` effect with its own citations)."""

from __future__ import annotations

from typing import Any

from ..facts import Facts
from ..result import Trail
from ..ruleset import Ruleset


def assess(rs: Ruleset, facts: Facts, crime_tiers: list[str], trail: Trail) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(every circumstance with a criminal effect, those that bear on the characterisation)."""
    out: list[dict[str, Any]] = []
    characterisation: list[dict[str, Any]] = []
    for code in facts.circumstances:
        c = rs.circumstances[code]
        eff = c.effect("criminal")
        if eff is None:
            continue
        item = {"code": code, "label": c.label, "kind": eff["kind"], "effect": eff["effect"], "citations": list(eff["citations"])}
        if "partial" in c.tags or any(x.startswith(("liangxing-2021", "dianxin-yijian")) for x in eff["citations"]):
            item["pending_verification"] = True
        out.append(item)
        if eff["kind"] == "characterisation":
            characterisation.append(item)
            trail.warn(f"characterisation_{code}", f"{c.label}：{eff['effect']}", eff["citations"], "criminal")
        elif crime_tiers:
            trail.step("criminal", f"情节“{c.label}”：{eff['effect']}", eff["citations"])
    if any(x.get("pending_verification") for x in out):
        texts = rs.criminal["texts"]
        trail.warn("sentencing_guidance_partial", texts["sentencing_partial"], list(texts["sentencing_partial_citations"]),
                   "criminal")
    return out, characterisation
