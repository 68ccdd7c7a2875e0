"""The golden cases: hand-written ones from tests/cases/*.toml (``[[case]]`` arrays grouped by subject)
and the provincial boundary cases generated at test time from legal/thresholds.csv.

Each case: ``name``, ``why`` (the rule it checks), ``facts`` (the engine's input) and ``expect``
(dotted paths into the result; ``error`` = the field of a FactsError; ``warnings_include``; ``null``).

The generated cases read the figures of each row of the source pack and check the rule the engine
must follow at each boundary: a floor is reached at the figure itself (刑法第九十九条: 以上 includes
the figure), one fen below it is the tier under it. They do not call the engine's own code to find
the expected answer.
"""

from __future__ import annotations

import csv
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = ROOT / "tests" / "cases"
THRESHOLDS_CSV = ROOT / "legal" / "thresholds.csv"
TIERS = ("none", "large", "huge", "especially_huge")
NATIONAL_ESPECIALLY_HUGE = 500000   # 诈骗案件解释第一条: 五十万元以上 (a row with no figure falls back to it)
# 诈骗案件解释第一条第一款: 三千元至一万元以上、三万元至十万元以上、五十万元以上 (lowest and highest floors)
NATIONAL_LOW = (3000, 30000, 500000)
NATIONAL_HIGH = (10000, 100000, 500000)
DATES = {"act_date": "2024-06-01", "decision_date": "2024-09-01"}


def hand_written() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for case in data["case"]:
            out.append((case["name"], case))
    return out


def _tier(amount: Decimal, floors: tuple[int, int, int]) -> str:
    tier = "none"
    for name, floor in zip(TIERS[1:], floors):
        if amount >= floor:
            tier = name
    return tier


def _conflict_reading(row: dict[str, str]) -> tuple[int, int, int] | None:
    """A row whose note records a CONFLICT with later figures ("give 5,000 / 50,000 / 500,000")."""
    m = re.search(r"CONFLICT[^|]*?give ([\d,]+) / ([\d,]+) / ([\d,]+)", row["region_note"])
    if not m:
        return None
    a, b, c = (int(x.replace(",", "")) for x in m.groups())
    return a, b, c


def provincial() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for row in csv.DictReader(THRESHOLDS_CSV.open(encoding="utf-8")):
        code, short, conf = row["gb2260_code"], row["province"], row["confidence"]
        facts: dict[str, Any] = {"province": short} | DATES
        key = code
        if row["region_note"].startswith(("一类", "二类")):
            key += "-class1" if row["region_note"].startswith("一类") else "-class2"
            facts["region"] = re.search(r"（([\u4e00-\u9fff]{2})", row["region_note"]).group(1)  # type: ignore[union-attr]
        if conf == "UNKNOWN":
            out.append((f"prov-{key}-unknown", {
                "why": f"{short}: UNKNOWN in thresholds.csv -> national range; 5000 lies between 3000 and 10000 -> uncertain",
                "facts": facts | {"amount": "5000"},
                "expect": {"criminal.tier": "uncertain", "criminal.possible_tiers": ["none", "large"],
                           "warnings_include": ["province_unknown"], "null": ["criminal.thresholds_yuan"]}}))
            continue
        floors = (int(row["large"]), int(row["huge"]), int(row["especially_huge"] or NATIONAL_ESPECIALLY_HUGE))
        readings = [floors] + ([alt] if (alt := _conflict_reading(row)) else [])
        for tier, floor in zip(TIERS[1:], floors):
            for where, amount in (("at", Decimal(floor)), ("below", Decimal(floor) - Decimal("0.01")),
                                  ("above", Decimal(floor) + Decimal("0.01"))):
                if where == "above" and tier != "large":
                    continue
                found = {_tier(amount, r) for r in readings}
                national = {_tier(amount, NATIONAL_LOW), _tier(amount, NATIONAL_HIGH)}
                likely = None
                if conf == "REPORTED" and len(national) > 1:
                    # issue 13: REPORTED figures never settle what the national range leaves open
                    (likely,) = found
                    found |= national
                possible = sorted(found, key=TIERS.index)
                expect: dict[str, Any] = {
                    "criminal.tier": possible[0] if len(possible) == 1 else "uncertain",
                    "criminal.possible_tiers": possible,
                    f"criminal.thresholds_yuan.{tier}": f"{floor}.00",
                }
                if likely is not None:
                    expect["criminal.likely_tier"] = likely
                else:
                    expect["null"] = ["criminal.likely_tier"]
                if conf == "REPORTED":
                    expect |= {"criminal.pending_verification": True, "warnings_include": ["threshold_reported"]}
                why = (f"{short}{'（' + facts['region'] + '）' if 'region' in facts else ''}: {tier} floor {floor} "
                       f"({conf}, thresholds.csv); {where} the floor (以上 includes the figure, 刑法第九十九条)"
                       + (f"; a second reading {readings[1]} is also applied" if len(readings) > 1 else ""))
                out.append((f"prov-{key}-{tier}-{where}", {"why": why, "facts": facts | {"amount": str(amount)},
                                                           "expect": expect}))
    return out


def load_golden() -> list[tuple[str, dict[str, Any]]]:
    cases = hand_written() + provincial()
    names = [n for n, _ in cases]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, f"duplicate golden case names: {sorted(dup)}"
    return cases
