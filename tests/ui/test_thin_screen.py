"""The screen's wiring: actions that do not apply are disabled (and shown so), the search box debounces with a
timer (no sleeping worker), and n / p find unread articles across a large cache with one query, not a walk.

No sleeps: each test waits on a condition through Pilot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui_news.demo.bigcache import make_big_cache
from tui_news.models import Config
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.screens.confirm import ConfirmScreen
from tui_news.ui.widgets.article_list import PAGE_SIZE, ArticleList
from tui_news.ui.widgets.article_view import ArticleView
from tui_news.ui.widgets.feed_tree import ALL, STARRED
from tui_news.ui.widgets.search_box import SearchInput

from .conftest import FakeFetcher, fixed_clock, settle

SIZE = (140, 40)


async def wait_until(pilot: Pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        await pilot.pause()


def footer_key(app: NewsApp, key: str) -> FooterKey:
    return next(k for k in app.screen.query_one(Footer).query(FooterKey) if k.key == key)


async def test_actions_that_do_not_apply_are_disabled_and_shown_so(make_app, fetcher: FakeFetcher) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.go_to(STARRED)  # nothing starred in the demo cache: an empty list, nothing open
        await settle(pilot)
        assert app.query_one(ArticleList).total == 0
        for action, params in (("flip", ("read",)), ("flip", ("starred",)), ("jump", (1,)), ("jump", (-1,)),
                               ("page_article", ()), ("mark_feed_read", ()), ("open_link", ()), ("copy_link", ())):
            assert screen.check_action(action, params) is None, action
        assert screen.check_action("refresh", ()) is True
        for key in ("m", "s", "n", "A", "o"):
            assert footer_key(app, key).has_class("-disabled"), key
        assert not footer_key(app, "r").has_class("-disabled")
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # used to ask about marking nothing

        screen.go_to(ALL)
        await settle(pilot)
        await wait_until(pilot, lambda: not footer_key(app, "m").has_class("-disabled"))
        assert footer_key(app, "o").has_class("-disabled")  # a row, but no article open: no link yet
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(ArticleView).data is not None
        await wait_until(pilot, lambda: not footer_key(app, "o").has_class("-disabled"))

        await pilot.press("slash", *"khao sat")  # searching: "all read" would mark the list behind the hits
        await settle(pilot)
        assert screen.check_action("mark_feed_read", ()) is None
        await pilot.press("escape")
        await settle(pilot)
        assert screen.check_action("mark_feed_read", ()) is True

        fetcher.gate = asyncio.Event()  # a refresh that waits on the network
        await pilot.press("R")
        await wait_until(pilot, lambda: fetcher.calls)
        await wait_until(pilot, lambda: footer_key(app, "r").has_class("-disabled"))
        assert screen.check_action("refresh_all", ()) is None
        calls = len(fetcher.calls)
        await pilot.press("R")  # would cancel the running refresh and start another
        await pilot.pause()
        fetcher.gate.set()
        await settle(pilot)
        assert len(fetcher.calls) == calls
        assert "Refreshed 4 feeds" in screen.status.line
        assert screen.check_action("refresh", ()) is True


async def test_search_waits_for_the_typing_to_stop_on_a_timer(make_app, service: Service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    queries: list[str] = []
    real = service.search

    def spy(query: str, **kwargs):  # type: ignore[no-untyped-def]
        queries.append(query)
        return real(query, **kwargs)

    monkeypatch.setattr(service, "search", spy)
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = app.query_one(SearchInput)
        box.debounce = 3.0  # far longer than typing ten keys takes, even on a loaded machine
        await pilot.press(*"resolution")
        # Typing is over and the query waits on a timer: no search ran, and no worker sits sleeping on it.
        assert box.pending
        assert queries == []
        assert not [w for w in app.screen.workers if w.group == "search"]
        lst = app.query_one(ArticleList)
        await wait_until(pilot, lambda: lst.searching)
        assert queries == ["resolution"]  # one query, for what was typed last
        # Leaving the box while a query waits drops it.
        await pilot.press("x")
        assert box.pending
        await pilot.press("escape")
        assert not box.pending
        await settle(pilot)
        assert queries == ["resolution"]


N = 60_000
FAR = (21_000, 47_000)
"""The only unread rows, as positions in the All list: far apart, past hundreds of 200-row pages."""


@pytest.fixture(scope="module")
def mostly_read_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Config, list[int]]:
    import sqlite3

    path = tmp_path_factory.mktemp("mostly-read") / "cache.sqlite3"
    config = make_big_cache(path, N, feeds=30)
    conn = sqlite3.connect(path)
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY published DESC, id DESC")]
    conn.execute("UPDATE articles SET read = 1")
    conn.executemany("UPDATE articles SET read = 0 WHERE id = ?", [(ids[i],) for i in FAR])
    conn.commit()
    conn.close()
    return path, config, [ids[i] for i in FAR]


async def test_next_unread_across_a_large_cache(mostly_read_cache: tuple[Path, Config, list[int]]) -> None:
    path, config, far_ids = mostly_read_cache
    service = Service.open(config, path, clock=fixed_clock, processes=1,
                           fetcher_factory=lambda _s: FakeFetcher(offline=True))
    reads: list[int] = []
    real = service.articles

    def spy(flt=None, *, offset: int = 0, limit: int = 100):  # type: ignore[no-untyped-def]
        reads.append(offset)
        return real(flt, offset=offset, limit=limit)

    service.articles = spy  # type: ignore[method-assign]
    try:
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            lst, view = app.query_one(ArticleList), app.query_one(ArticleView)
            assert lst.total == N
            reads.clear()
            for position, article_id in zip(FAR, far_ids, strict=True):
                await pilot.press("n")
                await wait_until(pilot, lambda a=article_id: view.data is not None and view.data.article.id == a)
                await settle(pilot)
                assert lst.cursor == position
                assert lst.current is not None and lst.current.id == article_id
            # Only the pages drawn around each target were read, never the rows between.
            assert len(reads) <= 8, sorted(reads)
            assert all(min(abs(offset - f) for f in FAR) <= 2 * PAGE_SIZE for offset in reads), sorted(reads)
            await pilot.press("n")  # no unread below the last one
            await wait_until(pilot, lambda: "No more unread" in app.main_screen.status.line)
            assert lst.cursor == FAR[-1]
            await pilot.press("p")  # back up to the first (opening them marked both read: none left)
            await settle(pilot)
            assert lst.cursor == FAR[-1]
            service.set_read(far_ids, False)
            await pilot.press("p")
            await wait_until(pilot, lambda: lst.cursor == FAR[0])
            assert view.data is not None and view.data.article.id == far_ids[0]
    finally:
        service.close()
