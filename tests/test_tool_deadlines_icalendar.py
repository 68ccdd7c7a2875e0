"""The deadlines tool's .ics file (calculators/toolkit/ics.py) read back by an independent parser,
icalendar (a test-only dependency, like python-docx for the documents): every event's dates, summary,
description and reminders must be what the tool's JSON says."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar  # test-only dependency
import pytest

from calculators.toolkit import deadlines

ROOT = Path(__file__).resolve().parents[1]

SCENARIOS = {
    "amount and province (tier from the engine)": {"act": "2026-03-01", "known_date": "2026-03-05", "today": "2026-03-06",
                                                   "amount": "3500", "province": "浙江"},
    "no amount: every tier listed": {"act": "2026-03-01", "known_date": "2026-03-05", "today": "2026-03-06"},
    "tier from the calculator's link, no known date": {"act": "2025-08-31", "today": "2025-09-01", "tier": "huge"},
    "some deadlines passed": {"act": "2024-02-29", "known_date": "2024-03-10", "today": "2025-06-01",
                              "amount": "1.2万", "province": "广东", "region": "深圳"},
}


def _events(text: str) -> list[Any]:
    cal = icalendar.Calendar.from_ical(text)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0"
    for comp in cal.walk():
        assert not getattr(comp, "errors", []), (comp.name, comp.errors)  # icalendar records what it could not parse
    return list(cal.walk("VEVENT"))


def _check_against_json(r: dict[str, Any]) -> None:
    expected = [d for d in r["deadlines"] if d["last_day"] and d["status"] != "passed"]
    events = _events(r["ics"])
    assert len(events) == len(expected) == r["ics_events"] > 0
    stamp = date.fromisoformat(r["today"] or r["act"])
    uids = set()
    for ev, d in zip(events, expected):  # same order as the JSON's deadlines
        last = date.fromisoformat(d["last_day"])
        assert str(ev["SUMMARY"]) == d["title"]
        start = ev.decoded("DTSTART")
        assert start == last and not isinstance(start, datetime)  # VALUE=DATE: a date, not a time
        assert ev.decoded("DTEND") == last + timedelta(days=1)  # an all-day event on the last day
        assert ev.decoded("DTSTAMP").date() == stamp
        description = str(ev["DESCRIPTION"])
        assert description.startswith(d["basis"] + "\n") and d["start_label"] in description
        uid = str(ev["UID"])
        assert uid.startswith(d["code"] + "-") and uid not in uids
        uids.add(uid)
        alarms = ev.walk("VALARM")
        triggers = sorted(-a.decoded("TRIGGER").days for a in alarms)
        assert triggers[:2] == [1, 7] and set(triggers) <= {1, 7, 30}
        for a in alarms:
            assert str(a["ACTION"]) == "DISPLAY" and str(a["DESCRIPTION"]).endswith(d["title"])


@pytest.mark.parametrize("payload", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_every_event_matches_the_json(payload):
    r = deadlines.browser_entry(dict(payload))
    assert "error" not in r, r
    _check_against_json(r)


def test_passed_deadlines_are_not_in_the_calendar():
    r = deadlines.browser_entry(dict(SCENARIOS["some deadlines passed"]))
    passed = [d for d in r["deadlines"] if d["status"] == "passed"]
    assert passed  # the scenario must exercise it: the 治安 six months of 2024 are over in 2025
    titles = {str(ev["SUMMARY"]) for ev in _events(r["ics"])}
    assert not titles & {d["title"] for d in passed}


def test_the_file_written_by_the_cli_parses_and_matches_its_json(tmp_path):
    out = tmp_path / "期限.ics"
    p = subprocess.run([sys.executable, "-m", "calculators", "deadlines", "--act", "2026-03-01", "--known", "2026-03-05",
                        "--today", "2026-03-06", "--amount", "3500", "--province", "浙江", "--ics", str(out)],
                       capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    r = json.loads(p.stdout)
    assert r["ics"] == str(out)
    r["ics"] = out.read_bytes().decode("utf-8")
    assert "\r\n" in r["ics"] and "\n" not in r["ics"].replace("\r\n", "")  # newline="" kept the CRLFs
    _check_against_json(r)
