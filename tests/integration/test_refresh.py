"""The whole pipeline, feeds.toml -> fetch (real HTTP on 127.0.0.1) -> parse -> SQLite."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import tui_news.parse as parse_module
from tui_news.config import load_config
from tui_news.service import Service

from .feeds import many_items, rss

NOW = datetime(2026, 11, 2, tzinfo=UTC)
VI = [("g1", "Đảng bộ Hải Phòng", "<p>Nghị quyết số 57-NQ/TW</p>"), ("g2", "Tin hai", "<p>hai</p>")]


def make_config(tmp_path: Path, urls: list[str], extra: str = "") -> Path:
    lines = [f"[settings]\nconnect_timeout = 2\nread_timeout = 1\ntotal_timeout = 3\n{extra}\n"]
    for url in urls:
        lines.append(f'[[feeds]]\nurl = "{url}"\n')
    path = tmp_path / "feeds.toml"
    path.write_text("\n".join(lines), "utf-8")
    return path


def open_service(tmp_path: Path, urls: list[str], extra: str = "", **kw: object) -> Service:
    config = load_config(make_config(tmp_path, urls, extra))
    return Service.open(config, tmp_path / "cache.db", clock=lambda: NOW, **kw)


async def refresh(service: Service) -> dict[str, object]:
    return {o.url: o for o in await service.refresh()}


async def test_200_then_304_by_etag_and_by_last_modified(httpserver: HTTPServer, tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []

    def etag_handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(rss("E", VI), headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    def lm_handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        lm = "Sun, 01 Nov 2026 08:00:00 GMT"
        if request.headers.get("If-Modified-Since") == lm:
            return Response(status=304)
        return Response(rss("L", VI), headers={"Last-Modified": lm})

    httpserver.expect_request("/etag.xml").respond_with_handler(etag_handler)
    httpserver.expect_request("/lm.xml").respond_with_handler(lm_handler)
    urls = [httpserver.url_for("/etag.xml"), httpserver.url_for("/lm.xml")]
    service = open_service(tmp_path, urls)
    try:
        first = await refresh(service)
        assert all(o.new == 2 and not o.failed for o in first.values())  # type: ignore[attr-defined]
        second = await refresh(service)
        assert all(o.not_modified for o in second.values())  # type: ignore[attr-defined]
    finally:
        service.close()
    conditional = [h for h in seen if "If-None-Match" in h or "If-Modified-Since" in h]
    assert {h.get("If-None-Match") for h in conditional} >= {'"v1"'}
    assert "Sun, 01 Nov 2026 08:00:00 GMT" in {h.get("If-Modified-Since") for h in conditional}
    assert all(h["User-Agent"].startswith("tui-news/") for h in seen)


async def test_gzip_json_feed_and_malformed_xml(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/gz.xml").respond_with_data(
        gzip.compress(rss("G", VI)), headers={"Content-Encoding": "gzip", "Content-Type": "text/xml"})
    jf = {"version": "https://jsonfeed.org/version/1.1", "title": "J",
          "items": [{"id": "j1", "title": "Một", "content_html": "<p>x</p>", "date_published": "2026-10-01T00:00:00Z"}]}
    httpserver.expect_request("/feed.json").respond_with_data(
        json.dumps(jf), headers={"Content-Type": "application/feed+json"})
    broken = rss("B", VI).replace(b"</channel></rss>", b"<item><title>cut & off</title>")
    httpserver.expect_request("/broken.xml").respond_with_data(broken)
    service = open_service(tmp_path, [httpserver.url_for(p) for p in ("/gz.xml", "/feed.json", "/broken.xml")])
    try:
        out = await refresh(service)
        news = {url.rsplit("/", 1)[1]: o.new for url, o in out.items()}  # type: ignore[attr-defined]
        assert news["gz.xml"] == 2 and news["feed.json"] == 1 and news["broken.xml"] >= 2
        titles = {a.title for a in service.articles()}
        assert {"Đảng bộ Hải Phòng", "Một"} <= titles
    finally:
        service.close()


async def test_failures_are_per_feed(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/ok.xml").respond_with_data(rss("OK", VI))
    httpserver.expect_request("/404.xml").respond_with_data("nope", status=404)
    httpserver.expect_request("/500.xml").respond_with_data("boom", status=500)
    httpserver.expect_request("/html").respond_with_data("<html><body>hi</body></html>", content_type="text/html")

    def slow(_request: Request) -> Response:
        time.sleep(2.5)
        return Response(rss("S", VI))

    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    paths = ["/ok.xml", "/404.xml", "/500.xml", "/html", "/slow.xml"]
    service = open_service(tmp_path, [httpserver.url_for(p) for p in paths])
    try:
        started = time.monotonic()
        out = await refresh(service)
        assert time.monotonic() - started < 6
        by = {url.rsplit("/", 1)[1]: o for url, o in out.items()}
        assert by["ok.xml"].new == 2 and not by["ok.xml"].failed  # type: ignore[attr-defined]
        assert "404" in by["404.xml"].error  # type: ignore[attr-defined]
        assert "500" in by["500.xml"].error  # type: ignore[attr-defined]
        assert "not a feed" in by["html"].error.lower()  # type: ignore[attr-defined]
        assert "timed out" in by["slow.xml"].error  # type: ignore[attr-defined]
        feeds = {f.url.rsplit("/", 1)[1]: f for f in service.feeds()}
        assert feeds["404.xml"].last_error and feeds["404.xml"].error_count == 1
        assert feeds["ok.xml"].last_error is None and feeds["ok.xml"].unread == 2
    finally:
        service.close()


async def test_permanent_redirect_updates_stored_url(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/old.xml").respond_with_data("", status=301,
                                                            headers={"Location": httpserver.url_for("/new.xml")})
    httpserver.expect_request("/new.xml").respond_with_data(rss("N", VI))
    service = open_service(tmp_path, [httpserver.url_for("/old.xml")])
    try:
        await refresh(service)
        (feed,) = service.feeds()
        assert feed.fetch_url == httpserver.url_for("/new.xml")
        assert feed.url == httpserver.url_for("/old.xml")
        httpserver.clear_log()
        await refresh(service)
        assert [r.path for r, _ in httpserver.log] == ["/new.xml"]
    finally:
        service.close()


async def test_size_cap_stops_gzip_bomb(httpserver: HTTPServer, tmp_path: Path) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (30 * 1024 * 1024), compresslevel=9)
    httpserver.expect_request("/bomb.xml").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/ok.xml").respond_with_data(rss("OK", VI))
    service = open_service(tmp_path, [httpserver.url_for("/bomb.xml"), httpserver.url_for("/ok.xml")],
                           "max_bytes = 1048576")
    try:
        out = await refresh(service)
        by = {url.rsplit("/", 1)[1]: o for url, o in out.items()}
        assert "cap" in by["bomb.xml"].error  # type: ignore[attr-defined]
        assert by["ok.xml"].new == 2  # type: ignore[attr-defined]
    finally:
        service.close()


async def test_unchanged_body_is_not_parsed_again(httpserver: HTTPServer, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    httpserver.expect_request("/same.xml").respond_with_data(rss("S", VI))  # no validators at all
    calls: list[str] = []
    real: Callable[..., object] = parse_module.parse_feed

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(str(kwargs.get("url")))
        return real(*args, **kwargs)

    monkeypatch.setattr(parse_module, "parse_feed", counting)
    service = open_service(tmp_path, [httpserver.url_for("/same.xml")], processes=1)
    try:
        assert (await service.refresh())[0].new == 2
        second = (await service.refresh())[0]
        assert second.unchanged and not second.failed
        assert len(calls) == 1
    finally:
        service.close()


async def test_flags_survive_refetch_of_changed_articles(httpserver: HTTPServer, tmp_path: Path) -> None:
    version = {"n": 0}

    def handler(_request: Request) -> Response:
        items = [(g, f"{t} v{version['n']}", b) for g, t, b in VI]
        return Response(rss("F", items))

    httpserver.expect_request("/f.xml").respond_with_handler(handler)
    service = open_service(tmp_path, [httpserver.url_for("/f.xml")])
    try:
        await service.refresh()
        first, second = service.articles()
        service.set_read([first.id])
        service.set_starred([second.id])
        version["n"] = 1
        (outcome,) = await service.refresh()
        assert outcome.updated == 2
        after = {a.id: a for a in service.articles()}
        assert after[first.id].read and not after[first.id].starred
        assert after[second.id].starred and not after[second.id].read
        assert after[first.id].title.endswith("v1")
    finally:
        service.close()


async def test_many_feeds_use_the_process_pool(httpserver: HTTPServer, tmp_path: Path) -> None:
    for i in range(12):
        httpserver.expect_request(f"/f{i}.xml").respond_with_data(rss(f"F{i}", many_items(f"f{i}", 30)))
    service = open_service(tmp_path, [httpserver.url_for(f"/f{i}.xml") for i in range(12)], processes=2)
    try:
        out = await service.refresh()
        assert [o.new for o in out] == [30] * 12
        assert service.count_articles() == 360
    finally:
        service.close()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui_news", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_cli_refresh_and_feeds_json(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/ok.xml").respond_with_data(rss("Báo tốt", VI))
    httpserver.expect_request("/gone.xml").respond_with_data("", status=404)
    config = make_config(tmp_path, [httpserver.url_for("/ok.xml"), httpserver.url_for("/gone.xml")])
    common = ["--config", str(config), "--db", str(tmp_path / "c.db")]
    proc = cli("refresh", *common, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "ok      Báo tốt: 2 new, 0 updated" in proc.stdout
    assert "FAILED" in proc.stdout and "404" in proc.stdout
    proc = cli("feeds", "--json", *common, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = {d["url"].rsplit("/", 1)[1]: d for d in json.loads(proc.stdout)}
    assert (data["ok.xml"]["unread"], data["ok.xml"]["total"], data["ok.xml"]["title"]) == (2, 2, "Báo tốt")
    assert data["ok.xml"]["last_error"] is None
    assert "404" in data["gone.xml"]["last_error"] and data["gone.xml"]["last_status"] == "404"
    found = json.loads(cli("search", "nghi", "quyet", "--json", *common, cwd=tmp_path).stdout)
    assert [hit["title"] for hit in found] == ["Đảng bộ Hải Phòng"]
    proc = cli("search", "nghi", "-hai", "--limit", "5", "--json", *common, cwd=tmp_path)  # an exclusion
    assert proc.returncode == 0 and json.loads(proc.stdout) == [], proc.stderr
    proc = cli("search", '"unclosed', *common, cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    httpserver.clear()
    httpserver.expect_request("/ok.xml").respond_with_data(rss("Báo tốt", VI))
    httpserver.expect_request("/gone.xml").respond_with_data(rss("Back", VI[:1]))
    proc = cli("refresh", *common, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_file_urls_and_plain_paths(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(rss("A", VI))
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feeds]]\nurl = "{(tmp_path / "a.xml").as_uri()}"\n[[feeds]]\nurl = "b.xml"\n', "utf-8")
    (tmp_path / "b.xml").write_bytes(rss("B", VI[1:]))
    proc = cli("refresh", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 new" in proc.stdout and "1 new" in proc.stdout


async def test_outcome_title_prefers_the_configured_name(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/named.xml").respond_with_data(rss("Title from the feed", VI))
    httpserver.expect_request("/unnamed.xml").respond_with_data(rss("Own title", VI))
    path = tmp_path / "feeds.toml"
    path.write_text(f'[[feeds]]\nurl = "{httpserver.url_for("/named.xml")}"\nname = "Báo của tôi"\n'
                    f'[[feeds]]\nurl = "{httpserver.url_for("/unnamed.xml")}"\n', "utf-8")
    service = Service.open(load_config(path), tmp_path / "cache.db", clock=lambda: NOW)
    try:
        assert [o.title for o in await service.refresh()] == ["Báo của tôi", "Own title"]
    finally:
        service.close()
