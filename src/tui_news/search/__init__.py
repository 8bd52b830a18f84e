"""Full-text search over the cache, the way Vietnamese (and English) readers type.

`search(repo, "dang bo hai phong since:7d")` parses the query (tui_news.search.query) and ranks the matches in
the contentless index kept by tui_news.store.fts:

1. every word matches in its folded form; bm25 (title weighted up) scores the newest RANK_WINDOW matches;
2. a query typed with diacritics is first run with those words in their exact form; if that does not fill
   the page, the folded matches follow, and among them an article with more of the words exactly ranks above
   one with fewer, whatever bm25 says ("đang" puts "đang" above "Đảng"), then bm25, then the newest first;
3. filters are applied on the articles table; if the window leaves the page short, it widens (x8, then all).

Scoring costs per matched row and per phrase (bm25 counts each phrase over the whole index), so common words
over 100,000 articles would cost hundreds of ms if every match were scored: a news reader's readers want the
recent articles, so the newest matches are the ones ranked. Queries with fewer matches than the window are
ranked in full. SearchHits carry snippets cut from each article's original NFC text with the matched words as
Spans (tui_news.search.snippet).
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
from tui_news.text import html_to_text, nfc

__all__ = ["Query", "Term", "Filter", "parse_query", "search", "reindex", "build_sql", "ranked_ids"]

FTS = fts.FTS_TABLE

BASE_WEIGHTS = (10.0, 3.0, 3.0, 1.0)
"""bm25 weights of title, author, feed title, text."""
WEIGHTS = ", ".join(f"{w:g}" for w in BASE_WEIGHTS * 2)
"""The same weights for the exact and the folded columns."""
RANK_WINDOW = 1000
"""bm25 scores the newest this-many matches (see the module docstring)."""
WIDEN = 8


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


def build_sql(conn: sqlite3.Connection, query: Query, limit: int) -> tuple[str, list[object]]:
    """The SELECT for a query without words (filters, maybe exclusions): newest first."""
    where, params = _filters(conn, query)
    excluded = query.exclusion_match()
    if excluded is not None:
        where.append(f"a.id NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH ?)")
        params.append(excluded)
    sql = (f"SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id "
           f"WHERE {' AND '.join(where)} ORDER BY a.published DESC, a.id DESC LIMIT ?")
    return sql, [*params, limit]


Scored = tuple[int, float, int]
"""(article id, bm25 score, exact-tier: how many accented words it has exactly)."""


def _score(conn: sqlite3.Connection, query: Query, match: str, window: int | None,
           tiered: bool) -> tuple[list[Scored], bool]:
    """The newest `window` matches (all when None), scored and in rank order; and whether there may be more."""
    sql = f"SELECT rowid, bm25({FTS}, {WEIGHTS}) FROM {FTS} WHERE {FTS} MATCH ? ORDER BY rowid DESC"
    rows = conn.execute(sql + (f" LIMIT {int(window)}" if window else ""), (match,)).fetchall()
    more = window is not None and len(rows) >= window
    tiers: dict[int, int] = {}
    exact = {t.exact_match() for t in query.terms if t.accented} if tiered else set()
    if exact and rows:
        floor = rows[-1][0]
        for phrase in exact:
            # ANDed with the query, FTS5 skips through the exact word's list instead of reading all of it.
            for (rowid,) in conn.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH ? AND rowid >= ?",
                                         (f"({match}) AND {phrase}", floor)):
                tiers[rowid] = tiers.get(rowid, 0) + 1
    scored = [(r[0], r[1], tiers.get(r[0], 0)) for r in rows]
    scored.sort(key=lambda s: (-s[2], s[1]))
    return scored, more


def _keep(conn: sqlite3.Connection, query: Query, ids: list[int]) -> dict[int, int]:
    """Of these article ids, those that pass the filters: id -> published."""
    where, params = _filters(conn, query)
    sql = (f"SELECT a.id, a.published FROM articles a JOIN feeds f ON f.id = a.feed_id "
           f"WHERE a.id IN (SELECT value FROM json_each(?)) AND {' AND '.join(where)}")
    return dict(conn.execute(sql, [json.dumps(ids), *params]).fetchall())


def ranked_ids(conn: sqlite3.Connection, query: Query, limit: int) -> list[int]:
    """The ids of the best `limit` articles for a parsed query (sqlite3 errors pass through).

    A query with diacritics is first run with those words in their exact form: when that fills the page, the
    page is theirs. Otherwise what it found comes first, then the folded matches, exact-tiered."""
    match = query.match()
    if match is None:
        sql, params = build_sql(conn, query, limit)
        return [r[0] for r in conn.execute(sql, params)]
    if not query.accented:
        return _ranked(conn, query, match, limit, tiered=False)
    exact_match = query.match(exact=True)
    assert exact_match is not None
    first = _ranked(conn, query, exact_match, limit, tiered=False)
    if len(first) >= limit:
        return first
    seen = set(first)
    rest = _ranked(conn, query, match, limit + len(first), tiered=True)
    return (first + [i for i in rest if i not in seen])[:limit]


def _ranked(conn: sqlite3.Connection, query: Query, match: str, limit: int, *, tiered: bool) -> list[int]:
    window: int | None = RANK_WINDOW
    while True:
        scored, more = _score(conn, query, match, window, tiered)
        # Without filters only the top rows need the articles table (for the date and removed feeds).
        head = scored if query.filters else scored[:2 * limit + 20]
        kept = _keep(conn, query, [s[0] for s in head])
        if len(kept) < limit and len(head) < len(scored):
            head = scored
            kept = _keep(conn, query, [s[0] for s in head])
        if len(kept) >= limit or not more:
            break
        window = window * WIDEN if window is not None and window * WIDEN < 100 * RANK_WINDOW else None
    best = sorted((s for s in head if s[0] in kept), key=lambda s: (-s[2], s[1], -kept[s[0]], -s[0]))
    return [s[0] for s in best[:limit]]


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


ENTITY_BACKFILL = 2_000
"""At most this many articles get their entities computed by one `person:`/`resolution:` search."""


def _ensure_entities(repo: Repository, query: Query, now: datetime) -> None:
    """Entities are computed lazily (when an article is opened, or by `reindex`). Before a `person:` or
    `resolution:` filter reads them, compute them for the newest articles whose text holds the words asked
    for: a refresh from cron followed by `tui-news search person:"..."` must find what it fetched."""
    wanted = [flt for flt in query.filters if flt.name in ("person", "resolution")]
    if not wanted:
        return
    conn = repo.db.connect()
    todo: dict[int, str] = {}
    for flt in wanted:
        words = fts.TOKEN.findall(fts.fold(flt.value))
        if not words:
            continue
        match = parse_query(" ".join(f'"{w}"' for w in words), now=now).match()
        if match is None:
            continue
        rows = conn.execute(
            f"""SELECT a.id, coalesce(a.content, a.summary, '') FROM articles a
                WHERE a.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH ? ORDER BY rowid DESC LIMIT ?)
                AND (a.entities_version IS NULL OR a.entities_version != ?)""",
            (match, ENTITY_BACKFILL, entities.ENTITIES_VERSION),
        ).fetchall()
        todo.update((r[0], r[1]) for r in rows)
    if not todo:
        return
    found = {aid: entities.extract(html_to_text(html)) for aid, html in todo.items()}
    try:
        repo.store_entities(found, entities.ENTITIES_VERSION)
    except StoreError:
        pass  # a read-only or busy cache: the filter then sees what was stored before


def search(repo: Repository, query: str, *, limit: int = 50, now: datetime | None = None) -> list[SearchHit]:
    """The best `limit` articles for `query`. Raises SearchQueryError for a malformed query."""
    now = now or datetime.now(UTC)
    parsed = parse_query(query, now=now)
    if parsed.empty or limit < 1:
        return []
    _catch_up_feed_titles(repo)
    try:
        _ensure_entities(repo, parsed, now)
    except sqlite3.OperationalError as exc:
        if not _is_query_error(exc):
            raise translate(exc, repo.db.path) from exc
    conn = repo.db.connect()
    try:
        ids = ranked_ids(conn, parsed, limit)
    except sqlite3.OperationalError as exc:
        if _is_query_error(exc):
            raise SearchQueryError(f"cannot search for {query!r}: try plain words or a quoted phrase") from exc
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
