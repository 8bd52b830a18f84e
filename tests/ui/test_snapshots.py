"""Snapshots of the main screens. Deterministic: seeded cache, fixed clock, no cursor blink.

Review changes with the HTML report before `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.feed_tree import FeedTree

from .conftest import fixed_clock, settle

SIZE = (140, 40)
SEED_TITLE = ("Khảo sát về việc thực hiện đổi mới phương thức lãnh đạo của Đảng tại Đảng bộ "
              "thành phố Hải Phòng")


def app_for(service) -> NewsApp:  # type: ignore[no-untyped-def]
    return NewsApp(service, refresh_on_start=False, clock=fixed_clock)


async def ready(pilot: Pilot) -> None:
    await settle(pilot)
    for search in pilot.app.query(Input):
        search.cursor_blink = False


async def open_seed(pilot: Pilot) -> None:
    await ready(pilot)
    lst = pilot.app.query_one(ArticleList)
    index = next(i for i, row in lst.loaded_rows() if row.title == SEED_TITLE)
    lst.move_cursor(index)
    await pilot.press("enter")
    await settle(pilot)


class TestLayout:
    """An open article at the three sizes of issue 12 (the panes rearrange with the width), and reading mode."""

    def test_article_80x24(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app_for(service), terminal_size=(80, 24), run_before=open_seed)

    def test_article_120x40(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app_for(service), terminal_size=(120, 40), run_before=open_seed)

    def test_article_200x60(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app_for(service), terminal_size=(200, 60), run_before=open_seed)

    def test_reading_mode_120x40(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            await open_seed(pilot)
            await pilot.press("z")
            await settle(pilot)

        assert snap_compare(app_for(service), terminal_size=(120, 40), run_before=run_before)


class TestMainScreen:
    def test_list(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=ready)

    def test_article_with_entities(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=open_seed)

    def test_html_article(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            await ready(pilot)
            await pilot.press("enter")  # the newest: the HTML tour (headings, lists, quotes, table, links)
            await settle(pilot)

        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=run_before)

    def test_light_theme(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            pilot.app.theme = "textual-light"
            await open_seed(pilot)

        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=run_before)

    def test_failed_feed_detail(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            await ready(pilot)
            tree = pilot.app.query_one(FeedTree)
            gone = next(f for f in tree.feeds.values() if f.last_error)
            tree.focus()
            tree.move_cursor(tree.node_for_feed(gone.id))
            await settle(pilot)

        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=run_before)


class TestSearch:
    def test_results(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            await ready(pilot)
            await pilot.press("slash", *"nghị quyết")
            await settle(pilot)

        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=run_before)


class TestDialogs:
    def test_help(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            await ready(pilot)
            await pilot.press("question_mark")
            await settle(pilot)

        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=run_before)

    def test_confirm_mark_read(self, snap_compare, service) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot) -> None:
            await ready(pilot)
            await pilot.press("A")
            await settle(pilot)

        assert snap_compare(app_for(service), terminal_size=SIZE, run_before=run_before)
