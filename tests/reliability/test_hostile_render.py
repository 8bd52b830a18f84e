"""Every hostile-corpus article opened in the real article pane (Pilot): no exception, no control character
on screen, no markup interpreted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_view import ArticleView
from ui.conftest import settle

PER_FEED = 3
"""Articles opened per feed (the 5,000-item file would otherwise take minutes)."""
SKIP = {"huge-150k-items.xml.gz", "big-5k-items.xml", "gzip-bomb-1GiB.xml.gz", "deflate-bomb-256MiB.xml.zz",
        "one-huge-description.xml", "huge-title.xml", "long-word.xml"}  # the big ones: in the slow test below
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_files(corpus: Path) -> list[Path]:
    return [p for p in sorted((corpus / "hostile").rglob("*")) if p.is_file() and p.name not in SKIP
            and not p.name.endswith((".http-headers", ".txt", ".tsv", ".py", ".md"))]


async def test_every_hostile_article_renders_in_the_article_pane(corpus: Path, tmp_path: Path) -> None:
    files = hostile_files(corpus)
    config_path = tmp_path / "feeds.toml"
    config_path.write_text("".join(f'[[feeds]]\nurl = "{p.as_uri()}"\n' for p in files), "utf-8")
    service = Service.open(load_config(config_path), tmp_path / "cache.sqlite3", processes=1)
    try:
        outcomes = await service.refresh()
        assert not [o for o in outcomes if o.error and o.error.startswith("internal error")]
        ids = [a.id for f in service.feeds() for a in service.articles(_feed(f.id), limit=PER_FEED)]
        assert len(ids) > 60
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.main_screen
            for article_id in ids:
                screen.load_article(article_id)
                await settle(pilot, rounds=1)
                view = app.query_one(ArticleView)
                assert view.data is not None and view.data.article.id == article_id, article_id
                shown = view.plain_text()
                assert not CONTROL.search(shown), (article_id, CONTROL.search(shown))
                assert app.is_running
            # What is on screen for the last one, as the terminal would get it: no escape from feed text.
            assert "\x1b]" not in app.export_screenshot()
    finally:
        service.close()


def _feed(feed_id: int) -> object:
    from tui_news.store.repo import ArticleFilter

    return ArticleFilter(feed_id=feed_id)


BIG = ("size/one-huge-description.xml", "size/huge-title.xml", "size/long-word.xml", "size/big-5k-items.xml")
"""Opened apart (and marked slow): one 3.6 MB description, a 450 KB title, 1 MB words, 5,000 items."""


@pytest.mark.slow
async def test_big_hostile_feeds_render_too(corpus: Path, tmp_path: Path) -> None:
    files = [corpus / "hostile" / name for name in BIG]
    config_path = tmp_path / "feeds.toml"
    config_path.write_text("".join(f'[[feeds]]\nurl = "{p.as_uri()}"\n' for p in files), "utf-8")
    service = Service.open(load_config(config_path), tmp_path / "cache.sqlite3", processes=1)
    try:
        outcomes = await service.refresh()
        assert [o.error for o in outcomes] == [None] * len(BIG)
        chosen = {f.url: [a.id for a in service.articles(_feed(f.id), limit=3)] for f in service.feeds()}
        assert sorted(url for url, ids in chosen.items() if ids) == sorted(p.as_uri() for p in files)
        ids = [article_id for ids in chosen.values() for article_id in ids]
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=(120, 40)) as pilot:
            for article_id in ids:
                app.main_screen.load_article(article_id)
                await settle(pilot, rounds=1)
                view = app.query_one(ArticleView)
                assert view.data is not None and view.data.article.id == article_id, article_id
                shown = view.plain_text()
                assert view.data.article.title[:40] in shown, article_id
                assert not CONTROL.search(shown), (article_id, CONTROL.search(shown))
                if view.data.article.title == "3.6 MB description":
                    assert shown.count("Nguyễn") > 1000  # the body itself is on screen, not only the title
            assert app.is_running
    finally:
        service.close()
