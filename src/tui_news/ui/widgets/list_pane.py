"""The middle pane: the search box over the article list, and the pane's title (the list's name and size, or
the search and its hit count).

It keeps its two children in step (up and down in the box move the list's cursor; enter opens the hit) so the
screen does not reach into either. The screen sets `searching` and hands it lists and hits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Input

from tui_news.models import ArticleFilter, ArticleSummary, SearchHit
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.search_box import SearchInput


class ListPane(Vertical):
    searching: var[bool] = var(False, init=False)
    """The search box is open."""
    caption: var[Text] = var(Text("All"), always_update=True)

    def __init__(self, *, clock: Callable[[], datetime], id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.clock = clock
        self.title = "All"

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="Search: words, \"phrases\"; escape leaves", id="search")
        yield ArticleList(id="articles", clock=self.clock)

    @property
    def search_box(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    def watch_caption(self, caption: Text) -> None:
        self.border_title = caption

    def watch_searching(self, searching: bool) -> None:
        box = self.search_box
        box.display = searching
        if searching:
            box.focus()
        else:
            box.remove_class("-error")
            box.clear_quietly()

    def name_list(self, title: str, total: int | None = None) -> None:
        """A new list is coming (or came, with its `total`): its name goes in the pane's title."""
        self.title = title
        self.caption = Text(title) if total is None else Text(f"{title} · {total:,}")

    def show_list(self, flt: ArticleFilter, total: int, rows: list[ArticleSummary], *, generation: int,
                  keep_cursor: bool) -> None:
        self.article_list.reset(flt, total, rows, generation=generation, keep_cursor=keep_cursor)
        self.article_list.empty_text = "No articles"
        self.name_list(self.title, total)

    def show_hits(self, query: str, hits: list[SearchHit], *, error: bool = False) -> None:
        self.search_box.set_class(error, "-error")
        if error:
            return
        self.article_list.show_hits(hits)
        self.article_list.empty_text = f"Nothing matches {query}"
        self.caption = Text.assemble("Search: ", query, f" · {len(hits):,}")

    @on(SearchInput.Step)
    def _step(self, event: SearchInput.Step) -> None:
        event.stop()
        self.article_list.move_cursor(self.article_list.cursor + event.step)

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        lst = self.article_list
        if lst.current_hit is not None:  # posted from here: a message the list posted would stop at its parent
            self.post_message(ArticleList.Selected(lst, lst.current_hit.article.id, lst.cursor))
            lst.focus()
