"""Issue 10 faults 1 and 2: the cache is bounded by default, and a flag the user set never vanishes unsaid.

A feed on 127.0.0.1 that changes every guid at every refresh (the worst case for retention), refreshed by the
real CLI in another process, against a reader's Service open on the same cache file.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.errors import ArticlesGoneError
from tui_news.models import ArticleFilter
from tui_news.service import Service

from .conftest import run_cli, write_config
from .faultserver import FaultServer, Request, head


def churn_xml(refresh: int, n: int) -> bytes:
    """`n` items with guids of this refresh only, each newer than every item of the refreshes before."""
    start = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=refresh)
    items = "".join(
        f"<item><guid>r{refresh}-{i}</guid><title>Bài {refresh}.{i}</title>"
        f"<pubDate>{format_datetime(start - timedelta(minutes=i))}</pubDate>"
        f"<description>nội dung {i}</description></item>"
        for i in range(n))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Churn</title>"
            f"<link>https://example.org/</link>{items}</channel></rss>").encode()


def churning_feed(server: FaultServer, n: int) -> str:
    """Every request serves `n` items with guids never served before, newer than the ones before."""
    served = [0]

    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        served[0] += 1
        body = churn_xml(served[0], n)
        writer.write(head(200, {"Content-Length": str(len(body)), "Content-Type": "application/rss+xml"}) + body)
        await writer.drain()

    return server.route("/churn.xml", handler)


def rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_default_settings_bound_the_cache(plain_server: FaultServer, tmp_path: Path) -> None:
    """No [settings] at all: 500 new guids per refresh stop growing the cache at the default 2,000 per feed
    (before: 500 rows more at every refresh, 30,500 after 61)."""
    url = churning_feed(plain_server, 500)
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feeds]]\nurl = "{url}"\n', "utf-8")
    db = tmp_path / "cache.sqlite3"
    counts = []
    for _ in range(6):
        done = run_cli("--config", str(config), "--db", str(db), "refresh", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        counts.append(rows(db))
    assert counts == [500, 1000, 1500, 2000, 2000, 2000]


def test_a_star_on_an_article_retention_deleted_is_reported_not_lost(plain_server: FaultServer,
                                                                    tmp_path: Path) -> None:
    """The reader has its list loaded; a cron `refresh` in another process trims the feed; starring two of the
    listed rows must say they are gone (before: silently nothing, the reader showed ★ and the star was lost),
    while the article the reader has open stays, and its star is kept."""
    url = churning_feed(plain_server, 50)
    config = write_config(tmp_path / "feeds.toml", [url], "max_articles_per_feed = 50\n")
    db = tmp_path / "cache.sqlite3"
    assert run_cli("--config", str(config), "--db", str(db), "refresh", cwd=tmp_path).returncode == 0

    reader = Service.open(load_config(config), db)
    try:
        listed = reader.articles(ArticleFilter(), limit=100)
        assert len(listed) == 50
        opened, gone_a, gone_b = listed[0].id, listed[1].id, listed[2].id
        assert reader.view(opened) is not None  # the reader opens one article

        other = run_cli("--config", str(config), "--db", str(db), "refresh", cwd=tmp_path)
        assert other.returncode == 0, other.stderr
        still_there = {a.id for a in reader.articles(ArticleFilter(), limit=200)}
        assert opened in still_there, "retention in another process deleted the article open in the reader"
        assert gone_a not in still_there and gone_b not in still_there

        with pytest.raises(ArticlesGoneError) as caught:
            reader.set_starred([gone_a, opened, gone_b])
        assert caught.value.ids == [gone_a, gone_b]
        assert "2 articles had been removed" in str(caught.value)
        starred = reader.articles(ArticleFilter(starred=True), limit=10)
        assert [a.id for a in starred] == [opened]  # the one still there was written

        with pytest.raises(ArticlesGoneError):
            reader.set_read([gone_a])
    finally:
        reader.close()


def test_an_expired_hold_lets_retention_work_again(plain_server: FaultServer, tmp_path: Path) -> None:
    """A reader that crashed leaves its hold behind: it expires, and the article is trimmed like any other."""
    url = churning_feed(plain_server, 20)
    config = write_config(tmp_path / "feeds.toml", [url], "max_articles_per_feed = 20\n")
    db = tmp_path / "cache.sqlite3"
    assert run_cli("--config", str(config), "--db", str(db), "refresh", cwd=tmp_path).returncode == 0
    reader = Service.open(load_config(config), db)
    try:
        opened = reader.articles(ArticleFilter(), limit=1)[0].id
        reader.view(opened)
    finally:
        reader.close()
    with sqlite3.connect(db) as conn:  # the hold ran out (as 24 hours later)
        conn.execute("UPDATE holds SET until = 0")
    assert run_cli("--config", str(config), "--db", str(db), "refresh", cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE id = ?", (opened,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM holds").fetchone()[0] == 0


def test_mark_names_the_ids_that_are_not_in_the_cache(plain_server: FaultServer, tmp_path: Path) -> None:
    """`tui-news mark` with an id that is not there: one line naming it, exit 1, the other ids written."""
    url = churning_feed(plain_server, 3)
    config = write_config(tmp_path / "feeds.toml", [url])
    db = tmp_path / "cache.sqlite3"
    assert run_cli("--config", str(config), "--db", str(db), "refresh", cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        real = int(conn.execute("SELECT min(id) FROM articles").fetchone()[0])
    done = run_cli("--config", str(config), "--db", str(db), "mark", str(real), "999999", "--star", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "tui-news: error: no article with id 999999 in the cache (ids: `tui-news search --json`); "
        "the other ids were marked"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT starred FROM articles WHERE id = ?", (real,)).fetchone()[0] == 1
