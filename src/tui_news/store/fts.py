"""The full-text index, kept in step with `articles` inside the same transaction.

One contentless FTS5 table (`content=''`: no article text is stored twice), rowid = article id, 8 columns:

    title, author, feed, body            the EXACT form: NFC, case-folded, diacritics kept
    title_f, author_f, feed_f, body_f    the FOLDED form: marks removed, đ -> d; '' if equal to exact

The forms (`tui_news.text.index_forms`) are computed in Python (no SQLite tokenizer folds "đ" or handles
letters with two marks), and the table's tokenizer is `unicode61 remove_diacritics 0`, so it only splits on
non-letters. A folded column is left empty when folding changes nothing (most English text), which keeps the
index small; the search side matches folded terms against all eight columns, so nothing is lost.

SQLite 3.40 has no `contentless_delete`, so unindexing an article means replaying the exact values that were
indexed through the FTS5 'delete' command. They are recomputed from the articles row (deterministic). The
feed title is the one part that changes under an article's feet, so the title that was indexed is kept per
article in `search_docs`, together with a digest of all eight values: if the recomputed values ever differ
(say the HTML-to-text code changed), the delete is skipped rather than corrupting the index, and the index is
flagged stale until `rebuild` (`tui-news reindex`). That is also why the text indexed is
`tui_news.text.index_text` (fast regexes, ~20x quicker than the article pane's renderer) and not the
renderer, which changes for display reasons.

A rebuild (and the migration of a big cache) prepares the text in worker processes while this connection
inserts; a refresh can hand over bodies prepared in its parser workers (`tui_news.text.body_forms`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from tui_news.procs import process_pool
from tui_news.store.db import BODY, FEED_TITLE, marks
from tui_news.text import body_forms, index_forms

FTS_TABLE = "search_fts"
EXACT_COLUMNS = ("title", "author", "feed", "body")
FOLDED_COLUMNS = ("title_f", "author_f", "feed_f", "body_f")
COLUMNS = EXACT_COLUMNS + FOLDED_COLUMNS
CHUNK = 500
PARALLEL_MIN = 5000
BUILD_CACHE_KIB = -65536
BUILD_HASHSIZE = 64 * 2**20
DEFAULT_HASHSIZE = 2**20
"""A rebuild (or the migration) of at least this many articles prepares the text in worker processes."""

_SCHEMA = (
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        {', '.join(COLUMNS)}, content = '', tokenize = 'unicode61 remove_diacritics 0')""",
    # Which articles are in the index, the feed title each was indexed with, and a digest of its values.
    """CREATE TABLE search_docs (
        article_id INTEGER PRIMARY KEY,
        feed       TEXT NOT NULL,
        digest     INTEGER NOT NULL
    )""",
    # The feed title the index last saw per feed: `sync_feed_titles` catches up renames and first titles.
    """CREATE TABLE search_feeds (
        feed_id INTEGER PRIMARY KEY,
        title   TEXT NOT NULL
    )""",
    "CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_TABLES = (FTS_TABLE, "search_docs", "search_feeds", "search_meta")

_ROWS_SQL = f"""SELECT a.id, a.feed_id, a.title, a.author, {BODY} AS html, {FEED_TITLE} AS feed_title
    FROM articles a JOIN feeds f ON f.id = a.feed_id"""


# ------------------------------------------------------------------ forms
def document(title: str | None, author: str | None, feed: str | None, html: str | None,
             body: tuple[str, str] | None = None) -> tuple[str, ...]:
    """The eight indexed values of one article, in COLUMNS order. `body`: `body_forms(html)` if known."""
    (t, t_f), (a, a_f), (f, f_f) = index_forms(title), index_forms(author), index_forms(feed)
    b, b_f = body if body is not None else body_forms(html)
    return t, a, f, b, t_f, a_f, f_f, b_f


def digest(values: Sequence[str]) -> int:
    h = hashlib.blake2b("\x00".join(values).encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(h.digest(), "big", signed=True)


# ------------------------------------------------------------- maintenance
def _create(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        conn.execute(statement)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for article_id in ids:
        batch.append(article_id)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


_INSERT_FTS = f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(COLUMNS)}) VALUES ({marks(len(COLUMNS) + 1)})"
_DELETE_FTS = (f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {', '.join(COLUMNS)}) "
               f"VALUES ('delete', {marks(len(COLUMNS) + 1)})")


Prepared = tuple[int, int, str, tuple[str, ...], int]
"""(article id, feed id, feed title, the eight values, their digest)."""


def _prepare(rows: Iterable[Sequence[object]],
             bodies: Mapping[int, tuple[str, str]] | None = None) -> list[Prepared]:
    """Compute what to index for rows of _ROWS_SQL (pure: runs in worker processes during a rebuild)."""
    out: list[Prepared] = []
    for article_id, feed_id, title, author, html, feed_title in rows:
        assert isinstance(article_id, int) and isinstance(feed_id, int) and isinstance(feed_title, str)
        values = document(_str(title), _str(author), feed_title, _str(html),
                          bodies.get(article_id) if bodies else None)
        out.append((article_id, feed_id, feed_title, values, digest(values)))
    return out


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _insert(conn: sqlite3.Connection, prepared: list[Prepared]) -> int:
    conn.executemany(_INSERT_FTS, [(p[0], *p[3]) for p in prepared])
    conn.executemany("INSERT INTO search_docs (article_id, feed, digest) VALUES (?, ?, ?)",
                     [(p[0], p[2], p[4]) for p in prepared])
    feeds = {p[1]: p[2] for p in reversed(prepared)}
    conn.executemany("INSERT OR IGNORE INTO search_feeds (feed_id, title) VALUES (?, ?)", list(feeds.items()))
    return len(prepared)


def _index_rows(conn: sqlite3.Connection, rows: Iterable[sqlite3.Row],
                bodies: Mapping[int, tuple[str, str]] | None = None) -> int:
    return _insert(conn, _prepare(rows, bodies))


def _pool() -> tuple[ProcessPoolExecutor, int] | None:
    workers = max(1, (os.cpu_count() or 1) - 1)
    if (os.cpu_count() or 1) < 2:
        return None
    try:
        return process_pool(workers), workers  # its workers die with this process (kill -9 left them running)
    except (OSError, NotImplementedError, ValueError):
        return None


def _index_all(conn: sqlite3.Connection) -> int:
    """Index every article. A big cache has the text work done by worker processes (all cores but the one
    inserting), batches in flight while this thread inserts the previous ones."""
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    big = total >= PARALLEL_MIN
    if big:
        # FTS5 writes a segment each time its pending terms pass `hashsize` (1 MB), then merges segments:
        # fewer, bigger segments and a bigger page cache make a bulk build ~30% quicker.
        conn.execute(f"PRAGMA cache_size = {BUILD_CACHE_KIB}")
        _config(conn, "hashsize", BUILD_HASHSIZE)
    try:
        return _index_all_rows(conn, total)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        if big:
            _config(conn, "hashsize", DEFAULT_HASHSIZE)


def _config(conn: sqlite3.Connection, name: str, value: int) -> None:
    conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES (?, ?)", (name, value))


def _index_all_rows(conn: sqlite3.Connection, total: int) -> int:
    cursor = conn.execute(_ROWS_SQL + " ORDER BY a.id")
    started = _pool() if total >= PARALLEL_MIN else None
    count = 0
    if started is None:
        while batch := cursor.fetchmany(CHUNK):
            count += _index_rows(conn, batch)
        return count
    pool, workers = started
    with pool:
        pending: deque[Future[list[Prepared]]] = deque()
        depth = 2 * workers + 1
        while batch := cursor.fetchmany(CHUNK):
            pending.append(pool.submit(_prepare, [tuple(r) for r in batch]))
            if len(pending) >= depth:
                count += _insert(conn, pending.popleft().result())
        while pending:
            count += _insert(conn, pending.popleft().result())
    return count


def migrate(conn: sqlite3.Connection) -> None:
    """Create the index tables and index the articles already cached (inside the migration's transaction)."""
    _create(conn)
    _index_all(conn)


def rebuild(conn: sqlite3.Connection) -> int:
    """Drop the index and build it again from the articles table (inside the caller's transaction)."""
    for table in _TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    _create(conn)
    count = _index_all(conn)
    conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    return count


def index_articles(conn: sqlite3.Connection, article_ids: Iterable[int],
                   bodies: Mapping[int, tuple[str, str]] | None = None) -> None:
    """(Re)index these articles from the `articles` table; call after they were inserted or changed.

    `bodies`: article id -> `body_forms(html)` computed ahead (by a parser worker), to skip that work here.
    """
    for batch in _chunks(article_ids):
        already = [r[0] for r in conn.execute(
            f"SELECT article_id FROM search_docs WHERE article_id IN ({marks(len(batch))})", batch)]
        if already:  # the caller did not unindex first: replay what we can
            unindex_articles(conn, already)
        rows = conn.execute(f"{_ROWS_SQL} WHERE a.id IN ({marks(len(batch))})", batch).fetchall()
        _index_rows(conn, rows, bodies)


def unindex_articles(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Drop these articles from the index; call BEFORE they are deleted or changed."""
    for batch in _chunks(article_ids):
        rows = conn.execute(
            f"""SELECT d.article_id, d.feed, d.digest, a.title, a.author, {BODY}, a.id
                FROM search_docs d LEFT JOIN articles a ON a.id = d.article_id
                WHERE d.article_id IN ({marks(len(batch))})""",
            batch,
        ).fetchall()
        deletes = []
        stale = False
        for article_id, feed, stored, title, author, html, present in rows:
            values = document(title, author, feed, html) if present is not None else ()
            if present is not None and digest(values) == stored:
                deletes.append((article_id, *values))
            else:
                stale = True
        conn.executemany(_DELETE_FTS, deletes)
        conn.execute(f"DELETE FROM search_docs WHERE article_id IN ({marks(len(batch))})", batch)
        if stale:
            mark_stale(conn)


def mark_stale(conn: sqlite3.Connection) -> None:
    """Flag the index as needing `rebuild`: some article could not be unindexed exactly."""
    conn.execute("INSERT OR REPLACE INTO search_meta (key, value) VALUES ('stale', '1')")


def is_stale(conn: sqlite3.Connection) -> bool:
    """True when an article could not be unindexed exactly (its text no longer gives what was indexed)."""
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'stale'").fetchone()
    return row is not None and row[0] == "1"


def renamed_feeds(conn: sqlite3.Connection) -> list[int]:
    """Feeds whose display title differs from the one their articles were indexed with."""
    return [r[0] for r in conn.execute(
        f"""SELECT f.id FROM feeds f JOIN search_feeds s ON s.feed_id = f.id
            WHERE s.title IS NOT {FEED_TITLE}""")]


def sync_feed_titles(conn: sqlite3.Connection, feed_ids: Iterable[int]) -> int:
    """Reindex the articles of these feeds that were indexed under an old feed title. Returns how many."""
    count = 0
    for feed_id in feed_ids:
        row = conn.execute(f"SELECT {FEED_TITLE} FROM feeds f WHERE id = ?", (feed_id,)).fetchone()
        if row is None:
            continue
        ids = [r[0] for r in conn.execute(
            """SELECT d.article_id FROM search_docs d JOIN articles a ON a.id = d.article_id
               WHERE a.feed_id = ? AND d.feed != ?""", (feed_id, row[0]))]
        unindex_articles(conn, ids)
        index_articles(conn, ids)
        conn.execute("INSERT OR REPLACE INTO search_feeds (feed_id, title) VALUES (?, ?)", (feed_id, row[0]))
        count += len(ids)
    return count
