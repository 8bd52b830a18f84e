"""Feed documents built in code for the integration tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BASE = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def rss(title: str, items: list[tuple[str, str, str]], *, start: datetime = BASE) -> bytes:
    """items: (guid, title, html body)."""
    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(title)}</title>"
             "<link>https://example.org/</link>"]
    for i, (guid, item_title, body) in enumerate(items):
        date = format_datetime(start - timedelta(hours=i))
        parts.append(f"<item><guid>{escape(guid)}</guid><title>{escape(item_title)}</title>"
                     f"<link>https://example.org/{escape(guid)}</link><pubDate>{date}</pubDate>"
                     f"<description>{escape(body)}</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def many_items(prefix: str, n: int, body_words: int = 60) -> list[tuple[str, str, str]]:
    words = ("Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học công nghệ Đảng bộ thành phố Hải Phòng "
             "the Security Council adopted resolution 2334 officials said on Tuesday").split()
    body = " ".join(words[i % len(words)] for i in range(body_words))
    return [(f"{prefix}-{i}", f"{prefix} bài {i}", f"<p>{body}</p>") for i in range(n)]
