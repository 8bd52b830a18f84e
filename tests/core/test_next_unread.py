"""Repository.next_unread: one query gives what a walk over the whole list would, for every filter and anchor."""

from __future__ import annotations

import random

import pytest

from tui_news.demo.bigcache import make_big_cache
from tui_news.store.repo import ArticleFilter, Repository

FILTERS = [ArticleFilter(), ArticleFilter(unread=True), ArticleFilter(feed_id=3), ArticleFilter(tag="tag1"),
           ArticleFilter(starred=True)]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    path = tmp_path_factory.mktemp("next-unread") / "cache.sqlite3"
    make_big_cache(path, 3_000, feeds=7)
    repo = Repository.open(path)
    conn = repo.db.connect()
    rng = random.Random(5)
    ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
    # Mostly read, a few unread runs: the next unread is often hundreds of rows away, past any 200-row page.
    conn.execute("UPDATE articles SET read = 1")
    conn.executemany("UPDATE articles SET read = 0 WHERE id = ?", [(i,) for i in rng.sample(ids, 12)])
    conn.executemany("UPDATE articles SET starred = 1 WHERE id = ?", [(i,) for i in rng.sample(ids, 300)])
    # Two unread articles at the same second: the id breaks the tie, as in the list's ORDER BY.
    conn.execute("UPDATE articles SET published = (SELECT published FROM articles WHERE id = 10) WHERE id = 11")
    conn.execute("UPDATE articles SET read = 0 WHERE id IN (10, 11)")
    conn.commit()
    return repo


def walk(rows: list, start: int, backwards: bool) -> tuple[int, int] | None:  # type: ignore[type-arg]
    order = range(start - 1, -1, -1) if backwards else range(start + 1, len(rows))
    for index in order:
        if not rows[index].read:
            return index, rows[index].id
    return None


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: repr(f)[14:60])
def test_next_unread_matches_a_walk_of_the_list(repo: Repository, flt: ArticleFilter) -> None:
    rows = repo.articles(flt, limit=10_000)
    assert rows, flt
    checked = 0
    anchors = sorted({0, 1, len(rows) // 3, len(rows) // 2, len(rows) - 1} |
                     {i for i, row in enumerate(rows) if not row.read})
    for start in anchors:
        for backwards in (False, True):
            assert repo.next_unread(flt, rows[start].id, backwards=backwards) == walk(rows, start, backwards), \
                (start, backwards)
            checked += 1
    # No anchor: from the top (the first unread), or backwards from the bottom (the last one).
    assert repo.next_unread(flt, None) == walk(rows, -1, False)
    assert repo.next_unread(flt, None, backwards=True) == walk(rows, len(rows), True)
    assert checked >= 10


def test_next_unread_finds_far_rows_and_says_none_at_the_end(repo: Repository) -> None:
    rows = repo.articles(ArticleFilter(), limit=10_000)
    unread = [i for i, row in enumerate(rows) if not row.read]
    assert max(b - a for a, b in zip(unread, unread[1:], strict=False)) > 200  # past one page of the old walk
    assert repo.next_unread(ArticleFilter(), rows[unread[-1]].id) is None
    assert repo.next_unread(ArticleFilter(), rows[unread[0]].id, backwards=True) is None
    assert repo.next_unread(ArticleFilter(), 10**9) is None  # an anchor no longer in the cache
