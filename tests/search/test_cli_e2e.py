"""End to end: feeds served from 127.0.0.1 -> `tui-news refresh` -> `tui-news search --json`, as subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer

NOW = datetime.now(UTC)

VI_ITEMS = [
    ("v1", "Đảng bộ Hải Phòng tổng kết năm", "<p>Đảng bộ thành phố Hải Phòng tổ chức hội nghị tổng kết.</p>", 1),
    ("v2", "Triển khai Nghị quyết số 57-NQ/TW", "<p>Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học.</p>", 2),
    ("v3", "THÔNG BÁO KHẨN", "<p>NGHỊ QUYẾT CỦA HỘI ĐỒNG NHÂN DÂN TỈNH</p>", 3),
    ("v4", unicodedata.normalize("NFD", "Quyết định mới của Thủ tướng"),
     unicodedata.normalize("NFD", "<p>Nghị định 168/2024/NĐ-CP có hiệu lực.</p>"), 4),
    ("v5", "Người dân chờ kết quả", "<p>Người dân đang chờ đợi kết quả kỳ thi.</p>", 5),
    ("v6", "Đảng ủy khối cơ quan", "<p>Đảng ủy tổ chức đại hội nhiệm kỳ mới.</p>", 24 * 20),
]
EN_ITEMS = [
    ("e1", "Security Council adopts resolution 2334",
     "<p>The Security Council adopted resolution 2334 on Tuesday, officials said.</p>", 1),
    ("e2", "Elections in Europe", "<p>Voters went to the polls as the government reported high turnout.</p>", 2),
    ("e3", "Climate summit opens", "<p>Leaders discussed the security of energy supplies.</p>", 24 * 20),
]


def rss(title: str, items: list[tuple[str, str, str, int]]) -> bytes:
    """items: (guid, title, html, hours ago)."""
    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(title)}</title>"
             "<link>https://example.org/</link>"]
    for guid, item_title, body, hours in items:
        date = format_datetime(NOW - timedelta(hours=hours))
        parts.append(f"<item><guid>{guid}</guid><title>{escape(item_title)}</title>"
                     f"<link>https://example.org/{guid}</link><pubDate>{date}</pubDate>"
                     f"<description>{escape(body)}</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui_news", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def refreshed(httpserver: HTTPServer, tmp_path: Path) -> list[str]:
    httpserver.expect_request("/vi.xml").respond_with_data(rss("Báo Hải Phòng", VI_ITEMS),
                                                          content_type="application/rss+xml")
    httpserver.expect_request("/en.xml").respond_with_data(rss("World Wire", EN_ITEMS),
                                                          content_type="application/rss+xml")
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[[feeds]]\nurl = "{httpserver.url_for("/vi.xml")}"\ntags = ["Việt Nam"]\n\n'
        f'[[feeds]]\nurl = "{httpserver.url_for("/en.xml")}"\ntags = ["world"]\n', "utf-8")
    common = ["--config", str(config), "--db", str(tmp_path / "c.db")]
    proc = cli("refresh", *common, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return common


def search_json(common: list[str], cwd: Path, *query: str) -> list[dict[str, Any]]:
    # "--": a query word starting with "-" (an exclusion) must not be read as an option.
    proc = cli("search", *common, "--json", "--", *query, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    data: list[dict[str, Any]] = json.loads(proc.stdout)
    for hit in data:
        assert {"id", "title", "feed", "link", "published", "snippet"} <= hit.keys()
    return data


def links(hits: list[dict[str, Any]]) -> list[str]:
    return [h["link"].rsplit("/", 1)[-1] for h in hits]


def test_refresh_then_search(refreshed: list[str], tmp_path: Path) -> None:
    def find(*query: str) -> list[str]:
        return links(search_json(refreshed, tmp_path, *query))

    hits = search_json(refreshed, tmp_path, "dang bo hai phong")
    assert links(hits)[0] == "v1"
    assert hits[0]["title"] == "Đảng bộ Hải Phòng tổng kết năm" and hits[0]["feed"] == "Báo Hải Phòng"
    assert "v2" in find("nghi quyet 57")
    assert find("57-NQ/TW") == ["v2"]
    assert "v3" in find("nghị quyết")
    assert find("quyết định") == ["v4"]
    assert find("quyet dinh") == ["v4"]
    assert find("168/2024/NĐ-CP") == ["v4"]
    assert find("đang")[0] == "v5" and {"v1", "v6"} <= set(find("đang"))
    # English
    assert find("SECURITY")[0] == "e1"
    assert set(find("secur*")) == {"e1", "e3"}
    assert find('"security council"') == ["e1"]
    assert find("security -climate") == ["e1"]
    assert find("security", "-energy") == ["e1"]
    assert set(find("elections OR climate")) == {"e2", "e3"}
    # Filters narrow
    assert set(find("security feed:world")) == {"e1", "e3"}
    assert find("security feed:hai") == []
    assert set(find('tag:"viet nam" dang')) == {"v1", "v5", "v6"}
    assert find("security since:7d") == ["e1"]
    assert set(find("dang is:unread")) == {"v1", "v5", "v6"}
    assert find("dang is:starred") == []
    # Highlights point into the snippet
    hit = search_json(refreshed, tmp_path, "quyet dinh")[0]
    assert [hit["snippet"][a:b] for a, b in hit["highlights"]] == ["Quyết", "định"]


@pytest.mark.parametrize("query", ['"unbalanced', "since:banana", "-alone", "is:weird"])
def test_malformed_query_exits_2_with_one_line(refreshed: list[str], tmp_path: Path, query: str) -> None:
    proc = cli("search", *refreshed, "--", query, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_reindex_command(refreshed: list[str], tmp_path: Path) -> None:
    proc = cli("reindex", *refreshed, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "9 articles" in proc.stdout
    assert links(search_json(refreshed, tmp_path, "57-NQ/TW")) == ["v2"]


def test_a_stale_index_is_named_until_reindex(refreshed: list[str], tmp_path: Path) -> None:
    """When an article could not be unindexed exactly (store/fts.py flags it), search says so on stderr and
    still prints its results; `reindex` clears it."""
    import sqlite3

    from tui_news.store import fts

    def note() -> str:
        proc = cli("search", *refreshed, "--json", "dang", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)
        return proc.stderr

    assert "reindex" not in note()
    with sqlite3.connect(tmp_path / "c.db") as conn:  # what unindexing writes on a digest mismatch
        fts.mark_stale(conn)
    conn.close()
    assert note().strip() == "note: the search index is out of date; run `tui-news reindex` to rebuild it"
    assert cli("reindex", *refreshed, cwd=tmp_path).returncode == 0
    assert "reindex" not in note()
