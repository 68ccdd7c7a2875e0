"""zhapian-jieshi-2011#art-1 — 诈骗案件解释（2011）第一条: the national ranges of 数额较大 / 数额巨大 /
数额特别巨大 and the figures each province sets within them.

Rule data: ``rules/thresholds/000000-national.toml`` (the ranges, and the index of the province files),
``rules/thresholds/<code>-<name>.toml`` (one file per province), ``rules/criminal/amounts.toml`` (the
sentences of the steps). Thresholds are inclusive (xingfa#art-99: "以上" includes the figure). Without
usable provincial figures an amount between the national floor and ceiling of a tier gives
``uncertain`` with the possible tiers, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from ..facts import money
from ..labels import confidence_label, tier_label
from ..result import Trail
from ..ruleset import Province, ProvinceVersion, Region, Ruleset, Thresholds
from .common import Evaluation, J, fmt, ordered, span, tier_of

CITATIONS = [f"{J}#art-1", "xingfa#art-99"]


class Mode(StrEnum):
    """Which figures apply on one date."""
    EXACT = "exact"          # one set of figures (a province, or a province's region)
    NATIONAL = "national"    # no usable provincial figures: the national ranges
    REGIONS = "regions"      # the province splits by region and the facts name none


@dataclass
class Basis:
    """Which figures apply on one date."""
    on: date
    mode: Mode
    thresholds: Thresholds | None
    regions: tuple[Region, ...]
    version: ProvinceVersion | None
    reason: str                      # why this mode (for the steps)

    def key(self) -> tuple[Any, ...]:
        return (self.mode, self.thresholds, self.regions, id(self.version))


def _texts(rs: Ruleset) -> dict[str, Any]:
    return cast(dict[str, Any], rs.criminal["amounts"])


def basis_at(rs: Ruleset, province: Province | None, region: Region | None, on: date) -> Basis:
    reasons = _texts(rs)["reasons"]
    if province is None:
        return Basis(on, Mode.NATIONAL, None, (), None, reasons["no_province"])
    version = rs.version_in_force(province, on)
    if version is None:
        return Basis(on, Mode.NATIONAL, None, (), None,
                     reasons["not_in_force"].format(province=province.name, on=on.isoformat()))
    if not version.has_figures:
        return Basis(on, Mode.NATIONAL, None, (), version, reasons["unknown"].format(province=province.name))
    if version.regions:
        if region is not None:
            match = next((r for r in version.regions if r.code == region.code), None)
            if match is not None:
                return Basis(on, Mode.EXACT, match.thresholds, (match,), version, f"{province.name}{match.label}")
        return Basis(on, Mode.REGIONS, None, version.regions, version,
                     reasons["regions_missing"].format(province=province.name))
    return Basis(on, Mode.EXACT, version.thresholds, (), version, province.name)


def evaluate(rs: Ruleset, amount: Decimal, basis: Basis) -> Evaluation:
    """The tiers the amount may fall in under ``basis`` (provincial 第二条 rules come after, in art2)."""
    steps = _texts(rs)["steps"]
    ev = Evaluation(set())
    if basis.mode is Mode.NATIONAL:
        low, high = rs.national_thresholds_low(), rs.national_thresholds_high()
        ev.possible = span({tier_of(amount, low), tier_of(amount, high)})
        ev.steps.append((steps["national"].format(
            reason=basis.reason, large_lo=fmt(low.large), large_hi=fmt(high.large), huge_lo=fmt(low.huge),
            huge_hi=fmt(high.huge), eh=fmt(low.especially_huge), amount=fmt(amount),
            tiers="、".join(tier_label(t, rs) for t in ordered(ev.possible))), list(CITATIONS)))
    elif basis.mode is Mode.REGIONS:
        per = {r.label: tier_of(amount, r.thresholds) for r in basis.regions}
        ev.possible = span(set(per.values()))
        detail = "；".join(steps["region"].format(
            label=r.label, cities="、".join(r.cities[:6]) + ("等" if len(r.cities) > 6 else ""),
            large=fmt(r.thresholds.large), huge=fmt(r.thresholds.huge), tier=tier_label(per[r.label], rs))
            for r in basis.regions)
        ev.steps.append((f"{basis.reason}：{detail}。", list(CITATIONS)))
    else:
        t = basis.thresholds
        assert t is not None
        tier = tier_of(amount, t)
        ev.possible = {tier}
        ev.steps.append((steps["exact"].format(
            reason=basis.reason, large=fmt(t.large), huge=fmt(t.huge), eh=fmt(t.especially_huge),
            amount=fmt(amount), tier=tier_label(tier, rs)), CITATIONS + ["xingfa#art-266"]))
        if basis.version is not None and basis.version.confidence == "REPORTED":
            # figures from a secondary source never settle what the national range leaves open
            low, high = rs.national_thresholds_low(), rs.national_thresholds_high()
            national = span({tier_of(amount, low), tier_of(amount, high)})
            if len(national) > 1:
                ev.possible = national | {tier}
                ev.likely = tier
                ev.steps.append((steps["reported"].format(
                    reason=basis.reason, amount=fmt(amount), tier=tier_label(tier, rs),
                    tiers="、".join(tier_label(x, rs) for x in ordered(ev.possible)),
                    conf=confidence_label("REPORTED", rs)), list(CITATIONS)))
        alt = basis.version.alternative if basis.version is not None and not basis.regions else None
        if alt is not None:
            a = alt.thresholds
            tier2 = tier_of(amount, a)
            ev.possible = span({tier, tier2})
            ev.steps.append((steps["conflict"].format(
                text=alt.text, large=fmt(a.large), huge=fmt(a.huge), eh=fmt(a.especially_huge), amount=fmt(amount),
                tier=tier_label(tier2, rs),
                agree=steps["conflict_agree"] if tier2 == tier else steps["conflict_differ"]), list(CITATIONS)))
            ev.warnings.append(("threshold_conflict", steps["conflict_warning"].format(reason=basis.reason, text=alt.text),
                                [f"{J}#art-1"]))
    return ev


def provenance(rs: Ruleset, province: Province | None, bases: tuple[Basis, ...], trail: Trail,
               amount: Decimal, province_would_resolve: bool) -> bool:
    """Warn where the figures used come from a weak source or have no date; True when 待核实. The hint
    to add a province (or a city) is given only where it would settle the answer."""
    w = _texts(rs)["warnings"]
    pending = False
    cites = [f"{J}#art-1"]
    for basis in bases:
        v = basis.version
        if province is None:
            trail.warn("no_province", w["no_province_hint" if province_would_resolve else "no_province"], cites, "criminal")
            continue
        if v is None:
            trail.warn("province_not_in_force", w["not_in_force"].format(reason=basis.reason), cites, "criminal")
            continue
        if v.confidence == "UNKNOWN":
            trail.warn("province_unknown", w["unknown"].format(province=province.name), cites, "criminal")
            continue
        caveats = list(v.caveats)
        if v.confidence == "REPORTED":
            pending = True
            first = caveats.pop(0) if caveats and "二手来源" in caveats[0] else w["reported_default"]
            trail.warn("threshold_reported", f"{province.name}：{first}", cites, "criminal")
        if not v.date_known:
            pending = True
        for c in caveats:
            pending = True
            trail.warn("threshold_caveat", f"{province.name}：{c}", cites, "criminal")
        if basis.mode is Mode.REGIONS and len({tier_of(amount, r.thresholds) for r in basis.regions}) > 1:
            trail.warn("region_missing", w["region_missing"].format(province=province.name), cites, "criminal")
    return pending


def thresholds_dict(t: Thresholds | None) -> dict[str, str] | None:
    if t is None:
        return None
    return {k: str(money(v)) for k, v in t.to_dict().items() if v is not None}


def version_source(province: Province | None, basis: Basis) -> dict[str, Any] | None:
    """Where the figures used come from (result key ``criminal.thresholds_source``)."""
    v = basis.version
    if province is None or v is None:
        return None
    return {
        "province": province.name, "province_code": province.code,
        "region": basis.regions[0].label if basis.mode is Mode.EXACT and basis.regions else None,
        "document": v.document_title, "document_note": v.document, "document_date": v.document_date,
        "date_text": v.date_text, "reader_note": v.reader_note,
        "confidence": v.confidence,
        "from": v.valid_from.isoformat() if v.valid_from else None, "date_known": v.date_known,
        "sources": list(v.sources), "caveats": list(v.caveats),
        "alternative": None if v.alternative is None else {
            "thresholds_yuan": thresholds_dict(v.alternative.thresholds), "confidence": v.alternative.confidence,
            "text": v.alternative.text, "sources": list(v.alternative.sources)},
    }


def national_ranges_yuan(rs: Ruleset) -> dict[str, list[str]]:
    return {t: [str(money(lo)), str(money(hi))] for t, (lo, hi) in rs.national_ranges.items()}


def what_changes(rs: Ruleset, province: Province | None, codes: set[str], province_would_resolve: bool) -> list[str]:
    wc = _texts(rs)["what_changes"]
    out: list[str] = []
    if (province is None and province_would_resolve) or "province_unknown" in codes:
        out.append(wc["province"])
    if "region_missing" in codes:
        out.append(wc["region"])
    return out



def summary(rs: Ruleset, amount: Decimal, claims: int, tier: str, possible: list[str], likely: str | None) -> str:
    """One line for the headline: the tier, and what it rests on (the total where claims were summed)."""
    t = _texts(rs)["summary"]
    basis = t["total"].format(amount=fmt(amount), n=claims) if claims > 1 else t["single"].format(amount=fmt(amount))
    if tier != "uncertain":
        return str(t["definite"].format(basis=basis, tier=tier_label(tier, rs)))
    text = t["uncertain"].format(basis=basis, tiers="、".join(tier_label(x, rs) for x in possible))
    return str(text + (t["likely"].format(tier=tier_label(likely, rs)) if likely else ""))
