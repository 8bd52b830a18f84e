"""The query language and the folding, without a database."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from tui_news.errors import SearchQueryError
from tui_news.search import parse_query
from tui_news.search.snippet import best, find_matches, snippet
from tui_news.store.fts import document
from tui_news.text import exact_form, fold, folded_form

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "folded"), [
    ("Đảng bộ Hải Phòng", "dang bo hai phong"),
    ("NGHỊ QUYẾT", "nghi quyet"),
    ("quyết", "quyet"),
    ("Nghị định 168/2024/NĐ-CP", "nghi dinh 168/2024/nd-cp"),
    (unicodedata.normalize("NFD", "Thủ tướng Chính phủ"), "thu tuong chinh phu"),
    ("Ưu tiên ơn", "uu tien on"),
    ("Crème Brûlée", "creme brulee"),
    ("Straße", "strasse"),
    ("Москва", "москва"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_exact_form_keeps_diacritics() -> None:
    assert exact_form("NGHỊ QUYẾT") == "nghị quyết"
    assert exact_form(unicodedata.normalize("NFD", "Đảng")) == "đảng"
    assert folded_form("english only") == "english only"


def test_document_leaves_folded_columns_empty_when_nothing_folds() -> None:
    values = document("Security Council", None, "World Wire", "<p>The council met &amp; voted.</p>")
    assert values[:4] == ("security council", "", "world wire", " the council met & voted. ")
    assert values[4:] == ("", "", "", "")
    values = document("Đảng bộ", "Tác giả", "Báo", "<p>Hải Phòng<script>x()</script></p>")
    assert values[4:] == ("dang bo", "tac gia", "bao", " hai phong  ")


def test_words_phrases_prefix_or_exclusion() -> None:
    q = parse_query('nghị "hai phong" secur* -climate -"cold war" a OR b OR c d', now=NOW)
    assert [[t.text for t in clause] for clause in q.clauses] == [["nghị"], ["hai phong"], ["secur"],
                                                                  ["a", "b", "c"], ["d"]]
    assert [t.text for t in q.exclusions] == ["climate", "cold war"]
    assert q.clauses[0][0].accented and not q.clauses[1][0].accented
    assert q.clauses[2][0].prefix
    match = q.match()
    assert match is not None and match.count(" NOT ") == 1


def test_codes_become_phrases() -> None:
    (term,) = parse_query("57-NQ/TW", now=NOW).terms
    assert term.exact == ("57", "nq", "tw")
    (term,) = parse_query("168/2024/NĐ-CP", now=NOW).terms
    assert term.folded == ("168", "2024", "nd", "cp") and term.accented


def test_filters() -> None:
    q = parse_query('feed:"Báo Hải Phòng" tag:world is:UNREAD -is:starred since:7d '
                    'person:"Trương Thị Mai" resolution:57-NQ/TW', now=NOW)
    got = [(f.name, f.value, f.negated) for f in q.filters]
    assert got == [("feed", "Báo Hải Phòng", False), ("tag", "world", False), ("is", "unread", False),
                   ("is", "starred", True), ("since", "7d", False), ("person", "Trương Thị Mai", False),
                   ("resolution", "57-NQ/TW", False)]
    assert q.filters[4].since == int(NOW.timestamp()) - 7 * 86400
    assert parse_query("since:2026-01-01", now=NOW).filters[0].since == int(datetime(2026, 1, 1, tzinfo=UTC)
                                                                            .timestamp())
    assert parse_query("since:12h", now=NOW).filters[0].since == int(NOW.timestamp()) - 12 * 3600
    assert parse_query("since:2w", now=NOW).filters[0].since == int(NOW.timestamp()) - 14 * 86400


def test_smart_quotes_and_unknown_prefixes_are_text() -> None:
    q = parse_query("“security council” http://example.org", now=NOW)
    assert [t.text for t in q.terms] == ["security council", "http://example.org"]


@pytest.mark.parametrize(("query", "message"), [
    ('"open', "unbalanced quote"),
    ("since:banana", "since:banana"),
    ("-a", "only excluded"),
    ("is:maybe", "is:maybe"),
    ("x OR", "OR"),
    ("feed:", "feed: needs a value"),
])
def test_errors_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(SearchQueryError, match=message):
        parse_query(query, now=NOW)


def test_snippet_matches_folded_but_points_into_the_original() -> None:
    terms = parse_query("dang bo", now=NOW).terms
    text = "Hôm nay Đảng bộ thành phố họp; ĐẢNG BỘ và đang bổ sung."
    shown, spans = best(text, "", terms)
    assert [shown[s.start:s.end] for s in spans] == ["Đảng", "bộ", "ĐẢNG", "BỘ", "đang", "bổ"]
    # Whole words only: "bổ" folds to "bo" too, "bội" would not.
    assert [m[2] for m in find_matches("bội bo", terms)] == [1]


def test_snippet_of_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "Thủ tướng ký quyết định")
    terms = parse_query("quyet dinh", now=NOW).terms
    found = snippet(text, terms)
    assert found is not None
    shown, spans = found
    assert [unicodedata.normalize("NFC", shown[s.start:s.end]) for s in spans] == ["quyết", "định"]


def test_snippet_replaces_controls_one_for_one() -> None:
    terms = parse_query("alpha", now=NOW).terms
    shown, spans = best("x\x1b[31m \u202ealpha\n beta", "", terms)
    assert "\x1b" not in shown and "\u202e" not in shown and "\n" not in shown
    assert [shown[s.start:s.end] for s in spans] == ["alpha"]


def test_prefix_and_phrase_snippets() -> None:
    terms = parse_query('secur* "council adopted"', now=NOW).terms
    shown, spans = best("The Security Council adopted measures on securing borders.", "", terms)
    assert [shown[s.start:s.end] for s in spans] == ["Security", "Council adopted", "securing"]
