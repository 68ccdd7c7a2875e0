"""治安: the six months for discovery (2012 第二十二条 / 2025 第二十五条 "不再处罚"). Once they have run out
before the police discovered the act, no penalty may be imposed: the result says so, shows no range,
and names the dates. The golden cases case-admin-discovery-expired-*.toml hold the answers."""

from __future__ import annotations

from datetime import date

from calculators import cli, engine
from conftest import GOLDEN_TODAY

BASE = {"amount": "800", "province": "浙江", "act_date": "2024-01-10", "decision_date": "2024-09-01"}


def _admin(**facts: str) -> tuple[dict, dict]:
    r = engine.classify(BASE | facts, today=GOLDEN_TODAY).to_dict()
    return r, r["administrative"]


def test_the_last_day_itself_is_in_time_the_next_day_is_not():
    _, a = _admin(discovery_date="2024-07-10")
    assert a["applies"] is True and a["detention_days"] == [5, 10] and a["versions"]
    r, a = _admin(discovery_date="2024-07-11")
    assert a["applies"] is False and a["detention_days"] is None and a["versions"] == []
    w = next(w for w in r["warnings"] if w["code"] == "discovery_expired")
    assert all(d in w["text"] for d in ("2024-01-10", "2024-07-10", "2024-07-11")) and "待核实" in w["text"]
    assert "zhian-2012#art-22" in w["citations"] and w["track"] == "administrative"
    assert "不再处罚" in a["summary"] and "2024-07-11" in a["summary"]
    # no step still offers a penalty: neither the ranges nor "可以…给予治安管理处罚"
    admin_steps = [s["text"] for s in r["steps"] if s["track"] == "administrative"]
    assert not any("拘留" in t or "可以由公安机关" in t for t in admin_steps), admin_steps
    assert "first_violation_debated" not in {w["code"] for w in r["warnings"]}


def test_without_a_discovery_date_nothing_changes():
    r, a = _admin()
    assert a["applies"] is True and a["discovery_period"]["expired"] is None and a["detention_days"] == [5, 10]
    assert "discovery_date_missing" in {w["code"] for w in r["warnings"]}  # the decision is after the last day
    assert "discovery_expired" not in {w["code"] for w in r["warnings"]}


def test_a_crime_keeps_its_summary_and_adds_that_no_penalty_is_left():
    r, a = _admin(amount="6万", discovery_date="2024-07-11")
    assert r["criminal"]["possible_tiers"] == ["large"]
    assert a["applies"] is False and a["summary"].startswith("按所填事实可能构成诈骗罪")
    assert "也不能再给予治安管理处罚" in a["summary"] and a["detention_days"] is None and a["serious"] is None
    r, a = _admin(amount="6万", discovery_date="2024-07-10")  # in time: the crime case as before
    assert a["applies"] is False and a["detention_days"] == [5, 10] and "也不能" not in a["summary"]


def test_cli_text_says_why():
    r = engine.classify(BASE | {"discovery_date": "2024-07-11"}, today=date(2026, 11, 27)).to_dict()
    text = cli.render_text(r)
    line = next(x for x in text.splitlines() if x.startswith("【行政】"))
    assert "不再处罚" in line and "可能构成犯罪" not in line
