"""Full-text search over the cache, the way Vietnamese (and English) readers type.

`search(repo, "dang bo hai phong since:7d")` parses the query (tui_news.search.query), runs one FTS5 query
over the contentless index kept by tui_news.store.fts (bm25, title weighted up, exact-diacritic matches
boosted far above folded-only ones, then newest first), and returns SearchHits whose snippets are windows of
each article's original NFC text with the matched words as Spans (tui_news.search.snippet).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from tui_news import entities
from tui_news.errors import SearchQueryError, StoreError
from tui_news.models import SearchHit
from tui_news.search.query import Filter, Query, Term, parse_query
from tui_news.search.snippet import best
from tui_news.store import fts
from tui_news.store.db import BUSY_TIMEOUT_MS, translate, wrap_errors
from tui_news.store.repo import Repository
from tui_news.text import nfc

__all__ = ["Query", "Term", "Filter", "parse_query", "search", "reindex", "build_sql", "ranked_ids"]

FTS = fts.FTS_TABLE

BASE_WEIGHTS = (10.0, 3.0, 3.0, 1.0)
"""bm25 weights of title, author, feed title, text."""
EXACT_BOOST = 20.0
"""When the query has diacritics, the exact columns weigh this much more than the folded ones."""
WINDOW_BUDGET = 6000
MIN_WINDOW = 800
MAX_WINDOW = 4000
"""bm25 ranks the newest WINDOW_BUDGET / phrases matches, within [MIN_WINDOW, MAX_WINDOW]: see rank_window."""
INNER_SLACK = 50


def _weights(query: Query) -> tuple[float, ...]:
    boost = EXACT_BOOST if query.accented else 1.0
    return tuple(w * boost for w in BASE_WEIGHTS) + BASE_WEIGHTS


def _feeds(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, name, title, url, tags FROM feeds").fetchall()


def _filter_sql(conn: sqlite3.Connection, flt: Filter) -> tuple[str, list[object]]:
    """One filter as a SQL condition on `a` (articles) and `f` (feeds)."""
    if flt.name == "is":
        column, value = {"unread": ("a.read", 0), "read": ("a.read", 1), "starred": ("a.starred", 1),
                         "unstarred": ("a.starred", 0)}[flt.value]
        return f"{column} = {value}", []
    if flt.name == "since":
        return "a.published >= ?", [flt.since]
    if flt.name == "feed":
        wanted = fts.fold(flt.value)
        ids = [r["id"] for r in _feeds(conn)
               if any(wanted in fts.fold(v) for v in (r["name"], r["title"], r["url"]) if v)]
        return f"a.feed_id IN ({','.join(map(str, ids)) or 'NULL'})", []
    if flt.name == "tag":
        wanted = fts.fold(flt.value)
        ids = [r["id"] for r in _feeds(conn)
               if any(fts.fold(t) == wanted for t in json.loads(r["tags"] or "[]"))]
        return f"a.feed_id IN ({','.join(map(str, ids)) or 'NULL'})", []
    kind = entities.PERSON if flt.name == "person" else entities.RESOLUTION
    keys = [r[0] for r in conn.execute("SELECT DISTINCT key FROM article_entities WHERE kind = ?", (kind,))
            if entities.key_matches(kind, r[0], flt.value)]
    return (f"a.id IN (SELECT article_id FROM article_entities WHERE kind = ? AND key IN "
            f"({','.join('?' * len(keys)) or 'NULL'}))"), [kind, *keys]


def _filters(conn: sqlite3.Connection, query: Query) -> tuple[list[str], list[object]]:
    where = ["f.in_config = 1"]
    params: list[object] = []
    for flt in query.filters:
        clause, args = _filter_sql(conn, flt)
        where.append(f"NOT ({clause})" if flt.negated else clause)
        params.extend(args)
    return where, params


def rank_window(query: Query) -> int:
    """How many of the newest matches bm25 ranks. Scoring costs per matched row and per phrase, so a query
    matching half the cache ranks its newest few thousand matches (a news reader's readers want recent
    articles); every query with fewer matches than this is ranked over all of them."""
    phrases = sum(1 + t.accented for t in query.terms) + len(query.exclusions)
    return max(MIN_WINDOW, min(MAX_WINDOW, WINDOW_BUDGET // max(1, phrases)))


def build_sql(conn: sqlite3.Connection, query: Query, limit: int, *, floor: int | None = None,
              joined: bool = True) -> tuple[str, list[object]]:
    """The SELECT (article id, score) for a parsed query, best first.

    `floor`: rank only articles with id >= floor. `joined=False` (no filters): rank in the index alone and
    join the articles table for the top rows only."""
    where, params = _filters(conn, query)
    match = query.match()
    if match is None:
        excluded = query.exclusion_match()
        if excluded is not None:
            where.append(f"a.id NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH ?)")
            params.append(excluded)
        sql = (f"SELECT a.id, 0 AS score FROM articles a JOIN feeds f ON f.id = a.feed_id "
               f"WHERE {' AND '.join(where)} ORDER BY a.published DESC, a.id DESC LIMIT ?")
        return sql, [*params, limit]
    weights = ", ".join(f"{w:g}" for w in _weights(query))
    bound = "" if floor is None else f" AND {FTS}.rowid >= {int(floor)}"
    if not joined:
        sql = (f"SELECT a.id, r.score FROM (SELECT rowid AS id, bm25({FTS}, {weights}) AS score FROM {FTS} "
               f"WHERE {FTS} MATCH ?{bound} ORDER BY score LIMIT ?) AS r "
               f"JOIN articles a ON a.id = r.id JOIN feeds f ON f.id = a.feed_id "
               f"WHERE {' AND '.join(where)} ORDER BY r.score, a.published DESC, a.id DESC LIMIT ?")
        return sql, [match, limit + INNER_SLACK, *params, limit]
    sql = (f"SELECT a.id, bm25({FTS}, {weights}) AS score FROM {FTS} "
           f"JOIN articles a ON a.id = {FTS}.rowid JOIN feeds f ON f.id = a.feed_id "
           f"WHERE {FTS} MATCH ?{bound} AND {' AND '.join(where)} "
           f"ORDER BY score, a.published DESC, a.id DESC LIMIT ?")
    return sql, [match, *params, limit]


def ranked_ids(conn: sqlite3.Connection, query: Query, limit: int) -> list[int]:
    """The ids of the best `limit` articles for a parsed query (sqlite3 errors pass through)."""
    match = query.match()
    if match is None:
        sql, params = build_sql(conn, query, limit)
        return [r[0] for r in conn.execute(sql, params)]
    row = conn.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                       (match, rank_window(query) - 1)).fetchone()
    floor = None if row is None else int(row[0])
    joined = bool(query.filters)
    sql, params = build_sql(conn, query, limit, floor=floor, joined=joined)
    rows = conn.execute(sql, params).fetchall()
    if len(rows) < limit and (floor is not None or not joined):
        # The window (or the removed feeds) left too few: rank everything, joined. Rare and slower.
        sql, params = build_sql(conn, query, limit)
        rows = conn.execute(sql, params).fetchall()
    return list(dict.fromkeys(r[0] for r in rows))


def _is_query_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "fts5" in text or "syntax error" in text or "unknown special query" in text


def _catch_up_feed_titles(repo: Repository) -> None:
    """Reindex articles whose feed was renamed (or got its first title) since they were indexed.

    Never waits for another writer: if the cache is busy (a refresh) or read-only, it is tried next time."""
    conn = repo.db.connect()
    if conn.in_transaction:
        return
    try:
        renamed = fts.renamed_feeds(conn)
    except sqlite3.Error:
        return
    if not renamed:
        return
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        with repo.db.transaction() as tx:
            fts.sync_feed_titles(tx, renamed)
    except StoreError:
        pass
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def search(repo: Repository, query: str, *, limit: int = 50, now: datetime | None = None) -> list[SearchHit]:
    """The best `limit` articles for `query`. Raises SearchQueryError for a malformed query."""
    parsed = parse_query(query, now=now or datetime.now(UTC))
    if parsed.empty or limit < 1:
        return []
    _catch_up_feed_titles(repo)
    conn = repo.db.connect()
    try:
        ids = ranked_ids(conn, parsed, limit)
    except sqlite3.OperationalError as exc:
        if _is_query_error(exc):
            raise SearchQueryError(f"cannot search for {query!r}: the index rejected it ({exc})") from exc
        raise translate(exc, repo.db.path) from exc
    except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
        raise
    except sqlite3.Error as exc:
        raise translate(exc, repo.db.path) from exc
    return hits(repo, ids, parsed.terms)


def hits(repo: Repository, ids: list[int], terms: tuple[Term, ...]) -> list[SearchHit]:
    """SearchHits for these article ids, in order, with snippets for `terms`."""
    if not ids:
        return []
    conn = repo.db.connect()
    with wrap_errors(repo.db.path):
        marks = ",".join("?" * len(ids))
        rows = {r[0]: r for r in conn.execute(
            f"SELECT id, link, coalesce(content, summary) FROM articles WHERE id IN ({marks})", ids)}
    out = []
    for summary in repo.article_summaries(ids):
        _id, link, html = rows[summary.id]
        text = nfc(" ".join(fts.html_to_text(html).split()))  # snippet() turns controls into spaces
        title = nfc(" ".join(summary.title.split()))
        shown, spans = best(text, title, terms)
        out.append(SearchHit(summary, link, shown, spans))
    return out


def reindex(repo: Repository) -> int:
    """Drop the index and rebuild it from the articles table in one transaction. Returns the article count."""
    with repo.db.transaction() as conn:
        return fts.rebuild(conn)
