"""Deadlines tool and the .ics writer: period arithmetic across month ends and leap years, agreement
with the engine, bad input, RFC 5545 shape (CRLF, folding, escaping, stable UIDs, VALARM)."""

from __future__ import annotations

import calendar
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from calculators import classify, ruleset
from calculators.toolkit import deadlines, ics

ROOT = Path(__file__).resolve().parents[1]


def corresponding_day(start: date, months: int) -> date:
    """Independent statement of 民法典第二百零二条: the corresponding day, else the month's last day."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def run(**payload):
    r = deadlines.browser_entry(payload)
    assert "error" not in r, r
    return r, {d["code"]: d for d in r["deadlines"]}


@pytest.mark.parametrize("act,six_months", [
    ("2026-03-01", "2026-09-01"), ("2025-08-31", "2026-02-28"), ("2023-08-31", "2024-02-29"),  # leap year
    ("2026-12-31", "2027-06-30"), ("2024-02-29", "2024-08-29"), ("2026-01-01", "2026-07-01"),
])
def test_zhian_discovery_six_months(act, six_months):
    _, d = run(act=act, today=act)
    assert d["zhian-discovery"]["last_day"] == six_months
    assert d["zhian-discovery"]["last_day"] == corresponding_day(date.fromisoformat(act), 6).isoformat()


def test_zhian_article_follows_the_act_date():
    _, d = run(act="2026-01-01", today="2026-02-01")
    assert d["zhian-discovery"]["citations"] == ["zhian-2025#art-25"]
    _, d = run(act="2025-10-01", today="2025-12-01")
    assert d["zhian-discovery"]["citations"] == ["zhian-2012#art-22"]
    _, d = run(act="2025-10-01", today="2026-01-05")  # act under 2012, handled under 2025: both, same six months
    assert d["zhian-discovery"]["citations"] == ["zhian-2012#art-22", "zhian-2025#art-25"]
    # the months come from the rule data, not from this module
    months = {v["discovery_months"] for v in ruleset.administrative_versions()}
    assert months == {6}


@pytest.mark.parametrize("known,one_year,three_years", [
    ("2024-02-29", "2025-02-28", "2027-02-28"), ("2026-03-05", "2027-03-05", "2029-03-05"),
    ("2027-12-31", "2028-12-31", "2030-12-31"),
])
def test_civil_periods_across_leap_years(known, one_year, three_years):
    _, d = run(act="2024-02-29", known_date=known, today=known)
    assert d["civil-revocation-1y"]["last_day"] == one_year
    assert d["civil-limitation-3y"]["last_day"] == three_years
    assert d["civil-revocation-5y"]["last_day"] == "2029-02-28"
    assert d["civil-limitation-20y"]["last_day"] == "2044-02-29"


def test_one_year_revocation_is_capped_by_five_years():
    _, d = run(act="2021-03-10", known_date="2025-12-01", today="2025-12-02")
    assert d["civil-revocation-1y"]["last_day"] == "2026-03-10"  # the five-year period ends first


def test_days_left_and_status():
    _, d = run(act="2026-03-01", known_date="2026-03-05", today="2026-09-01")
    assert d["zhian-discovery"]["days_left"] == 0 and d["zhian-discovery"]["status"] == "today"
    _, d = run(act="2026-03-01", known_date="2026-03-05", today="2026-09-02")
    assert d["zhian-discovery"]["days_left"] == -1 and d["zhian-discovery"]["status"] == "passed"
    assert d["civil-revocation-1y"]["days_left"] == (date(2027, 3, 5) - date(2026, 9, 2)).days
    _, d = run(act="2026-03-01")
    assert d["zhian-discovery"]["days_left"] is None


def test_without_known_date_the_civil_dates_are_not_invented():
    r, d = run(act="2026-03-01", today="2026-03-02")
    assert d["civil-revocation-1y"]["last_day"] is None and d["civil-limitation-3y"]["last_day"] is None
    assert "没有填写你发现受骗的日期" in d["civil-revocation-1y"]["notes"][0]
    assert d["civil-revocation-5y"]["last_day"] == "2031-03-01"


def test_criminal_limitation_by_tier():
    _, d = run(act="2026-03-01", today="2026-03-02", tier="huge")
    assert d["criminal-limitation-huge"]["last_day"] == "2041-03-01"
    assert "criminal-limitation-large" not in d
    r, d = run(act="2026-03-01", today="2026-03-02")  # no amount, no tier: every tier listed
    years = {t["tier"]: t["limitation_years"] for t in ruleset.criminal_tiers()}
    for t in ("large", "huge", "especially_huge"):
        assert d[f"criminal-limitation-{t}"]["last_day"] == date(2026 + years[t], 3, 1).isoformat()
    assert any(n["code"] == "tier_unknown" for n in r["notes"])
    r, d = run(act="2026-03-01", today="2026-03-02", tier="none")
    assert not any(k.startswith("criminal-") for k in d)


def test_tier_from_the_engine_agrees_with_classify():
    cases = [("2026-03-01", "2026-03-03", {"amount": "3500", "province": "浙江"}), ("2026-03-01", "2026-03-03", {"amount": "5000"}),
             ("2026-03-01", "2026-03-31", {"amount": "12万", "province": "上海"}), ("2025-08-31", "2025-12-31", {"amount": "800", "province": "江苏"}),
             ("2024-02-29", "2024-02-29", {"amount": "6万", "province": "浙江"})]
    checked = 0
    for act, known, facts in cases:
        r, d = run(act=act, known_date=known, today="2026-06-01", **facts)
        engine = classify({**facts, "act_date": act, "known_date": known}, today=date(2026, 6, 1)).to_dict()
        assert r["possible_tiers"] == engine["criminal"]["possible_tiers"]
        assert d["zhian-discovery"]["last_day"] == engine["administrative"]["discovery_period"]["last_day"]
        civil = engine["civil"]
        assert d["civil-revocation-1y"]["last_day"] == civil["revocation"]["one_year_last_day"]
        assert d["civil-revocation-5y"]["last_day"] == civil["revocation"]["five_year_last_day"]
        assert d["civil-limitation-3y"]["last_day"] == civil["limitation"]["last_day"]
        lim = engine["criminal"].get("limitation")
        if lim:
            checked += 1
            assert d[f"criminal-limitation-{engine['criminal']['tier']}"]["last_day"] == lim["until_approx"]
    assert checked >= 2  # the criminal comparison really ran


def test_calculator_attempt_param_is_accepted():
    r, _ = run(act="2026-03-01", today="2026-03-02", amount="3500", province="浙江", attempt="1")
    assert r["tier_source"] == "engine"


@pytest.mark.parametrize("payload,field", [
    ({"act": "2026-03-05", "known_date": "2026-03-01"}, "known_date"),           # out of order
    ({"act": "2026-02-30"}, "act"), ({"act": ""}, "act"), ({"act": "昨天"}, "act"), ({"act": "1800-01-01"}, "act"),
    ({"act": "2026-03-01", "today": "2026-02-01"}, "act"),                        # act in the future
    ({"act": "2026-03-01", "known_date": "2026-04-01", "today": "2026-03-15"}, "known_date"),
    ({"act": "2026-03-01", "decision": "2026-02-01"}, "decision"),
    ({"act": "2026-03-01", "amount": "-5"}, "amount"), ({"act": "2026-03-01", "amount": "1e99"}, "amount"),
    ({"act": "2026-03-01", "province": "火星", "amount": "3000"}, "province"),
    ({"act": "2026-03-01", "tier": "giant"}, "tier"), ({"act": "2026-03-01", "<b>": "1"}, "<b>"),
    ({"act": "2010-01-01", "amount": "3000"}, "act"),                             # before the 2011 interpretation
])
def test_bad_input(payload, field):
    r = deadlines.browser_entry(payload)
    assert r["error"]["field"] == field, r
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r["error"]["message"])


# ---- .ics -----------------------------------------------------------------------------------------

def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_shape():
    r, d = run(act="2026-03-01", known_date="2026-03-05", today="2026-03-06", amount="3500", province="浙江")
    text = r["ics"]
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    lines = _unfold(text)
    assert lines.count("BEGIN:VEVENT") == r["ics_events"] == len([x for x in r["deadlines"] if x["status"] == "open"])
    assert lines.count("BEGIN:VALARM") >= 2 * r["ics_events"] and "TRIGGER:-P7D" in lines
    assert f"DTSTART;VALUE=DATE:{d['civil-revocation-1y']['last_day'].replace('-', '')}" in lines
    assert "DTSTAMP:20260306T000000Z" in lines
    uids = [x for x in lines if x.startswith("UID:")]
    assert len(uids) == len(set(uids))


def test_ics_uid_is_stable_and_passed_deadlines_are_left_out():
    a, _ = run(act="2026-03-01", known_date="2026-03-05", today="2026-03-06")
    b, _ = run(act="2026-03-01", known_date="2026-03-05", today="2026-05-01")
    uid = lambda t: sorted(x for x in _unfold(t) if x.startswith("UID:"))
    assert uid(a["ics"]) == uid(b["ics"])  # same deadlines, another day: same UIDs
    c, _ = run(act="2026-03-01", known_date="2026-03-05", today="2026-10-01")  # the 治安 six months are over
    assert "zhian-discovery" not in "".join(uid(c["ics"])) and "zhian-discovery" in "".join(uid(a["ics"]))


def test_ics_escaping_and_folding_of_multibyte_text():
    e = ics.Event(key="k", day=date(2027, 1, 31), summary="逗号,分号;反斜杠\\换行\n结束" * 5, description="说明" * 60)
    text = ics.calendar([e], date(2027, 1, 1))
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # never a split character
    summary = next(x for x in _unfold(text) if x.startswith("SUMMARY:"))
    assert summary.startswith("SUMMARY:逗号\\,分号\\;反斜杠\\\\换行\\n结束")
    assert "DTEND;VALUE=DATE:20270201" in _unfold(text)


def test_cli_writes_ics(tmp_path):
    out = tmp_path / "d.ics"
    p = subprocess.run([sys.executable, "-m", "calculators.toolkit.deadlines", "--act", "2026-03-01", "--known", "2026-03-05",
                        "--today", "2026-03-06", "--ics", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert json.loads(p.stdout)["ics"] == str(out)
    bad = subprocess.run([sys.executable, "-m", "calculators.toolkit.deadlines", "--act", "2026-13-01"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["field"] == "act" and "Traceback" not in bad.stderr


# ---- the tool's fixed texts (rules/deadlines.toml) ---------------------------------------------------

def test_fixed_texts_come_from_the_rule_data_and_cite_real_units():
    from calculators.laws import cite, parse_text, registry
    texts = deadlines.texts()
    ids: list[str] = []
    ruleset._collect_ids(texts, ids)
    assert len(set(ids)) >= 6
    for cid in set(ids):
        c = cite(cid)
        anchors = {u.anchor for f in registry()[c.law].files for u in parse_text((ROOT / "legal" / f).read_text("utf-8"))[1]}
        assert c.anchor in anchors, cid
    r, d = run(act="2025-12-10", decision="2026-03-01", today="2026-03-02", tier="huge")
    assert texts["zhian_discovery"]["both_texts"] in d["zhian-discovery"]["notes"]
    assert d["criminal-limitation-huge"]["title"] == texts["criminal_limitation"]["title"].format(tier="数额巨大", years=15)
    assert d["civil-limitation-20y"]["start_label"] == texts["civil"]["limitation_max"]["start_label"]
    assert {n["code"] for n in r["notes"]} >= {"criminal_method", "civil_method", "holiday", "interruption"}
    assert "deadlines.toml" in {p.name for p in (ROOT / "calculators" / "rules").iterdir()}
    from site_hooks.wheel import is_tools_file
    assert is_tools_file("calculators/rules/deadlines.toml")  # in the tools wheel, not the calculator's
