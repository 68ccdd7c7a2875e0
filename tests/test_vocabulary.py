"""The shared vocabulary: one period arithmetic (民法典第二百零一至二百零三条), one date parser, one
error class, one version string; each used by the engine and the tools alike."""

from __future__ import annotations

import re
import tomllib
from datetime import date

import pytest

import calculators
from calculators import civil, dates, engine, errors, periods
from calculators.toolkit import deadlines
from conftest import GOLDEN_TODAY, ROOT

# ---- periods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("start,months,end", [
    ("2026-03-01", 6, "2026-09-01"),      # 第二百零二条: the corresponding day
    ("2026-08-31", 6, "2027-02-28"),      # no 31 February: the month's last day
    ("2027-08-31", 6, "2028-02-29"),      # ... in a leap year
    ("2026-03-31", 1, "2026-04-30"),
    ("2026-12-15", 1, "2027-01-15"),      # across a year
    ("2024-02-29", 12, "2025-02-28"),
    ("2024-02-29", 48, "2028-02-29"),
    ("2026-01-31", 0, "2026-01-31"),
])
def test_add_months(start, months, end):
    assert periods.add_months(date.fromisoformat(start), months) == date.fromisoformat(end)


def test_years_are_twelve_months():
    d = date(2024, 2, 29)
    for years in (1, 3, 4, 5, 10, 15, 20):
        assert periods.add_years(d, years) == periods.add_months(d, 12 * years) == periods.period_end(d, years=years)
    assert periods.period_end(date(2026, 8, 31), years=1, months=6) == date(2028, 2, 29)


def test_month_arithmetic_is_written_once():
    """No module but calculators/periods.py does its own month or year arithmetic."""
    pattern = re.compile(r"def (add_months|_add_years|add_years|period_end)\b|\.replace\(year=")
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "calculators").rglob("*.py")
                 if p.name != "periods.py" and pattern.search(p.read_text("utf-8"))]
    assert offenders == []


def test_civil_periods_are_computed_once():
    """The civil track and the deadlines tool report the same days because they call one function."""
    rs = calculators.ruleset.load()
    p = civil.periods(rs.civil, date(2024, 2, 29), date(2024, 3, 31))
    assert (p.revocation_1y, p.revocation_5y) == (date(2025, 3, 31), date(2029, 2, 28))
    assert (p.limitation_3y, p.limitation_20y) == (date(2027, 3, 31), date(2044, 2, 29))
    assert civil.periods(rs.civil, date(2021, 3, 10), date(2025, 12, 1)).revocation_1y == date(2026, 3, 10)  # capped by 5 years
    assert civil.periods(rs.civil, date(2024, 2, 29), None).revocation_1y is None
    src = (ROOT / "calculators" / "toolkit" / "deadlines.py").read_text("utf-8")
    assert "civil.periods(" in src and "period_end(" not in src


# ---- dates ------------------------------------------------------------------------------------

def test_one_date_parser_one_message():
    """The engine and the deadlines tool give the same Chinese message for the same bad date."""
    for bad in ("2026-02-30", "2026-13-01", "昨天", "1800-01-01"):
        with pytest.raises(errors.FactsError) as exc:
            engine.classify({"amount": "3500", "act_date": bad}, today=GOLDEN_TODAY)
        tool = deadlines.browser_entry({"act": bad})["error"]
        assert exc.value.field == "act_date" and tool["field"] == "act"
        tail = lambda m: m.split("“", 1)[1]  # the label differs (行为日期 / 行为日期（…）), the rest is one text
        assert tail(exc.value.message) == tail(tool["message"]), (exc.value.message, tool["message"])


def test_dates_written_with_spaces_and_full_width_digits():
    for text in ("2026 - 03 - 01", "２０２６年３月１日", "2026年 3月 1日", " 2026/3/1 "):
        assert dates.parse_date(text, "act_date", "行为日期") == date(2026, 3, 1)
        r = engine.classify({"amount": "3500", "act_date": text, "decision_date": "2026-06-01"}, today=GOLDEN_TODAY)
        assert r.facts["act_date"] == "2026-03-01"


def test_optional_and_required_dates():
    assert dates.parse_optional_date("  ", "known_date") is None and dates.parse_optional_date(None, "x") is None
    with pytest.raises(errors.FactsError) as exc:
        dates.parse_date("", "act", "行为日期")
    assert exc.value.field == "act" and "请填写行为日期" in exc.value.message
    with pytest.raises(errors.FactsError) as exc:
        dates.parse_date(20260301, "act", "行为日期")
    assert "YYYY-MM-DD" in exc.value.message
    with pytest.raises(errors.FactsError) as exc:
        dates.parse_date("2026-0" * 20, "act", "行为日期")  # long text: refused without a long quote
    assert len(exc.value.message) < 100


# ---- errors and version -------------------------------------------------------------------------

def test_one_error_class():
    from calculators import FactsError
    from calculators.facts import FactsError as F2
    from calculators.ruleset import RulesError
    from calculators.toolkit.fees import InputError
    assert FactsError is F2 is InputError is errors.FactsError is errors.InputError
    assert RulesError is errors.RulesError
    assert FactsError("amount", "金额不对").to_dict() == {"error": {"field": "amount", "message": "金额不对"}}


def test_one_version_string():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", calculators.__version__)
    r = engine.classify({"amount": "3500", "act_date": "2026-03-01"}, today=GOLDEN_TODAY).to_dict()
    assert r["ruleset"]["version"] == calculators.__version__
    from site_hooks.wheel import _project
    assert _project()[1] == calculators.__version__
    literal = f'"{calculators.__version__}"'
    files = [ROOT / "pyproject.toml", *(ROOT / "calculators").rglob("*.py"), *(ROOT / "site_hooks").rglob("*.py")]
    hits = [p.relative_to(ROOT).as_posix() for p in files if literal in p.read_text("utf-8")]
    assert hits == ["calculators/__init__.py"]
