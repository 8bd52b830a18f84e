"""The reader's conversations with the `Service`: one function each, run in worker threads by `MainScreen`.

Each takes the service and plain values and returns the message the screen should get (or None). None of them
touches a widget, and nothing here runs on the event loop except `refresh`, whose SQLite work the service keeps
on its own writer thread.
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual.message import Message
from textual.worker import get_current_worker

from tui_news.errors import ArticlesGoneError, SearchQueryError, TuiNewsError
from tui_news.models import ArticleFilter, FeedOutcome, FullText
from tui_news.ui.messages import (
    ArticleLoaded,
    ArticlesGone,
    FeedsLoaded,
    FullTextArrived,
    JumpTo,
    ListLoaded,
    MarkedRead,
    PageLoaded,
    RefreshDone,
    RefreshProgress,
    RefreshStarted,
    SearchResults,
    StatusMessage,
)
from tui_news.ui.widgets.article_list import PAGE_SIZE

if TYPE_CHECKING:
    from tui_news.service import Service

SEARCH_LIMIT = 200
PROGRESS_EVERY = 0.15
"""Seconds between two progress lines during a refresh: outcomes in between are added up, not posted."""


def feeds(service: Service) -> FeedsLoaded:
    found = service.feeds()
    starred = service.count_articles(ArticleFilter(starred=True))
    return FeedsLoaded(found, service.tags(), sum(f.unread for f in found), starred, sum(f.total for f in found))


def backfill_entities(service: Service) -> None:
    """Compute the entities of new articles a batch at a time, so `person:` search and the entity lists see them
    without the reader opening each article first. Stops when the worker is cancelled."""
    worker = get_current_worker()
    while not worker.is_cancelled and service.index_entities(50):
        pass


def article_list(service: Service, flt: ArticleFilter, generation: int, keep_cursor: bool) -> ListLoaded:
    total = service.count_articles(flt)
    return ListLoaded(generation, flt, total, service.articles(flt, offset=0, limit=PAGE_SIZE), keep_cursor)


def page(service: Service, flt: ArticleFilter, generation: int, number: int) -> PageLoaded:
    return PageLoaded(generation, number, service.articles(flt, offset=number * PAGE_SIZE, limit=PAGE_SIZE))


def article(service: Service, article_id: int) -> Message:
    """The article pane's content; opening an article marks it read."""
    detail = service.view(article_id)
    if detail is None:
        return StatusMessage("That article is no longer in the cache", "warning")
    if not detail.article.read:
        try:
            service.set_read([article_id], True)
        except ArticlesGoneError as exc:
            return ArticlesGone(f"{exc}: the list is reloaded", exc.ids)
    return ArticleLoaded(detail)


def article_version(service: Service, article_id: int, version: Literal["best", "feed"]) -> Message:
    """The open article again, in the version asked for ("best": the full text when stored); no read flag."""
    detail = service.view(article_id, version=version)
    if detail is None:
        return StatusMessage("That article is no longer in the cache", "warning")
    return ArticleLoaded(detail)


async def fetch_full_text(service: Service, article_id: int) -> FullTextArrived:
    """Fetch one article's page now (network async; the service keeps extraction and writes off the loop)."""
    return FullTextArrived(article_id, await service.fetch_full_text(article_id), on_demand=True)


def write_flags(service: Service, article_ids: list[int], read: bool | None, starred: bool | None) -> Message:
    """Write the flags; the counts changed, so the feeds come back with them. Articles that another process's
    retention deleted meanwhile come back as `ArticlesGone` (the others were written)."""
    try:
        if read is not None:
            service.set_read(article_ids, read)
        if starred is not None:
            service.set_starred(article_ids, starred)
    except ArticlesGoneError as exc:
        return ArticlesGone(f"{exc}: the list is reloaded", exc.ids)
    return feeds(service)


def mark_read(service: Service, flt: ArticleFilter, title: str) -> MarkedRead:
    return MarkedRead(service.mark_all_read(flt), title)


def next_unread(service: Service, flt: ArticleFilter, generation: int, after: int | None,
                backwards: bool) -> Message:
    found = service.next_unread(flt, after, backwards=backwards)
    return JumpTo(generation, *found) if found else StatusMessage("No more unread articles")


def search(service: Service, query: str) -> SearchResults:
    try:
        hits = service.search(query, limit=SEARCH_LIMIT)
    except SearchQueryError as exc:
        return SearchResults(query, [], str(exc))
    return SearchResults(query, hits, note=service.search_note())


def open_in_browser(service: Service, url: str) -> StatusMessage | None:
    if not webbrowser.open(url):  # a list of argv, never a shell
        return StatusMessage("No browser found", "warning")
    return None


async def refresh(service: Service, post: Callable[[Message], object], feed_ids: list[int] | None,
                  due_only: bool) -> RefreshDone:
    """Refresh (all, some, or the due feeds), posting progress at most every PROGRESS_EVERY seconds (and for the
    last feed): 10,000 outcomes must not become 10,000 messages and repaints on the loop the fetches share."""
    done = failed = total = 0
    posted = 0.0

    def on_start(count: int) -> None:
        nonlocal total
        total = count
        post(RefreshStarted(count))

    def on_result(outcome: FeedOutcome) -> None:
        nonlocal done, failed, posted
        done, failed = done + 1, failed + outcome.failed
        now = time.monotonic()
        if now - posted >= PROGRESS_EVERY or done == total:
            posted = now
            post(RefreshProgress(done, total, failed, outcome.title))

    def on_full_text(article_id: int, state: FullText) -> None:
        post(FullTextArrived(article_id, state))

    try:
        return RefreshDone(await service.refresh(feed_ids, due_only=due_only, on_start=on_start,
                                                 on_result=on_result, on_full_text=on_full_text))
    except TuiNewsError as exc:
        return RefreshDone([], str(exc))
