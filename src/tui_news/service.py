"""The one facade the UI and the CLI call. Owns the refresh pipeline and every write a read may want.

Commands that need no cache (OPML export, entities on stdin) are module functions here, so the CLI still
goes through this module for all of them. Entities are computed and stored on one path (`_entities_of`),
always on `tui_news.text.rendered_text`, the text the article pane shows and their offsets point into.

Refresh: fetch in asyncio (one httpx client, bounded concurrency), parse in a process pool (both cores,
off the event loop), store in one writer thread, one transaction per feed. Every SQLite call made from
`refresh` runs on that writer thread, so awaiting `refresh` from Textual's event loop never blocks it.
The read methods (`feeds`, `articles`, ...) are plain blocking calls: the UI calls them from thread workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

from tui_news.errors import CacheCorruptError, ParseError, SearchQueryError, StoreError
from tui_news.models import (
    ALL_ARTICLES,
    Article,
    ArticleFilter,
    ArticleSummary,
    CachingInfo,
    Config,
    Feed,
    FeedConfig,
    FeedOutcome,
    FetchResult,
    ParsedFeed,
    SearchHit,
    Settings,
    Span,
)
from tui_news.procs import process_pool
from tui_news.store.repo import Repository
from tui_news.text import Document, body_forms, clean_line, clean_text, render_html, rendered_text

T = TypeVar("T")
Clock = Callable[[], datetime]

MAX_BACKOFF = timedelta(hours=24)
HOLD_OPEN = timedelta(hours=24)
"""An article opened in the reader is kept out of retention (in every process) this long after it was opened."""
STALE_INDEX_NOTE = "the search index is out of date; run `tui-news reindex` to rebuild it"
PROCESS_POOL_MIN_BODIES = 4
"""Below this many bodies to parse, parse in a thread: starting processes would cost more."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class FetcherType(Protocol):
    """What the refresh needs of a fetcher (tui_news.fetch.Fetcher; a fake in UI tests)."""

    async def __aenter__(self) -> FetcherType: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def fetch(self, url: str, caching: CachingInfo, *, verify: bool = True) -> FetchResult: ...


def default_fetcher(settings: Settings) -> FetcherType:
    from tui_news.fetch import Fetcher

    return Fetcher(settings)


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """Everything the article pane shows: the article, its body as a Document, and the entities in it."""

    article: Article
    document: Document
    entities: tuple[Span, ...]


class Service:
    def __init__(
        self,
        config: Config,
        repo: Repository,
        *,
        clock: Clock = utc_now,
        fetcher_factory: Callable[[Settings], FetcherType] = default_fetcher,
        processes: int | None = None,
    ):
        self.config = config
        self.repo = repo
        self.clock = clock
        self.fetcher_factory = fetcher_factory
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tui-news-store")
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._by_url: dict[str, FeedConfig] = {f.url: f for f in config.feeds}
        self._checked = False
        """Set once PRAGMA quick_check passed: a refresh must not write into a damaged cache."""

    @classmethod
    def open(cls, config: Config, db_path: Path | str, **kwargs: Any) -> Service:
        repo = Repository.open(db_path)
        try:
            repo.sync_feeds(config.feeds)
        except BaseException:
            repo.close()
            raise
        return cls(config, repo, **kwargs)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.repo.close()

    @property
    def settings(self) -> Settings:
        return self.config.settings

    # ----------------------------------------------------------------- reads
    def feeds(self) -> list[Feed]:
        return self.repo.feeds()

    def unread_counts(self) -> dict[int, int]:
        return self.repo.unread_counts()

    def tags(self) -> list[str]:
        return sorted({t for f in self.config.feeds for t in f.tags})

    def count_articles(self, flt: ArticleFilter = ALL_ARTICLES) -> int:
        return self.repo.count_articles(flt)

    def articles(self, flt: ArticleFilter = ALL_ARTICLES, *, offset: int = 0, limit: int = 100
                 ) -> list[ArticleSummary]:
        return self.repo.articles(flt, offset=offset, limit=limit)

    def next_unread(self, flt: ArticleFilter, after: int | None, *, backwards: bool = False
                    ) -> tuple[int, int] | None:
        """(position, id) of the next unread article of `flt` after article `after` (see `Repository`)."""
        return self.repo.next_unread(flt, after, backwards=backwards)

    def article(self, article_id: int) -> Article | None:
        return self.repo.article(article_id)

    def view(self, article_id: int) -> ArticleDetail | None:
        """The article with its rendered body and entities (computed once, then read from the cache)."""
        article = self.repo.article(article_id)
        if article is None:
            return None
        with contextlib.suppress(StoreError):  # a read-only or busy cache still shows the article
            self.repo.hold([article_id], self.clock() + HOLD_OPEN)
        document = render_html(article.html)
        from tui_news import entities as entity_finder  # imported when first needed: keeps start-up fast

        spans = self.repo.entities(article_id, entity_finder.ENTITIES_VERSION)
        if spans is None:
            spans = self._entities_of({article_id: document.text}, rendered=True)[article_id]
        return ArticleDetail(article, document, tuple(spans))

    def _entities_of(self, bodies: Mapping[int, str], *, rendered: bool = False,
                     best_effort: bool = True) -> dict[int, list[Span]]:
        """THE path that computes and stores entities. `bodies`: article id -> body HTML, or (`rendered`)
        its `rendered_text` already made. Spans are offsets into `rendered_text(html)`. A read-only or busy
        cache still gives the spans (`best_effort`), it just does not keep them."""
        from tui_news import entities as entity_finder

        found = {aid: entity_finder.extract(body if rendered else rendered_text(body))
                 for aid, body in bodies.items()}
        if found:
            try:
                self.repo.store_entities(found, entity_finder.ENTITIES_VERSION)
            except StoreError:
                if not best_effort:
                    raise
        return found

    def index_entities(self, batch: int = 200) -> int:
        """Compute and store entities for up to `batch` articles that lack them. Returns how many."""
        from tui_news import entities as entity_finder

        todo = self.repo.articles_missing_entities(entity_finder.ENTITIES_VERSION, batch)
        return len(self._entities_of({aid: html for aid, _title, html in todo}, best_effort=False))

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Search the cache (tui_news.search). First, best effort and never waiting for another writer: the
        index catches up renamed feeds, and the articles a `person:`/`resolution:` filter may find get their
        entities (a refresh from cron followed by `tui-news search person:"..."` must find what it fetched)."""
        from tui_news import entities as entity_finder
        from tui_news import search as searching

        now = self.clock()
        parsed = searching.parse_query(query, now=now)
        if parsed.empty or limit < 1:
            return []
        self.repo.catch_up_index_feed_titles()
        for match in searching.entity_matches(parsed, now):
            try:
                todo = self.repo.articles_lacking_entities(match, searching.ENTITY_BACKFILL,
                                                           entity_finder.ENTITIES_VERSION)
            except SearchQueryError:
                continue  # the search itself says what is wrong with the query
            self._entities_of(todo)
        return searching.search(self.repo, parsed, limit=limit)

    def reindex(self) -> tuple[int, int]:
        """Rebuild the search index, then compute the entities every article lacks.
        Returns (articles indexed, articles whose entities were computed)."""
        count = self.repo.rebuild_search_index()
        entities = 0
        while done := self.index_entities(500):
            entities += done
        return count, entities

    def search_note(self) -> str | None:
        """A warning to show next to search results, or None: the index needs `tui-news reindex`. Best effort:
        a cache that cannot answer this has already answered the search itself."""
        try:
            stale = self.repo.search_index_stale()
        except StoreError:
            return None
        return STALE_INDEX_NOTE if stale else None

    def import_opml(self, path: Path) -> tuple[list[FeedConfig], list[str]]:
        """Add an OPML file's feeds to this service's feeds.toml and to the cache's feed list."""
        added, skipped, target = import_opml(path, self.config.path)
        if added:
            feeds = self.config.feeds + tuple(added)
            self.config = dataclasses.replace(self.config, path=target, feeds=feeds)
            self._by_url = {f.url: f for f in feeds}
            self.repo.sync_feeds(feeds)
        return added, skipped

    # ---------------------------------------------------------------- writes
    def set_read(self, article_ids: Iterable[int], read: bool = True) -> None:
        """Raises ArticlesGoneError (after writing the others) when some ids are no longer in the cache."""
        self.repo.set_read(article_ids, read)

    def set_starred(self, article_ids: Iterable[int], starred: bool = True) -> None:
        """Raises ArticlesGoneError (after writing the others) when some ids are no longer in the cache."""
        self.repo.set_starred(article_ids, starred)

    def mark_all_read(self, flt: ArticleFilter = ALL_ARTICLES) -> int:
        return self.repo.mark_all_read(flt)

    # --------------------------------------------------------------- refresh
    def due_feeds(self, feeds: Sequence[Feed]) -> list[Feed]:
        now = self.clock()
        due = []
        for feed in feeds:
            if not feed.enabled:
                continue
            if feed.next_refresh is None or feed.next_refresh <= now:
                due.append(feed)
        return due

    async def _store(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, lambda: fn(*args, **kwargs))

    def _parser(self, bodies: int) -> Executor | None:
        if bodies < PROCESS_POOL_MIN_BODIES or self.processes < 2:
            return None
        with self._pool_lock:  # two refreshes may ask at once (called in a thread)
            return self._start_pool()

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers fork from a clean single-threaded server, never from the app's threads;
            # procs.process_pool's workers die with this process (kill -9 left them running).
            self._pool = process_pool(self.processes, preload=["tui_news.parse"])
            for _ in range(self.processes):  # start the workers now, while the first fetches are in flight
                self._pool.submit(_warm_up)
        return self._pool

    def _next_refresh(self, feed: Feed, now: datetime, errors: int = 0) -> datetime:
        fc = self._by_url.get(feed.url)
        minutes = (fc.refresh_minutes if fc and fc.refresh_minutes else None) or self.settings.refresh_minutes
        interval = timedelta(minutes=minutes)
        if errors:
            interval = min(interval * (2 ** min(errors - 1, 10)), max(MAX_BACKOFF, interval))
        return now + interval

    async def refresh(
        self,
        feed_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[FeedOutcome], None] | None = None,
    ) -> list[FeedOutcome]:
        """Refresh feeds (all enabled ones by default). One result per feed; one failure never stops the rest.

        Raises CacheCorruptError (before fetching anything) when the cache file is damaged."""
        if not self._checked:
            await self._store(self.repo.check_not_damaged)
            self._checked = True
        feeds = await self._store(self.repo.feeds, counts=False)
        if feed_ids is not None:
            wanted = set(feed_ids)
            feeds = [f for f in feeds if f.id in wanted]
        else:
            feeds = [f for f in feeds if f.enabled]
        if due_only:
            feeds = self.due_feeds(feeds)
        if on_start:
            on_start(len(feeds))
        if not feeds:
            return []
        executor = await asyncio.to_thread(self._parser, len(feeds))  # starting processes blocks: not on the loop
        outcomes: list[FeedOutcome] = []
        damaged: list[CacheCorruptError] = []
        # Feeds between "fetch started" and "stored": bounds the bodies and parsed feeds held in memory.
        in_flight = asyncio.Semaphore(max(self.settings.concurrency, 2 * self.processes))
        async with self.fetcher_factory(self.settings) as fetcher:

            async def one(feed: Feed) -> FeedOutcome:
                try:
                    async with in_flight:
                        outcome = await self._refresh_one(fetcher, feed, executor)
                except StoreError as exc:
                    outcome = FeedOutcome(feed.url, feed.display_title, error=str(exc))
                    if isinstance(exc, CacheCorruptError):
                        damaged.append(exc)
                    else:  # e.g. a full disk: a one-row UPDATE may still fit, so the feed shows why
                        with contextlib.suppress(StoreError):
                            now = self.clock()
                            await self._store(self.repo.record_failure, feed.id, "error", str(exc), now,
                                              self._next_refresh(feed, now, feed.error_count + 1))
                except Exception as exc:  # a bug must not take the other feeds down
                    outcome = FeedOutcome(feed.url, feed.display_title,
                                          error=f"internal error: {type(exc).__name__}: {exc}")
                    with contextlib.suppress(StoreError):
                        now = self.clock()
                        await self._store(self.repo.record_failure, feed.id, "error", outcome.error or "",
                                          now, self._next_refresh(feed, now, feed.error_count + 1))
                if outcome.error is not None:  # errors quote servers (a Location header): no controls past here
                    outcome = dataclasses.replace(outcome, error=clean_line(outcome.error))
                outcomes.append(outcome)
                if on_result:
                    on_result(outcome)
                return outcome

            await asyncio.gather(*(one(f) for f in feeds))
        if damaged:
            raise damaged[0]
        if self.settings.retention_days or self.settings.max_articles_per_feed:
            with contextlib.suppress(StoreError):
                await self._store(self.repo.apply_retention, self.clock(), self.settings.retention_days,
                                  self.settings.max_articles_per_feed)
        order = {f.url: i for i, f in enumerate(feeds)}
        outcomes.sort(key=lambda o: order.get(o.url, 0))
        return outcomes

    async def _refresh_one(self, fetcher: FetcherType, feed: Feed, executor: Executor | None) -> FeedOutcome:
        title = feed.display_title
        caching = await self._store(self.repo.caching_info, feed.id)
        fc = self._by_url.get(feed.url)
        result = await fetcher.fetch(feed.fetch_url, caching, verify=fc.verify if fc else True)
        now = self.clock()
        if result.permanent_url and result.permanent_url != feed.fetch_url:
            await self._store(self.repo.move_feed, feed.id, result.permanent_url)
        if result.error is not None:
            next_refresh = self._next_refresh(feed, now, feed.error_count + 1)
            if result.retry_after is not None:
                next_refresh = max(next_refresh, result.retry_after)
            status = str(result.status) if result.status else "error"
            await self._store(self.repo.record_failure, feed.id, status, result.error, now, next_refresh)
            return FeedOutcome(feed.url, title, error=result.error)
        if result.not_modified:
            await self._store(self.repo.record_not_modified, feed.id, "304", now, self._next_refresh(feed, now),
                              CachingInfo(result.etag, result.last_modified))
            return FeedOutcome(feed.url, title, not_modified=True)
        body = result.body or b""
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        new_caching = CachingInfo(result.etag, result.last_modified, digest)
        status = str(result.status) if result.status else "ok"
        if digest == caching.body_hash and feed.last_error is None:
            await self._store(self.repo.record_not_modified, feed.id, status, now, self._next_refresh(feed, now),
                              new_caching)
            return FeedOutcome(feed.url, title, unchanged=True)
        content_type = result.headers.get("content-type")
        try:
            if executor is None:
                parsed, forms = await asyncio.to_thread(_parse_job, body, feed.fetch_url, content_type, now)
            else:
                loop = asyncio.get_running_loop()
                parsed, forms = await loop.run_in_executor(
                    executor, _parse_job, body, feed.fetch_url, content_type, now)
        except ParseError as exc:
            await self._store(self.repo.record_failure, feed.id, "parse error", str(exc), now,
                              self._next_refresh(feed, now, feed.error_count + 1))
            return FeedOutcome(feed.url, title, error=str(exc))
        new, updated = await self._store(
            self.repo.store_feed, feed.id, parsed, caching=new_caching, status=status, now=now,
            next_refresh=self._next_refresh(feed, now), max_articles=self.settings.max_articles_per_feed,
            body_forms=forms,
        )
        return FeedOutcome(feed.url, title if feed.name else (parsed.title or title), new=new, updated=updated)


def _warm_up() -> None:
    import tui_news.parse  # noqa: F401 (already preloaded by the fork server; cheap when it is)


def _parse_job(body: bytes, url: str, content_type: str | None, now: datetime
               ) -> tuple[ParsedFeed, tuple[tuple[str, str], ...]]:
    """Parse, and do the search index's text work here too: workers run on every core, the store on one.
    Returns the feed and, beside it, `body_forms` of each article's body in the same order."""
    from tui_news import parse  # workers have it preloaded; the UI process imports it at its first refresh

    parsed = parse.parse_feed(body, url=url, content_type=content_type, now=now)
    forms = tuple(body_forms(a.content_html if a.content_html is not None else a.summary_html)
                  for a in parsed.articles)
    return parsed, forms


# ------------------------------------------------------- commands without a cache
def import_opml(path: Path, config_path: Path | None) -> tuple[list[FeedConfig], list[str], Path]:
    """Add an OPML file's feeds to a feeds.toml (None: the one the lookup finds). Returns (feeds added, lines
    skipped, the file written). The cache follows the next time a Service opens it."""
    from tui_news import opml

    return opml.import_opml(path, config_path)


def export_opml(config: Config) -> bytes:
    """The configured feeds as an OPML 2.0 document."""
    from tui_news import opml

    return opml.export_opml(config.feeds)


def find_entities(text: str) -> tuple[str, list[Span]]:
    """Entities of a plain text (a file, not an article): the text as NFC without control characters (escape
    sequences must not reach a terminal; Rich drops BELs itself, which would shift the spans), and the spans
    as offsets into it."""
    from tui_news import entities as entity_finder

    text = clean_text(text.replace("\r\n", "\n"))
    return text, entity_finder.extract(text)


def entities_jsonl(stdin: TextIO, stdout: TextIO) -> int:
    """`tui-news entities`: JSON lines in, the same lines with their entities out. Returns an exit status."""
    from tui_news.entities.jsonl import run

    return run(stdin, stdout)
