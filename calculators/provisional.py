"""The figures behind the calculator page's provisional line (issue 12 §3), exported at build time.

While Python loads in the reader's browser, the page shows the selected province's three amount
floors (解释第一条, provincial standard) and where the typed amount falls among them, marked 初步.
This module gives the page those figures and nothing else: the page only compares an amount with
them. Everything that needs judgement (circumstances, 接近, attempt, two dates under different
standards, REPORTED or UNKNOWN figures) is left to the full analysis.

The figures are those of the latest version of each province's standard (the one in force on any
date from its ``from`` on, as ``Ruleset.version_in_force`` picks it); ``from`` is the date from which
that version applies to both the act date and the decision date (a version whose date the pack does
not give counts from the 2011 interpretation, as in the engine). Read through the public
``Ruleset`` methods only, so that the layout of the rule files can change under it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .labels import confidence_labels
from .ruleset import AMOUNT_TIERS, Ruleset, Thresholds


def _floors(t: Thresholds) -> dict[str, int | None]:
    return {tier: t.get(tier) for tier in AMOUNT_TIERS}


def export(rs: Ruleset) -> dict[str, Any]:
    """{provinces: {short: {name, code, confidence, confidence_label, from, floors | regions}}}.

    ``floors`` maps each amount tier to its floor in yuan (``None`` where the standard gives none);
    a province split by city has ``regions``: [{code, label, cities, floors}] instead.
    """
    out: dict[str, Any] = {}
    labels = confidence_labels(rs)
    for code in sorted(rs.provinces):
        p = rs.provinces[code]
        v = rs.version_in_force(p, date.max)
        entry: dict[str, Any] = {"name": p.name, "code": code}
        if v is None or not v.has_figures:
            entry |= {"confidence": "UNKNOWN", "from": None}
        else:
            start = v.valid_from if v.valid_from is not None else rs.national_from
            entry |= {"confidence": v.confidence, "from": start.isoformat(), "pending": bool(v.caveats) or not v.date_known,
                      # a second reading of the figures (上海) leaves some bands open: the full analysis answers
                      "conflict": v.alternative is not None}
            if v.regions:
                entry["regions"] = [{"code": r.code, "label": r.label, "cities": list(r.cities), "floors": _floors(r.thresholds)}
                                    for r in v.regions]
            elif v.thresholds is not None:
                entry["floors"] = _floors(v.thresholds)
        entry["confidence_label"] = labels.get(entry["confidence"], entry["confidence"])
        out[p.short] = entry
    return {"tiers": list(AMOUNT_TIERS), "provinces": out}
