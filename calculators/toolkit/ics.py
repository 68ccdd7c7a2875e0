"""A minimal iCalendar (RFC 5545) writer for deadline reminders.

All-day events (DTSTART;VALUE=DATE), one VALARM per reminder offset, CRLF line ends, lines folded at
75 octets without splitting a UTF-8 character, TEXT values escaped (backslash, semicolon, comma,
newline). The UID of an event is derived from what the event is (its code and dates), so the same
deadline always has the same UID and a calendar that imports the file twice updates it instead of
duplicating it. DTSTAMP is the caller's "today" (the package never reads the clock).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

PRODID = "-//恶意仅退款法律指南//期限计算//ZH"
UID_DOMAIN = "deadlines.refund-fraud-guide.invalid"


@dataclass(frozen=True)
class Event:
    key: str                      # what the deadline is, e.g. "civil-revocation-1y"
    day: date                     # the last day of the period (an all-day event)
    summary: str
    description: str = ""
    alarms_days_before: tuple[int, ...] = field(default=(7, 1))


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are split, continuation lines start with a space."""
    out: list[str] = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            out.append(current.decode("utf-8"))
            current = b" "
            limit = 75  # the leading space counts towards the 75 octets of the continuation line
        current += b
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def uid_for(event: Event) -> str:
    digest = hashlib.sha256(f"{event.key}|{event.day.isoformat()}".encode()).hexdigest()[:20]
    return f"{event.key}-{event.day:%Y%m%d}-{digest}@{UID_DOMAIN}"


def calendar(events: list[Event], stamp: date, name: str = "仅退款维权期限") -> str:
    """The .ics file as text (CRLF line ends)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid_for(e)}",
            f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{e.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(e.summary)}",
        ]
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        lines.append("TRANSP:TRANSPARENT")
        for days in e.alarms_days_before:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{escape_text(('今天到期：' if days == 0 else f'还有{days}天到期：') + e.summary)}",
                f"TRIGGER:-P{days}D" if days else "TRIGGER:PT0S",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
