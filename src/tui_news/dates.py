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

__all__ = ["FEEDPARSER_TESTED", "VN_ZONE", "feed_date", "from_struct", "odd_date", "read_date"]

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


# The two forms nearly every feed uses, read without feedparser's chain of handlers (which costs ~20 µs a date,
# more than the rest of an item): 'Tue, 24 Nov 2026 10:00:00 +0700' (RFC 822, as its `_parse_date_rfc822`
# reads it: a numeric or GMT/UT/Z zone, a four-digit year) and '2026-11-24T10:00:00+07:00' (W3C-DTF, as its
# `_parse_date_w3dtf` reads it: fractions of a second dropped). Neither form is one `odd_date` knows, and
# feedparser tries W3C-DTF then RFC 822 first, so the answer is the one feedparser gives; anything else, or a
# value out of range, takes the general path. `tests/parse/test_parse_unit.py` compares both on every date of
# the corpus and on generated ones.
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                        "Nov", "Dec"), 1)}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:([+-])([0-9]{2})([0-9]{2})|GMT|UT|Z)"
)
_W3DTF = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(?:Z|([+-])([0-9]{2}):([0-9]{2}))"
)


def _common(raw: str) -> datetime | None:
    """A date in one of the two common forms, or None (not one of them, or out of range)."""
    m = _RFC822.fullmatch(raw)
    if m is not None:
        day, month, year = int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3))
        sign, zh, zm = m.group(7), m.group(8), m.group(9)
    else:
        m = _W3DTF.fullmatch(raw)
        if m is None:
            return None
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        sign, zh, zm = m.group(7), m.group(8), m.group(9)
    try:
        stamp = datetime(year, month, day, int(m.group(4)), int(m.group(5)), int(m.group(6)))
        if sign:
            offset = timedelta(hours=int(zh), minutes=int(zm))
            stamp = stamp - offset if sign == "+" else stamp + offset
    except (ValueError, OverflowError):
        return None
    return stamp.replace(tzinfo=UTC)


def read_date(raw: str) -> datetime | None:
    """A feed's date string as an aware UTC datetime: `odd_date`, else what feedparser makes of it."""
    return _common(raw) or odd_date(raw) or feed_date(raw)
