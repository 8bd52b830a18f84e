"""Feed dates -> aware UTC datetimes, the same way for every reader (`parse` via feedparser, and `fastparse`).

feedparser's general date parser (`feedparser.datetimes._parse_date`, which knows RFC 822, W3C-DTF, ISO 8601,
Greek, Hungarian, Korean... dates) has no public entry point: feedparser only calls it while parsing a document.
The fast path must read dates exactly as feedparser does, so it calls the same function. That is feedparser's
private API, so:

- it is looked up here and nowhere else (`FEEDPARSER_TESTED` names the versions it was checked against, and
  pyproject.toml pins feedparser to that range);
- a missing function fails at import with a message naming the versions, not later with an AttributeError;
- `tests/parse/test_parse_unit.py::test_feedparser_private_date_api_is_the_one_we_tested` pins its answers on a
  table of dates and checks the installed version against pyproject's range.

On top of it, `odd_date` reads the forms Vietnamese sites use that feedparser misses or misreads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import feedparser
import feedparser.datetimes as _fp_datetimes

__all__ = ["FEEDPARSER_TESTED", "VN_ZONE", "feed_date", "from_struct", "odd_date"]

FEEDPARSER_TESTED = (">=6.0.11", "<6.1")
"""The feedparser versions whose private date functions this module was checked against (as in pyproject)."""


def _private(name: str) -> Callable[[str], Any]:
    fn = getattr(_fp_datetimes, name, None)
    if not callable(fn):
        raise ImportError(
            f"feedparser {getattr(feedparser, '__version__', '?')} has no datetimes.{name}; tui-news needs "
            f"feedparser {','.join(FEEDPARSER_TESTED)} (see tui_news/dates.py)"
        )
    return fn


_parse_date = _private("_parse_date")
_parse_date_rfc822 = _private("_parse_date_rfc822")

VN_ZONE = timezone(timedelta(hours=7))
# '9/14/2026 6:44:00 PM' (US order with AM/PM), '14/09/2026 18:44', 'Thứ hai, 14/09/2026 - 18:44 (GMT+7)'
_SLASH_DATE = re.compile(
    r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\D{0,4}?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>[AaPp][Mm])?(?P<rest>.*)$"
)
# RFC 822 dates with a zone feedparser misreads: '+07', 'GMT+7', 'UTC+07:00', 'ICT' (Indochina Time)
_RFC822_ODD_ZONE = re.compile(
    r"^(?P<date>(?:\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?)\s*"
    r"(?P<zone>(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}|ICT)\s*$",
    re.I,
)
_ZONE_OFFSET = re.compile(r"(?:GMT|UTC)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)
MAX_DATE_TEXT = 100
"""Longer date strings are not dates (and are not handed to the regexes)."""


def from_struct(value: Any) -> datetime | None:
    """A feedparser `*_parsed` value (a UTC time.struct_time) as an aware datetime; None when unusable."""
    if value is None:
        return None
    try:
        return datetime(*tuple(value)[:6]).replace(tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def feed_date(raw: str) -> datetime | None:
    """What feedparser makes of a date string (its `*_parsed`), as an aware UTC datetime."""
    return from_struct(_parse_date(raw))


def _zone(text: str) -> timezone | None:
    text = text.strip().strip("()").strip()
    if not text:
        return None
    if text.upper() == "ICT":
        return VN_ZONE
    m = _ZONE_OFFSET.fullmatch(text)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if m.group(1) == "-" else offset)


def odd_date(raw: str) -> datetime | None:
    """Dates seen on Vietnamese sites that feedparser misses or misreads. Naive ones are taken as UTC+7."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_DATE_TEXT:
        return None
    m = _RFC822_ODD_ZONE.match(raw)
    if m:
        zone = _zone(m.group("zone"))
        base = _parse_date_rfc822(m.group("date") + " +0000")
        if zone is None or base is None:
            return None
        try:
            return datetime(*tuple(base)[:6]).replace(tzinfo=zone).astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    m = _SLASH_DATE.search(raw)
    if not m:
        return None
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    hour, minute, second = int(m.group("H")), int(m.group("M")), int(m.group("S") or 0)
    ampm = (m.group("ampm") or "").upper()
    # Month/day order: unambiguous when one side is > 12; otherwise AM/PM means the US (.NET) order.
    if a > 12 or (b <= 12 and not ampm):
        day, month = a, b
    else:
        month, day = a, b
    if ampm == "PM" and hour < 12:
        hour += 12
    elif ampm == "AM" and hour == 12:
        hour = 0
    zone = _zone(m.group("rest")) or VN_ZONE
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
