"""The sync tables (schema migration 4): which cache feeds and articles mirror a server's, the queue of flag
changes waiting to reach it, and each server's progress. Every SQL statement of tui_news.sync is here.

The queue is filled by triggers on `articles` (schema.V4_SYNC), in the transaction that changes read or
starred, so a change made anywhere (the reader, `tui-news mark`, mark-all-read) is queued atomically with it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tui_news.store.db import Database, marks, wrap_errors
from tui_news.text import clean_line

SYNC_POSITION = 1_000_000
"""Feeds of a sync server are listed after feeds.toml's own (feeds.position)."""


@dataclass(frozen=True, slots=True)
class QueuedChange:
    remote_id: int
    field: str
    """'read' or 'starred'."""
    value: bool
    changed_at: int
    """Unix seconds, UTC."""


@dataclass(frozen=True, slots=True)
class SyncState:
    since_id: int = 0
    last_sync: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    next_try: datetime | None = None


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    remote_id: int
    url: str
    """The key the cache knows this feed by (unique among feeds.url)."""
    title: str
    tags: tuple[str, ...]


def _dt(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


class SyncRepository:
    def __init__(self, db: Database):
        self.db = db

    # ----------------------------------------------------------------- feeds
    def upsert_feeds(self, source: str, feeds: Sequence[RemoteFeed]) -> dict[int, int]:
        """Make the server's feeds feeds of the cache (disabled for `refresh`: the server fetches them) and hide
        those it no longer has. Returns remote id -> cache feed id."""
        with self.db.transaction() as conn:
            known = dict(conn.execute("SELECT remote_id, feed_id FROM sync_feeds WHERE source = ?", (source,)))
            for feed in feeds:
                tags = json.dumps(list(feed.tags), ensure_ascii=False)
                position = SYNC_POSITION + feed.remote_id
                if feed.remote_id in known:
                    conn.execute("UPDATE feeds SET title = ?, tags = ?, in_config = 1, enabled = 0, position = ? "
                                 "WHERE id = ?", (feed.title, tags, position, known[feed.remote_id]))
                    continue
                row = conn.execute(
                    """INSERT INTO feeds (url, title, tags, enabled, in_config, position) VALUES (?, ?, ?, 0, 1, ?)
                       ON CONFLICT (url) DO UPDATE SET title = excluded.title, tags = excluded.tags, enabled = 0,
                           in_config = 1, position = excluded.position
                       RETURNING id""", (feed.url, feed.title, tags, position)).fetchone()
                conn.execute("INSERT OR REPLACE INTO sync_feeds (feed_id, source, remote_id) VALUES (?, ?, ?)",
                             (row[0], source, feed.remote_id))
                known[feed.remote_id] = row[0]
            gone = [fid for rid, fid in known.items() if rid not in {f.remote_id for f in feeds}]
            if gone:
                conn.execute(f"UPDATE feeds SET in_config = 0 WHERE id IN ({marks(len(gone))})", gone)
                for fid in gone:
                    known = {r: f for r, f in known.items() if f != fid}
        return known

    # -------------------------------------------------------------- articles
    def link_articles(self, source: str, feed_id: int, remote_by_guid: dict[str, int]) -> None:
        """Record which cache article (found by guid in `feed_id`) is which server article."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                f"SELECT guid, id FROM articles WHERE feed_id = ? AND guid IN ({marks(len(remote_by_guid))})",
                [feed_id, *remote_by_guid]).fetchall()
            conn.executemany(
                "INSERT OR REPLACE INTO sync_articles (article_id, source, remote_id) VALUES (?, ?, ?)",
                [(r[1], source, remote_by_guid[r[0]]) for r in rows])

    def article_ids(self, source: str, remote_ids: Iterable[int]) -> dict[int, int]:
        """remote id -> cache article id, for those the cache has."""
        ids = list(remote_ids)
        with wrap_errors(self.db.path):
            return dict(self.db.connect().execute(
                "SELECT remote_id, article_id FROM sync_articles WHERE source = ? AND remote_id IN "
                "(SELECT value FROM json_each(?))", (source, json.dumps(ids))))

    def apply_remote_flags(self, source: str, unread: set[int], starred: set[int]) -> int:
        """Make every mirrored article's read/starred what the server says, except a flag with a change still
        queued here (it was made after the server state we are looking at was read: it wins, and is sent at
        the next push). Returns how many flags changed. One transaction."""
        changed = 0
        with self.db.transaction() as conn:
            pending = {(r[0], r[1]) for r in conn.execute(
                "SELECT remote_id, field FROM sync_queue WHERE source = ?", (source,))}
            rows = conn.execute(
                """SELECT s.remote_id, a.id, a.read, a.starred FROM sync_articles s
                   JOIN articles a ON a.id = s.article_id WHERE s.source = ?""", (source,)).fetchall()
            for field, want_of in (("read", lambda rid: rid not in unread), ("starred", lambda rid: rid in starred)):
                column = 2 if field == "read" else 3
                updates = [(int(want_of(r[0])), r[1], r[0]) for r in rows
                           if bool(r[column]) != want_of(r[0]) and (r[0], field) not in pending]
                if not updates:
                    continue
                conn.executemany(f"UPDATE articles SET {field} = ? WHERE id = ?", [(v, a) for v, a, _ in updates])
                # The triggers queued these as if made here: they came from the server, nothing to send.
                conn.executemany("DELETE FROM sync_queue WHERE source = ? AND remote_id = ? AND field = ?",
                                 [(source, rid, field) for _, _, rid in updates])
                changed += len(updates)
        return changed

    # ----------------------------------------------------------------- queue
    def pending(self, source: str) -> list[QueuedChange]:
        with wrap_errors(self.db.path):
            rows = self.db.connect().execute(
                "SELECT remote_id, field, value, changed_at FROM sync_queue WHERE source = ? ORDER BY changed_at",
                (source,)).fetchall()
        return [QueuedChange(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    def queue_length(self, source: str | None = None) -> int:
        with wrap_errors(self.db.path):
            if source is None:
                return int(self.db.connect().execute("SELECT count(*) FROM sync_queue").fetchone()[0])
            return int(self.db.connect().execute(
                "SELECT count(*) FROM sync_queue WHERE source = ?", (source,)).fetchone()[0])

    def drop_sent(self, source: str, sent: Sequence[QueuedChange]) -> None:
        """Forget changes the server accepted, unless the flag changed again meanwhile (then that is sent)."""
        with self.db.transaction() as conn:
            conn.executemany(
                """DELETE FROM sync_queue WHERE source = ? AND remote_id = ? AND field = ? AND value = ?
                   AND changed_at = ?""",
                [(source, c.remote_id, c.field, int(c.value), c.changed_at) for c in sent])

    # ----------------------------------------------------------------- state
    def state(self, source: str) -> SyncState:
        with wrap_errors(self.db.path):
            row = self.db.connect().execute(
                "SELECT since_id, last_sync, last_error, error_count, next_try FROM sync_state WHERE source = ?",
                (source,)).fetchone()
        if row is None:
            return SyncState()
        return SyncState(row[0], _dt(row[1]), row[2], row[3], _dt(row[4]))

    def save_since(self, source: str, since_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("""INSERT INTO sync_state (source, since_id) VALUES (?, ?)
                            ON CONFLICT (source) DO UPDATE SET since_id = max(since_id, excluded.since_id)""",
                         (source, since_id))

    def record_success(self, source: str, now: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute("""INSERT INTO sync_state (source, last_sync) VALUES (?, ?)
                            ON CONFLICT (source) DO UPDATE SET last_sync = excluded.last_sync, last_error = NULL,
                                error_count = 0, next_try = NULL""", (source, int(now.timestamp())))

    def record_failure(self, source: str, error: str, next_try: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute("""INSERT INTO sync_state (source, last_error, error_count, next_try) VALUES (?, ?, 1, ?)
                            ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error,
                                error_count = error_count + 1, next_try = excluded.next_try""",
                         (source, clean_line(error), int(next_try.timestamp())))
