"""Messages posted by workers (thread and async) to the main screen.

Workers never touch widgets: they post one of these and a handler on the screen changes state.
Progress messages coalesce (`can_replace`), so 500 feeds finishing at once become a handful of updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from tui_news.models import ArticleFilter, ArticleSummary, Feed, FeedOutcome, FullText, SearchHit
from tui_news.service import ArticleDetail


@dataclass
class FeedsLoaded(Message):
    """The feed list with counts, read in a thread worker."""

    feeds: list[Feed]
    tags: list[str]
    unread_total: int
    starred_total: int
    total: int


@dataclass
class ListLoaded(Message):
    """The first page and the row count of a filter (a new list)."""

    generation: int
    flt: ArticleFilter
    total: int
    rows: list[ArticleSummary]
    keep_cursor: bool = False


@dataclass
class PageLoaded(Message):
    """One more page of the current list."""

    generation: int
    page: int
    rows: list[ArticleSummary]


@dataclass
class ArticleLoaded(Message):
    """An article with its rendered body and entities, ready for the article pane."""

    view: ArticleDetail


@dataclass
class FullTextArrived(Message):
    """An article's page was fetched and stored (or failed): on demand (the key, the palette) or by a refresh."""

    article_id: int
    state: FullText
    on_demand: bool = False


@dataclass
class MarkedRead(Message):
    """Every article of a list was marked read."""

    count: int
    title: str


@dataclass
class SearchResults(Message):
    query: str
    hits: list[SearchHit]
    error: str | None = None
    note: str | None = None


@dataclass
class JumpTo(Message):
    """Open this article and move the list cursor to it (found by a worker: the next unread article)."""

    generation: int
    index: int
    article_id: int


@dataclass
class RefreshStarted(Message):
    total: int


@dataclass
class RefreshProgress(Message):
    """One more feed done. Only the newest one waiting in the queue matters."""

    done: int
    total: int
    failed: int
    title: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgress)


@dataclass
class RefreshDone(Message):
    outcomes: list[FeedOutcome] = field(default_factory=list)
    error: str | None = None


@dataclass
class ArticlesGone(Message):
    """A flag write met articles that retention in another process deleted: say so and reload the list."""

    text: str
    ids: list[int]


@dataclass
class StatusMessage(Message):
    """A passing line for the status bar (e.g. "12 articles marked read")."""

    text: str
    severity: str = "information"
