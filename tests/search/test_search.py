"""Search against a real SQLite cache: every "Done when" case of issue 4, filters, ranking, index upkeep."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest

from tui_news import entities, text
from tui_news.errors import SearchQueryError
from tui_news.models import Config, FeedConfig, SearchHit
from tui_news.search import search
from tui_news.service import Service
from tui_news.store import fts
from tui_news.store.db import APPLICATION_ID, Database
from tui_news.store.repo import Repository
from tui_news.store.schema import MIGRATIONS
from tui_news.text import rendered_text

from .conftest import EN_URL, NOW, VI_URL, Cache, art

NFD = "NFD"


@pytest.fixture
def corpus(cache: Cache) -> Cache:
    cache.store(
        VI_URL,
        art("v1", "Đảng bộ Hải Phòng tổng kết năm", "Đảng bộ thành phố Hải Phòng tổ chức hội nghị tổng kết."),
        art("v2", "Triển khai Nghị quyết số 57-NQ/TW",
            "Đồng chí Trương Thị Mai phát biểu về Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học."),
        art("v3", "THÔNG BÁO", "NGHỊ QUYẾT CỦA HỘI ĐỒNG NHÂN DÂN TỈNH"),
        art("v4", unicodedata.normalize(NFD, "Quyết định mới của Thủ tướng"),
            unicodedata.normalize(NFD, "Nghị định 168/2024/NĐ-CP có hiệu lực từ tháng Một.")),
        art("v5", "Người dân chờ kết quả", "Người dân đang chờ đợi kết quả kỳ thi."),
        art("v6", "Đảng ủy khối cơ quan", "Đảng ủy tổ chức đại hội nhiệm kỳ mới."),
        title="Báo Hải Phòng điện tử",
    )
    cache.store(
        EN_URL,
        art("e1", "Security Council adopts resolution 2334",
            "The Security Council adopted resolution 2334 on Tuesday, officials said.", author="Jane Roe"),
        art("e2", "Elections in Europe", "Voters went to the polls as the government reported high turnout."),
        art("e3", "Climate summit opens",
            "Leaders at the climate summit discussed the security of energy supplies.", days_ago=10),
        title="World Wire",
    )
    return cache


def guids(cache: Cache, hits: list[SearchHit]) -> list[str]:
    conn = cache.repo.db.connect()
    out = []
    for hit in hits:
        out.append(conn.execute("SELECT guid FROM articles WHERE id = ?", (hit.article.id,)).fetchone()[0])
    return out


def find(cache: Cache, query: str) -> list[str]:
    """Search as the app and the CLI do: through the service (which may catch the index up first)."""
    return guids(cache, Service(Config(path=None), cache.repo, clock=lambda: NOW).search(query))


def vocab(cache: Cache) -> set[str]:
    conn = cache.repo.db.connect()
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, {fts.FTS_TABLE}, 'row')")
    return {r[0] for r in conn.execute("SELECT term FROM temp.v")}


# ------------------------------------------------------------ Vietnamese
def test_unaccented_query_finds_accented_text(corpus: Cache) -> None:
    assert find(corpus, "dang bo hai phong")[0] == "v1"


def test_resolution_number_and_code_as_written(corpus: Cache) -> None:
    assert "v2" in find(corpus, "nghi quyet 57")
    assert find(corpus, "57-NQ/TW") == ["v2"]
    assert find(corpus, "57-nq/tw") == ["v2"]
    assert find(corpus, "168/2024/NĐ-CP") == ["v4"]
    assert find(corpus, "168/2024/nd-cp") == ["v4"]


def test_accented_lowercase_query_finds_all_caps(corpus: Cache) -> None:
    found = find(corpus, "nghị quyết")
    assert {"v2", "v3"} <= set(found)
    assert "v3" in find(corpus, "NGHI QUYET")


def test_nfd_article_found_by_nfc_and_unaccented_queries(corpus: Cache) -> None:
    assert find(corpus, "quyết định") == ["v4"]
    assert find(corpus, unicodedata.normalize(NFD, "quyết định")) == ["v4"]
    assert find(corpus, "quyet dinh") == ["v4"]
    assert "v4" in find(corpus, "nghị định 168")
    hit = search(corpus.repo, "quyet dinh", now=NOW)[0]
    assert unicodedata.is_normalized("NFC", hit.snippet)
    assert [hit.snippet[s.start:s.end] for s in hit.highlights] == ["Quyết", "định"]


def test_exact_diacritics_rank_above_folded_only(corpus: Cache) -> None:
    found = find(corpus, "đang")
    # v6 has "Đảng" in its title and v1 twice: still below the one article that has "đang" itself.
    assert found[0] == "v5"
    assert {"v1", "v6"} <= set(found[1:])
    found = find(corpus, "Đảng")
    assert set(found[:2]) == {"v1", "v6"} and "v5" in found
    # Without diacritics every form matches.
    assert set(find(corpus, "dang")) == {"v1", "v5", "v6"}


def test_feed_title_and_author_are_searched(corpus: Cache) -> None:
    assert set(find(corpus, "bao hai phong")) == {"v1", "v2", "v3", "v4", "v5", "v6"}
    assert find(corpus, "jane roe") == ["e1"]


# --------------------------------------------------------------- English
def test_english_case_prefix_phrase_exclusion_or(corpus: Cache) -> None:
    assert find(corpus, "SECURITY")[0] == "e1"  # title weighted up: e1 has it in the title, e3 only in text
    assert set(find(corpus, "security")) == {"e1", "e3"}
    assert set(find(corpus, "secur*")) == {"e1", "e3"}
    assert find(corpus, '"security council"') == ["e1"]
    assert find(corpus, '"council security"') == []
    assert find(corpus, "security -climate") == ["e1"]
    assert find(corpus, 'security -"climate summit"') == ["e1"]
    assert set(find(corpus, "elections OR climate")) == {"e2", "e3"}
    assert find(corpus, "security elections OR climate") == ["e3"]
    assert find(corpus, "polls turnout") == ["e2"]


def test_recency_breaks_ties(cache: Cache) -> None:
    cache.store(EN_URL, art("old", "Budget", "same words here", days_ago=5),
                art("new", "Budget", "same words here", days_ago=1))
    assert find(cache, "budget") == ["new", "old"]


# --------------------------------------------------------------- filters
def test_each_filter_narrows(corpus: Cache) -> None:
    repo = corpus.repo
    assert set(find(corpus, "feed:world")) == {"e1", "e2", "e3"}
    assert set(find(corpus, 'feed:"hai phong"')) == {"v1", "v2", "v3", "v4", "v5", "v6"}
    assert find(corpus, "security feed:world") == find(corpus, "security")
    assert find(corpus, "security feed:phong") == []
    assert set(find(corpus, "-feed:world dang")) == {"v1", "v5", "v6"}
    assert set(find(corpus, "tag:world")) == {"e1", "e2", "e3"}
    assert set(find(corpus, 'tag:"viet nam" dang')) == {"v1", "v5", "v6"}
    assert find(corpus, "tag:nope") == []
    repo.set_read([corpus.id_of("e1")])
    repo.set_starred([corpus.id_of("e3")])
    assert find(corpus, "security is:unread") == ["e3"]
    assert find(corpus, "security is:read") == ["e1"]
    assert find(corpus, "is:starred") == ["e3"]
    assert set(find(corpus, "security -is:starred")) == {"e1"}
    assert find(corpus, "security since:7d") == ["e1"]
    assert set(find(corpus, "security since:30d")) == {"e1", "e3"}
    assert find(corpus, "security since:2026-11-15") == ["e1"]
    assert find(corpus, "security -since:7d") == ["e3"]


def test_entity_filters(corpus: Cache) -> None:
    repo = corpus.repo
    found = {}
    for guid in ("v2", "v1", "e1"):
        article = repo.article(corpus.id_of(guid))
        assert article is not None
        found[article.id] = entities.extract(rendered_text(article.html))
    repo.store_entities(found, entities.ENTITIES_VERSION)
    assert find(corpus, 'person:"Trương Thị Mai"') == ["v2"]
    assert find(corpus, 'person:"truong thi mai"') == ["v2"]
    assert find(corpus, "person:Nobody") == []
    assert find(corpus, "resolution:57-NQ/TW") == ["v2"]
    assert find(corpus, "khoa học resolution:57-NQ/TW") == ["v2"]
    assert find(corpus, "hội nghị resolution:57-NQ/TW") == []


def test_filters_only_list_newest_first(corpus: Cache) -> None:
    assert find(corpus, "feed:world") == ["e2", "e1", "e3"]  # e1 and e2 share a date: newest id first
    hits = search(corpus.repo, "feed:world", now=NOW)
    assert all(not h.highlights and h.snippet for h in hits)


# ------------------------------------------------------- malformed queries
@pytest.mark.parametrize("query", [
    '"unbalanced phrase', 'person:"Trương', "since:banana", "since:", "-alone", "-a -b", "is:weird", "is:",
    "OR security", "security OR", "security OR OR climate", "feed:",
])
def test_malformed_query_raises_a_clear_error(corpus: Cache, query: str) -> None:
    with pytest.raises(SearchQueryError) as info:
        search(corpus.repo, query, now=NOW)
    assert str(info.value)


@pytest.mark.parametrize("query", [
    "NEAR(security council)", "title:security", "security AND", "^security", "a + b", "(security",
    "{title}: security", "security NOT", "*", "-", "security*climate", "col:umn:x", "'", "security)", "AND",
    "\x00security", "security -feed:world", "is:unread -climate", "NOT", "OR-x y",
])
def test_fts_syntax_in_user_text_is_just_text(corpus: Cache, query: str) -> None:
    search(corpus.repo, query, now=NOW)  # never an FTS5 error


def test_fts_operators_are_words(corpus: Cache) -> None:
    assert find(corpus, "title:security") == []  # "title" is a word here, and no article has it
    assert find(corpus, "security:council") == ["e1"]  # one word: a phrase


def test_empty_query_gives_nothing(corpus: Cache) -> None:
    assert search(corpus.repo, "   ", now=NOW) == []
    assert search(corpus.repo, "!!! ...", now=NOW) == []


# --------------------------------------------------------------- snippets
def test_snippet_offsets_point_into_the_original_text(corpus: Cache) -> None:
    for query in ("dang bo hai phong", "nghi quyet 57", "57-NQ/TW", "quyet dinh", "security council",
                  "secur*", "đang", "168/2024/NĐ-CP"):
        for hit in search(corpus.repo, query, now=NOW):
            assert len(hit.snippet) <= 202
            for span in hit.highlights:
                assert span.kind == "match"
                assert 0 <= span.start < span.end <= len(hit.snippet)
                assert text.fold(hit.snippet[span.start:span.end])[:4] in text.fold(query)


def test_snippet_window_of_a_long_article(cache: Cache) -> None:
    filler = " ".join(f"từ{i}" for i in range(600))
    cache.store(VI_URL, art("long", "Bài dài", f"{filler} Đảng bộ Hải Phòng họp. {filler}"))
    hit = search(cache.repo, "dang bo", now=NOW)[0]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 202
    assert [hit.snippet[s.start:s.end] for s in hit.highlights] == ["Đảng", "bộ"]


def test_snippet_window_sliding_pass_matches_the_all_pairs_scan() -> None:
    """The sliding window picks what the all-pairs scan picked (most distinct terms, then most matches, then
    earliest), on random matches; it replaced a scan that took 7 s on an article repeating one word."""
    import random

    from tui_news.search.snippet import _best_start

    def all_pairs(matches: list[tuple[int, int, int]], width: int) -> int:
        best, best_start = (0, 0, 0), matches[0][0]
        for i, (start, _end, _term) in enumerate(matches):
            inside = [m for m in matches[i:] if m[1] <= start + width]
            score = (len({m[2] for m in inside}), len(inside), -start)
            if score > best:
                best, best_start = score, start
        return best_start

    rng = random.Random(7)
    for _ in range(500):
        matches, pos = [], 0
        for _ in range(rng.randint(1, 60)):
            pos += rng.randint(0, 120)
            end = pos + rng.randint(1, 40 if rng.random() < 0.9 else 400)  # some longer than the window
            matches.append((pos, end, rng.randint(0, 3)))
            pos = end
        width = rng.choice([50, 200])
        assert _best_start(matches, width) == all_pairs(matches, width), (matches, width)


def test_snippet_falls_back_to_title(corpus: Cache) -> None:
    hit = search(corpus.repo, "thông báo", now=NOW)[0]
    assert hit.snippet == "THÔNG BÁO"
    assert [(s.start, s.end) for s in hit.highlights] == [(0, 5), (6, 9)]


def test_hit_carries_summary_and_link(corpus: Cache) -> None:
    hit = search(corpus.repo, "resolution 2334", now=NOW)[0]
    assert hit.article.title == "Security Council adopts resolution 2334"
    assert hit.article.feed_title == "World Wire"
    assert hit.link == "https://example.org/e1"


def test_limit(corpus: Cache) -> None:
    assert len(search(corpus.repo, "dang", limit=2, now=NOW)) == 2


# ------------------------------------------------------ index maintenance
def test_index_follows_an_updated_article(cache: Cache) -> None:
    cache.store(EN_URL, art("u", "Alpha news", "alpha body words"))
    assert find(cache, "alpha") == ["u"]
    cache.store(EN_URL, art("u", "Omega news", "omega body words"))
    assert find(cache, "alpha") == []
    assert find(cache, "omega") == ["u"]
    assert "alpha" not in vocab(cache)
    assert not fts.is_stale(cache.repo.db.connect())


def test_index_follows_retention_deletes(corpus: Cache) -> None:
    deleted = corpus.repo.apply_retention(NOW + timedelta(days=30), 5, None)
    assert deleted == 9
    assert find(corpus, "climate") == []
    assert "climate" not in vocab(corpus)
    assert not fts.is_stale(corpus.repo.db.connect())


def test_index_follows_per_feed_trim(corpus: Cache) -> None:
    corpus.repo.apply_retention(NOW, None, 1)
    assert len(find(corpus, "feed:world")) == 1
    assert find(corpus, "climate") == []
    assert not fts.is_stale(corpus.repo.db.connect())


def test_feed_rename_is_caught_up(corpus: Cache) -> None:
    corpus.repo.sync_feeds([FeedConfig(url=VI_URL, name="Tin Miền Bắc"), FeedConfig(url=EN_URL)])
    assert len(find(corpus, "mien bac")) == 6
    assert set(find(corpus, "world wire")) == {"e1", "e2", "e3"}
    assert "wire" in vocab(corpus)  # "World Wire" is now the feed's own title
    # An update after the rename unindexes with the feed title it was indexed with.
    corpus.store(VI_URL, art("v5", "Người dân chờ kết quả", "nội dung đã đổi"))
    assert find(corpus, "ky thi") == []
    assert not fts.is_stale(corpus.repo.db.connect())


def test_reindex_rebuilds_from_articles(corpus: Cache) -> None:
    before = find(corpus, "dang")
    assert corpus.repo.rebuild_search_index() == 9
    assert find(corpus, "dang") == before
    assert find(corpus, "57-NQ/TW") == ["v2"]


def test_text_drift_marks_the_index_stale_instead_of_corrupting_it(
        corpus: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "index_text", lambda html: "changed rendering")
    corpus.store(EN_URL, art("e2", "Elections in Europe", "A different body"))
    assert fts.is_stale(corpus.repo.db.connect())
    monkeypatch.undo()
    corpus.repo.rebuild_search_index()
    assert not fts.is_stale(corpus.repo.db.connect())
    assert find(corpus, "different body") == ["e2"]
    assert find(corpus, "turnout") == []


def test_migrates_a_version_1_cache(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    with db.transaction() as tx:
        dict(MIGRATIONS)[1](tx)
        tx.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        tx.execute("PRAGMA user_version = 1")
        tx.execute("INSERT INTO feeds (id, url, title) VALUES (1, 'https://old.example/rss', 'Báo Cũ')")
        tx.execute(
            """INSERT INTO articles (feed_id, guid, title, published, content, content_hash, first_seen)
               VALUES (1, 'o1', 'Đảng bộ Hải Phòng', ?, '<p>Nghị quyết số 57-NQ/TW</p>', 'x', ?)""",
            (int(NOW.timestamp()), int(NOW.timestamp())))
    db.close()
    repo = Repository.open(path)
    try:
        conn = repo.db.connect()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
        hits = search(repo, "dang bo hai phong", now=NOW)
        assert [h.article.title for h in hits] == ["Đảng bộ Hải Phòng"]
        assert [h.article.title for h in search(repo, "57-NQ/TW", now=NOW)] == ["Đảng bộ Hải Phòng"]
        assert [h.article.title for h in search(repo, "bao cu", now=NOW)] == ["Đảng bộ Hải Phòng"]
    finally:
        repo.close()


def test_fts_table_is_contentless(cache: Cache) -> None:
    conn = sqlite3.connect(cache.path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (fts.FTS_TABLE,)).fetchone()[0]
    conn.close()
    assert "content = ''" in sql


def test_ranking_window_and_its_fallback(corpus: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui_news.search as search_module

    everything = find(corpus, "dang")
    monkeypatch.setattr(search_module, "RANK_WINDOW", 2)
    # Only the 2 newest matches (v5, v6 by id) are ranked when they fill the page...
    assert set(guids(corpus, search(corpus.repo, "dang", limit=2, now=NOW))) == {"v5", "v6"}
    # ...and everything is ranked when the window leaves the page short.
    assert find(corpus, "dang") == everything
    assert find(corpus, "dang feed:hai") == everything


def test_parallel_rebuild_gives_the_same_index(corpus: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = {q: find(corpus, q) for q in ("dang", "57-NQ/TW", "security", "quyet dinh")}
    monkeypatch.setattr(fts, "PARALLEL_MIN", 1)
    monkeypatch.setattr(fts, "CHUNK", 2)
    assert corpus.repo.rebuild_search_index() == 9
    assert {q: find(corpus, q) for q in serial} == serial
    corpus.store(EN_URL, art("e2", "Elections in Europe", "A different body"))  # deletes replay exactly
    assert not fts.is_stale(corpus.repo.db.connect())
    assert "turnout" not in vocab(corpus)


def test_accented_exclusion_is_exact_unaccented_is_folded(corpus: Cache) -> None:
    assert set(find(corpus, "dang -đảng")) == {"v5"}
    assert find(corpus, "dang -dang") == []
    assert set(find(corpus, "dang -đang")) == {"v1", "v6"}


def test_an_fts5_error_becomes_a_query_error(corpus: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_news.search.query import Query

    monkeypatch.setattr(Query, "match", lambda self: 'NEAR("a" AND')
    with pytest.raises(SearchQueryError) as info:
        search(corpus.repo, "anything", now=NOW)
    assert "fts5" not in str(info.value) and "syntax" not in str(info.value)


def test_body_forms_computed_ahead_unindex_exactly(cache: Cache) -> None:
    import dataclasses

    html = "<p>Nghị quyết số 57-NQ/TW &amp; Đảng bộ</p>"
    ahead = dataclasses.replace(art("b", "Tiêu đề", ""), content_html=html)
    cache.store(VI_URL, ahead, body_forms=[text.body_forms(html)])
    assert find(cache, "nghi quyet 57") == ["b"]
    cache.store(VI_URL, art("b", "Tiêu đề", "nội dung khác"))
    assert find(cache, "nghi quyet 57") == []
    assert not fts.is_stale(cache.repo.db.connect())
    assert "quyet" not in vocab(cache)


def test_exact_matches_come_first_even_outside_the_ranking_window(
        cache: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui_news.search as search_module

    cache.store(VI_URL, art("old", "Tin cũ", "Người dân đang chờ.", days_ago=30))
    cache.store(VI_URL, *(art(f"n{i}", f"Đảng bộ {i}", "Đảng bộ họp.", days_ago=1) for i in range(5)))
    monkeypatch.setattr(search_module, "RANK_WINDOW", 2)
    found = find(cache, "đang")
    assert found[0] == "old" and len(found) == 6
    assert guids(cache, search(cache.repo, "đang", limit=3, now=NOW))[0] == "old"


def test_entity_filters_compute_missing_entities_first(corpus: Cache) -> None:
    """Right after a refresh nothing has its entities yet: the filter computes them for the candidates."""
    conn = corpus.repo.db.connect()
    assert conn.execute("SELECT count(*) FROM article_entities").fetchone()[0] == 0
    assert find(corpus, 'person:"truong thi mai"') == ["v2"]
    assert find(corpus, "resolution:57-NQ/TW") == ["v2"]
    computed = conn.execute("SELECT count(*) FROM articles WHERE entities_version IS NOT NULL").fetchone()[0]
    assert 1 <= computed < corpus.repo.count_articles()  # only the candidates, not the whole cache


def test_search_itself_never_writes(corpus: Cache) -> None:
    """A renamed feed and a person filter over articles without entities: `search` still writes nothing (the
    index catch-up and the entity backfill are the service's, see the two tests above)."""
    corpus.repo.sync_feeds([FeedConfig(url=VI_URL, name="Tin Miền Bắc"), FeedConfig(url=EN_URL)])
    conn = corpus.repo.db.connect()
    before = conn.total_changes
    assert search(corpus.repo, "mien bac", now=NOW) == []  # the index has not caught up: nothing to find
    assert search(corpus.repo, 'person:"truong thi mai"', now=NOW) == []  # no entities computed
    assert conn.total_changes == before
    assert conn.execute("SELECT count(*) FROM article_entities").fetchone()[0] == 0
    assert len(find(corpus, "mien bac")) == 6  # through the service it catches up
