"""Issue 11, "Done when": a feed on 127.0.0.1 whose items carry a lead sentence only; after `tui-news refresh`
the articles hold their whole text, searchable and with their entities; a feed carrying its full content is
not fetched under `auto`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tui_news.extract.score import score

from .conftest import PAGES, SEED, Run, Setup, lead_of, page_route, rss, site_rule, write_config
from .server import PageServer, Route


def seed_html() -> str:
    text = (SEED / "article.txt").read_text("utf-8")
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())


@pytest.fixture
def news(server: PageServer, tmp_path: Path) -> Setup:
    if not (SEED / "article.txt").is_file():
        pytest.skip("needs ../shared/seed/article.txt")
    server.routes["/noichinh/khao-sat.html"] = page_route("noichinh")
    server.routes["/vnexpress/thu-vien-4381438.html"] = page_route("vnexpress")
    server.routes["/seed/full.html"] = page_route("noichinh")
    server.routes["/feed.xml"] = Route(body=rss([
        {"title": "Khảo sát tại Hải Phòng", "link": server.url("/noichinh/khao-sat.html"),
         "summary": lead_of("noichinh")},
        {"title": "Thư viện cộng đồng", "link": server.url("/vnexpress/thu-vien-4381438.html"),
         "summary": f'<img src="{server.url("/x.jpg")}" alt="ảnh"> {lead_of("vnexpress")}'},
        {"title": "Bài đầy đủ", "link": server.url("/seed/full.html"), "summary": "Tóm tắt.",
         "content": seed_html()},
    ]), content_type="application/rss+xml")
    rules = site_rule("noichinh.vn", "127.0.0.1/noichinh") + site_rule("vnexpress.net", "127.0.0.1/vnexpress")
    return write_config(tmp_path, server.url("/feed.xml"), rules)


def ids_by_title(run: Callable[..., Run], setup: Setup) -> dict[str, int]:
    got = run("search", "--json", "--limit", "50", *setup.args(), "feed:Local")
    assert got.code == 0, got.err
    return {hit["title"]: hit["id"] for hit in json.loads(got.out)}


def show(run: Callable[..., Run], setup: Setup, article_id: int) -> dict[str, object]:
    got = run("show", str(article_id), "--json", *setup.args())
    assert got.code == 0, got.err
    data: dict[str, object] = json.loads(got.out)
    return data


def test_refresh_brings_whole_articles(run: Callable[..., Run], news: Setup, server: PageServer) -> None:
    got = run("refresh", *news.args())
    assert got.code == 0, got.out + got.err
    assert "2 full texts: 2 fetched, 0 failed" in got.out
    ids = ids_by_title(run, news)

    article = show(run, news, ids["Thư viện cộng đồng"])
    assert set(article) >= {"id", "feed", "title", "link", "author", "published", "full_text_status", "text",
                            "entities"}
    assert article["full_text_status"] == "ok"
    text = str(article["text"])
    expected = (PAGES / "vnexpress.expected.txt").read_text("utf-8")
    assert score(text, expected).f1 >= 0.95
    assert "Ảnh: Minh An" in text  # the photo credit
    assert text.rstrip().endswith("Minh An")  # the byline
    for furniture in ("Chia sẻ", "Sao chép liên kết", "Xem nhiều", "Gửi câu hỏi"):
        assert furniture not in text
    assert str(article["published"]).endswith("+00:00")

    seed = show(run, news, ids["Khảo sát tại Hải Phòng"])
    assert seed["full_text_status"] == "ok"
    body = str(seed["text"])
    entities = seed["entities"]
    assert isinstance(entities, list)
    for e in entities:
        assert body[e["start"]:e["end"]] == e["text"]
    people = {e["text"] for e in entities if e["type"] == "PERSON"}
    resolutions = {e["text"] for e in entities if e["type"] == "RESOLUTION"}
    assert "Trương Thị Mai" in people and "Nguyễn Thái Học" in people
    assert any("Nghị quyết Trung ương 5" in r for r in resolutions)
    assert "Nguyễn Thái Học" not in lead_of("noichinh")  # the names came from the page, not the feed

    # a word that appears only in the body, typed with and without its diacritics
    word = "Nguyễn Thái Học"
    for query in (f'"{word}"', '"nguyen thai hoc"'):
        got = run("search", "--json", *news.args(), query)
        assert got.code == 0, got.err
        assert ids["Khảo sát tại Hải Phòng"] in [h["id"] for h in json.loads(got.out)], query
    got = run("search", "--json", *news.args(), 'person:"Nguyễn Thái Học"')
    assert ids["Khảo sát tại Hải Phòng"] in [h["id"] for h in json.loads(got.out)]


def test_a_feed_with_full_content_is_not_fetched_under_auto(run: Callable[..., Run], news: Setup,
                                                             server: PageServer) -> None:
    assert run("refresh", *news.args()).code == 0
    assert server.hits["/seed/full.html"] == 0
    assert server.hits["/vnexpress/thu-vien-4381438.html"] == 1
    full = show(run, news, ids_by_title(run, news)["Bài đầy đủ"])
    assert full["full_text_status"] == "not tried"
    assert "Trương Thị Mai" in str(full["text"])
    # a second refresh fetches nothing again
    assert run("refresh", *news.args()).code == 0
    assert server.hits["/vnexpress/thu-vien-4381438.html"] == 1
    assert server.hits["/seed/full.html"] == 0


def test_no_full_text_flag_and_never_skip_pages(run: Callable[..., Run], news: Setup, server: PageServer) -> None:
    got = run("refresh", "--no-full-text", *news.args())
    assert got.code == 0 and "full texts" not in got.out
    assert sum(n for path, n in server.hits.items() if path != "/feed.xml") == 0
    article = show(run, news, ids_by_title(run, news)["Thư viện cộng đồng"])
    assert article["full_text_status"] == "not tried"
    assert "Minh An" not in str(article["text"])


def test_pages_are_fetched_politely(run: Callable[..., Run], news: Setup, server: PageServer) -> None:
    for path, name in (("/vnexpress/thu-vien-4381438.html", "vnexpress"), ("/noichinh/khao-sat.html", "noichinh")):
        server.routes[path] = Route(body=(PAGES / f"{name}.html").read_bytes(),
                                    headers={"Set-Cookie": f"{name}=1; Path=/"})
    text = news.config.read_text("utf-8").replace("[settings]", "[settings]\nper_host = 1", 1)
    news.config.write_text(text, "utf-8")  # one page at a time: the second could carry the first one's cookie
    assert run("refresh", *news.args()).code == 0
    page_requests = [h for h in server.headers_seen if "text/html" in h.get("Accept", "")]
    assert page_requests
    for headers in page_requests:
        assert headers["User-Agent"].startswith("tui-news/")
        assert "Cookie" not in headers, headers.get("Cookie")
