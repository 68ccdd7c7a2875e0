"""The engine against the golden cases (tests/cases/*.toml), plus properties and invariants."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import engine
from calculators.facts import FactsError
from calculators.laws import parse_text, registry
from calculators.ruleset import TIER_ORDER, load
from conftest import GOLDEN_TODAY, ROOT, dig, load_golden

GOLDEN = load_golden()
TIER_RANK = {"none": 0, "large": 1, "huge": 2, "especially_huge": 3}


def test_enough_golden_cases():
    assert len(GOLDEN) >= 80
    assert sum(1 for _, c in GOLDEN if "error" in c["expect"]) >= 15


@pytest.mark.parametrize("name,case", GOLDEN, ids=[n for n, _ in GOLDEN])
def test_golden(name: str, case: dict[str, Any]) -> None:
    assert case.get("why"), f"{name}: every golden case says which rule it checks"
    expect = dict(case["expect"])
    if "error" in expect:
        with pytest.raises(FactsError) as exc:
            engine.classify(case["facts"], today=GOLDEN_TODAY)
        assert exc.value.field == expect["error"]
        assert exc.value.message and not exc.value.message.isascii()  # a Chinese message
        return
    result = engine.classify(case["facts"], today=GOLDEN_TODAY).to_dict()
    json.dumps(result, ensure_ascii=False)  # JSON-ready
    codes = {w["code"] for w in result["warnings"]}
    for code in expect.pop("warnings_include", []):
        assert code in codes, f"{name}: warning {code} missing; got {sorted(codes)}"
    for path in expect.pop("null", []):
        assert dig(result, path) is None, f"{name}: {path} should be null"
    for path, want in expect.items():
        assert dig(result, path) == want, f"{name}: {path}"


def _result(facts: dict[str, Any]) -> dict[str, Any]:
    return engine.classify(facts, today=GOLDEN_TODAY).to_dict()


def test_every_citation_names_a_unit_of_the_copied_texts():
    units: dict[str, set[str]] = {}
    for law in registry().values():
        anchors: set[str] = set()
        for f in law.files:
            _, us = parse_text((ROOT / "legal" / f).read_text("utf-8"))
            anchors |= {u.anchor for u in us}
        units[law.id] = anchors
    seen: set[str] = set()
    for _, case in GOLDEN:
        if "error" in case["expect"]:
            continue
        r = _result(case["facts"])
        for cid, c in r["citations"].items():
            law, _, anchor = cid.partition("#")
            assert anchor in units[law], cid
            assert c["url"] == f"laws/{law}/#{anchor}"
            seen.add(cid)
        for item in r["steps"] + r["warnings"]:
            assert set(item["citations"]) <= set(r["citations"])
    assert "xingfa#art-266" in seen and "zhian-2025#art-58" in seen and "minfadian#art-157" in seen


def test_result_contract_keys():
    r = _result({"amount": "3500", "province": "浙江", "act_date": "2026-03-01", "decision_date": "2026-03-05"})
    for key in ("amount_yuan", "facts", "criminal", "administrative", "civil", "steps", "warnings", "citations",
                "disclaimer", "rules_version", "ruleset", "as_of", "similar_cases"):
        assert key in r
    for key in ("tier", "possible_tiers", "thresholds_yuan", "sentence", "limitation_years", "circumstances"):
        assert key in r["criminal"]
    for key in ("applies", "law_version", "article", "detention_days", "fine_max_yuan", "fine_alone_possible",
                "serious", "mitigation", "discovery_period"):
        assert key in r["administrative"]
    assert r["as_of"] == "2026-03-05"
    assert r["rules_version"] == load().version and len(r["rules_version"]) == 12
    assert "不是法律意见" in r["disclaimer"]
    assert all(s["track"] and s["text"] for s in r["steps"])


def test_sentence_and_limitation_follow_the_tier():
    r = _result({"amount": "200000", "province": "浙江", "act_date": "2024-01-01", "decision_date": "2024-02-01"})
    assert r["criminal"]["tier"] == "huge"
    assert "三年以上十年以下有期徒刑" in r["criminal"]["sentence"]
    assert r["criminal"]["limitation_years"] == 15
    r = _result({"amount": "8000", "province": "浙江", "act_date": "2024-01-01", "decision_date": "2024-02-01"})
    assert "三年以下有期徒刑、拘役或者管制" in r["criminal"]["sentence"]


def test_decision_defaults_to_today_and_act_to_decision_with_warning():
    r = engine.classify({"amount": "3500"}, today=date(2026, 5, 1)).to_dict()
    assert r["as_of"] == "2026-05-01" and r["facts"]["act_date"] == "2026-05-01"
    assert "act_date_defaulted" in {w["code"] for w in r["warnings"]}
    with pytest.raises(FactsError) as exc:
        engine.classify({"amount": "3500"})  # the engine never reads the clock
    assert exc.value.field == "decision_date"


def test_similar_cases_follow_the_route():
    r = _result({"amount": "200", "province": "浙江", "act_date": "2026-03-01", "decision_date": "2026-03-05"})
    assert r["similar_cases"] and all(c["route"] in ("administrative", "civil") for c in r["similar_cases"])
    assert r["similar_cases"][0]["id"] == "C6"  # 195 yuan, the nearest amount
    r = _result({"amount": "2000000", "province": "浙江", "act_date": "2024-03-01", "decision_date": "2024-03-05"})
    assert r["similar_cases"][0]["id"] == "C15"  # 227万
    assert all(c["route"] == "criminal" for c in r["similar_cases"])


def test_browser_entry_never_raises_for_bad_input():
    ok = engine.browser_entry({"facts": {"amount": "3500", "province": "浙江"}, "today": "2026-03-01"}, [])
    assert ok["criminal"]["tier"] == "none" and ok["as_of"] == "2026-03-01"
    bad = engine.browser_entry({"facts": {"amount": "abc"}, "today": "2026-03-01"}, [])
    assert bad["error"]["field"] == "amount"
    assert engine.browser_entry({"facts": {"amount": "1"}, "today": "2026-02-30"}, [])["error"]["field"] == "today"
    assert "error" in engine.browser_entry("nonsense", [])  # type: ignore[arg-type]


def test_transition_shows_both_versions_with_their_figures():
    r = _result({"amount": "800", "province": "浙江", "act_date": "2025-12-31", "decision_date": "2026-01-01"})
    vs = {v["law_version"]: v for v in r["administrative"]["versions"]}
    assert set(vs) == {"2012", "2025"}
    assert vs["2012"]["fine_max_yuan"] == "500.00" and vs["2025"]["fine_max_yuan"] == "2000.00"
    assert vs["2012"]["fine_alone_possible"] is False and vs["2025"]["fine_alone_possible"] is True
    r = _result({"amount": "800", "province": "浙江", "act_date": "2026-01-01", "decision_date": "2026-01-01"})
    assert r["administrative"]["law_version"] == "2025"
    r = _result({"amount": "800", "province": "浙江", "act_date": "2025-12-31", "decision_date": "2025-12-31"})
    assert r["administrative"]["law_version"] == "2012"


def test_crime_excludes_administrative_ranges():
    r = _result({"amount": "8000", "province": "浙江", "act_date": "2024-01-01", "decision_date": "2024-02-01"})
    assert r["administrative"]["applies"] is False and r["administrative"]["versions"] == []


# ---- properties -------------------------------------------------------------------------------

RS = load()
PROVINCES = sorted(RS.provinces)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000000"), places=2)


def _tiers(facts: dict[str, Any]) -> list[str]:
    return engine.classify(facts, today=GOLDEN_TODAY).criminal.possible_tiers


@settings(max_examples=200, deadline=None)
@given(a=amounts, b=amounts, prov=st.sampled_from([None] + PROVINCES), attempt=st.booleans(),
       circs=st.lists(st.sampled_from(["repeated", "vulnerable_victim", "mass_telecom", "gang_leader"]), max_size=2, unique=True))
def test_tier_never_falls_as_amount_rises(a: Decimal, b: Decimal, prov: str | None, attempt: bool, circs: list[str]) -> None:
    lo, hi = sorted((a, b))
    base: dict[str, Any] = {"act_date": "2024-06-01", "decision_date": "2024-09-01", "refund_obtained": not attempt,
                            "circumstances": circs}
    if prov:
        base["province"] = prov
    t_lo, t_hi = _tiers(base | {"amount": str(lo)}), _tiers(base | {"amount": str(hi)})
    assert TIER_ORDER[min(t_lo, key=TIER_ORDER.get)] <= TIER_ORDER[min(t_hi, key=TIER_ORDER.get)]
    assert TIER_ORDER[max(t_lo, key=TIER_ORDER.get)] <= TIER_ORDER[max(t_hi, key=TIER_ORDER.get)]


CIRCS = ["repeated", "vulnerable_victim", "mass_telecom", "gang_leader", "surrender", "restitution", "relief_funds"]


@settings(max_examples=150, deadline=None)
@given(a=amounts, circs=st.lists(st.sampled_from(CIRCS), max_size=3, unique=True), attempt=st.booleans())
def test_without_province_possible_tiers_cover_every_province(a: Decimal, circs: list[str], attempt: bool) -> None:
    d = {"act_date": "2024-06-01", "decision_date": "2024-09-01", "amount": str(a), "circumstances": circs,
         "refund_obtained": not attempt}
    national = set(_tiers(d))
    for code in PROVINCES:
        p = RS.provinces[code]
        regions = [r.cities[0] for v in p.versions for r in v.regions] or [None]
        for city in regions:
            facts = d | {"province": code} | ({"region": city} if city else {})
            assert set(_tiers(facts)) <= national, (code, city, a)


def test_what_changes_names_the_missing_facts():
    r = _result({"amount": "5000", "act_date": "2024-06-01", "decision_date": "2024-09-01"})
    assert any("省份" in x for x in r["criminal"]["what_changes"])
    r = _result({"amount": "5000", "province": "广东", "act_date": "2024-06-01", "decision_date": "2024-09-01"})
    assert any("城市" in x for x in r["criminal"]["what_changes"])
    r = _result({"amount": "5000", "province": "浙江", "act_date": "2024-06-01", "decision_date": "2024-09-01"})
    assert not any("省份" in x or "城市" in x for x in r["criminal"]["what_changes"])


def test_golden_cases_are_grouped_by_subject_and_the_provinces_generated():
    """tests/cases/*.toml hold [[case]] arrays by subject; every row of legal/thresholds.csv yields its
    boundary cases at test time (no generated files)."""
    import csv

    from golden import CASES_DIR, provincial

    assert not list(CASES_DIR.glob("prov-*.toml")) and not list(CASES_DIR.glob("case-*.toml"))
    rows = list(csv.DictReader((ROOT / "legal" / "thresholds.csv").open(encoding="utf-8")))
    gen = dict(provincial())
    for row in rows:
        assert any(name.startswith(f"prov-{row['gb2260_code']}") for name in gen), row["province"]
    assert len(gen) >= len(rows)


HINT = "补充省份（广东还需城市）可以得出确定的结果"


@pytest.mark.parametrize("facts,hint", [
    ({"amount": "5000"}, True),                                   # 3000-10000: a province settles it
    ({"amount": "50000"}, True),
    ({"amount": "10000"}, False),                                 # large on every national reading
    ({"amount": "600000"}, False),
    ({"amount": "5000", "refund_obtained": False}, False),        # attempt at 数额较大 stays open anyway
])
def test_province_hint_only_where_a_province_would_settle_the_answer(facts, hint):
    r = _result(facts | {"act_date": "2024-06-01", "decision_date": "2024-09-01"})
    texts = [w["text"] for w in r["warnings"] if w["code"] == "no_province"]
    assert texts, "the national-range warning is always there without a province"
    assert (HINT in texts[0]) is hint
    assert any("省份" in x for x in r["criminal"]["what_changes"]) is hint


@pytest.mark.parametrize("amount,hint", [("8000", False), ("70000", True)])
def test_city_hint_only_where_the_two_classes_differ(amount, hint):
    r = _result({"amount": amount, "province": "广东", "act_date": "2024-06-01", "decision_date": "2024-09-01"})
    assert ("region_missing" in {w["code"] for w in r["warnings"]}) is hint
    assert any("城市" in x for x in r["criminal"]["what_changes"]) is hint


@pytest.mark.parametrize("facts", [
    {"amount": "500"}, {"amount": "5000", "province": "浙江"}, {"amount": "2000000", "province": "北京"},
])
def test_every_criminal_result_explains_ordinary_fraud_not_telecom(facts):
    r = _result(facts | {"act_date": "2024-06-01", "decision_date": "2024-09-01"})
    steps = [s for s in r["steps"] if s["track"] == "criminal" and "刑事审判参考第1320号" in s["text"]]
    assert len(steps) == 1
    assert "xingshi-shenpan-1320#c1320-specific" in steps[0]["citations"]
    assert "jianli-105#j105-holding" in steps[0]["citations"]
    assert "二手来源（待核实）" in steps[0]["text"]  # 检例第105号 is REPORTED
    assert "telecom_figures_may_apply" not in {w["code"] for w in r["warnings"]}


def test_not_near_says_why():
    r = _result({"amount": "6000", "province": "浙江", "circumstances": ["vulnerable_victim"],
                 "act_date": "2024-06-01", "decision_date": "2024-09-01"})
    text = next(s["text"] for s in r["steps"] if "60%" in s["text"])
    assert "不到数额巨大标准 100,000 元 的 60%" in text and "湖北" in text


def test_result_carries_the_display_labels():
    r = _result({"amount": "5000", "act_date": "2024-06-01", "decision_date": "2024-09-01"})
    assert r["labels"] == {
        "tier": {"none": "未达数额较大", "large": "数额较大", "huge": "数额巨大", "especially_huge": "数额特别巨大",
                 "uncertain": "不确定"},
        "confidence": {"VERIFIED": "已核对原文", "PARTIAL": "部分核对（待核实）", "REPORTED": "二手来源（待核实）",
                       "UNKNOWN": "未找到可靠来源（待核实）"},
    }
