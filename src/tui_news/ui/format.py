"""Small pure helpers that turn domain values into what the reader shows: dates, lines, the feed detail.

No widget state and no I/O: each takes values and returns a str or a `rich.text.Text` (feed text is appended as
plain text, never parsed as markup). Times are shown in local time; they are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from rich.text import Text

from tui_news.models import Feed, FeedOutcome

DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M %Z"
_date_format = DEFAULT_DATE_FORMAT


def set_date_format(fmt: str) -> None:
    """`[settings] date_format`, set once by the app at start (the panes format dates through this module)."""
    global _date_format
    _date_format = fmt or DEFAULT_DATE_FORMAT


def relative_date(moment: datetime, now: datetime) -> str:
    """The list's date, in the local time zone: 'now', '5 min', '3 h' (today), 'yesterday', 'Mon' (this week),
    'Sep 13' (this year), '2022-03-25'. Days are local calendar days."""
    delta = (now - moment).total_seconds()
    local, today = moment.astimezone(), now.astimezone().date()
    days = (today - local.date()).days
    if delta < 0:
        return local.strftime("%H:%M") if days == 0 else local.strftime("%b %d")
    if delta < 60:
        return "now"
    if delta < 3600:
        return f"{int(delta // 60)} min"
    if days == 0:
        return f"{int(delta // 3600)} h"
    if days == 1:
        return "yesterday"
    if days < 7:
        return local.strftime("%a")
    if local.year == today.year:
        return local.strftime("%b %d")
    return local.strftime("%Y-%m-%d")


def local_time(moment: datetime) -> str:
    """A full date and time in the local zone, in `[settings] date_format` ('2025-03-05 14:30 CET')."""
    try:
        return moment.astimezone().strftime(_date_format).strip()
    except ValueError:  # a format the platform's strftime refuses
        return moment.astimezone().strftime(DEFAULT_DATE_FORMAT).strip()


def article_when(published: datetime, now: datetime) -> str:
    """The article pane's date: the local date and time, with how long ago within a week
    ('2026-09-13 00:03 +07 · 3 h ago')."""
    if 0 <= (now - published).total_seconds() < 7 * 86400:
        ago = relative_date(published, now)
        if ago.endswith(("min", " h")):
            return f"{local_time(published)} · {ago} ago"
        if ago in ("now", "yesterday"):
            return f"{local_time(published)} · {ago}"
    return local_time(published)


def feed_detail(feed: Feed) -> Text:
    """The lines under the feeds tree for one feed: its address, then its error or its counts."""
    text = Text(feed.fetch_url, "dim")
    if feed.last_error:
        text.append("\n⚠ ", "bold")
        text.append(feed.last_error)
    else:
        when = local_time(feed.last_refresh) if feed.last_refresh else "never"
        text.append(f"\n{feed.total:,} articles · refreshed {when}")
    return text


def tag_detail(tag: str, feeds: int) -> Text:
    text = Text(f"{feeds} feeds tagged ")
    text.append(tag)
    return text


def progress_line(done: int, total: int, failed: int, title: str, width: int = 20) -> str:
    filled = width * done // total if total else width
    bar = "█" * filled + "░" * (width - filled)
    failed_text = f" · {failed} failed" if failed else ""
    return f"Refreshing {bar} {done}/{total}{failed_text} · {title}"


def refresh_summary(outcomes: Sequence[FeedOutcome]) -> tuple[str, bool]:
    """The status line after a refresh, and whether it reports a failure."""
    failed = [o for o in outcomes if o.failed]
    line = f"Refreshed {len(outcomes)} feeds: {sum(o.new for o in outcomes)} new"
    if failed:
        line += f", {len(failed)} failed ({failed[0].title}: {failed[0].error}"
        line += ", …)" if len(failed) > 1 else ")"
    return line, bool(failed)


def safe_link(url: str | None) -> str | None:
    """The link if it is http or https (the only schemes handed to a browser), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()
