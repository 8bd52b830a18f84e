"""Queries over the cache. Every write happens in one transaction; upserts never touch read/starred.

Every SQL statement of tui-news is in this package: the search layer asks this one for scored matches and
filtered ids in plain values (`Condition`, FTS5 MATCH strings it compiled), and ranks them itself."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tui_news.errors import ArticlesGoneError, CacheCorruptError, SearchQueryError, StoreError
from tui_news.models import (
    ALL_ARTICLES,
    Article,
    ArticleFilter,
    ArticleSummary,
    CachingInfo,
    Condition,
    Feed,
    FeedConfig,
    FullText,
    ParsedArticle,
    ParsedFeed,
    Span,
)
from tui_news.store import fts
from tui_news.store.db import BODY, FEED_TITLE, Database, marks, translate, wrap_errors
from tui_news.store.schema import migrate
from tui_news.text import clean_line


def to_ts(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def from_ts(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def content_hash(article: ParsedArticle) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in (article.title, article.author, article.link, article.summary_html, article.content_html):
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _condition(c: Condition) -> tuple[str, list[object]]:
    """One Condition as SQL on `a` (articles) and `f` (feeds)."""
    if c.read is not None:
        return f"a.read = {int(c.read)}", []
    if c.starred is not None:
        return f"a.starred = {int(c.starred)}", []
    if c.since is not None:
        return "a.published >= ?", [c.since]
    if c.feed_ids is not None:
        return f"a.feed_id IN ({','.join(str(int(i)) for i in c.feed_ids) or 'NULL'})", []
    if c.entity is not None:
        kind, keys = c.entity
        return (f"a.id IN (SELECT article_id FROM article_entities WHERE kind = ? AND key IN "
                f"({marks(len(keys)) or 'NULL'}))"), [kind, *keys]
    raise ValueError(f"a condition with nothing to check: {c!r}")


def _conditions(conditions: Sequence[Condition]) -> tuple[list[str], list[object]]:
    """WHERE clauses (to AND) and their parameters: articles of configured feeds meeting every condition."""
    where = ["f.in_config = 1"]
    params: list[object] = []
    for c in conditions:
        clause, args = _condition(c)
        where.append(f"NOT ({clause})" if c.negated else clause)
        params.extend(args)
    return where, params


_UNREAD_SQL = "SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY feed_id"
_FEED_COLUMNS = """f.id, f.url, f.fetch_url, f.title, f.name, f.tags, f.enabled, f.last_status, f.last_error,
    f.error_count, f.last_refresh, f.next_refresh"""


def _feed(row: sqlite3.Row, unread: int = 0, total: int = 0) -> Feed:
    return Feed(
        id=row["id"], url=row["url"], fetch_url=row["fetch_url"] or row["url"], title=row["title"],
        name=row["name"], tags=tuple(json.loads(row["tags"])),
        enabled=bool(row["enabled"]), last_status=row["last_status"], last_error=row["last_error"],
        error_count=row["error_count"], last_refresh=from_ts(row["last_refresh"]),
        next_refresh=from_ts(row["next_refresh"]), unread=unread, total=total,
    )


_SUMMARY_COLUMNS = (
    f"a.id, a.feed_id, {FEED_TITLE} AS feed_title, a.title, a.published, a.read, a.starred")


def _summary(row: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(
        id=row["id"], feed_id=row["feed_id"], feed_title=row["feed_title"], title=row["title"],
        published=datetime.fromtimestamp(row["published"], UTC), read=bool(row["read"]),
        starred=bool(row["starred"]),
    )


class Repository:
    """The cache's one API. Safe to share between threads: each thread uses its own connection."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: Path | str) -> Repository:
        db = Database(path)
        migrate(db)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- feeds
    def sync_feeds(self, feeds: Sequence[FeedConfig]) -> None:
        """Make the feeds table follow the config: add new feeds, update names/tags, hide removed ones.

        A removed feed keeps its articles (and their flags) until it is added back or pruned.
        Writes nothing when the table already follows the config (opening the cache must not write).
        """
        wanted = {(f.url, f.name, json.dumps(list(f.tags), ensure_ascii=False), int(f.enabled), 1, position)
                  for position, f in enumerate(feeds)}
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            rows = conn.execute("SELECT url, name, tags, enabled, in_config, position FROM feeds").fetchall()
        current = {tuple(r) for r in rows if r["in_config"] or r["url"] in {f.url for f in feeds}}
        if current == wanted:
            return
        self.check_not_damaged()  # config changes are rare: make sure we are not writing into damage
        with self.db.transaction() as conn:
            conn.execute("UPDATE feeds SET in_config = 0")
            for position, feed in enumerate(feeds):
                conn.execute(
                    """INSERT INTO feeds (url, name, tags, enabled, in_config, position)
                       VALUES (?, ?, ?, ?, 1, ?)
                       ON CONFLICT (url) DO UPDATE SET name = excluded.name, tags = excluded.tags,
                           enabled = excluded.enabled, in_config = 1, position = excluded.position""",
                    (feed.url, feed.name, json.dumps(list(feed.tags), ensure_ascii=False), int(feed.enabled),
                     position),
                )

    def feeds(self, *, counts: bool = True, include_removed: bool = False) -> list[Feed]:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            where = "" if include_removed else "WHERE f.in_config = 1"
            rows = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f {where} ORDER BY f.position, f.id").fetchall()
            unread: dict[int, int] = {}
            total: dict[int, int] = {}
            if counts:
                unread = dict(conn.execute(_UNREAD_SQL).fetchall())
                total = dict(conn.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id").fetchall())
        return [_feed(r, unread.get(r["id"], 0), total.get(r["id"], 0)) for r in rows]

    def unread_counts(self) -> dict[int, int]:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            return dict(conn.execute(_UNREAD_SQL))

    def feed(self, feed_id: int) -> Feed | None:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
        return None if row is None else _feed(row)

    def feed_by_url(self, url: str) -> Feed | None:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (url,)).fetchone()
        return None if row is None else _feed(row)

    def caching_info(self, feed_id: int) -> CachingInfo:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute("SELECT etag, last_modified, body_hash FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        if row is None:
            return CachingInfo()
        return CachingInfo(row["etag"], row["last_modified"], row["body_hash"])

    def record_failure(self, feed_id: int, status: str, error: str, now: datetime,
                       next_refresh: datetime | None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                """UPDATE feeds SET last_status = ?, last_error = ?, error_count = error_count + 1,
                       last_refresh = ?, next_refresh = ? WHERE id = ?""",
                (status, clean_line(error), to_ts(now), to_ts(next_refresh), feed_id),  # server text: no controls
            )

    def record_not_modified(self, feed_id: int, status: str, now: datetime, next_refresh: datetime | None,
                            caching: CachingInfo | None = None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                """UPDATE feeds SET last_status = ?, last_error = NULL, error_count = 0, last_refresh = ?,
                       next_refresh = ?, etag = coalesce(?, etag), last_modified = coalesce(?, last_modified)
                   WHERE id = ?""",
                (status, to_ts(now), to_ts(next_refresh), caching.etag if caching else None,
                 caching.last_modified if caching else None, feed_id),
            )

    def move_feed(self, feed_id: int, new_url: str) -> None:
        """A permanent redirect: the feed is fetched from `new_url` from now on.

        `url` stays as written in feeds.toml (it is how the config finds the feed again)."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE feeds SET fetch_url = ? WHERE id = ?", (new_url, feed_id))

    def store_feed(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        caching: CachingInfo,
        status: str,
        now: datetime,
        next_refresh: datetime | None,
        max_articles: int | None = None,
        body_forms: Sequence[tuple[str, str]] | None = None,
    ) -> tuple[int, int]:
        """Upsert one feed's articles and its caching info in ONE transaction. Returns (new, updated).

        `body_forms`: `tui_news.text.body_forms` of each article's body, in the order of `parsed.articles`,
        when the parser worker computed them already (the index then skips that work)."""
        new = updated = 0
        now_ts = int(now.timestamp())
        with self.db.transaction() as conn:
            existing: dict[str, tuple[int, str]] = {}
            full: dict[int, str | None] = {}  # article id -> its link, for those with a fetched full text
            for row in conn.execute(
                    """SELECT guid, id, content_hash, link, full_html IS NOT NULL OR EXISTS (
                           SELECT 1 FROM full_texts t WHERE t.article_id = articles.id)
                       FROM articles WHERE feed_id = ?""", (feed_id,)):
                existing[row[0]] = (row[1], row[2])
                if row[4]:
                    full[row[1]] = row[3]
            changed_ids: list[int] = []
            bodies: dict[int, tuple[str, str]] = {}
            for position, art in enumerate(parsed.articles):
                forms = body_forms[position] if body_forms is not None else None
                digest = content_hash(art)
                published = to_ts(art.published)
                old = existing.get(art.guid)
                if old is None:
                    cur = conn.execute(
                        """INSERT INTO articles (feed_id, guid, title, author, link, published, updated, summary,
                               content, content_hash, first_seen)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (feed_id, art.guid, art.title, art.author, art.link,
                         published if published is not None else now_ts, to_ts(art.updated), art.summary_html,
                         art.content_html, digest, now_ts),
                    )
                    assert cur.lastrowid is not None
                    changed_ids.append(cur.lastrowid)
                    if forms is not None:
                        bodies[cur.lastrowid] = forms
                    existing[art.guid] = (cur.lastrowid, digest)
                    new += 1
                elif old[1] != digest:
                    article_id = old[0]
                    fts.unindex_articles(conn, [article_id])
                    # Read and starred are deliberately not in this statement. A fetched full text stays
                    # unless the article's link changed (then it is another page: fetched again if due).
                    keeps_full = article_id in full and full[article_id] == art.link
                    if article_id in full:
                        conn.execute("DELETE FROM full_texts WHERE article_id = ? AND (? OR status = 'feed')",
                                     (article_id, int(not keeps_full)))
                    conn.execute(
                        """UPDATE articles SET title = ?, author = ?, link = ?,
                               published = coalesce(?, published), updated = ?, summary = ?, content = ?,
                               content_hash = ?, entities_version = NULL,
                               full_html = CASE WHEN ? THEN full_html END WHERE id = ?""",
                        (art.title, art.author, art.link, published, to_ts(art.updated), art.summary_html,
                         art.content_html, digest, int(keeps_full), article_id),
                    )
                    conn.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
                    changed_ids.append(article_id)
                    if forms is not None and not keeps_full:  # the forms are of the feed's body
                        bodies[article_id] = forms
                    existing[art.guid] = (article_id, digest)
                    updated += 1
            if changed_ids:
                fts.index_articles(conn, changed_ids, bodies)
            conn.execute(
                """UPDATE feeds SET title = coalesce(?, title), link = coalesce(?, link), etag = ?,
                       last_modified = ?, body_hash = ?, last_status = ?, last_error = ?, error_count = 0,
                       last_refresh = ?, next_refresh = ? WHERE id = ?""",
                (parsed.title or None, parsed.link, caching.etag, caching.last_modified, caching.body_hash,
                 status, None, now_ts, to_ts(next_refresh), feed_id),
            )
            if max_articles is not None:
                self._trim_feed(conn, feed_id, max_articles, now)
        return new, updated

    def load_unindexed(self, rows: Sequence[Sequence[object]], *, refreshed: int, next_refresh: int) -> None:
        """Demos and benchmarks only: insert article rows as given (feed_id, guid, title, author, link,
        published, updated, summary, content, content_hash, read, starred, first_seen) WITHOUT indexing them,
        mark every feed refreshed at `refreshed` (unix time) with its name as title, then ANALYZE."""
        with self.db.transaction() as conn:
            conn.executemany(
                """INSERT INTO articles (feed_id, guid, title, author, link, published, updated, summary,
                       content, content_hash, read, starred, first_seen)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
            conn.execute("UPDATE feeds SET title = name, last_status = '200', last_refresh = ?, next_refresh = ?",
                         (refreshed, next_refresh))
        with wrap_errors(self.db.path):
            self.db.connect().execute("ANALYZE")

    # ------------------------------------------------------------- articles
    def _where(self, flt: ArticleFilter) -> tuple[str, list[object]]:
        clauses = ["f.in_config = 1"]
        params: list[object] = []
        if flt.feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(flt.feed_id)
        if flt.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(f.tags) WHERE value = ?)")
            params.append(flt.tag)
        if flt.unread:
            clauses.append("a.read = 0")
        if flt.starred:
            clauses.append("a.starred = 1")
        if flt.entity_key is not None:
            clauses.append("a.id IN (SELECT article_id FROM article_entities WHERE key = ?)")
            params.append(flt.entity_key)
        if flt.ids is not None:
            clauses.append(f"a.id IN ({marks(len(flt.ids)) or 'NULL'})")
            params.extend(flt.ids)
        return " AND ".join(clauses), params

    def count_articles(self, flt: ArticleFilter = ALL_ARTICLES) -> int:
        where, params = self._where(flt)
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute(
                f"SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE {where}", params
            ).fetchone()
        return int(row[0])

    def articles(self, flt: ArticleFilter = ALL_ARTICLES, *, offset: int = 0,
                 limit: int = 100) -> list[ArticleSummary]:
        """One page of the list, newest first."""
        where, params = self._where(flt)
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            rows = conn.execute(
                f"""SELECT {_SUMMARY_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
                    WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?""",
                [*params, limit, offset],
            ).fetchall()
        return [_summary(r) for r in rows]

    def next_unread(self, flt: ArticleFilter, after: int | None, *, backwards: bool = False
                    ) -> tuple[int, int] | None:
        """The first unread article of `flt` after article `after` in list order (newest first), or the last one
        before it when `backwards`, as (its position in the list, its id); None when there is none.
        `after=None` starts from the top of the list (backwards: from the bottom).

        One statement: it walks the date index from the anchor and stops at the first unread row, then counts
        the rows above it (CROSS JOIN keeps articles the outer loop, so the index order serves the LIMIT)."""
        where, params = self._where(flt)
        cmp, order = (">", "ASC") if backwards else ("<", "DESC")
        source, anchor, anchor_params = "articles a", "", []
        if after is not None:
            source = "(SELECT published AS p, id AS i FROM articles WHERE id = ?) anchor CROSS JOIN articles a"
            anchor = f"AND a.published {cmp}= anchor.p AND (a.published {cmp} anchor.p OR a.id {cmp} anchor.i)"
            anchor_params = [after]
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute(
                f"""WITH target AS (
                        SELECT a.id, a.published FROM {source} CROSS JOIN feeds f
                        WHERE f.id = a.feed_id AND {where} AND a.read = 0 {anchor}
                        ORDER BY a.published {order}, a.id {order} LIMIT 1)
                    SELECT (SELECT count(*) FROM articles a CROSS JOIN feeds f
                            WHERE f.id = a.feed_id AND {where} AND a.published >= target.published
                              AND (a.published > target.published OR a.id > target.id)), target.id
                    FROM target""",
                [*anchor_params, *params, *params],
            ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def article_summaries(self, ids: Sequence[int]) -> list[ArticleSummary]:
        """Summaries for these ids, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            rows = conn.execute(
                f"""SELECT {_SUMMARY_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
                    WHERE a.id IN ({marks(len(ids))})""",
                list(ids),
            ).fetchall()
        by_id = {r["id"]: _summary(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def article(self, article_id: int) -> Article | None:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute(
                f"""SELECT a.*, {FEED_TITLE} AS feed_title FROM articles a
                   JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?""",
                (article_id,),
            ).fetchone()
        if row is None:
            return None
        return Article(
            id=row["id"], feed_id=row["feed_id"], feed_title=row["feed_title"], guid=row["guid"],
            title=row["title"], author=row["author"], link=row["link"],
            published=datetime.fromtimestamp(row["published"], UTC), updated=from_ts(row["updated"]),
            summary_html=row["summary"], content_html=row["content"], read=bool(row["read"]),
            starred=bool(row["starred"]), first_seen=datetime.fromtimestamp(row["first_seen"], UTC),
        )

    def set_read(self, article_ids: Iterable[int], read: bool = True) -> None:
        """Raises ArticlesGoneError naming the ids no longer in the cache (the others are written)."""
        self._set_flag("read", article_ids, read)

    def set_starred(self, article_ids: Iterable[int], starred: bool = True) -> None:
        """Raises ArticlesGoneError naming the ids no longer in the cache (the others are written)."""
        self._set_flag("starred", article_ids, starred)

    def _set_flag(self, column: str, article_ids: Iterable[int], value: bool) -> None:
        assert column in ("read", "starred")
        ids = list(dict.fromkeys(article_ids))
        gone: list[int] = []
        with self.db.transaction() as conn:
            for article_id in ids:
                # rowcount counts matched rows (SQLite reports a no-op UPDATE as changed): 0 means no such row.
                if conn.execute(f"UPDATE articles SET {column} = ? WHERE id = ?",
                                (int(value), article_id)).rowcount == 0:
                    gone.append(article_id)
        if gone:
            raise ArticlesGoneError(gone)

    def hold(self, article_ids: Iterable[int], until: datetime) -> None:
        """Keep these articles out of retention (in every process) until `until`: the reader has them open."""
        ts = int(until.timestamp())
        with self.db.transaction() as conn:
            conn.executemany(
                """INSERT INTO holds (article_id, until) SELECT id, ? FROM articles WHERE id = ?
                   ON CONFLICT(article_id) DO UPDATE SET until = max(until, excluded.until)""",
                [(ts, i) for i in article_ids])

    def mark_all_read(self, flt: ArticleFilter = ALL_ARTICLES) -> int:
        where, params = self._where(flt)
        with self.db.transaction() as conn:
            cur = conn.execute(
                f"""UPDATE articles SET read = 1 WHERE read = 0 AND id IN (
                        SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE {where})""",
                params,
            )
            return cur.rowcount

    def flags(self) -> dict[tuple[str, str], tuple[bool, bool]]:
        """(feed url, guid) -> (read, starred) for every article: used by tests and integrity checks."""
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            rows = conn.execute(
                "SELECT f.url, a.guid, a.read, a.starred FROM articles a JOIN feeds f ON f.id = a.feed_id"
            ).fetchall()
        return {(r[0], r[1]): (bool(r[2]), bool(r[3])) for r in rows}

    # ------------------------------------------------------------- entities
    def entities(self, article_id: int, version: int) -> list[Span] | None:
        """The stored entities of an article, or None when not computed (or computed by another version)."""
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute("SELECT entities_version FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None or row[0] != version:
                return None
            rows = conn.execute(
                "SELECT start, end, kind, key FROM article_entities WHERE article_id = ? ORDER BY start",
                (article_id,),
            ).fetchall()
        return [Span(r[0], r[1], r[2], r[3]) for r in rows]

    def store_entities(self, spans_by_article: Mapping[int, Sequence[Span]], version: int) -> None:
        with self.db.transaction() as conn:
            for article_id, spans in spans_by_article.items():
                conn.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
                conn.executemany(
                    "INSERT INTO article_entities (article_id, kind, key, start, end) VALUES (?, ?, ?, ?, ?)",
                    [(article_id, s.kind, s.key, s.start, s.end) for s in spans],
                )
                conn.execute("UPDATE articles SET entities_version = ? WHERE id = ?", (version, article_id))

    def articles_missing_entities(self, version: int, limit: int) -> list[tuple[int, str, str]]:
        """(id, title, html) of up to `limit` articles whose entities are missing or stale, newest first."""
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            rows = conn.execute(
                f"""SELECT a.id, a.title, coalesce({BODY}, '') FROM articles a
                   WHERE entities_version IS NULL OR entities_version != ?
                   ORDER BY published DESC LIMIT ?""",
                (version, limit),
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def articles_lacking_entities(self, match: str, newest: int, version: int) -> dict[int, str]:
        """id -> body HTML of the articles among the newest `newest` matching `match` (an FTS5 MATCH) whose
        entities are missing or were computed by another version."""
        with self._matching():
            rows = self.db.connect().execute(
                f"""SELECT a.id, coalesce({BODY}, '') FROM articles a
                    WHERE a.id IN (SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?
                                   ORDER BY rowid DESC LIMIT ?)
                    AND (a.entities_version IS NULL OR a.entities_version != ?)""",
                (match, newest, version),
            ).fetchall()
        return {r[0]: r[1] for r in rows}

    def entity_keys(self, kind: str | None = None, prefix: str = "", limit: int = 50) -> list[tuple[str, str, int]]:
        """(kind, key, article count) of stored entities, most mentioned first."""
        conn = self.db.connect()
        clauses, params = ["key >= ?", "key < ?"], [prefix, prefix + "\U0010ffff"]
        if kind:
            clauses.append("kind = ?")
            params.append(kind)
        with wrap_errors(self.db.path):
            rows = conn.execute(
                f"""SELECT kind, key, count(DISTINCT article_id) AS n FROM article_entities
                    WHERE {' AND '.join(clauses)} GROUP BY kind, key ORDER BY n DESC, key LIMIT ?""",
                [*params, limit],
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    # ----------------------------------------------------------- full texts
    def full_text(self, article_id: int) -> tuple[FullText, str | None]:
        """The full-text state of an article and its extracted HTML (None unless the state is ok)."""
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            row = conn.execute(
                """SELECT t.status, t.reason, t.extractor, t.fetched_at, t.host, t.final, a.full_html
                   FROM articles a LEFT JOIN full_texts t ON t.article_id = a.id WHERE a.id = ?""",
                (article_id,)).fetchone()
        if row is None or row[0] is None or row[0] == "feed":
            return FullText("not tried"), None
        state = FullText(row[0], row[1], row[2], from_ts(row[3]), row[4], bool(row[5]))
        return state, row[6] if row[0] == "ok" else None

    def full_text_candidates(self, modes: Mapping[int, str], since: datetime, now: datetime, limit: int,
                             max_attempts: int) -> list[tuple[int, int, str, str | None, str | None]]:
        """(id, feed id, link, content HTML, summary HTML) of articles of these feeds (feed id -> "auto" or
        "always") first seen since `since`, with an http(s) link, whose page was never tried, or failed and is
        due again, or (an "always" feed) was judged complete under "auto"; newest first, at most `limit`."""
        if not modes:
            return []
        always = [fid for fid, mode in modes.items() if mode == "always"]
        with wrap_errors(self.db.path):
            rows = self.db.connect().execute(
                f"""SELECT a.id, a.feed_id, a.link, a.content, a.summary FROM articles a
                    LEFT JOIN full_texts t ON t.article_id = a.id
                    WHERE a.feed_id IN ({marks(len(modes))}) AND a.first_seen >= ?
                      AND (a.link LIKE 'http://%' OR a.link LIKE 'https://%')
                      AND (t.article_id IS NULL
                           OR (t.status = 'failed' AND t.final = 0 AND t.attempts < ?
                               AND coalesce(t.next_try, 0) <= ?)
                           OR (t.status = 'feed' AND a.feed_id IN ({marks(len(always)) or 'NULL'})))
                    ORDER BY a.first_seen DESC, a.id DESC LIMIT ?""",
                [*modes, to_ts(since), max_attempts, to_ts(now), *always, limit]).fetchall()
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def mark_feed_complete(self, articles: Sequence[tuple[int, str]], now: datetime) -> None:
        """Note that these articles' (id, link) own text in the feed was judged complete (no page fetched);
        their state still reads "not tried". A change to the article in the feed forgets the mark."""
        with self.db.transaction() as conn:
            conn.executemany(
                """INSERT OR IGNORE INTO full_texts (article_id, link, status, fetched_at)
                   VALUES (?, ?, 'feed', ?)""", [(aid, link, to_ts(now)) for aid, link in articles])

    def full_text_attempts(self, article_id: int) -> int:
        with wrap_errors(self.db.path):
            row = self.db.connect().execute(
                "SELECT attempts FROM full_texts WHERE article_id = ?", (article_id,)).fetchone()
        return int(row[0]) if row else 0

    def store_full_text(self, article_id: int, link: str, state: FullText, html: str | None, *,
                        page: bytes | None = None, page_url: str | None = None, page_expires: datetime | None = None,
                        next_try: datetime | None = None) -> bool:
        """Record one attempt at an article's page, in ONE transaction with the search index.

        `state.status == "ok"`: `html` becomes the article's body (indexed; entities recomputed). A failure
        never drops a full text stored before (an on-demand fetch that failed keeps the good one).
        `page`: the page bytes already compressed, kept until `page_expires`. Returns False (and writes nothing)
        when the article is gone or its link changed meanwhile."""
        with self.db.transaction() as conn:
            row = conn.execute(
                """SELECT a.link, t.status, coalesce(t.attempts, 0) FROM articles a
                   LEFT JOIN full_texts t ON t.article_id = a.id WHERE a.id = ?""", (article_id,)).fetchone()
            if row is None or row[0] != link:
                return False
            attempts = row[2] + 1
            if state.status != "ok" and row[1] == "ok":
                return True  # keep the good text; the caller reports this attempt's failure
            values = (link, state.status, state.reason, state.extractor, state.host, to_ts(state.fetched_at),
                      attempts, to_ts(next_try), int(state.final), page, page_url, to_ts(page_expires))
            conn.execute(
                """INSERT INTO full_texts (link, status, reason, extractor, host, fetched_at, attempts, next_try,
                       final, page, page_url, page_expires, article_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (article_id) DO UPDATE SET link = excluded.link, status = excluded.status,
                       reason = excluded.reason, extractor = excluded.extractor, host = excluded.host,
                       fetched_at = excluded.fetched_at, attempts = excluded.attempts, next_try = excluded.next_try,
                       final = excluded.final, page = coalesce(excluded.page, page),
                       page_url = coalesce(excluded.page_url, page_url),
                       page_expires = coalesce(excluded.page_expires, page_expires)""",
                (*values, article_id))
            if state.status == "ok":
                self._set_full_html(conn, article_id, html)
        return True

    def _set_full_html(self, conn: sqlite3.Connection, article_id: int, html: str | None) -> None:
        fts.unindex_articles(conn, [article_id])
        conn.execute("UPDATE articles SET full_html = ?, entities_version = NULL WHERE id = ?", (html, article_id))
        conn.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
        fts.index_articles(conn, [article_id])

    def stored_pages(self, now: datetime, feed_id: int | None = None) -> list[tuple[int, str, bytes]]:
        """(article id, page URL, compressed page) of every kept page that has not expired."""
        where, params = "t.page IS NOT NULL AND t.page_expires > ?", [to_ts(now)]
        if feed_id is not None:
            where += " AND a.feed_id = ?"
            params.append(feed_id)
        with wrap_errors(self.db.path):
            rows = self.db.connect().execute(
                f"""SELECT t.article_id, coalesce(t.page_url, t.link), t.page FROM full_texts t
                    JOIN articles a ON a.id = t.article_id WHERE {where} ORDER BY t.article_id""",
                params).fetchall()
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    def reextracted(self, article_id: int, state: FullText, html: str | None) -> None:
        """A kept page extracted again: its new text (indexed), or the failure (the old text goes)."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE full_texts SET status = ?, reason = ?, extractor = ?, final = ? WHERE article_id = ?",
                         (state.status, state.reason, state.extractor, int(state.final), article_id))
            self._set_full_html(conn, article_id, html if state.status == "ok" else None)

    def drop_expired_pages(self, now: datetime) -> int:
        """Forget the page bytes kept past their time (the extracted text stays). Returns how many."""
        with self.db.transaction() as conn:
            return conn.execute("UPDATE full_texts SET page = NULL WHERE page IS NOT NULL AND page_expires <= ?",
                                (to_ts(now),)).rowcount

    # ------------------------------------------------------------ retention
    def _trim_feed(self, conn: sqlite3.Connection, feed_id: int, keep: int, now: datetime) -> int:
        """Delete the feed's unstarred articles beyond the newest `keep`, except held ones (an open article)."""
        ids = [r[0] for r in conn.execute(
            """SELECT id FROM articles WHERE feed_id = ? AND starred = 0
                   AND id NOT IN (SELECT article_id FROM holds WHERE until > ?)
               ORDER BY published DESC, id DESC LIMIT -1 OFFSET ?""", (feed_id, int(now.timestamp()), keep))]
        self._delete(conn, ids)
        return len(ids)

    def _delete(self, conn: sqlite3.Connection, ids: list[int]) -> None:
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            fts.unindex_articles(conn, chunk)
            conn.execute(f"DELETE FROM articles WHERE id IN ({marks(len(chunk))})", chunk)

    def apply_retention(self, now: datetime, days: int | None, per_feed: int | None) -> int:
        """Delete old unstarred articles. Starred articles are never deleted, nor held ones (open in a reader,
        in any process: see `hold`). Returns how many went."""
        deleted = 0
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM holds WHERE until <= ?", (int(now.timestamp()),))
            if days is not None:
                cutoff = int(now.timestamp()) - days * 86400
                ids = [r[0] for r in conn.execute(
                    """SELECT id FROM articles WHERE starred = 0 AND published < ? AND first_seen < ?
                         AND id NOT IN (SELECT article_id FROM holds)""",
                    (cutoff, cutoff))]
                self._delete(conn, ids)
                deleted += len(ids)
            if per_feed is not None:
                for (feed_id,) in conn.execute("SELECT id FROM feeds").fetchall():
                    deleted += self._trim_feed(conn, feed_id, per_feed, now)
        return deleted

    # --------------------------------------------------------------- search
    @contextlib.contextmanager
    def _matching(self) -> Iterator[None]:
        """Like wrap_errors, but an FTS5 MATCH string FTS5 refuses is the query's fault: SearchQueryError."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "fts5" in text or "syntax error" in text or "unknown special query" in text:
                raise SearchQueryError("the full-text index refused the query") from exc
            raise translate(exc, self.db.path) from exc
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.Error as exc:
            raise translate(exc, self.db.path) from exc

    def match_scores(self, match: str, weights: Sequence[float], window: int | None) -> list[tuple[int, float]]:
        """(article id, bm25 score with these column weights) of the newest `window` articles matching an
        FTS5 MATCH expression (all when None), newest first."""
        columns = ", ".join(f"{w:g}" for w in weights)
        sql = (f"SELECT rowid, bm25({fts.FTS_TABLE}, {columns}) FROM {fts.FTS_TABLE} "
               f"WHERE {fts.FTS_TABLE} MATCH ? ORDER BY rowid DESC")
        if window is not None:
            sql += f" LIMIT {int(window)}"
        with self._matching():
            return [(r[0], r[1]) for r in self.db.connect().execute(sql, (match,))]

    def match_ids(self, match: str, *, min_id: int = 0, newest: int | None = None) -> list[int]:
        """Ids of the articles matching an FTS5 MATCH expression: those from `min_id` up, or the newest
        `newest` of them; newest first."""
        sql = (f"SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ? AND rowid >= ? "
               f"ORDER BY rowid DESC")
        if newest is not None:
            sql += f" LIMIT {int(newest)}"
        with self._matching():
            return [r[0] for r in self.db.connect().execute(sql, (match, min_id))]

    def newest_ids(self, conditions: Sequence[Condition], limit: int, exclude: str | None = None) -> list[int]:
        """The newest `limit` articles meeting every condition and not matching `exclude` (a MATCH)."""
        where, params = _conditions(conditions)
        if exclude is not None:
            where.append(f"a.id NOT IN (SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?)")
            params.append(exclude)
        sql = (f"SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id "
               f"WHERE {' AND '.join(where)} ORDER BY a.published DESC, a.id DESC LIMIT ?")
        with self._matching():
            return [r[0] for r in self.db.connect().execute(sql, [*params, limit])]

    def published_if(self, ids: Sequence[int], conditions: Sequence[Condition]) -> dict[int, int]:
        """Of these article ids, those meeting every condition: id -> published (unix time)."""
        where, params = _conditions(conditions)
        sql = (f"SELECT a.id, a.published FROM articles a JOIN feeds f ON f.id = a.feed_id "
               f"WHERE a.id IN (SELECT value FROM json_each(?)) AND {' AND '.join(where)}")
        with self._matching():
            return dict(self.db.connect().execute(sql, [json.dumps(list(ids)), *params]).fetchall())

    def entity_keys_of(self, kind: str) -> list[str]:
        """Every distinct stored key of this entity kind."""
        with wrap_errors(self.db.path):
            return [r[0] for r in self.db.connect().execute(
                "SELECT DISTINCT key FROM article_entities WHERE kind = ?", (kind,))]

    def links_and_bodies(self, ids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
        """id -> (link, body HTML) of these articles."""
        if not ids:
            return {}
        with wrap_errors(self.db.path):
            return {r[0]: (r[1], r[2]) for r in self.db.connect().execute(
                f"SELECT a.id, a.link, {BODY} FROM articles a WHERE a.id IN ({marks(len(ids))})",
                list(ids))}

    def catch_up_index_feed_titles(self) -> int:
        """Reindex articles whose feed was renamed (or got its first title) since they were indexed; returns
        how many. Never waits for another writer: busy, read-only or in a transaction, it does nothing."""
        conn = self.db.connect()
        if conn.in_transaction:
            return 0
        try:
            renamed = fts.renamed_feeds(conn)
        except sqlite3.Error:
            return 0
        if not renamed:
            return 0
        try:
            with self.db.transaction(wait=False) as tx:
                return fts.sync_feed_titles(tx, renamed)
        except StoreError:
            return 0

    def rebuild_search_index(self) -> int:
        """Drop the search index and build it again from the articles, in one transaction. Returns how many
        articles it holds."""
        with self.db.transaction() as conn:
            return fts.rebuild(conn)

    def search_index_stale(self) -> bool:
        """Whether some article could not be unindexed exactly (see store/fts.py): `reindex` repairs it."""
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            return fts.is_stale(conn)

    def integrity_check(self) -> str:
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])

    def check_not_damaged(self) -> None:
        """Raise CacheCorruptError if `PRAGMA quick_check` finds damage.

        SQLite only notices a damaged page when it touches it, so a refresh could otherwise write into (and
        spread) damage it never read. Linear in the file size, but reads only: run it once before writing."""
        conn = self.db.connect()
        with wrap_errors(self.db.path):
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        result = str(rows[0][0]) if rows else "ok"
        if result != "ok":
            detail = " ".join(result.replace("*** in database main ***", "").split())[:200]
            raise CacheCorruptError(self.db.path, f"quick_check: {detail}")
