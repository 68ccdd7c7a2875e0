"""What the provisions of the criminal track share: the tier order, the working state of one
evaluation, and the way amounts are written in the steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..money import format_yuan
from ..ruleset import AMOUNT_TIERS, TIER_ORDER, TIERS, Thresholds

J = "zhapian-jieshi-2011"


def tier_of(amount: Decimal, t: Thresholds) -> str:
    """Highest tier whose floor the amount reaches (inclusive, 刑法第九十九条)."""
    tier = "none"
    for name in AMOUNT_TIERS:
        floor = t.get(name)
        if floor is not None and amount >= floor:
            tier = name
    return tier


def span(tiers: set[str]) -> set[str]:
    """Fill the gaps: if none and huge are possible, large is too (thresholds are monotone)."""
    orders = [TIER_ORDER[t] for t in tiers]
    return {TIERS[i] for i in range(min(orders), max(orders) + 1)}


def ordered(tiers: set[str] | list[str]) -> list[str]:
    return sorted(tiers, key=TIER_ORDER.__getitem__)


def fmt(value: int | Decimal | None) -> str:
    """An amount in a step's text, in the product's one style ("8,000 元")."""
    return format_yuan(value, missing="—")


@dataclass
class Evaluation:
    """The possible tiers on one date, with the steps and warnings that explain them."""
    possible: set[str]
    likely: str | None = None   # the tier under REPORTED figures, where the national range leaves it open
    steps: list[tuple[str, list[str]]] = field(default_factory=list)
    warnings: list[tuple[str, str, list[str]]] = field(default_factory=list)
