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
from tui_news.text import MAX_HTML, clean_line

__all__ = ["Query", "Term", "Filter", "parse_query", "search", "reindex", "build_sql"]

BASE_WEIGHTS = (10.0, 3.0, 3.0, 1.0)
"""bm25 weights of title, author, feed title, text."""
EXACT_BOOST = 20.0
"""When the query has diacritics, the exact columns weigh this much more than the folded ones."""


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


def build_sql(conn: sqlite3.Connection, query: Query, limit: int) -> tuple[str, list[object]]:
    """The SELECT (article id, score) for a parsed query, best first."""
    where = ["f.in_config = 1"]
    params: list[object] = []
    for flt in query.filters:
        clause, args = _filter_sql(conn, flt)
        where.append(f"NOT ({clause})" if flt.negated else clause)
        params.extend(args)
    match = query.match()
    if match is None:
        excluded = query.exclusion_match()
        if excluded is not None:
            where.append(f"a.id NOT IN (SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?)")
            params.append(excluded)
        sql = (f"SELECT a.id, 0 AS score FROM articles a JOIN feeds f ON f.id = a.feed_id "
               f"WHERE {' AND '.join(where)} ORDER BY a.published DESC, a.id DESC LIMIT ?")
        return sql, [*params, limit]
    weights = ", ".join(f"{w:g}" for w in _weights(query))
    sql = (f"SELECT a.id, bm25({fts.FTS_TABLE}, {weights}) AS score FROM {fts.FTS_TABLE} "
           f"JOIN articles a ON a.id = {fts.FTS_TABLE}.rowid JOIN feeds f ON f.id = a.feed_id "
           f"WHERE {fts.FTS_TABLE} MATCH ? AND {' AND '.join(where)} "
           f"ORDER BY score, a.published DESC, a.id DESC LIMIT ?")
    return sql, [match, *params, limit]


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
        sql, params = build_sql(conn, parsed, limit)
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if _is_query_error(exc):
            raise SearchQueryError(f"cannot search for {query!r}: the index rejected it ({exc})") from exc
        raise translate(exc, repo.db.path) from exc
    except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
        raise
    except sqlite3.Error as exc:
        raise translate(exc, repo.db.path) from exc
    ids = list(dict.fromkeys(r[0] for r in rows))
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
        text = clean_line(fts.html_to_text(html), MAX_HTML)  # NFC, no controls, blanks collapsed
        title = clean_line(summary.title, MAX_HTML)
        shown, spans = best(text, title, terms)
        out.append(SearchHit(summary, link, shown, spans))
    return out


def reindex(repo: Repository) -> int:
    """Drop the index and rebuild it from the articles table in one transaction. Returns the article count."""
    with repo.db.transaction() as conn:
        return fts.rebuild(conn)
