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
        "one-huge-description.xml"}  # the big ones: in the slow test below
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


@pytest.mark.slow
async def test_big_hostile_feeds_render_too(corpus: Path, tmp_path: Path) -> None:
    files = [p for p in hostile_files(corpus) if p.name in ("huge-title.xml", "long-word.xml",
                                                            "one-huge-description.xml")]
    files += [corpus / "hostile" / "size" / "big-5k-items.xml"]
    config_path = tmp_path / "feeds.toml"
    config_path.write_text("".join(f'[[feeds]]\nurl = "{p.as_uri()}"\n' for p in files), "utf-8")
    service = Service.open(load_config(config_path), tmp_path / "cache.sqlite3", processes=1)
    try:
        await service.refresh()
        ids = [a.id for f in service.feeds() for a in service.articles(_feed(f.id), limit=3)]
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=(120, 40)) as pilot:
            for article_id in ids:
                app.main_screen.load_article(article_id)
                await settle(pilot, rounds=1)
                assert app.query_one(ArticleView).data is not None
            assert app.is_running
    finally:
        service.close()
