"""Full-text search over the cache, the way Vietnamese (and English) readers type.

`search(repo, "dang bo hai phong since:7d")` parses the query (tui_news.search.query) and ranks the matches in
the contentless index kept by tui_news.store.fts. This package runs no SQL and writes nothing: it compiles
the query to FTS5 MATCH strings and `Condition`s, asks the repository for scored matches and filtered ids,
and orders them:

1. every word matches in its folded form; bm25 (title weighted up) scores the newest RANK_WINDOW matches;
2. a query typed with diacritics is first run with those words in their exact form; if that does not fill
   the page, the folded matches follow, and among them an article with more of the words exactly ranks above
   one with fewer, whatever bm25 says ("đang" puts "đang" above "Đảng"), then bm25, then the newest first;
3. filters are applied on the articles table; if the window leaves the page short, it widens (x8, then all).

Scoring costs per matched row and per phrase (bm25 counts each phrase over the whole index), so common words
over 100,000 articles would cost hundreds of ms if every match were scored: a news reader's readers want the
recent articles, so the newest matches are the ones ranked. Queries with fewer matches than the window are
ranked in full. SearchHits carry snippets cut from each article's index text (tui_news.text.index_text) with
the matched words as Spans (tui_news.search.snippet).

Upkeep a search may want first (catching up renamed feeds in the index, computing the entities a `person:`
filter reads) is the service's job (`Service.search`), not this package's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tui_news import entities
from tui_news.errors import SearchQueryError
from tui_news.models import Condition, SearchHit
from tui_news.search.query import Filter, Query, Term, parse_query
from tui_news.search.snippet import best
from tui_news.store.repo import Repository
from tui_news.text import TOKEN, fold, index_text, nfc

__all__ = ["Query", "Term", "Filter", "parse_query", "search", "ranked_ids", "conditions", "entity_matches"]

BASE_WEIGHTS = (10.0, 3.0, 3.0, 1.0)
"""bm25 weights of title, author, feed title, text."""
WEIGHTS = BASE_WEIGHTS * 2
"""The same weights for the exact and the folded columns."""
RANK_WINDOW = 1000
"""bm25 scores the newest this-many matches (see the module docstring)."""
WIDEN = 8
ENTITY_BACKFILL = 2_000
"""At most this many articles get their entities computed before one `person:`/`resolution:` search."""

_IS = {"unread": Condition(read=False), "read": Condition(read=True), "starred": Condition(starred=True),
       "unstarred": Condition(starred=False)}


def _condition(repo: Repository, flt: Filter) -> Condition:
    """What the user typed as a filter, resolved to what the cache can check."""
    if flt.name == "is":
        c = _IS[flt.value]
        return Condition(negated=flt.negated, read=c.read, starred=c.starred)
    if flt.name == "since":
        return Condition(negated=flt.negated, since=flt.since)
    if flt.name in ("feed", "tag"):
        wanted = fold(flt.value)
        feeds = repo.feeds(counts=False, include_removed=True)
        if flt.name == "feed":
            ids = [f.id for f in feeds if any(wanted in fold(v) for v in (f.name, f.title, f.url) if v)]
        else:
            ids = [f.id for f in feeds if any(fold(t) == wanted for t in f.tags)]
        return Condition(negated=flt.negated, feed_ids=tuple(ids))
    kind = entities.PERSON if flt.name == "person" else entities.RESOLUTION
    keys = tuple(k for k in repo.entity_keys_of(kind) if entities.key_matches(kind, k, flt.value))
    return Condition(negated=flt.negated, entity=(kind, keys))


def conditions(repo: Repository, query: Query) -> list[Condition]:
    """The query's filters as Conditions (reads the feed list and the stored entity keys)."""
    return [_condition(repo, flt) for flt in query.filters]


def entity_matches(query: Query, now: datetime) -> list[str]:
    """For each `person:`/`resolution:` filter, an FTS5 MATCH of its words: the articles that may mention it,
    whose entities must be known before the filter reads them."""
    out = []
    for flt in query.filters:
        if flt.name not in ("person", "resolution"):
            continue
        words = TOKEN.findall(fold(flt.value))
        match = parse_query(" ".join(f'"{w}"' for w in words), now=now).match() if words else None
        if match is not None:
            out.append(match)
    return out


Scored = tuple[int, float, int]
"""(article id, bm25 score, exact-tier: how many accented words it has exactly)."""


def _score(repo: Repository, query: Query, match: str, window: int | None,
           tiered: bool) -> tuple[list[Scored], bool]:
    """The newest `window` matches (all when None), scored and in rank order; and whether there may be more."""
    rows = repo.match_scores(match, WEIGHTS, window)
    more = window is not None and len(rows) >= window
    tiers: dict[int, int] = {}
    exact = {t.exact_match() for t in query.terms if t.accented} if tiered else set()
    if exact and rows:
        floor = rows[-1][0]
        for phrase in exact:
            # ANDed with the query, FTS5 skips through the exact word's list instead of reading all of it.
            for rowid in repo.match_ids(f"({match}) AND {phrase}", min_id=floor):
                tiers[rowid] = tiers.get(rowid, 0) + 1
    scored = [(r[0], r[1], tiers.get(r[0], 0)) for r in rows]
    scored.sort(key=lambda s: (-s[2], s[1]))
    return scored, more


def ranked_ids(repo: Repository, query: Query, limit: int) -> list[int]:
    """The ids of the best `limit` articles for a parsed query.

    A query with diacritics is first run with those words in their exact form: when that fills the page, the
    page is theirs. Otherwise what it found comes first, then the folded matches, exact-tiered."""
    conds = conditions(repo, query)
    match = query.match()
    if match is None:
        return repo.newest_ids(conds, limit, exclude=query.exclusion_match())
    if not query.accented:
        return _ranked(repo, query, conds, match, limit, tiered=False)
    exact_match = query.match(exact=True)
    assert exact_match is not None
    first = _ranked(repo, query, conds, exact_match, limit, tiered=False)
    if len(first) >= limit:
        return first
    seen = set(first)
    rest = _ranked(repo, query, conds, match, limit + len(first), tiered=True)
    return (first + [i for i in rest if i not in seen])[:limit]


def _ranked(repo: Repository, query: Query, conds: Sequence[Condition], match: str, limit: int, *,
            tiered: bool) -> list[int]:
    window: int | None = RANK_WINDOW
    while True:
        scored, more = _score(repo, query, match, window, tiered)
        # Without filters only the top rows need the articles table (for the date and removed feeds).
        head = scored if conds else scored[:2 * limit + 20]
        kept = repo.published_if([s[0] for s in head], conds)
        if len(kept) < limit and len(head) < len(scored):
            head = scored
            kept = repo.published_if([s[0] for s in head], conds)
        if len(kept) >= limit or not more:
            break
        window = window * WIDEN if window is not None and window * WIDEN < 100 * RANK_WINDOW else None
    best = sorted((s for s in head if s[0] in kept), key=lambda s: (-s[2], s[1], -kept[s[0]], -s[0]))
    return [s[0] for s in best[:limit]]


def search(repo: Repository, query: str | Query, *, limit: int = 50, now: datetime | None = None
           ) -> list[SearchHit]:
    """The best `limit` articles for `query`. Raises SearchQueryError for a malformed query. Reads only."""
    parsed = query if isinstance(query, Query) else parse_query(query, now=now or datetime.now(UTC))
    if parsed.empty or limit < 1:
        return []
    try:
        ids = ranked_ids(repo, parsed, limit)
    except SearchQueryError as exc:
        raise SearchQueryError(
            f"cannot search for {parsed.text!r}: try plain words or a quoted phrase") from exc
    return hits(repo, ids, parsed.terms)


def hits(repo: Repository, ids: list[int], terms: tuple[Term, ...]) -> list[SearchHit]:
    """SearchHits for these article ids, in order, with snippets for `terms`."""
    if not ids:
        return []
    rows = repo.links_and_bodies(ids)
    out = []
    for summary in repo.article_summaries(ids):
        link, html = rows[summary.id]
        text = nfc(" ".join(index_text(html).split()))  # snippet() turns controls into spaces
        title = nfc(" ".join(summary.title.split()))
        shown, spans = best(text, title, terms)
        out.append(SearchHit(summary, link, shown, spans))
    return out
