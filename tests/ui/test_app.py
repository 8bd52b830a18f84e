"""Pilot tests: every binding and flow of the reader.

A seeded tmp cache, a fake fetcher and a fixed clock; no network, no sleeps."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tui_news.service import Service
from tui_news.store import fts
from tui_news.store.repo import ArticleFilter
from tui_news.ui.app import NewsApp
from tui_news.ui.format import safe_link
from tui_news.ui.screens.confirm import ConfirmScreen
from tui_news.ui.screens.help import HelpScreen
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView, EntityList
from tui_news.ui.widgets.feed_tree import FeedTree
from tui_news.ui.widgets.status_bar import StatusBar

from .conftest import BASE, NOW, FakeFetcher, demo_fetcher, fixed_clock, make_config, open_service, settle

SEED_TITLE = ("Khảo sát về việc thực hiện đổi mới phương thức lãnh đạo của Đảng tại Đảng bộ "
              "thành phố Hải Phòng")
SIZE = (140, 40)


def row_index(lst: ArticleList, title: str) -> int:
    for index, row in lst.loaded_rows():
        if row.title == title:
            return index
    raise AssertionError(f"{title!r} not in the list")


def highlighted_command(app: NewsApp) -> str:
    """The plain text of the command palette's highlighted hit ("" when the palette shows none)."""
    if not isinstance(app.screen, CommandPalette):
        return ""
    commands = app.screen.query_one(CommandList)
    if commands.highlighted is None:
        return ""
    return str(commands.get_option_at_index(commands.highlighted).prompt)


async def wait_until(pilot, condition, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `condition` between Pilot pauses until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


def line_text(widget: ArticleList, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


async def open_title(pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    lst = pilot.app.query_one(ArticleList)
    lst.focus()
    lst.move_cursor(row_index(lst, title))
    await pilot.press("enter")
    await settle(pilot)


async def test_opens_on_the_cache(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        assert lst.total == 14
        assert lst.has_focus
        tree = app.query_one(FeedTree)
        names = {f.display_title for f in tree.feeds.values()}
        assert "Tin trong nước" in names and "World desk" in names
        assert app.screen.status.line == ""


async def test_tree_has_virtual_entries_tags_counts_and_failure_marker(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one(FeedTree)
        top = [node.label.plain for node in tree.root.children]
        assert top[:3] == ["All 14", "Unread 14", "Starred"]
        assert "Tiếng Việt 9" in top and "English 8" in top and "Demo" in top
        demo = next(n for n in tree.root.children if n.label.plain == "Demo")
        gone = demo.children[0]
        assert gone.label.plain.startswith("⚠ ")
        # Moving onto the failed feed shows its error in the detail line.
        tree.focus()
        tree.move_cursor(gone)
        await settle(pilot)
        detail = app.screen.query_one("#feed-detail")
        assert "HTTP 404 Not Found" in str(detail.render())
        assert detail.has_class("-error")


async def test_cursor_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=(140, 12)) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        await pilot.press("j", "down")
        assert lst.cursor == 2
        await pilot.press("k")
        assert lst.cursor == 1
        await pilot.press("up")
        assert lst.cursor == 0
        await pilot.press("G")
        assert lst.cursor == 13
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("ctrl+d")
        assert lst.cursor > 0
        down = lst.cursor
        await pilot.press("ctrl+u")
        assert lst.cursor == 0 and down > 0
        await pilot.press("end")
        assert lst.cursor == 13 and lst.scroll_y > 0
        await pilot.press("home")
        assert lst.cursor == 0 and lst.scroll_y == 0


async def test_enter_opens_with_entities_styled(make_app, service) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_title(pilot, SEED_TITLE)
        view = app.query_one(ArticleView)
        assert view.data is not None and view.data.article.title == SEED_TITLE
        kinds = {s.kind for s in view.data.entities}
        assert {"PERSON", "RESOLUTION"} <= kinds
        # Read flag: on screen and in the cache.
        lst = app.query_one(ArticleList)
        assert lst.current is not None and lst.current.read
        assert service.article(view.data.article.id).read
        # The entity list names them.
        entities = app.query_one(EntityList)
        texts = [item.text for item in entities.items]
        assert "Trương Thị Mai" in texts
        assert "Nghị quyết Trung ương 5 khóa X" in texts


async def test_article_text_carries_entity_styles(make_app) -> None:  # type: ignore[no-untyped-def]
    from tui_news.ui.widgets.article_view import StyleLookup, build_text

    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_title(pilot, SEED_TITLE)
        view = app.query_one(ArticleView)
        text = build_text(view.data, StyleLookup(view))
        person = view.get_component_rich_style("article-view--person", partial=True)
        resolution = view.get_component_rich_style("article-view--resolution", partial=True)
        assert person != resolution
        plain = text.plain
        start = plain.index("Trương Thị Mai")
        styles_at = [span.style for span in text.spans if span.start <= start < span.end]
        assert person in styles_at
        start = plain.index("Nghị quyết Trung ương 5 khóa X")
        styles_at = [span.style for span in text.spans if span.start <= start < span.end]
        assert resolution in styles_at


async def test_tab_moves_between_panes(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, FeedTree)


async def test_next_and_previous_unread(make_app, service) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        first = lst.row(0)
        service.set_read([lst.row(1).id, lst.row(2).id])
        await pilot.press("n")  # cursor 0 -> next unread after it is 3
        await settle(pilot)
        assert lst.cursor == 3
        assert app.query_one(ArticleView).data.article.id == lst.row(3).id
        await pilot.press("p")
        await settle(pilot)
        assert lst.cursor == 0
        assert app.query_one(ArticleView).data.article.id == first.id


async def test_space_pages_then_moves_on(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=(140, 16)) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        view = app.query_one(ArticleView)
        await open_title(pilot, "How this reader renders HTML: headings, lists, quotes, tables")
        index = lst.cursor
        await pilot.press("space")
        await settle(pilot)
        assert view.scroll_y > 0
        while not view.at_bottom:
            await pilot.press("space")
            await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert lst.cursor == index + 1
        assert view.data.article.id == lst.row(index + 1).id


async def test_m_and_s_toggle_flags(make_app, service) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        article_id = lst.current.id
        await pilot.press("m")
        await settle(pilot)
        assert lst.current.read and service.article(article_id).read
        await pilot.press("m")
        await settle(pilot)
        assert not lst.current.read and not service.article(article_id).read
        await pilot.press("s")
        await settle(pilot)
        assert lst.current.starred and service.article(article_id).starred
        assert "★" in line_text(lst, 0)
        await pilot.press("s")
        await settle(pilot)
        assert not service.article(article_id).starred


@pytest.mark.parametrize("answer, expect_read", [("y", True), ("n", False)])
async def test_mark_feed_read_asks_first(make_app, service, answer, expect_read) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(answer)
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        unread = service.count_articles(ArticleFilter(unread=True))
        assert (unread == 0) is expect_read


async def test_r_refreshes_current_feed_and_R_all(make_app, fetcher: FakeFetcher) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one(FeedTree)
        world = next(f for f in tree.feeds.values() if f.display_title == "World desk")
        tree.focus()
        tree.move_cursor(tree.node_for_feed(world.id))
        await settle(pilot)
        fetcher.calls.clear()
        await pilot.press("r")
        await settle(pilot)
        assert fetcher.calls == [f"{BASE}/world.atom"]
        assert "Refreshed 1 feeds" in app.screen.status.line
        fetcher.calls.clear()
        await pilot.press("R")
        await settle(pilot)
        assert len(fetcher.calls) == 4
        assert "1 failed" in app.screen.status.line


async def test_refresh_on_start_is_cache_first(db: Path) -> None:
    """The cached list shows while the refresh is still waiting on the network; progress is shown."""
    from datetime import timedelta

    fetcher = demo_fetcher()
    fetcher.gate = asyncio.Event()
    later = NOW + timedelta(hours=3)  # every feed is due
    service = open_service(db, fetcher, clock=lambda: later)
    try:
        app = NewsApp(service, refresh_on_start=True, clock=lambda: later)
        async with app.run_test(size=SIZE) as pilot:
            # Wait (on conditions) for the list, the first fetch and the progress line; no fetch returns meanwhile.
            for _ in range(2000):
                await pilot.pause()
                if (app.query_one(ArticleList).total and fetcher.calls
                        and "Refreshing" in app.screen.status.line):
                    break
            assert app.query_one(ArticleList).total == 14  # from the cache, before any fetch returned
            assert app.screen.refreshing
            assert "Refreshing" in app.screen.status.line
            fetcher.gate.set()
            await settle(pilot)
            assert not app.screen.refreshing
            assert "Refreshed 4 feeds" in app.screen.status.line
    finally:
        service.close()


async def test_offline_start_shows_errors_and_works_on_the_cache(db: Path) -> None:
    from datetime import timedelta

    fetcher = demo_fetcher()
    fetcher.offline = True
    later = NOW + timedelta(hours=3)
    service = open_service(db, fetcher, clock=lambda: later)
    try:
        app = NewsApp(service, refresh_on_start=True, clock=lambda: later)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, rounds=5)
            assert "4 failed" in app.screen.status.line
            tree = app.query_one(FeedTree)
            assert all(f.last_error for f in tree.feeds.values())
            assert app.query_one(ArticleList).total == 14
            await pilot.press("enter")
            await settle(pilot)
            assert app.query_one(ArticleView).data is not None
    finally:
        service.close()


async def test_o_opens_only_http_links(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_title(pilot, SEED_TITLE)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://example.org/demo/khao-sat-hai-phong"]
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("file:///etc/passwd") is None
    assert safe_link("https://x.example/a") == "https://x.example/a"


async def test_y_copies_the_link(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_title(pilot, SEED_TITLE)
        await pilot.press("y")
        assert app.clipboard == "https://example.org/demo/khao-sat-hai-phong"


async def test_search_flow(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        search = app.query_one("#search", Input)
        assert search.display and search.has_focus
        await pilot.press(*"khao sat doi moi")
        await settle(pilot)
        lst = app.query_one(ArticleList)
        assert lst.searching
        assert [hit.article.title for hit in lst.hits][0] == SEED_TITLE
        assert lst.hits[0].highlights
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(ArticleView).data.article.title == SEED_TITLE
        await pilot.press("escape")
        await settle(pilot)
        assert not lst.searching and not search.display
        assert lst.total == 14


async def test_a_stale_search_index_is_named_in_the_status_line(make_app, service) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"khao sat")
        await settle(pilot)
        status = app.query_one(StatusBar)
        assert "reindex" not in status.line
        conn = service.repo.db.connect()
        fts.mark_stale(conn)  # what unindexing writes when an article's indexed text cannot be recomputed
        conn.commit()
        await pilot.press(*" doi moi")
        await settle(pilot)
        assert app.query_one(ArticleList).hits  # results still shown
        assert status.line == "Search: the search index is out of date; run `tui-news reindex` to rebuild it"
        assert status.has_class("-error")


async def test_search_is_debounced_and_exclusive(make_app, service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    queries: list[str] = []
    real = service.search

    def spy(query: str, **kwargs):  # type: ignore[no-untyped-def]
        queries.append(query)
        return real(query, **kwargs)

    monkeypatch.setattr(service, "search", spy)
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"resolution")
        await settle(pilot)
        # Not one query per key (a loaded machine may let one pause pass the debounce), and the last wins.
        assert queries[-1] == "resolution"
        assert len(queries) <= 3, queries


async def test_choosing_an_entity_lists_its_articles(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_title(pilot, SEED_TITLE)
        entities = app.query_one(EntityList)
        index = next(i for i, item in enumerate(entities.items) if item.text == "Trương Thị Mai")
        entities.focus()
        entities.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        lst = app.query_one(ArticleList)
        assert lst.flt == ArticleFilter(entity_key=entities.items[index].key)
        titles = {row.title for _i, row in lst.loaded_rows()}
        assert SEED_TITLE in titles
        assert lst.has_focus


async def test_help_lists_every_binding(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        ids = {row[3] for row in app.screen.rows}
        for wanted in ("quit", "help", "next-unread", "previous-unread", "page-article", "toggle-read",
                       "toggle-star", "mark-feed-read", "refresh", "refresh-all", "open-link", "copy-link",
                       "search", "leave-search", "focus-next", "focus-previous", "article-down", "article-up",
                       "article-first", "article-last", "article-half-down", "article-half-up",
                       "article-open",
                       "command-palette"):
            assert wanted in ids
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_keys_are_remappable(db: Path, fetcher: FakeFetcher) -> None:
    service = open_service(db, fetcher, keys={"toggle-star": "x", "quit": "ctrl+q"})
    try:
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("x")
            await settle(pilot)
            assert app.query_one(ArticleList).current.starred
            await pilot.press("question_mark")
            rows = {row[3]: row[1] for row in app.screen.rows}
            assert rows["toggle-star"] == "x"
    finally:
        service.close()


async def test_command_palette_goes_to_feed(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to feed: World desk")
        await wait_until(pilot, lambda: "Go to feed: World desk" in highlighted_command(app), "the palette's hit")
        await pilot.press("enter")
        await settle(pilot)
        lst = app.query_one(ArticleList)
        world = next(f for f in app.query_one(FeedTree).feeds.values() if f.display_title == "World desk")
        assert lst.flt == ArticleFilter(feed_id=world.id)
        assert lst.total == 5


async def test_command_palette_lists_theme_and_refresh(make_app) -> None:  # type: ignore[no-untyped-def]
    from tui_news.ui.commands import NewsCommands

    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = [name for name, _help, _cb in NewsCommands(app.screen)._commands()]
        assert "Refresh all feeds" in names and "Change theme" in names
        assert any(name.startswith("Go to feed: ") for name in names)


async def test_q_quits(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_mouse_click_opens(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(ArticleList, offset=(5, 2))
        await settle(pilot)
        lst = app.query_one(ArticleList)
        assert lst.cursor == 2
        assert app.query_one(ArticleView).data.article.id == lst.row(2).id


async def test_feed_text_is_never_markup(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        hostile = row_index(lst, "[bold red]x[/]")
        click = row_index(lst, "[@click=app.quit]Click here[/] to quit (it must not)")
        assert "[bold red]x[/]" in line_text(lst, hostile)
        assert "[@click=app.quit]Click here[/]" in line_text(lst, click)
        # Open both, click on the title: the app keeps running and shows the text as written.
        await open_title(pilot, "[bold red]x[/]")
        body = app.query_one(ArticleView).plain_text()
        assert "[bold red]x[/]" in body
        assert "[@click=app.quit]" in body  # the author field
        await open_title(pilot, "[@click=app.quit]Click here[/] to quit (it must not)")
        await pilot.click(ArticleView, offset=(3, 0))
        await settle(pilot)
        assert app.is_running


async def test_command_palette_shows_a_markup_feed_name_literally_and_goes_there(db: Path, fetcher: FakeFetcher
                                                                                 ) -> None:
    """A feed named like Rich markup: the palette lists it as written, and choosing it opens that feed."""
    name = "[bold red]World[/] [@click=app.quit]desk[/]"
    config = make_config()
    feeds = tuple(replace(f, name=name) if f.name == "World desk" else f for f in config.feeds)
    service = Service.open(replace(config, feeds=feeds), db, clock=fixed_clock,
                           fetcher_factory=lambda _settings: fetcher, processes=1)
    try:
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"feed World desk")
            await wait_until(pilot, lambda: name in highlighted_command(app), "the markup-named feed in the palette")
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, CommandPalette)
            world = next(f for f in app.query_one(FeedTree).feeds.values() if f.display_title == name)
            lst = app.query_one(ArticleList)
            assert lst.flt == ArticleFilter(feed_id=world.id)
            assert lst.total == 5
            assert app.is_running
    finally:
        service.close()


async def test_failure_detail_for_gone_feed_in_palette_help(make_app) -> None:  # type: ignore[no-untyped-def]
    from tui_news.ui.commands import NewsCommands

    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = NewsCommands(app.screen)._commands()
        gone = [help_text for name, help_text, _cb in commands if "Một nguồn đã ngừng" in name]
        assert gone == ["Error: HTTP 404 Not Found"]


async def test_refresh_computes_entities_in_the_background(tmp_path: Path) -> None:
    """After a refresh brings articles, their entities are computed without anyone opening them."""
    from tui_news import entities

    service = open_service(tmp_path / "fresh.sqlite3", demo_fetcher())
    try:
        app = NewsApp(service, refresh_on_start=True, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, rounds=6)
            assert "Refreshed 4 feeds" in app.screen.status.line
        assert service.repo.articles_missing_entities(entities.ENTITIES_VERSION, 10) == []
        keys = {key for _kind, key, _n in service.repo.entity_keys("PERSON", limit=500)}
        assert "Trương Thị Mai" in keys
    finally:
        service.close()


async def test_import_opml_from_the_palette_adds_feeds(tmp_path: Path, fetcher: FakeFetcher) -> None:
    from tui_news.config import load_config
    from tui_news.models import Config

    config_path = tmp_path / "feeds.toml"
    config_path.write_text('[[feeds]]\nurl = "http://demo.invalid/old.xml"\n', "utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml version="2.0"><body><outline text="News"><outline text="New feed" '
                    'xmlUrl="https://new.example/rss"/></outline></body></opml>', "utf-8")
    config = load_config(config_path)
    service = Service.open(Config(config.path, config.feeds, config.settings), tmp_path / "c.sqlite3",
                           clock=fixed_clock, fetcher_factory=lambda _s: fetcher, processes=1)
    try:
        app = NewsApp(service, refresh_on_start=False, clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            app.import_opml(opml)
            await settle(pilot, rounds=5)
            assert "https://new.example/rss" in {f.url for f in service.feeds()}
            assert "https://new.example/rss" in fetcher.calls  # the new feed was fetched
        assert [f.url for f in load_config(config_path).feeds] == ["http://demo.invalid/old.xml",
                                                                    "https://new.example/rss"]
    finally:
        service.close()
