"""Periods counted in months and years: 民法典第二百零一至二百零三条 (minfadian#art-201 .. art-203).

- 第二百零一条: the day a period starts on is not counted; counting begins the next day.
- 第二百零二条: a period of years or months ends on the corresponding day of the last month; where
  that month has no corresponding day, on the last day of that month.
- 第二百零三条: a last day that is a statutory holiday moves to the day after the holiday. The
  holiday calendar is set by the State Council each year and is not in the rule data, so this module
  cannot apply it: every caller warns about it (``HOLIDAY_CITATION``).

Together: a period of ``n`` months from ``start`` ends on the day of ``start``'s number in the month
``n`` months later (2026-03-01 + 6 months -> 2026-09-01), or that month's last day (2026-08-31 +
6 months -> 2027-02-28). One year is twelve months (2024-02-29 + 1 year -> 2025-02-28).

The civil track, the 治安 six months for discovery, the criminal limitation (刑法第八十七条; its own
counting rules are not in the source pack, so the engine says the result is approximate) and the
deadlines tool all use this one arithmetic.
"""

from __future__ import annotations

from datetime import date

__all__ = ["CITATIONS", "HOLIDAY_CITATION", "add_months", "add_years", "period_end"]

# the articles every date computed here rests on (the holiday rule is cited separately: not applied)
CITATIONS: tuple[str, ...] = ("minfadian#art-201", "minfadian#art-202")
HOLIDAY_CITATION = "minfadian#art-203"

_LAST_DAYS = (31, 30, 29, 28)


def add_months(start: date, months: int) -> date:
    """The last day of a period of ``months`` months that starts on ``start`` (第二百零一、二百零二条):
    the corresponding day ``months`` later, or the last day of that month where there is none."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    for day in (start.day, *_LAST_DAYS):
        if day <= start.day:
            try:
                return date(year, month, day)
            except ValueError:
                continue
    raise AssertionError("unreachable: every month has a 28th")


def add_years(start: date, years: int) -> date:
    """The last day of a period of ``years`` years from ``start`` (29 February -> 28 February)."""
    return add_months(start, 12 * years)


def period_end(start: date, years: int = 0, months: int = 0) -> date:
    """The last day of a period of ``years`` years and ``months`` months from ``start``."""
    return add_months(start, 12 * years + months)
