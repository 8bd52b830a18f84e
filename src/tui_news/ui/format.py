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


def relative_date(moment: datetime, now: datetime) -> str:
    """'5m', '3h', '2d', 'Mar 25', '2022-03-25': short, and stable for a fixed clock."""
    delta = (now - moment).total_seconds()
    local = moment.astimezone()
    if delta < 0:
        return local.strftime("%b %d")
    if delta < 3600:
        return f"{max(1, int(delta // 60))}m"
    if delta < 86400:
        return f"{int(delta // 3600)}h"
    if delta < 7 * 86400:
        return f"{int(delta // 86400)}d"
    if local.year == now.astimezone().year:
        return local.strftime("%b %d")
    return local.strftime("%Y-%m-%d")


def local_time(moment: datetime) -> str:
    """'2025-03-05 14:30 CET': a full date and time in the local zone."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").rstrip()


def article_when(published: datetime, now: datetime) -> str:
    """The article pane's date: '3h ago' within a week, else the local date and time."""
    if 0 <= (now - published).days < 7:
        return relative_date(published, now) + " ago"
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
