"""Display labels, read from the rule data once: the tier labels (rules/criminal/penalty.toml) and the
confidence labels (rules/labels.toml). The engine sends them with every result (``result["labels"]``)
so that no page keeps a copy.
"""

from __future__ import annotations

from functools import cache

from .ruleset import TIERS, Ruleset, load


def tier_labels(rs: Ruleset | None = None) -> dict[str, str]:
    """{tier code: label}, the four tiers of 刑法第二百六十六条 and ``uncertain``."""
    rs = rs or load()
    tiers = rs.criminal["tiers"]
    return {t: str(tiers[t]["label"]) for t in TIERS} | {"uncertain": str(rs.criminal["uncertain"]["label"])}


def confidence_labels(rs: Ruleset | None = None) -> dict[str, str]:
    """{VERIFIED | PARTIAL | REPORTED | UNKNOWN: the Chinese label readers see}."""
    rs = rs or load()
    return {k: str(v) for k, v in rs.labels["confidence"].items()}


def tier_label(code: str, rs: Ruleset | None = None) -> str:
    return tier_labels(rs)[code]


def confidence_label(code: str, rs: Ruleset | None = None) -> str:
    return confidence_labels(rs)[code]


@cache
def _result_labels(version: str) -> dict[str, dict[str, str]]:
    rs = load()
    return {"tier": tier_labels(rs), "confidence": confidence_labels(rs)}


def result_labels() -> dict[str, dict[str, str]]:
    """The ``labels`` key of a result: {"tier": {...}, "confidence": {...}} (fresh copies)."""
    cached = _result_labels(load().version)
    return {k: dict(v) for k, v in cached.items()}
