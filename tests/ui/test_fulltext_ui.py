"""Whole articles in the reader (issue 11): the key, the palette commands, the pane's header, and the pane filling in
when a page arrives (on demand, or stored by a background refresh). A real cache and a real HTTP server on
127.0.0.1 serving a summary-only feed and article pages (tests/data/pages)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from fulltext.conftest import PAGES, lead_of, page_route, rss, site_rule, write_config
from fulltext.server import PageServer, Route
from tui_news.config import load_config
from tui_news.models import FetchResult
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView

from .conftest import fixed_clock, settle

SIZE = (140, 40)
NAME = "Nguyễn Thái Học"  # only in the page's body, not in the feed's lead sentence
PAGE = "/noichinh/khao-sat.html"
TITLE = "Hội nghị Trung ương 6 khóa XIII thảo luận về tổ chức bộ máy"  # a demo article, short in its feed


@pytest.fixture
def server() -> Iterator[PageServer]:
    s = PageServer("127.0.0.1")
    yield s
    s.close()


def open_service(server: PageServer, tmp_path: Path, mode: str) -> Service:
    """A feed of two summary-only items: one whose page extracts (a site rule), one whose page is a 404."""
    server.routes[PAGE] = page_route("noichinh")
    server.routes["/feed.xml"] = Route(body=rss([
        {"title": "Khảo sát tại Hải Phòng", "link": server.url(PAGE), "summary": lead_of("noichinh")},
        {"title": "Bài đã gỡ", "link": server.url("/gone.html"), "summary": "Một câu dẫn."},
    ]), content_type="application/rss+xml")
    setup = write_config(tmp_path, server.url("/feed.xml"), site_rule("noichinh.vn", "127.0.0.1/noichinh"),
                         settings=f'full_text = "{mode}"')
    return Service.open(load_config(setup.config), setup.db, processes=1)


async def open_title(pilot: Pilot, title: str) -> ArticleView:
    await settle(pilot)
    lst = pilot.app.query_one(ArticleList)
    lst.move_cursor(next(i for i, row in lst.loaded_rows() if row.title == title))
    await pilot.press("enter")
    await settle(pilot)
    view = pilot.app.query_one(ArticleView)
    assert view.data is not None and view.data.article.title == title
    return view


def shown(view: ArticleView) -> str:
    """The pane's text as drawn (every line, scrolled or not)."""
    return view.plain_text()


async def palette(pilot: Pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await settle(pilot, rounds=1)
    await pilot.press("enter")
    await settle(pilot, rounds=4)


async def test_key_fetches_the_full_article_and_the_pane_fills_in(server: PageServer, tmp_path: Path) -> None:
    service = open_service(server, tmp_path, "never")
    try:
        await service.refresh()
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_title(pilot, "Khảo sát tại Hải Phòng")
            # Opening shows the feed's version at once, with no request.
            assert server.hits[PAGE] == 0
            assert view.data is not None and view.data.version == "feed"
            assert "feed summary · full text not tried" in shown(view)
            assert NAME not in shown(view)
            await pilot.press("f")
            await settle(pilot, rounds=4)
            assert server.hits[PAGE] == 1
            assert view.data.version == "full"
            text = shown(view)
            assert "full article · 127.0.0.1 · site rule" in text
            assert NAME in text
            assert any(view.data.document.text[s.start:s.end] == NAME for s in view.data.entities)
            assert "Full article fetched from 127.0.0.1" in app.main_screen.status.line
            # A page that fails: one clear line, the header says why, the feed's version stays.
            view = await open_title(pilot, "Bài đã gỡ")
            await pilot.press("f")
            await settle(pilot, rounds=4)
            assert "feed summary · full text failed: 404" in shown(view)
            assert "Một câu dẫn." in shown(view)
            assert app.main_screen.status.line == "Full article not fetched: 404"
            assert app.is_running
    finally:
        service.close()


async def test_palette_fetches_and_switches_versions(server: PageServer, tmp_path: Path) -> None:
    service = open_service(server, tmp_path, "never")
    try:
        await service.refresh()
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_title(pilot, "Khảo sát tại Hải Phòng")
            assert view.data is not None and view.data.version == "feed"
            await palette(pilot, "Fetch full article")
            assert server.hits[PAGE] == 1
            assert view.data.version == "full" and NAME in shown(view)
            await palette(pilot, "Show the feed's version")
            assert view.data.version == "feed"
            assert "feed summary · full text available" in shown(view)
            assert NAME not in shown(view)
            await palette(pilot, "Show the full article")
            assert view.data.version == "full" and NAME in shown(view)
            assert "full article · 127.0.0.1 · site rule" in shown(view)
            assert server.hits[PAGE] == 1  # switching versions reads the cache only
    finally:
        service.close()


async def test_a_background_refresh_fills_in_the_open_article(server: PageServer, tmp_path: Path) -> None:
    service = open_service(server, tmp_path, "auto")
    try:
        await service.refresh(full_text=False)
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_title(pilot, "Khảo sát tại Hải Phòng")
            assert view.data is not None and view.data.version == "feed" and NAME not in shown(view)
            await pilot.press("R")  # refresh all: the feed, then the pages that are due
            await settle(pilot, rounds=5)
            assert server.hits[PAGE] == 1
            assert view.data.version == "full"
            assert NAME in shown(view) and "full article · 127.0.0.1 · site rule" in shown(view)
    finally:
        service.close()


class OnePage:
    """A page fetcher (service.PageFetcherType) answering every URL with one fixture page: the snapshot's pane
    must not show a random port. The real HTTP path is what the tests above drive."""

    def __init__(self, name: str) -> None:
        self.body = (PAGES / f"{name}.html").read_bytes()
        self.urls: list[str] = []

    async def __aenter__(self) -> OnePage:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def fetch_page(self, url: str, allowed: frozenset[object] = frozenset()) -> FetchResult:
        self.urls.append(url)
        return FetchResult(url, status=200, body=self.body, headers={"content-type": "text/html; charset=utf-8"})


def test_snapshot_full_article(snap_compare, service: Service,  # type: ignore[no-untyped-def]
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A demo article after "f": the page's whole text (trafilatura: no rule for the demo's host), with its header
    line and the names and resolutions of the body highlighted."""
    monkeypatch.setenv("TUI_NEWS_FEEDS_ARE_PUBLIC", "1")  # the demo host is not looked up
    pages = OnePage("noichinh")
    service.page_fetcher_factory = lambda _settings: pages  # type: ignore[assignment,return-value]

    async def run_before(pilot: Pilot) -> None:
        await open_title(pilot, TITLE)
        await pilot.press("f")
        await settle(pilot, rounds=4)
        view = pilot.app.query_one(ArticleView)
        assert len(pages.urls) == 1 and view.data is not None and view.data.version == "full"
        for search in pilot.app.query(Input):
            search.cursor_blink = False

    assert snap_compare(NewsApp(service, refresh_on_start=False, clock=fixed_clock), terminal_size=SIZE,
                        run_before=run_before)
