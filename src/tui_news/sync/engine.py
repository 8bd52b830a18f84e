"""One sync with a server: push the queued flag changes, then pull feeds, new articles and the server's flags.

Conflict rule (README "Sync"): the newest change wins. A change made here is queued with its time and is
sent before the server's state is read, so it overrides whatever the server had; a change made on the
server after our last sync comes back at the next one and overrides the local flag, unless the same flag
was changed here since (still queued) — then ours is the newer one and goes out at the next push.

Articles go through `tui_news.parse.finish_draft`, the path every parsed feed takes (NFC, control and bidi
stripping, safe links, unescaped titles), then `Repository.store_feed`, which indexes them for search;
entities are computed like any article's (when shown, searched or by `reindex`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tui_news.drafts import EntryDraft, FeedDraft
from tui_news.errors import SyncError
from tui_news.models import CachingInfo, SyncConfig
from tui_news.parse import finish_draft
from tui_news.store.repo import Repository
from tui_news.store.sync_repo import RemoteFeed, SyncRepository
from tui_news.sync.models import Headline, SyncClient, SyncReport
from tui_news.sync.ttrss import PAGE, api_url

T = TypeVar("T")
Store = Callable[..., Awaitable[Any]]
BATCH = 200
"""Article ids per updateArticle call."""
RETRY_FIRST = timedelta(minutes=1)
RETRY_MOST = timedelta(hours=1)


def source_key(config: SyncConfig) -> str:
    """The name the cache files a server's feeds, articles and queue under."""
    return f"{config.kind}:{config.user}@{api_url(config.url)}"


def read_password(config: SyncConfig) -> str:
    """The password from the environment variable or the owner-only file named in [sync]."""
    import os
    import stat

    if config.password_env is not None:
        value = os.environ.get(config.password_env)
        if not value:
            raise SyncError(f"the sync password is read from ${config.password_env}, which is not set")
        return value
    path = config.password_file
    assert path is not None
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SyncError(f"{path} holds the sync password but others can read it: chmod 600 {path}")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SyncError(f"cannot read the sync password file {path}: {exc.strerror or exc}") from None
    password = text.strip("\r\n")
    if not password:
        raise SyncError(f"the sync password file {path} is empty")
    return password


def backoff(error_count: int) -> timedelta:
    """How long automatic syncs wait after `error_count` failures in a row (1 min, 2, 4 ... at most 1 h)."""
    return min(RETRY_FIRST * (2 ** max(error_count - 1, 0)), RETRY_MOST)


def _draft(title: str, headlines: list[Headline]) -> FeedDraft:
    entries = [EntryDraft(id=f"ttrss:{h.id}", title=h.title, title_is_html=True, link=h.link, author=h.author,
                          published=datetime.fromtimestamp(h.updated, UTC) if h.updated else None,
                          date_text=str(h.updated or ""), content_html=h.content) for h in headlines]
    return FeedDraft(title=title, link="", format="ttrss", entries=entries)


class SyncEngine:
    def __init__(self, repo: Repository, sync_repo: SyncRepository, source: str, client: SyncClient,
                 store: Store, clock: Callable[[], datetime]):
        self.repo = repo
        self.sync_repo = sync_repo
        self.source = source
        self.client = client
        self.store = store
        self.clock = clock

    async def run(self) -> SyncReport:
        await self.client.login()
        try:
            pushed = await self.push()
            feed_ids, feed_titles = await self.pull_feeds()
            received, new, updated = await self.pull_articles(feed_ids, feed_titles)
            flags = await self.pull_flags()
            unread = await self.client.unread_total()
        finally:
            await self.client.logout()
        queued = await self.store(self.sync_repo.queue_length, self.source)
        return SyncReport(feeds=len(feed_ids), received=received, new=new, updated=updated,
                          flags_from_server=flags, pushed=pushed, queued=queued, server_unread=unread)

    async def push(self) -> int:
        pending = await self.store(self.sync_repo.pending, self.source)
        groups: dict[tuple[str, bool], list[Any]] = defaultdict(list)
        for change in pending:
            groups[(change.field, change.value)].append(change)
        sent = 0
        for (field, value), changes in groups.items():
            for i in range(0, len(changes), BATCH):
                chunk = changes[i:i + BATCH]
                await self.client.set_flag([c.remote_id for c in chunk], field, value)
                await self.store(self.sync_repo.drop_sent, self.source, chunk)  # only after the server took it
                sent += len(chunk)
        return sent

    async def pull_feeds(self) -> tuple[dict[int, int], dict[int, str]]:
        categories = await self.client.categories()
        feeds = await self.client.feeds()
        remote = [RemoteFeed(remote_id=f.id, url=f"{self.source}#feed={f.id}", title=f.title or f.feed_url,
                             tags=tuple(t for t in [categories.get(f.category_id or 0, "")] if t
                                        and f.category_id))
                  for f in feeds]
        ids = await self.store(self.sync_repo.upsert_feeds, self.source, remote)
        return ids, {f.remote_id: f.title for f in remote}

    async def pull_articles(self, feed_ids: dict[int, int], titles: dict[int, str]) -> tuple[int, int, int]:
        state = await self.store(self.sync_repo.state, self.source)
        since = state.since_id
        newest = since
        new = updated = skip = received = 0
        while True:
            page = await self.client.headlines(since_id=since, skip=skip, limit=PAGE)
            received += len(page)
            by_feed: dict[int, list[Headline]] = defaultdict(list)
            for h in page:
                if h.feed_id in feed_ids:
                    by_feed[h.feed_id].append(h)
                newest = max(newest, h.id)
            now = self.clock()
            for remote_feed, headlines in by_feed.items():
                parsed = finish_draft(_draft(titles.get(remote_feed, ""), headlines), base="", now=now)
                feed_id = feed_ids[remote_feed]
                n, u = await self.store(self.repo.store_feed, feed_id, parsed, caching=CachingInfo(),
                                        status="sync", now=now, next_refresh=None)
                new += n
                updated += u
                await self.store(self.sync_repo.link_articles, self.source, feed_id,
                                 {f"ttrss:{h.id}": h.id for h in headlines})
            if len(page) < PAGE:
                break
            skip += len(page)
        if newest > since:  # only once every page is stored: a crash mid-pull pulls the same pages again
            await self.store(self.sync_repo.save_since, self.source, newest)
        return received, new, updated

    async def pull_flags(self) -> int:
        unread = await self.client.ids(view_mode="unread", feed_id=-4)
        starred = await self.client.ids(view_mode="all_articles", feed_id=-1)
        return int(await self.store(self.sync_repo.apply_remote_flags, self.source, unread, starred))
