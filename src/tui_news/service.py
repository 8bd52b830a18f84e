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
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TextIO, TypeVar

from tui_news.errors import CacheCorruptError, ParseError, SearchQueryError, StoreError, SyncError
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
    FullText,
    FullTextMode,
    ParsedFeed,
    SearchHit,
    Settings,
    Span,
)
from tui_news.procs import process_pool
from tui_news.store.repo import Repository
from tui_news.text import Document, clean_line, clean_text, render_html, rendered_text

if TYPE_CHECKING:
    from tui_news.opml import ImportResult
    from tui_news.sync.models import SyncReport

T = TypeVar("T")
Clock = Callable[[], datetime]

MAX_BACKOFF = timedelta(hours=24)
HOLD_OPEN = timedelta(hours=24)
"""An article opened in the reader is kept out of retention (in every process) this long after it was opened."""
SERVER_ASKED_TO_WAIT = frozenset({"429", "503"})
"""Statuses whose failure keeps its next_refresh (it may hold the server's Retry-After) across restarts."""
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


AUTO_MIN_CHARS = 600
"""`full_text = "auto"`: an article's page is fetched when the feed's own text of it (content:encoded, else
the summary, as the pane renders it) is shorter than this many characters."""
FULL_TEXT_WINDOW = timedelta(days=7)
"""After a refresh, pages are fetched for articles first seen this recently (older ones on demand only)."""
RETRY_BACKOFF = timedelta(hours=1)
"""A failed page is tried again after 1 h, then 4 h, 16 h ... (up to `Settings.full_text_retries` tries)."""
_EXTRACTOR_NAMES = {"trafilatura": "trafilatura", "readability": "readability"}


class PageFetcherType(Protocol):
    """What fetching article pages needs (tui_news.pages.PageFetcher)."""

    async def __aenter__(self) -> PageFetcherType: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def fetch_page(self, url: str, allowed: frozenset[Any] = frozenset()) -> FetchResult: ...


def default_page_fetcher(settings: Settings) -> PageFetcherType:
    from tui_news.pages import PageFetcher

    return PageFetcher(settings)


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """Everything the article pane shows: the article, its body as a Document, and the entities in it."""

    article: Article
    document: Document
    entities: tuple[Span, ...]
    version: Literal["full", "feed"] = "feed"
    """Which body `document` and `entities` are for: the whole text from the page, or the feed's own."""
    full_text: FullText = FullText("not tried")
    """The full-text state, whichever version is shown."""

    def header(self) -> str:
        """One line saying which version is shown: "full article · vnexpress.net · site rule",
        "feed summary · full text failed: 404", "feed summary · full text not tried"."""
        state = self.full_text
        if self.version == "full":
            how = state.extractor or ""
            how = "site rule" if how.startswith("rule:") else _EXTRACTOR_NAMES.get(how, how)
            return " · ".join(p for p in ("full article", state.host or "", how) if p)
        if state.status == "ok":
            return "feed summary · full text available"
        if state.status == "pending":
            return "feed summary · fetching the full text"
        return f"feed summary · full text {state.label}"


def needs_full_text(mode: FullTextMode, content_html: str | None, summary_html: str | None) -> bool:
    """Whether an article's page should be fetched after a refresh (see AUTO_MIN_CHARS)."""
    if mode == "never":
        return False
    if mode == "always":
        return True
    return len(rendered_text(content_html or summary_html).strip()) < AUTO_MIN_CHARS


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
        self.started = clock()
        """When this process opened the service: a feed that failed before it is due again (see due_feeds)."""
        self._fetching: set[int] = set()
        """Articles whose page is being fetched right now (shown as "pending")."""
        self.page_fetcher_factory: Callable[[Settings], PageFetcherType] = default_page_fetcher

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

    def view(self, article_id: int, *, version: Literal["best", "feed"] = "best") -> ArticleDetail | None:
        """The article with its rendered body and entities (computed once, then read from the cache).

        "best": the whole text fetched from the page when there is one, else the feed's version; "feed": the
        feed's version. Never touches the network."""
        article = self.repo.article(article_id)
        if article is None:
            return None
        with contextlib.suppress(StoreError):  # a read-only or busy cache still shows the article
            self.repo.hold([article_id], self.clock() + HOLD_OPEN)
        state, full_html = self.repo.full_text(article_id)
        if article_id in self._fetching and state.status != "ok":
            state = dataclasses.replace(state, status="pending")
        from tui_news import entities as entity_finder  # imported when first needed: keeps start-up fast

        if full_html is not None and version == "best":
            document = render_html(full_html)
            shown: Literal["full", "feed"] = "full"
        else:
            document = render_html(article.html)
            shown = "feed"
        stored = shown == "full" or full_html is None  # the stored entities are of db.BODY
        spans = self.repo.entities(article_id, entity_finder.ENTITIES_VERSION) if stored else None
        if spans is None:
            spans = self._entities_of({article_id: document.text}, rendered=True, store=stored)[article_id]
        return ArticleDetail(article, document, tuple(spans), shown, state)

    def _entities_of(self, bodies: Mapping[int, str], *, rendered: bool = False,
                     best_effort: bool = True, store: bool = True) -> dict[int, list[Span]]:
        """THE path that computes and stores entities. `bodies`: article id -> body HTML, or (`rendered`)
        its `rendered_text` already made. Spans are offsets into `rendered_text(html)`. A read-only or busy
        cache still gives the spans (`best_effort`), it just does not keep them. `store=False`: a body that
        is not the article's stored one (the feed's version when a full text is stored)."""
        from tui_news import entities as entity_finder

        found = {aid: entity_finder.extract(body if rendered else rendered_text(body))
                 for aid, body in bodies.items()}
        if found and store:
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

    @property
    def config_path(self) -> Path | None:
        """The feed list this service read at start and every import writes (see tui_news.config); None for a
        Config made in code."""
        return self.config.path

    def config_note(self) -> str:
        """Where the feed list lives, in one line for people (help, status line, empty state)."""
        from tui_news.config import describe_config

        return describe_config(self.config.path) if self.config.path else "(none: a list made in code)"

    def import_opml(self, path: Path) -> ImportResult:
        """Add an OPML file's feeds to this service's feeds.toml and to the cache's feed list.
        `result.summary` is the line to show ("0 feeds added to PATH, 11 already present")."""
        result = import_opml(path, self.config.path)
        added, target = result.added, result.target
        if added:
            feeds = self.config.feeds + tuple(added)
            self.config = dataclasses.replace(self.config, path=target, feeds=feeds)
            self._by_url = {f.url: f for f in feeds}
            self.repo.sync_feeds(feeds)
        return result

    # ---------------------------------------------------------------- writes
    def set_read(self, article_ids: Iterable[int], read: bool = True) -> None:
        """Raises ArticlesGoneError (after writing the others) when some ids are no longer in the cache."""
        self.repo.set_read(article_ids, read)

    def set_starred(self, article_ids: Iterable[int], starred: bool = True) -> None:
        """Raises ArticlesGoneError (after writing the others) when some ids are no longer in the cache."""
        self.repo.set_starred(article_ids, starred)

    def mark_all_read(self, flt: ArticleFilter = ALL_ARTICLES) -> int:
        return self.repo.mark_all_read(flt)

    # ------------------------------------------------------------------ sync
    # Flag changes need no call here: triggers queue every read/starred change of a synced article in the
    # transaction that makes it (store/sync_repo.py), so set_read, set_starred and mark_all_read all queue.
    async def sync(self, *, due_only: bool = False) -> SyncReport:
        """Push queued flag changes to the [sync] server, then pull its feeds, new articles and flags.
        Raises SyncError (one line; nothing queued is lost), ConfigError-free: no [sync] is a SyncError too.
        `due_only` (the reader's schedule): after a failure, wait out the back-off first."""
        from tui_news.store.sync_repo import SyncRepository
        from tui_news.sync.engine import SyncEngine, backoff, read_password, source_key
        from tui_news.sync.models import SyncReport
        from tui_news.sync.ttrss import TtrssClient

        cfg = self.config.sync
        if cfg is None:
            raise SyncError("no [sync] table in the feed list; see README, section Sync")
        sync_repo = SyncRepository(self.repo.db)
        source = source_key(cfg)
        state = await self._store(sync_repo.state, source)
        if due_only and state.next_try is not None and state.next_try > self.clock():
            return SyncReport(queued=await self._store(sync_repo.queue_length, source), error=state.last_error)
        try:
            password = read_password(cfg)
            async with TtrssClient(cfg.url, cfg.user, password, verify=cfg.verify,
                                   timeout=self.settings.total_timeout) as client:
                report = await SyncEngine(self.repo, sync_repo, source, client, self._store, self.clock).run()
        except SyncError as exc:
            with contextlib.suppress(StoreError):
                await self._store(sync_repo.record_failure, source, str(exc),
                                  self.clock() + backoff(state.error_count + 1))
            raise
        await self._store(sync_repo.record_success, source, self.clock())
        return report

    def sync_status(self) -> str | None:
        """One line for a status bar: the sync state and the queue length; None without [sync]."""
        from tui_news.store.sync_repo import SyncRepository
        from tui_news.sync.engine import source_key

        if self.config.sync is None:
            return None
        sync_repo = SyncRepository(self.repo.db)
        source = source_key(self.config.sync)
        state, queued = sync_repo.state(source), sync_repo.queue_length(source)
        if state.last_error:
            head = f"sync failed: {state.last_error}"
        elif state.last_sync:
            head = f"synced {state.last_sync.astimezone().strftime('%H:%M')}"
        else:
            head = "not synced yet"
        return f"{head} · {queued} queued"

    # --------------------------------------------------------------- refresh
    def due_feeds(self, feeds: Sequence[Feed]) -> list[Feed]:
        """Enabled feeds whose next refresh has come, and those whose last refresh failed before this process
        started (offline yesterday is no reason to wait out the back-off today), unless the server itself asked
        us to wait (429/503 with Retry-After, kept in next_refresh)."""
        now = self.clock()
        due = []
        for feed in feeds:
            if not feed.enabled:
                continue
            if feed.next_refresh is None or feed.next_refresh <= now or self._failed_before_start(feed):
                due.append(feed)
        return due

    def _failed_before_start(self, feed: Feed) -> bool:
        if feed.last_error is None or feed.last_status in SERVER_ASKED_TO_WAIT:
            return False
        # Stored times are whole seconds: a failure in this process's first second counts as this process's.
        return feed.last_refresh is None or feed.last_refresh < self.started.replace(microsecond=0)

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
        on_full_text: Callable[[int, FullText], None] | None = None,
        full_text: bool = True,
    ) -> list[FeedOutcome]:
        """Refresh feeds (all enabled ones by default). One result per feed; one failure never stops the rest.
        Then (`full_text`) fetch the article pages that are due (`full_texts_due`), calling `on_full_text` as
        each one is stored; a page's failure is recorded on its article, never on the feed.

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
        if full_text:
            await self.fetch_due_full_texts(feeds, on_full_text)
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
            check_is_feed(parsed, content_type)
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


    # ------------------------------------------------------------ full texts
    def full_text_mode(self, feed_url: str) -> FullTextMode:
        """The feed's `full_text`, else `[settings] full_text`."""
        fc = self._by_url.get(feed_url)
        return (fc.full_text if fc is not None and fc.full_text else None) or self.settings.full_text

    def _site_rules(self) -> tuple[Any, ...]:
        return tuple(self.config.sites)

    def full_texts_due(self, feeds: Sequence[Feed]) -> list[tuple[int, int, str]]:
        """(article id, feed id, link) of the pages to fetch after a refresh of these feeds: articles first seen
        within FULL_TEXT_WINDOW, never tried (or failed and due again), of "always" feeds, and of "auto" feeds
        when the feed's own text is short (`needs_full_text`); newest first, at most `full_text_per_refresh`.
        Articles judged complete under "auto" are marked so (not judged again unless they change)."""
        modes = {f.id: self.full_text_mode(f.url) for f in feeds}
        modes = {fid: mode for fid, mode in modes.items() if mode != "never"}
        if not modes:
            return []
        now = self.clock()
        cap = self.settings.full_text_per_refresh
        rows = self.repo.full_text_candidates(
            modes, now - FULL_TEXT_WINDOW, now, 4 * cap, self.settings.full_text_retries)
        due: list[tuple[int, int, str]] = []
        complete: list[tuple[int, str]] = []
        for article_id, feed_id, link, content, summary in rows:
            if needs_full_text(modes[feed_id], content, summary):
                if len(due) < cap:
                    due.append((article_id, feed_id, link))
            else:
                complete.append((article_id, link))
        if complete:
            with contextlib.suppress(StoreError):
                self.repo.mark_feed_complete(complete, now)
        return due

    async def fetch_due_full_texts(self, feeds: Sequence[Feed],
                                   on_full_text: Callable[[int, FullText], None] | None = None
                                   ) -> dict[int, FullText]:
        """Fetch, extract and store the pages `full_texts_due` names. Returns article id -> its new state."""
        try:
            due = await self._store(self.full_texts_due, feeds)
        except StoreError:
            return {}
        if not due:
            return {}
        from tui_news.pages import own_addresses

        fetch_urls = {f.id: f.fetch_url for f in feeds}
        allowed = {fid: await own_addresses(fetch_urls[fid]) for fid in {fid for _, fid, _ in due}}
        executor = await asyncio.to_thread(self._parser, len(due))
        results: dict[int, FullText] = {}
        # A host that did not answer at all (no HTTP status: DNS, connection, TLS, timeout) is not asked for its
        # other pages in this refresh: offline, 200 pages of one host would otherwise each wait out the timeouts.
        # Those pages stay due. The whole page phase is bounded by `total_timeout` too; what it cuts stays due.
        unreachable: set[str | None] = set()
        async with self.page_fetcher_factory(self.settings) as fetcher:

            gates: dict[str | None, asyncio.Semaphore] = {}

            async def one(article_id: int, feed_id: int, link: str) -> None:
                host = _host(link)
                gate = gates.setdefault(host, asyncio.Semaphore(max(1, self.settings.per_host)))
                async with gate:  # so the pages queued behind a host that did not answer see that it did not
                    if host in unreachable:
                        return
                    state = await self._full_text_one(fetcher, article_id, link, allowed[feed_id], executor,
                                                      unreachable)
                results[article_id] = state
                if on_full_text is not None:
                    on_full_text(article_id, state)

            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.total_timeout):
                    await asyncio.gather(*(one(*item) for item in due))
        return results

    async def fetch_full_text(self, article_id: int) -> FullText:
        """Fetch one article's page now (the reader's "Fetch full article"): fetch, extract, store, index and
        compute its entities. Safe to await from Textual's event loop (network async, CPU work in threads).
        Never raises for page problems: returns FullText(status="failed", reason=...)."""
        article = await asyncio.to_thread(self.repo.article, article_id)
        if article is None:
            return FullText("failed", "no such article", final=True)
        if not article.link:
            return FullText("failed", "the article has no link", final=True)
        feed = await asyncio.to_thread(self.repo.feed, article.feed_id)
        from tui_news.pages import own_addresses

        allowed = await own_addresses(feed.fetch_url) if feed is not None else frozenset()
        async with self.page_fetcher_factory(self.settings) as fetcher:
            return await self._full_text_one(fetcher, article_id, article.link, allowed, None)

    async def _full_text_one(self, fetcher: PageFetcherType, article_id: int, link: str, allowed: frozenset[Any],
                             executor: Executor | None, unreachable: set[str | None] | None = None) -> FullText:
        from tui_news.pages import content_type_problem

        self._fetching.add(article_id)
        try:
            now = self.clock()
            host = _host(link)
            result = await fetcher.fetch_page(link, allowed)
            page: bytes | None = None
            html: str | None = None
            if result.error is not None:
                state = _fetch_failure(result, now, host)
                if unreachable is not None and result.status is None and not state.final:
                    unreachable.add(host)  # no answer at all: the refresh stops asking this host
            elif (problem := content_type_problem(result.headers)) is not None:
                state = FullText("failed", problem, fetched_at=now, host=host, final=True)
            else:
                job = (result.body or b"", link, self._site_rules())
                try:
                    if executor is None:
                        done = await asyncio.to_thread(_extract_job, *job)
                    else:
                        done = await asyncio.get_running_loop().run_in_executor(executor, _extract_job, *job)
                except Exception as exc:  # a broken worker pool: the page is not at fault, try again later
                    done = ("failed", f"extraction failed: {type(exc).__name__}", None, None)
                status, detail, extractor, page = done
                if status == "ok":
                    html = detail
                    state = FullText("ok", extractor=extractor, fetched_at=now, host=host)
                else:
                    state = FullText("failed", detail, fetched_at=now, host=host)
            try:
                return await self._store(self._keep_full_text, article_id, link, state, html, page, now)
            except StoreError as exc:
                return FullText("failed", f"not stored: {exc}", fetched_at=now, host=host)
        finally:
            self._fetching.discard(article_id)

    def _keep_full_text(self, article_id: int, link: str, state: FullText, html: str | None,
                        page: bytes | None, now: datetime) -> FullText:
        """On the writer thread: store one attempt (with the index), then the entities of the new body."""
        attempts = self.repo.full_text_attempts(article_id)
        next_try = None if state.status == "ok" or state.final else now + RETRY_BACKOFF * 4 ** min(attempts, 8)
        expires = now + timedelta(days=self.settings.page_keep_days) if page is not None else None
        stored = self.repo.store_full_text(article_id, link, state, html, page=page, page_url=link,
                                           page_expires=expires, next_try=next_try)
        if stored and state.status == "ok" and html is not None:
            self._entities_of({article_id: html})
        return state

    def reextract(self, feed_name: str | None = None,
                  on_article: Callable[[int, FullText], None] | None = None) -> tuple[int, int]:
        """Extract the kept pages again (after a site rule changed): no download. `feed_name`: only that
        feed's (its name, title or URL as `tui-news feeds` shows it). Returns (extracted, failed).
        Raises ValueError for an unknown feed name."""
        feed_id: int | None = None
        if feed_name is not None:
            matches = [f for f in self.repo.feeds(counts=False)
                       if feed_name in (f.display_title, f.url, f.name, f.title)]
            if not matches:
                raise ValueError(f"no feed named {feed_name!r}; `tui-news feeds` lists them")
            feed_id = matches[0].id
        now = self.clock()
        self.repo.drop_expired_pages(now)
        ok = failed = 0
        rules = self._site_rules()
        for article_id, url, compressed in self.repo.stored_pages(now, feed_id):
            status, detail, extractor, _page = _extract_job(zlib.decompress(compressed), url, rules, compress=False)
            old, _html = self.repo.full_text(article_id)
            if status == "ok":
                state = dataclasses.replace(old, status="ok", reason=None, extractor=extractor, final=False)
                self.repo.reextracted(article_id, state, detail)
                self._entities_of({article_id: detail or ""})
                ok += 1
            else:
                state = dataclasses.replace(old, status="failed", reason=detail, extractor=None, final=True)
                self.repo.reextracted(article_id, state, None)
                self.index_entities()
                failed += 1
            if on_article is not None:
                on_article(article_id, state)
        return ok, failed


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


_FINAL_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 451})
_FINAL_ERRORS = ("refused:", "not an http(s) link", "redirect to a non-http(s) URL refused", "invalid URL",
                 "the link has no host", "body exceeds")


def _fetch_failure(result: FetchResult, now: datetime, host: str | None) -> FullText:
    """A failed page fetch as a FullText: "404" for a status, the fetcher's message otherwise."""
    error = clean_line(result.error or "failed")
    if result.status is not None and result.status >= 400:
        return FullText("failed", str(result.status), fetched_at=now, host=host,
                        final=result.status in _FINAL_STATUSES)
    return FullText("failed", error, fetched_at=now, host=host, final=error.startswith(_FINAL_ERRORS))


def _extract_job(page: bytes, url: str, rules: tuple[Any, ...], compress: bool = True
                 ) -> tuple[str, str | None, str | None, bytes | None]:
    """Extract a page (in a worker process or thread): ("ok", html, extractor, page compressed) or
    ("failed", reason, None, page compressed). Never raises: a page that breaks the extractor is its failure."""
    from tui_news.extract import ExtractError, extract

    kept = zlib.compress(page, 6) if compress and page else None
    try:
        got = extract(page, url, rules)
    except ExtractError as exc:
        return "failed", clean_line(str(exc)), None, kept
    except RecursionError:
        return "failed", "the page is nested too deeply to read", None, kept
    except Exception as exc:  # hostile HTML must not take the refresh down
        return "failed", clean_line(f"could not read the page ({type(exc).__name__})"), None, kept
    return "ok", got.html, got.extractor, kept


_FEED_MEDIA = ("xml", "rss", "atom", "rdf", "json")


def check_is_feed(parsed: ParsedFeed, content_type: str | None) -> None:
    """Raise ParseError for a body that is no feed although the parser got something out of it: no items, and
    the parser had to recover from broken markup (a text file that mentions <rss>), reported "ok 0 new" before.
    A well-formed feed with no items yet is still a feed."""
    if parsed.articles or parsed.warning is None:
        return
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media and not any(word in media for word in _FEED_MEDIA):
        raise ParseError(f"not a feed: {media}")
    raise ParseError(f"not a feed: no items could be read ({parsed.warning})"[:300])


def _warm_up() -> None:
    import tui_news.parse  # noqa: F401 (already preloaded by the fork server; cheap when it is)


def _parse_job(body: bytes, url: str, content_type: str | None, now: datetime
               ) -> tuple[ParsedFeed, tuple[tuple[str, str], ...]]:
    """Parse, and do the search index's text work here too: workers run on every core, the store on one.
    Returns the feed and, beside it, `body_forms` of each article's body in the same order."""
    from tui_news import parse  # workers have it preloaded; the UI process imports it at its first refresh

    parsed = parse.parse_feed(body, url=url, content_type=content_type, now=now)
    forms = tuple(parse.stored_body_forms(a.content_html if a.content_html is not None else a.summary_html)
                  for a in parsed.articles)
    return parsed, forms


# ------------------------------------------------------- commands without a cache
def extract_source(source: str, *, url: str | None = None, config: Config | None = None) -> Any:
    """`tui-news extract`: a page from a file (`url` names where it came from, for the site rules) or from a
    URL (fetched with the same guard and limits as article pages, as if linked from a public feed).
    Returns `tui_news.extract.Extracted`; raises ExtractError (nothing extractable), FetchError or OSError."""
    from tui_news.errors import FetchError
    from tui_news.extract import extract

    settings = config.settings if config is not None else Settings()
    rules = tuple(config.sites) if config is not None else ()
    if source.lower().startswith(("http://", "https://")):
        page, base = asyncio.run(_fetch_one_page(source, settings)), url or source
    else:
        path = Path(source).expanduser()
        size = path.stat().st_size
        if size > settings.page_max_bytes:
            raise FetchError(f"{path} is larger than page_max_bytes ({size:,} bytes)")
        page, base = path.read_bytes(), url or path.resolve().as_uri()
    return extract(page, base, rules)


def shown_text(html: str) -> str:
    """The text the reader shows for this HTML."""
    return rendered_text(html)


async def _fetch_one_page(url: str, settings: Settings) -> bytes:
    from tui_news.errors import FetchError
    from tui_news.pages import PageFetcher, content_type_problem

    async with PageFetcher(settings) as fetcher:
        result = await fetcher.fetch_page(url)
    if result.error is not None:
        raise FetchError(clean_line(result.error), status=result.status)
    problem = content_type_problem(result.headers)
    if problem is not None:
        raise FetchError(problem)
    return result.body or b""


def import_opml(path: Path, config_path: Path | None) -> ImportResult:
    """Add an OPML file's feeds to a feeds.toml (None: the one the app reads at start, see tui_news.config).
    Returns what was added, already present and skipped, and the file written (`result.summary` says it in a
    line). The cache follows the next time a Service opens it."""
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
