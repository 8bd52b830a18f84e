"""Issue 10 fault 2 in the reader: a star on an article that another process's retention deleted is reported and
the list reloaded, never shown as ★ / "Starred" while the cache has nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.feed_tree import FeedTree

from .conftest import settle

SIZE = (140, 40)


def list_text(lst: ArticleList) -> str:
    return "\n".join("".join(seg.text for seg in lst.render_line(y)) for y in range(lst.size.height))


async def test_star_on_rows_retention_deleted_says_so_and_reloads(make_app, db: Path) -> None:  # type: ignore[no-untyped-def]
    app: NewsApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        before = lst.total
        lst.focus()
        lst.move_cursor(2)
        await pilot.pause()
        doomed = lst.current
        assert doomed is not None and not doomed.starred
        # Another process's retention deletes the row behind the reader's back.
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            assert conn.execute("DELETE FROM articles WHERE id = ?", (doomed.id,)).rowcount == 1

        await pilot.press("s")
        await settle(pilot)

        status = app.screen.status.line
        assert status.startswith("1 article had been removed from the cache by a refresh in another process"), status
        assert lst.total == before - 1
        assert all(row.id != doomed.id for _i, row in lst.loaded_rows()), "the deleted row is still listed"
        assert not any(row.starred for _i, row in lst.loaded_rows())
        assert "★" not in list_text(lst)
        starred = next(n for n in app.query_one(FeedTree).root.children if n.label.plain.startswith("Starred"))
        assert starred.label.plain == "Starred", starred.label.plain
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM articles WHERE starred = 1").fetchone()[0] == 0
