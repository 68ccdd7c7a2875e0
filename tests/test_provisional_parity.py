"""The provisional tier (issue 12 §3) never contradicts the engine.

The page's JavaScript (docs/assets/calc-state.mjs, run here in Node) compares a plain amount with the
figures that ``calculators.provisional.export`` gives it at build time. Every golden case and 12,000
generated inputs, many of them hostile or odd, go through both: wherever a provisional tier is
shown, the engine gives the same tier, or "uncertain" with that tier among the possible ones.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest

from calculators import engine
from calculators.facts import FactsError
from calculators.provisional import export
from calculators.ruleset import load
from conftest import GOLDEN_TODAY, ROOT, load_golden

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
TODAY = GOLDEN_TODAY.isoformat()


def _jsonable(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def run_js(data: dict[str, Any], facts: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    proc = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "provisional-run.mjs")],
        input=json.dumps({"data": data, "today": TODAY, "facts": facts}, ensure_ascii=False),
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=True,
    )
    return json.loads(proc.stdout)


def check(facts: list[dict[str, Any]]) -> dict[str, int]:
    data = export(load())
    answers = run_js(data, facts)
    assert len(answers) == len(facts)
    shown = {"tier": 0, "full": 0, "none": 0}
    for f, p in zip(facts, answers):
        if p is None:
            shown["none"] += 1
            continue
        shown[p["kind"]] += 1
        if p["kind"] != "tier":
            continue
        try:
            r = engine.classify(f, today=GOLDEN_TODAY).to_dict()["criminal"]
        except FactsError as exc:  # a provisional tier beside an input the engine rejects
            pytest.fail(f"provisional {p['tier']} shown for facts the engine rejects ({exc.message}): {f}")
        ok = r["tier"] == p["tier"] or (r["tier"] == "uncertain" and p["tier"] in r["possible_tiers"])
        assert ok, f"provisional {p['tier']} contradicted by the engine ({r['tier']} {r['possible_tiers']}): {f}"
    return shown


def test_export_shape() -> None:
    data = export(load())
    assert data["tiers"] == ["large", "huge", "especially_huge"]
    gd = data["provinces"]["广东"]
    assert len(gd["regions"]) == 2 and all(set(r["floors"]) == set(data["tiers"]) for r in gd["regions"])
    confidences = {p["confidence"] for p in data["provinces"].values()}
    assert confidences <= {"VERIFIED", "REPORTED", "UNKNOWN"} and "VERIFIED" in confidences
    for p in data["provinces"].values():
        assert "VERIFIED" not in p["confidence_label"] and p["confidence_label"]


def test_golden_cases_agree() -> None:
    facts = [_jsonable(c["facts"]) for _, c in load_golden()]
    shown = check(facts)
    assert shown["tier"] >= 10  # the golden cases do exercise the provisional line


AMOUNTS_ODD = [
    "", " ", "0", "00", "0.00", "-3500", "+3500", "3500.", ".5", "3500.001", "3500.000", "1e4", "0x10", "Infinity", "NaN",
    "3,50", "35,00", "3,5000", ",3500", "3500,", "1,000,000,000,000,000", "9999999999999", "10000000000000",
    "１２００", "3500元元", "元3500", "3500万万", "3500元万", "1.2万元", "1.23456789万", "3 500", "3500 ", " 3500",
    "人民币3500", "¥3500", "3500块", "3500\u0000", "3500\n", "三千五百", "3500" + "元" * 50, "1" * 41, "٣٥٠٠", "３５００元",
    "1.2345万", "0.0001万", "0.01", "0.001", "999999999999.99", "1000000000000", "1000000000000.01", "100000000万",
]


def _random_amount(rnd: random.Random, floors: list[int]) -> Any:
    r = rnd.random()
    if r < 0.25 and floors:
        f = rnd.choice(floors)
        v = f + rnd.choice([-1, 0, 1, -0.01, 0.01, 0.5])
        return f"{v:.2f}" if rnd.random() < 0.5 else (f"{v:,.2f}" if rnd.random() < 0.5 else str(v))
    if r < 0.35:
        return rnd.choice(AMOUNTS_ODD)
    if r < 0.45 and floors:
        f = rnd.choice(floors)
        return f"{f / 10000:g}万" + rnd.choice(["", "元"])
    if r < 0.5:
        return rnd.choice([3500, 3500.5, True, None, [], {"x": 1}, 1e30])
    v = rnd.choice([rnd.randint(1, 2_000_000), round(rnd.uniform(0.01, 1_000_000), 2)])
    text = f"{v:,}" if rnd.random() < 0.3 else str(v)
    return text + rnd.choice(["", "", "元", " 元", "元整"])


def _random_date(rnd: random.Random) -> Any:
    r = rnd.random()
    if r < 0.1:
        return rnd.choice(["2026-02-30", "2026-2-3", "2026/03/01", "20260301", "", "x", "2010-01-01", "2011-04-08", "2011-04-07",
                           "2099-01-01", "２０２６-０３-０１"])
    if r < 0.4:
        return (date(2011, 1, 1) + timedelta(days=rnd.randint(0, 16 * 366))).isoformat()
    return (GOLDEN_TODAY - timedelta(days=rnd.randint(0, 700))).isoformat()


def generated(n: int, seed: int = 20261127) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    data = export(load())
    provinces = list(data["provinces"])
    verified = [k for k, p in data["provinces"].items() if p["confidence"] == "VERIFIED"]
    codes = list(load().circumstances)
    out = []
    for _ in range(n):
        prov = rnd.choice(verified if rnd.random() < 0.5 else provinces + ["", "北", "广", "内", "浙江省", "330000", "广东 ", "Guangdong"])
        entry = data["provinces"].get(prov, {})
        floors = [v for f in ([entry["floors"]] if "floors" in entry else [r["floors"] for r in entry.get("regions", [])])
                  for v in f.values() if v] or [3000, 6000, 10000, 30000, 100000, 300000, 500000]
        facts: dict[str, Any] = {"amount": _random_amount(rnd, floors)}
        if prov:
            facts["province"] = prov
        if entry.get("regions") and rnd.random() < 0.7:
            facts["region"] = rnd.choice([c for r in entry["regions"] for c in r["cities"]] + ["深圳市", "北京"])
        elif rnd.random() < 0.05:
            facts["region"] = rnd.choice(["深圳", "广州", "杭州"])
        if rnd.random() < 0.6:
            facts["act_date"] = _random_date(rnd)
        if rnd.random() < 0.4:
            act = facts.get("act_date")
            if isinstance(act, str) and len(act) == 10 and act[4] == "-" and act.isascii() and rnd.random() < 0.8:
                try:
                    facts["decision_date"] = min(date.fromisoformat(act) + timedelta(days=rnd.randint(0, 400)), GOLDEN_TODAY).isoformat()
                except ValueError:
                    facts["decision_date"] = act
            else:
                facts["decision_date"] = _random_date(rnd)
        if rnd.random() < 0.05:
            facts["known_date"] = _random_date(rnd)
        if rnd.random() < 0.05:
            facts["discovery_date"] = _random_date(rnd)
        facts["refund_obtained"] = rnd.choice([True, True, True, False, "0", "yes", "x"])
        if rnd.random() < 0.15:
            facts["circumstances"] = rnd.sample(codes, rnd.randint(1, 2)) + (["bogus"] if rnd.random() < 0.1 else [])
        if rnd.random() < 0.03:
            facts["claims"] = "1200；800"
        out.append(facts)
    return out


def test_generated_inputs_agree() -> None:
    shown = check(generated(12_000))
    # the generator reaches every kind of answer, so the agreement above means something
    assert shown["tier"] >= 1500 and shown["full"] >= 1000 and shown["none"] >= 1000, shown
