"""The article list: a virtual list over SQLite.

Only the rows on screen exist, and only as a few pages of `ArticleSummary` in a small LRU. When a row's page
is missing the list draws a placeholder and posts `PageWanted`; the screen reads the page in a thread worker
and hands it back with `add_page`. 100,000 articles are 100,000 integers of scroll range, nothing more.

In search mode the rows are `SearchHit`s (title, then the snippet with the matches highlighted).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_news.models import ArticleFilter, ArticleSummary, SearchHit
from tui_news.ui.format import relative_date

PAGE_SIZE = 200
MAX_PAGES = 8
"""Pages kept in memory: 1,600 summaries at most, whatever the list's length."""
PREFETCH = 60
"""Rows of look-ahead: the neighbouring page is read before the cursor or the viewport reaches it."""


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` terminal cells (wide and combining characters counted right)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    out = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


class ArticleList(ScrollView, can_focus=True):
    """Headlines of the current filter (or search hits), one row each."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="article-down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="article-up"),
        Binding("g,home", "first", "First", show=False, id="article-first"),
        Binding("G,end", "last", "Last", show=False, id="article-last"),
        Binding("ctrl+d,pagedown", "half_page_down", "Half page down", show=False, id="article-half-down"),
        Binding("ctrl+u,pageup", "half_page_up", "Half page up", show=False, id="article-half-up"),
        Binding("enter", "open", "Open", id="article-open"),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--mark",
        "article-list--star",
        "article-list--feed",
        "article-list--date",
        "article-list--placeholder",
        "article-list--match",
        "article-list--snippet",
        "article-list--empty",
    }

    @dataclass
    class PageWanted(Message):
        """A page of the current list is needed: the screen reads it and calls `add_page`."""

        article_list: ArticleList
        generation: int
        flt: ArticleFilter
        page: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class Selected(Message):
        """Enter (or a click) on a row: open this article."""

        article_list: ArticleList
        article_id: int
        index: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class Highlighted(Message):
        article_list: ArticleList
        article_id: int | None
        index: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(self, *, clock: Callable[[], datetime] | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.flt = ArticleFilter()
        self.total = 0
        self.generation = 0
        self.cursor = 0
        self.pages: OrderedDict[int, list[ArticleSummary]] = OrderedDict()
        self.wanted: set[int] = set()
        self.hits: list[SearchHit] | None = None
        self.empty_text = "No articles"
        self.page_requests = 0
        """How many pages were asked for (tests and the benchmark read it)."""

    # ------------------------------------------------------------------ data
    def reset(self, flt: ArticleFilter, total: int, rows: list[ArticleSummary], *, generation: int,
              keep_cursor: bool = False) -> None:
        """A new list (or the same filter re-read): first page given, the rest paged in on demand."""
        self.flt = flt
        self.total = total
        self.generation = generation
        self.hits = None
        self.pages.clear()
        self.wanted.clear()
        if rows or total == 0:
            self.pages[0] = rows
        if not keep_cursor:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = max(0, min(self.cursor, total - 1))
        self._resize()
        self._post_highlighted()

    def show_hits(self, hits: list[SearchHit]) -> None:
        """Search mode: the hits replace the list until `reset` is called again."""
        self.hits = hits
        self.total = len(hits)
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self._resize()
        self._post_highlighted()

    @property
    def searching(self) -> bool:
        return self.hits is not None

    def add_page(self, generation: int, page: int, rows: list[ArticleSummary]) -> None:
        if generation != self.generation:
            return
        self.wanted.discard(page)
        self.pages[page] = rows
        self.pages.move_to_end(page)
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)
        self.refresh()
        if page == self.cursor // PAGE_SIZE:
            self._post_highlighted()

    def row(self, index: int) -> ArticleSummary | None:
        """The summary at `index` if its page is loaded (never does I/O)."""
        if self.hits is not None:
            return self.hits[index].article if 0 <= index < len(self.hits) else None
        if not 0 <= index < self.total:
            return None
        page = self.pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def loaded_rows(self) -> list[tuple[int, ArticleSummary]]:
        """Every (index, summary) in memory."""
        if self.hits is not None:
            return list(enumerate(h.article for h in self.hits))
        out: list[tuple[int, ArticleSummary]] = []
        for page, rows in self.pages.items():
            out.extend((page * PAGE_SIZE + i, row) for i, row in enumerate(rows))
        return sorted(out, key=lambda pair: pair[0])

    def index_of(self, article_id: int, hint: int) -> int:
        """Where `article_id` is among the loaded rows, nearest to `hint`; `hint` itself when it is not loaded
        (a list read before some rows changed may have them a few places off the cache's count)."""
        found = [index for index, row in self.loaded_rows() if row.id == article_id]
        return min(found, key=lambda index: abs(index - hint)) if found else hint

    def to_unread_hit(self, step: int) -> int | None:
        """Search mode: move the cursor to the next (step 1) or previous (step -1) unread hit and return its
        article's id; None (cursor unmoved) when there is none."""
        hits = self.hits or []
        order = range(self.cursor + 1, len(hits)) if step > 0 else range(self.cursor - 1, -1, -1)
        index = next((i for i in order if not hits[i].article.read), None)
        if index is None:
            return None
        self.move_cursor(index)
        return hits[index].article.id

    def flag(self, article_id: int, name: str) -> bool | None:
        """The read or starred flag of a loaded row, or None when the row is not loaded."""
        return next((getattr(row, name) for _i, row in self.loaded_rows() if row.id == article_id), None)

    @property
    def current(self) -> ArticleSummary | None:
        return self.row(self.cursor)

    @property
    def current_hit(self) -> SearchHit | None:
        if self.hits is None or not 0 <= self.cursor < len(self.hits):
            return None
        return self.hits[self.cursor]

    def update_row(self, article_id: int, **changes: Any) -> None:
        """Change the flags of a loaded row in place (after m or s), without re-reading the page."""
        if self.hits is not None:
            for i, hit in enumerate(self.hits):
                if hit.article.id == article_id:
                    self.hits[i] = replace(hit, article=replace(hit.article, **changes))
        for rows in self.pages.values():
            for i, row in enumerate(rows):
                if row.id == article_id:
                    rows[i] = replace(row, **changes)
        self.refresh()

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)
        self.refresh()

    def _want(self, page: int) -> None:
        if page in self.pages or page in self.wanted or self.hits is not None:
            return
        if page * PAGE_SIZE >= self.total:
            return
        self.wanted.add(page)
        self.page_requests += 1
        self.post_message(self.PageWanted(self, self.generation, self.flt, page))

    # --------------------------------------------------------------- cursor
    def move_cursor(self, index: int, *, scroll: bool = True) -> None:
        if self.total == 0:
            self.cursor = 0
            self.refresh()
            return
        index = max(0, min(index, self.total - 1))
        self.cursor = index
        if scroll:
            height = max(1, self.scrollable_content_region.height)
            top = int(self.scroll_y)
            if index < top:
                self.scroll_to(y=index, animate=False, immediate=True)
            elif index >= top + height:
                self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.refresh()
        self._post_highlighted()

    def _prefetch(self, first: int, last: int) -> None:
        for index in (first - PREFETCH, first, last, last + PREFETCH):
            if 0 <= index < self.total:
                self._want(index // PAGE_SIZE)

    def _post_highlighted(self) -> None:
        row = self.row(self.cursor)
        if self.total:
            self._prefetch(self.cursor, self.cursor)
        self.post_message(self.Highlighted(self, row.id if row else None, self.cursor))

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.total - 1)

    def action_half_page_down(self) -> None:
        half = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=self.scroll_y + half, animate=False, immediate=True)
        self.move_cursor(self.cursor + half)

    def action_half_page_up(self) -> None:
        half = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=max(0, self.scroll_y - half), animate=False, immediate=True)
        self.move_cursor(self.cursor - half)

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row.id, self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < self.total:
            self.move_cursor(index)
            row = self.current
            if row is not None:
                self.post_message(self.Selected(self, row.id, index))

    def on_resize(self) -> None:
        self._resize()

    # -------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.total == 0:
            if y == 0:
                style = self.get_component_rich_style("article-list--empty")
                return Strip([Segment(fit(self.empty_text, width).ljust(width), style)], width)
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        if y == 0 and self.hits is None:
            self._prefetch(index, index + self.scrollable_content_region.height)
        if self.hits is not None:
            text = self._hit_text(self.hits[index], width)
        else:
            row = self.row(index)
            if row is None:
                self._want(index // PAGE_SIZE)
                style = self.get_component_rich_style("article-list--placeholder")
                return Strip([Segment(" " * width, style)], width)
            text = self._row_text(row, width)
        if index == self.cursor:
            text.stylize(self.get_component_rich_style("article-list--cursor"))
        segments = list(text.render(self.app.console))
        return Strip(segments, width).adjust_cell_length(width, base).simplify()

    def _marks(self, row: ArticleSummary) -> Text:
        mark = Text("● " if not row.read else "  ", self.get_component_rich_style("article-list--mark"))
        star = Text("★ " if row.starred else "  ", self.get_component_rich_style("article-list--star"))
        return Text.assemble(mark, star)

    def _row_text(self, row: ArticleSummary, width: int) -> Text:
        now = self.clock()
        date = " " + relative_date(row.published, now).rjust(10)
        feed_w = 0 if width < 60 else min(22, width // 5)
        title_w = max(0, width - 4 - feed_w - cell_len(date) - (1 if feed_w else 0))
        title_style = self.get_component_rich_style(
            "article-list--read" if row.read else "article-list--unread")
        title = fit(row.title, title_w)
        text = self._marks(row)
        text.append(title + " " * (title_w - cell_len(title)), title_style)
        if feed_w:
            feed = fit(row.feed_title, feed_w)
            feed_style = self.get_component_rich_style("article-list--feed")
            text.append(" " + feed + " " * (feed_w - cell_len(feed)), feed_style)
        text.append(date, self.get_component_rich_style("article-list--date"))
        return text

    def _hit_text(self, hit: SearchHit, width: int) -> Text:
        row = hit.article
        text = self._marks(row)
        title_style = self.get_component_rich_style(
            "article-list--read" if row.read else "article-list--unread")
        title_w = min(cell_len(row.title), max(10, width // 2))
        title = fit(row.title, title_w)
        text.append(title, title_style)
        rest = width - cell_len(text.plain) - 3
        if hit.snippet and rest > 4:
            snippet_style = self.get_component_rich_style("article-list--snippet")
            snippet = Text(hit.snippet.replace("\n", " "), snippet_style)
            match = self.get_component_rich_style("article-list--match")
            for span in hit.highlights:
                snippet.stylize(match, span.start, span.end)
            snippet.truncate(rest, overflow="ellipsis")
            text.append(" · ")
            text.append_text(snippet)
        return text

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()
