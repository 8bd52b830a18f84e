"""Plain data passed between the layers. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

FullTextMode = Literal["auto", "always", "never"]
FULL_TEXT_MODES: tuple[str, ...] = ("auto", "always", "never")
FullTextStatus = Literal["not tried", "pending", "ok", "failed"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

BINDING_IDS: frozenset[str] = frozenset({
    "quit", "help", "help-close", "confirm-yes", "confirm-no", "prompt-cancel",
    "search-down", "search-up", "next-unread", "previous-unread", "page-article", "toggle-read", "toggle-star",
    "mark-feed-read", "refresh", "refresh-all", "open-link", "copy-link", "fetch-full-text", "search", "leave-search",
    "focus-next", "focus-previous", "toggle-feeds", "reading-mode",
    "feeds-down", "feeds-up", "feeds-first", "feeds-last",
    "article-down", "article-up", "article-first", "article-last", "article-half-down", "article-half-up",
    "article-open",
    "view-down", "view-up", "view-top", "view-bottom", "view-half-down", "view-half-up",
    "entities-down", "entities-up",
})
"""Every binding id of the reader: what `[keys]` in feeds.toml may remap. The config checks `[keys]` against
this list without importing the UI; tests/core/test_config.py checks it equals the ids the UI's bindings carry."""


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One `[[feeds]]` table of feeds.toml."""

    url: str
    name: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True
    refresh_minutes: int | None = None
    verify: bool = True
    """TLS certificate verification; only `verify = false` in feeds.toml turns it off."""
    full_text: FullTextMode | None = None
    """Fetch each article's page for its whole text: "auto", "always", "never"; None: `[settings] full_text`."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The `[settings]` table of feeds.toml."""

    concurrency: int = 16
    """Feeds fetched at once, overall."""
    per_host: int = 4
    """Feeds fetched at once from one host."""
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    """Wall-clock limit for one feed: headers, redirects and body."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """Size cap for one (decompressed) body."""
    refresh_minutes: int = 60
    """Default interval between refreshes of a feed in the app."""
    retention_days: int | None = 365
    """Delete unstarred articles older than this (None, only from code, keeps everything)."""
    max_articles_per_feed: int | None = 2000
    """Keep at most this many unstarred articles per feed (None, only from code, keeps everything). Also bounds
    what one refresh can add: a feed of 100,000 items is cut to the parser's 2,000 and then to this."""
    cache_path: Path | None = None
    """The SQLite cache; None means the XDG data dir."""
    date_format: str = "%Y-%m-%d %H:%M %Z"
    """strftime format of full dates in the reader (article header, feed detail), in the local time zone."""
    full_text: FullTextMode = "auto"
    """Fetch article pages for their whole text: "auto" (when the feed's own text is short), "always", "never"."""
    full_text_per_refresh: int = 200
    """At most this many article pages fetched after one refresh."""
    full_text_retries: int = 3
    """A page that failed is tried at most this many times in all (with backoff); a 404 is final at once."""
    page_max_bytes: int = 5 * 1024 * 1024
    """Size cap for one (decompressed) article page."""
    page_keep_days: int = 30
    """Fetched pages are kept (compressed) this long, so `tui-news reextract` needs no download."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    """The feeds.toml this came from (None: built in code)."""
    feeds: tuple[FeedConfig, ...] = ()
    settings: Settings = field(default_factory=Settings)
    keys: dict[str, str] = field(default_factory=dict)
    """`[keys]`: binding id -> comma-separated keys."""
    sites: tuple[Any, ...] = ()
    """`[[sites]]`: the user's own extraction rules (`tui_news.extract.SiteRule`), winning over bundled ones."""
    sync: SyncConfig | None = None
    """`[sync]`: a server whose feeds and read/starred state the cache mirrors (tui_news.sync), or None."""


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """`[sync]` of feeds.toml. The password is never in feeds.toml: it is read, when a sync starts, from the
    environment variable `password_env` or from `password_file` (which must be readable by its owner only)."""

    kind: str
    url: str
    user: str
    password_env: str | None = None
    password_file: Path | None = None
    verify: bool = True


@dataclass(frozen=True, slots=True)
class FullText:
    """The state of an article's whole text, fetched from its page."""

    status: FullTextStatus
    reason: str | None = None
    """Why it failed, one line: "404", "not HTML: image/png", "no article text found", "timed out ..."."""
    extractor: str | None = None
    """"rule:vnexpress.net" | "trafilatura" | "readability"."""
    fetched_at: datetime | None = None
    """UTC."""
    host: str | None = None
    """The page's host: "vnexpress.net"."""
    final: bool = False
    """Not retried (a 404, a refused address, a page that is not HTML)."""

    @property
    def label(self) -> str:
        """ "ok", "failed: 404", "not tried", "pending": the one-word-ish status for people and --json."""
        if self.status == "failed":
            return f"failed: {self.reason}" if self.reason else "failed"
        return self.status


NOT_TRIED = FullText("not tried")


@dataclass(frozen=True, slots=True)
class CachingInfo:
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What fetching one feed gave: a body, 'not modified', or an error."""

    url: str
    """The URL asked for."""
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    """Set when every redirect on the way was permanent (301/308): the feed's new URL."""
    retry_after: datetime | None = None
    """When the server asked us to come back (429/503 Retry-After)."""
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error is None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    guid: str
    title: str
    author: str | None
    link: str | None
    published: datetime | None
    updated: datetime | None
    summary_html: str | None
    content_html: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    articles: tuple[ParsedArticle, ...]
    format: str
    """'rss20', 'atom10', 'json11', ... or '' when unknown."""
    warning: str | None = None
    """feedparser's bozo message, kept for the feed detail line."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed as stored, with counts."""

    id: int
    url: str
    """As written in feeds.toml."""
    fetch_url: str
    """Where it is fetched from: `url`, or where a permanent redirect moved it."""
    title: str | None
    name: str | None
    tags: tuple[str, ...]
    enabled: bool
    last_status: str | None
    last_error: str | None
    error_count: int
    last_refresh: datetime | None
    next_refresh: datetime | None
    unread: int = 0
    total: int = 0

    @property
    def display_title(self) -> str:
        return self.name or self.title or self.url


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list: only what the list shows."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    published: datetime
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class Article:
    """A whole article, for the article pane."""

    id: int
    feed_id: int
    feed_title: str
    guid: str
    title: str
    author: str | None
    link: str | None
    published: datetime
    updated: datetime | None
    summary_html: str | None
    content_html: str | None
    read: bool
    starred: bool
    first_seen: datetime

    @property
    def html(self) -> str:
        return self.content_html or self.summary_html or ""


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles a list shows. Fields combine with AND."""

    feed_id: int | None = None
    tag: str | None = None
    unread: bool = False
    starred: bool = False
    entity_key: str | None = None
    ids: tuple[int, ...] | None = None


ALL_ARTICLES = ArticleFilter()


@dataclass(frozen=True, slots=True)
class Condition:
    """One search filter as the cache checks it: exactly one of the fields after `negated` is set.

    The search layer resolves what the user typed (`feed:`, `tag:`, `person:`...) into these; the store turns
    them into SQL."""

    negated: bool = False
    read: bool | None = None
    starred: bool | None = None
    since: int | None = None
    """Published at or after this unix time."""
    feed_ids: tuple[int, ...] | None = None
    entity: tuple[str, tuple[str, ...]] | None = None
    """(kind, keys): the article mentions an entity of this kind with one of these keys."""


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a text: [start, end) in Python string indices, a kind, and a normalised key."""

    start: int
    end: int
    kind: str
    key: str = ""


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: ArticleSummary
    link: str | None
    snippet: str
    highlights: tuple[Span, ...] = ()
    """Matched spans, as offsets into `snippet`."""


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one feed's refresh did."""

    url: str
    title: str
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    unchanged: bool = False
    """The body was fetched but hashed the same as last time, so nothing was parsed."""
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None
