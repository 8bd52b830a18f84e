"""The hostile corpus (../shared/corpus/hostile) through the whole refresh: fetch -> parse -> SQLite -> view.

Each file is refreshed twice: as a file:// feed, and served over HTTP from 127.0.0.1 with the headers of its
`.http-headers` sidecar (Content-Encoding, charset). Compressed files are also served once more WITHOUT their
Content-Encoding, so a body that only sniffs as gzip meets the same cap. Per-file parse behaviour is pinned in
tests/parse/test_parse_corpus.py; here we check what reaches the cache and the article pane.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_news.models import Config, FeedConfig, Settings
from tui_news.service import Service
from tui_news.text import render_html

from . import faultserver as fs
from .test_faulty_servers import readable

NOT_INPUT = {"INDEX.tsv", "_generate_hostile.py"}
HEAVY = {  # about a second or more each: run in the `slow` test only
    "size/big-5k-items.xml",
    "size/one-huge-description.xml",
    "size/huge-150k-items.xml.gz",
    "compression/gzip-bomb-1GiB.xml.gz",
    "compression/deflate-bomb-256MiB.xml.zz",
}
CONTENT_TYPES = {".xml": "application/xml", ".json": "application/json", ".html": "text/html",
                 ".opml": "text/x-opml", ".txt": "text/plain"}
BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BAD_TITLE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PASSWD = re.compile(r"root:[^:\n]*:0:0:")
SETTINGS = Settings(concurrency=16, per_host=16, connect_timeout=2, read_timeout=5, total_timeout=20)


def hostile_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in NOT_INPUT
                  and not p.name.endswith(".http-headers"))


@dataclass
class Feedset:
    """Which file each feed URL stands for."""

    files: dict[str, Path]


def _serve(server: fs.FaultServer, root: Path, files: list[Path]) -> dict[str, Path]:
    urls: dict[str, Path] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        headers = fs.read_sidecar(path) or {"Content-Type": CONTENT_TYPES.get(path.suffix, "application/xml")}
        body = path.read_bytes()
        urls[server.route(f"/{rel}", fs.serve_bytes(body, headers))] = path
        if any(k.lower() == "content-encoding" for k in headers):
            plain = {k: v for k, v in headers.items() if k.lower() != "content-encoding"}
            urls[server.route(f"/raw/{rel}", fs.serve_bytes(body, plain))] = path
    return urls


async def _refresh_and_check(urls: dict[str, Path], db: Path, server: fs.FaultServer | None = None) -> None:
    config = Config(None, tuple(FeedConfig(url) for url in urls), SETTINGS)
    service = Service.open(config, db, processes=2)
    try:
        async with asyncio.timeout(90):
            outcomes = await service.refresh(full_text=False)  # feeds only: article pages are tests/fulltext's
        assert len(outcomes) == len(urls)
        for outcome in outcomes:
            name = urls[outcome.url].name
            assert outcome.error is None or readable(outcome.error), (name, outcome.error)
            assert not (outcome.error or "").startswith("internal error"), (name, outcome.error)
        feeds = {f.id: f for f in service.feeds()}
        for feed in feeds.values():
            path = urls[feed.url]
            assert not BAD_TITLE_CHARS.search(feed.display_title), (path.name, feed.display_title)
            assert feed.last_error is None or readable(feed.last_error), (path.name, feed.last_error)
        stored: dict[int, int] = {}
        for summary in service.articles(limit=1_000_000):
            _check_article(service, summary.id, urls[feeds[summary.feed_id].url])
            article = service.article(summary.id)
            assert article is not None
            size = sum(len(x or "") for x in (article.title, article.summary_html, article.content_html,
                                              article.link, article.author))
            stored[summary.feed_id] = stored.get(summary.feed_id, 0) + size
        for feed_id, size in stored.items():
            path = urls[feeds[feed_id].url]
            limit = 4 * len(path.read_bytes()) + 20_000
            if path.suffix not in (".gz", ".zz"):  # compressed files legitimately grow
                assert size <= limit, f"{path.name}: {size} characters stored from {path.stat().st_size} bytes"
        assert service.repo.integrity_check() == "ok"
    finally:
        service.close()
    if server is not None:  # nothing but the feeds themselves was requested: no DTD, entity or XInclude
        served = {u.split(str(server.port), 1)[1] for u in urls}
        assert set(server.paths) <= served, set(server.paths) - served


def _check_article(service: Service, article_id: int, path: Path) -> None:
    article = service.article(article_id)
    assert article is not None
    title = article.title
    assert not BAD_TITLE_CHARS.search(title), (path.name, title[:80])
    assert unicodedata.is_normalized("NFC", title), (path.name, title[:80])
    assert len(title) <= 1_000, (path.name, len(title))
    for field in (article.title, article.summary_html, article.content_html, article.link, article.author):
        assert not PASSWD.search(field or ""), (path.name, "external entity resolved")
        assert "lollollollollollol" not in (field or ""), (path.name, "entity expanded")
    if article.link is not None:
        assert article.link.split(":", 1)[0].lower() in ("http", "https"), (path.name, article.link[:80])
    view = service.view(article_id)
    assert view is not None
    text = view.document.text
    assert not BAD_CHARS.search(text), (path.name, BAD_CHARS.search(text))
    for link in view.document.links:
        assert link.split(":", 1)[0].lower() in ("http", "https", "mailto"), (path.name, link[:80])
    assert render_html(article.html).text == text


def _chosen(corpus: Path, heavy: bool) -> list[Path]:
    root = corpus / "hostile"
    if not root.is_dir():
        pytest.skip(f"{root} not found")
    files = hostile_files(root)
    return [p for p in files if (p.relative_to(root).as_posix() in HEAVY) == heavy]


async def test_hostile_files_as_file_urls(corpus: Path, tmp_path: Path) -> None:
    files = _chosen(corpus, heavy=False)
    await _refresh_and_check({p.as_uri(): p for p in files}, tmp_path / "cache.db")


async def test_hostile_files_over_http_with_sidecar_headers(corpus: Path, tmp_path: Path,
                                                            plain_server: fs.FaultServer) -> None:
    files = _chosen(corpus, heavy=False)
    urls = _serve(plain_server, corpus / "hostile", files)
    await _refresh_and_check(urls, tmp_path / "cache.db", plain_server)


@pytest.mark.slow
async def test_heavy_hostile_files_both_ways(corpus: Path, tmp_path: Path, plain_server: fs.FaultServer) -> None:
    files = _chosen(corpus, heavy=True)
    urls = _serve(plain_server, corpus / "hostile", files)
    urls.update({p.as_uri(): p for p in files})
    await _refresh_and_check(urls, tmp_path / "cache.db")


async def test_entity_attacks_stay_unexpanded(corpus: Path, tmp_path: Path) -> None:
    """The named entity files, one by one: what is stored is small and holds no file content."""
    root = corpus / "hostile" / "xml"
    if not root.is_dir():
        pytest.skip(f"{root} not found")
    names = ["billion-laughs.xml", "quadratic-blowup.xml", "xxe-file.xml", "xxe-parameter-entity.xml",
             "xxe-http-loopback.xml", "external-dtd.xml", "xinclude.xml", "entity-expansion-small.xml"]
    files = [root / n for n in names]
    config = Config(None, tuple(FeedConfig(p.as_uri()) for p in files), SETTINGS)
    service = Service.open(config, tmp_path / "cache.db", processes=1)
    try:
        await service.refresh()
        for summary in service.articles(limit=1000):
            article = service.article(summary.id)
            assert article is not None
            body = (article.summary_html or "") + (article.content_html or "")
            assert len(article.title) < 3_000 and len(body) < 100_000, (summary.feed_title, len(body))
            assert "root:" not in body + article.title
            assert "<xi:include" not in render_html(body).text
    finally:
        service.close()
