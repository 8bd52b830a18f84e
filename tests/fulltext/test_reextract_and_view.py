"""`tui-news reextract` re-runs extraction on the kept pages after a rule change, with no request; the Service
API the reader uses: view(version=...), header(), fetch_full_text on demand."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

from tui_news.config import load_config
from tui_news.service import Service

from .conftest import PAGES, Run, lead_of, page_route, rss, site_rule, write_config
from .server import PageServer, Route


def test_reextract_after_a_rule_change_needs_no_download(run: Callable[..., Run], server: PageServer,
                                                         tmp_path: Path) -> None:
    server.routes["/vnexpress/a-4381438.html"] = page_route("vnexpress")
    server.routes["/feed.xml"] = Route(body=rss([
        {"title": "Thư viện", "link": server.url("/vnexpress/a-4381438.html"), "summary": lead_of("vnexpress")}
    ]), content_type="application/rss+xml")
    setup = write_config(tmp_path, server.url("/feed.xml"), site_rule("vnexpress.net", "127.0.0.1/vnexpress"))
    assert run("refresh", *setup.args()).code == 0
    article_id = json.loads(run("search", "--json", *setup.args(), "feed:Local").out)[0]["id"]
    before = json.loads(run("show", str(article_id), "--json", *setup.args()).out)["text"]
    assert "Ảnh: Minh An" in before
    hits = sum(server.hits.values())

    # the rule now also drops the figures: their captions (and photo credits) go
    rule = site_rule("vnexpress.net", "127.0.0.1/vnexpress")
    changed = rule.replace('drop = ["', 'drop = ["figure", "', 1)
    assert changed != rule
    setup.config.write_text(setup.config.read_text("utf-8").replace(rule, changed), "utf-8")
    got = run("reextract", "--feed", "Local", *setup.args())
    assert got.code == 0, got.err
    assert "1 kept pages extracted again: 1 ok, 0 failed" in got.out
    after = json.loads(run("show", str(article_id), "--json", *setup.args()).out)
    assert "Ảnh: Minh An" not in after["text"] and "thư viện" in after["text"]
    assert sum(server.hits.values()) == hits  # no request
    # the index follows the new text: the caption's words are gone from search
    found = json.loads(run("search", "--json", *setup.args(), '"xếp hàng nhận thẻ đọc trong ngày"').out)
    assert article_id not in [h["id"] for h in found]
    assert run("reextract", "--feed", "Nope", *setup.args()).code == 2


def test_view_versions_and_fetch_on_demand(server: PageServer, tmp_path: Path) -> None:
    server.routes["/noichinh/a.html"] = page_route("noichinh")
    server.routes["/feed.xml"] = Route(body=rss([
        {"title": "Khảo sát", "link": server.url("/noichinh/a.html"), "summary": lead_of("noichinh")}
    ]), content_type="application/rss+xml")
    setup = write_config(tmp_path, server.url("/feed.xml"), site_rule("noichinh.vn", "127.0.0.1/noichinh"),
                         settings='full_text = "never"')
    service = Service.open(load_config(setup.config), setup.db)
    try:
        asyncio.run(service.refresh())
        assert server.hits["/noichinh/a.html"] == 0  # "never"
        article_id = service.articles()[0].id
        feed_view = service.view(article_id)
        assert feed_view is not None and feed_view.version == "feed"
        assert feed_view.header() == "feed summary · full text not tried"
        state = asyncio.run(service.fetch_full_text(article_id))
        assert state.status == "ok" and state.extractor == "rule:127.0.0.1/noichinh" and state.host == "127.0.0.1"
        best = service.view(article_id)
        assert best is not None and best.version == "full"
        assert best.header() == "full article · 127.0.0.1 · site rule"
        assert "Nguyễn Thái Học" in best.document.text
        assert any(best.document.text[s.start:s.end] == "Nguyễn Thái Học" for s in best.entities)
        feed_again = service.view(article_id, version="feed")
        assert feed_again is not None and feed_again.version == "feed"
        assert feed_again.header() == "feed summary · full text available"
        assert "Nguyễn Thái Học" not in feed_again.document.text
        assert (PAGES / "noichinh.html").is_file()
    finally:
        service.close()
