"""Tables, indexes and numbered migrations keyed on PRAGMA user_version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tui_news.errors import StoreError
from tui_news.store import fts
from tui_news.store.db import APPLICATION_ID, Database, wrap_errors

V1 = """
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,  -- as written in feeds.toml: the feed's identity
    fetch_url     TEXT,              -- where a permanent redirect moved it (NULL: url itself)
    name          TEXT,              -- from feeds.toml
    title         TEXT,              -- from the feed itself
    link          TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',   -- JSON list
    enabled       INTEGER NOT NULL DEFAULT 1,
    in_config     INTEGER NOT NULL DEFAULT 1,
    position      INTEGER NOT NULL DEFAULT 0,
    etag          TEXT,
    last_modified TEXT,
    body_hash     TEXT,
    last_status   TEXT,
    last_error    TEXT,
    error_count   INTEGER NOT NULL DEFAULT 0,
    last_refresh  INTEGER,
    next_refresh  INTEGER
);

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid         TEXT NOT NULL,
    title        TEXT NOT NULL,
    author       TEXT,
    link         TEXT,
    published    INTEGER NOT NULL,   -- unix seconds, UTC, or the first-seen time when the feed gave none
    updated      INTEGER,
    summary      TEXT,
    content      TEXT,
    content_hash TEXT NOT NULL,
    read         INTEGER NOT NULL DEFAULT 0,
    starred      INTEGER NOT NULL DEFAULT 0,
    first_seen   INTEGER NOT NULL,
    entities_version INTEGER,        -- NULL: entities not computed yet
    UNIQUE (feed_id, guid)
);
-- One feed's articles by date, a page at a time.
CREATE INDEX articles_by_feed_date ON articles (feed_id, published DESC, id DESC);
-- Every article by date (the All view).
CREATE INDEX articles_by_date ON articles (published DESC, id DESC);
-- Unread counts per feed: a scan of the unread part of this index only.
CREATE INDEX articles_unread ON articles (read, feed_id);
CREATE INDEX articles_starred ON articles (published DESC) WHERE starred = 1;

CREATE TABLE article_entities (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL
);
CREATE INDEX entities_by_key ON article_entities (key, article_id);
CREATE INDEX entities_by_article ON article_entities (article_id);
"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one (executescript would COMMIT the migration's transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement[:60]!r}")


def _v1(conn: sqlite3.Connection) -> None:
    run_script(conn, V1)


V3_HOLDS = """
-- Articles a reader has open (or just flagged): retention, in any process, leaves them alone until `until`.
CREATE TABLE holds (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    until      INTEGER NOT NULL   -- unix seconds, UTC
);
"""


def _v3(conn: sqlite3.Connection) -> None:
    run_script(conn, V3_HOLDS)


FULL_HTML = """
-- The article's whole text, extracted from its page (HTML-lite); NULL unless full_texts.status = 'ok'.
-- db.BODY prefers it: the search index and the entities cover it.
ALTER TABLE articles ADD COLUMN full_html TEXT;
"""

V4 = """
-- Fetching an article's page: no row means "not tried".
CREATE TABLE full_texts (
    article_id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    link         TEXT NOT NULL,      -- the article link it was fetched for: a changed link drops it all
    status       TEXT NOT NULL,      -- 'ok' or 'failed'
    reason       TEXT,               -- why it failed, one line
    extractor    TEXT,               -- 'rule:<domain>', 'trafilatura', 'readability'
    host         TEXT,
    fetched_at   INTEGER NOT NULL,   -- unix seconds, UTC, of the last attempt
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_try     INTEGER,            -- failed, not final: not retried before this
    final        INTEGER NOT NULL DEFAULT 0,
    page         BLOB,               -- the page bytes, zlib-compressed, for `reextract` (NULL once expired)
    page_url     TEXT,               -- where the page came from, after redirects
    page_expires INTEGER             -- the page is dropped after this
);
CREATE INDEX full_texts_retry ON full_texts (next_try) WHERE status = 'failed' AND final = 0;
CREATE INDEX full_texts_pages ON full_texts (page_expires) WHERE page IS NOT NULL;
"""


def _add_full_html(conn: sqlite3.Connection) -> None:
    """articles.full_html (migration 4), added by migration 2 already when it runs first: its index reads
    db.BODY, which names the column."""
    if not any(row[1] == "full_html" for row in conn.execute("PRAGMA table_info(articles)")):
        run_script(conn, FULL_HTML)


def _v2(conn: sqlite3.Connection) -> None:
    _add_full_html(conn)
    fts.migrate(conn)


def _v4(conn: sqlite3.Connection) -> None:
    _add_full_html(conn)
    run_script(conn, V4)


MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (4, _v4),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(db: Database) -> None:
    """Bring the cache to SCHEMA_VERSION, each migration in its own transaction."""
    conn = db.connect()
    with wrap_errors(db.path):
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and app_id == 0:
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise StoreError(f"{db.path} is an SQLite database that tui-news did not create; not touching it")
        elif app_id != APPLICATION_ID:
            raise StoreError(f"{db.path} is an SQLite database that tui-news did not create; not touching it")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the cache {db.path} was written by a newer tui-news (schema {version} > {SCHEMA_VERSION})"
            )
        for number, step in MIGRATIONS:
            if number <= version:
                continue
            with db.transaction() as tx:
                # Another process may have migrated while we waited for the write lock.
                if tx.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                step(tx)
                tx.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                tx.execute(f"PRAGMA user_version = {number}")
