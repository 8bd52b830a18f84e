"""100,000 cached articles: a handful of widgets, a few pages of rows in memory, bounded page reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_news.demo.bigcache import make_big_cache
from tui_news.models import Config
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_list import MAX_PAGES, PAGE_SIZE, ArticleList
from tui_news.ui.widgets.article_view import ArticleView

from .conftest import FakeFetcher, fixed_clock, settle

N = 100_000


@pytest.fixture(scope="module")
def big_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Config]:
    path = tmp_path_factory.mktemp("big") / "cache.sqlite3"
    return path, make_big_cache(path, N, feeds=40)


async def test_100k_rows_stay_virtual(big_cache: tuple[Path, Config]) -> None:
    path, config = big_cache
    service = Service.open(config, path, clock=fixed_clock, processes=1,
                           fetcher_factory=lambda _s: FakeFetcher(offline=True))
    reads: list[tuple[int, int]] = []
    real = service.articles

    def spy(flt=None, *, offset: int = 0, limit: int = 100):  # type: ignore[no-untyped-def]
        reads.append((offset, limit))
        return real(flt, offset=offset, limit=limit) if flt is not None else real(offset=offset, limit=limit)

    service.articles = spy  # type: ignore[method-assign]
    try:
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            lst = app.query_one(ArticleList)
            assert lst.total == N
            assert reads == [(0, PAGE_SIZE)]
            widgets = len(list(app.screen.query("*")))
            assert widgets < 100, widgets  # feeds are tree nodes, articles are not widgets at all
            await pilot.press("G")
            await settle(pilot)
            assert lst.cursor == N - 1
            assert lst.current is not None
            await pilot.press("enter")
            await settle(pilot)
            assert app.query_one(ArticleView).data is not None
            for _ in range(30):
                await pilot.press("ctrl+u")
            await settle(pilot)
            await pilot.press("g")
            await settle(pilot)
            assert lst.cursor == 0 and lst.current is not None
            # Every read is one bounded page; memory holds at most MAX_PAGES of them.
            assert all(limit <= PAGE_SIZE for _offset, limit in reads)
            assert len(reads) <= 8, reads
            assert len(lst.pages) <= MAX_PAGES
            assert sum(len(rows) for rows in lst.pages.values()) <= MAX_PAGES * PAGE_SIZE
    finally:
        service.close()


async def test_scrolling_the_whole_list_reads_only_visible_pages(big_cache: tuple[Path, Config]) -> None:
    path, config = big_cache
    service = Service.open(config, path, clock=fixed_clock, processes=1)
    try:
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            lst = app.query_one(ArticleList)
            for y in (10_000, 50_000, 99_990):
                lst.scroll_to(y=y, animate=False, immediate=True)
                await pilot.pause()
                await settle(pilot)
            assert lst.page_requests <= 6
            assert len(lst.pages) <= MAX_PAGES
    finally:
        service.close()
