"""Issue 12 item 2: room to read. Proportional panes that rearrange with the width (the list above the article
under 160 columns, the feeds pane hidden under 100), `b` hides/shows the feeds pane, `z` gives the article the
whole width and back; the pane choice and the theme are kept in the state file between runs."""

from __future__ import annotations

import json
from pathlib import Path

from tui_news.ui.app import NewsApp
from tui_news.ui.state import state_path
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView

from .conftest import settle

LONG = "Khảo sát về việc thực hiện đổi mới phương thức lãnh đạo của Đảng tại Đảng bộ thành phố Hải Phòng"


def row_line(lst: ArticleList, title_start: str) -> str:
    for y in range(lst.size.height):
        line = "".join(seg.text for seg in lst.render_line(y))
        if title_start in line:
            return line
    raise AssertionError(f"{title_start!r} not drawn")


async def test_120x40_gives_the_headline_60_and_the_article_70(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst, view = app.query_one(ArticleList), app.query_one(ArticleView)
        assert app.query_one("#feeds-pane").display
        await pilot.press("G")  # the longest headline is the oldest
        await pilot.pause()
        line = row_line(lst, LONG[:20])
        shown = line[4:].split("…")[0] if "…" in line else line[4:]
        assert len(LONG[:len(shown)]) >= 60 and LONG.startswith(shown[:60]), line
        assert view.size.width >= 70, view.size


async def test_80x24_hides_the_feeds_pane_and_keeps_list_and_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.query_one("#feeds-pane").display
        lst, view = app.query_one(ArticleList), app.query_one(ArticleView)
        assert lst.size.width >= 70 and lst.size.height >= 4, lst.size
        assert view.size.width >= 70 and view.size.height >= 6, view.size
        await pilot.press("b")  # shown on request
        await pilot.pause()
        assert app.query_one("#feeds-pane").display


async def test_b_and_z_and_the_state_file(make_app) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        feeds = app.query_one("#feeds-pane")
        assert feeds.display and app.query_one("#list-pane").region.x > feeds.region.right - 1
        await pilot.press("b")
        await settle(pilot)
        assert not feeds.display
        await pilot.press("z")
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert not app.query_one("#list-pane").display and view.has_focus
        assert view.size.width >= 190, view.size
        await pilot.press("z")
        await pilot.pause()
        assert app.query_one("#list-pane").display and not feeds.display
        app.theme = "textual-light"
        await settle(pilot)
    saved = json.loads(state_path().read_text("utf-8"))
    assert saved == {"feeds_pane": "hidden", "theme": "textual-light"}

    again: NewsApp = make_app()
    async with again.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
        assert not again.query_one("#feeds-pane").display
        await pilot.press("b")
        await settle(pilot)
        assert again.query_one("#feeds-pane").display
    assert json.loads(Path(state_path()).read_text("utf-8"))["feeds_pane"] == "shown"
