"""Pages that go wrong end as a recorded status on the article; the feed's version stays readable; the refresh
exit status is the feeds' alone. A feed cannot make the reader request local or private addresses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.models import FullText
from tui_news.service import Service

from .conftest import Run, Setup, rss, write_config
from .server import PageServer, Route


def feed_of(server: PageServer, links: dict[str, str]) -> None:
    server.routes["/feed.xml"] = Route(body=rss([
        {"title": title, "link": link, "summary": f"Lead of {title}."} for title, link in links.items()
    ]), content_type="application/rss+xml")


def states(run: Callable[..., Run], setup: Setup) -> dict[str, dict[str, object]]:
    got = run("search", "--json", "--limit", "50", *setup.args(), "feed:Local")
    out = {}
    for hit in json.loads(got.out):
        shown = run("show", str(hit["id"]), "--json", *setup.args())
        assert shown.code == 0, shown.err
        out[hit["title"]] = json.loads(shown.out)
    return out


def test_a_public_feed_cannot_reach_local_addresses(run: Callable[..., Run], server: PageServer,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUI_NEWS_FEEDS_ARE_PUBLIC", "1")  # the feed counts as served from a public address
    server.routes["/local"] = Route(body=b"<html><body><article><p>" + b"secret " * 200 + b"</p></article></body>")
    server.routes["/hop"] = Route(302, headers={"Location": server.url("/local")})
    feed_of(server, {"direct": server.url("/local"), "metadata": "http://169.254.169.254/latest/meta-data/",
                     "named": f"http://localhost:{server.port}/local"})
    setup = write_config(tmp_path, server.url("/feed.xml"))
    got = run("refresh", *setup.args())
    assert got.code == 0, got.out + got.err
    assert server.hits["/local"] == 0
    shown = states(run, setup)
    for title in ("direct", "metadata", "named"):
        status = str(shown[title]["full_text_status"])
        assert status.startswith("failed: refused:") and "local or private address" in status, status
        assert shown[title]["text"] == f"Lead of {title}."


def test_redirects_to_other_addresses_are_refused(run: Callable[..., Run], server: PageServer,
                                                  server2: PageServer, tmp_path: Path) -> None:
    """The feed is on 127.0.0.1, so pages there are allowed; 127.0.0.2 and 169.254.169.254 are not its own."""
    server2.routes["/page"] = Route(body=b"<html><body><article><p>" + b"other " * 200 + b"</p></article></body>")
    server.routes["/to-other"] = Route(302, headers={"Location": server2.url("/page")})
    server.routes["/to-metadata"] = Route(301, headers={"Location": "http://169.254.169.254/latest/"})
    feed_of(server, {"other": server2.url("/page"), "hop-other": server.url("/to-other"),
                     "hop-metadata": server.url("/to-metadata")})
    setup = write_config(tmp_path, server.url("/feed.xml"))
    assert run("refresh", *setup.args()).code == 0
    assert server2.hits["/page"] == 0
    assert server.hits["/to-other"] == 1 and server.hits["/to-metadata"] == 1  # own address: allowed
    for title, state in states(run, setup).items():
        assert str(state["full_text_status"]).startswith("failed: refused:"), (title, state)


def hostile_page() -> bytes:
    deep = b"<div>" * 200_000 + b"x" + b"</div>" * 200_000
    wide = b"<p>" + b"<b>" * 300_000
    return b"<html><body>" + deep + wide + b"</body></html>"


def test_every_page_failure_is_a_recorded_status(run: Callable[..., Run], server: PageServer,
                                                 tmp_path: Path) -> None:
    good = b"<html><body><article>" + b"<p>A sentence of the article body, long enough.</p>" * 40 + \
        b"</article></body></html>"
    server.routes.update({
        "/image": Route(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png"),
        "/missing": Route(404, b"gone", "text/plain"),
        "/huge": Route(body=b"<html><body>" + b"<p>big</p>" * 20_000 + b"</body></html>"),
        "/scheme": Route(302, headers={"Location": "ftp://127.0.0.1/page"}),
        "/slow": Route(body=good, delay=2.5),
        "/empty": Route(body=b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
        "/hostile": Route(body=hostile_page()),
        "/good": Route(body=good),
    })
    feed_of(server, {name: server.url(f"/{name}") for name in
                     ("image", "missing", "huge", "scheme", "slow", "empty", "hostile", "good")})
    setup = write_config(tmp_path, server.url("/feed.xml"), settings="page_max_bytes = 100000")
    got = run("refresh", *setup.args())
    assert got.code == 0, got.out + got.err  # page failures never fail the refresh
    assert "8 full texts: 1 fetched, 7 failed" in got.out
    shown = states(run, setup)
    expected = {
        "image": "failed: not HTML: image/png",
        "missing": "failed: 404",
        "huge": "failed: body exceeds",
        "scheme": "failed: redirect to a non-http(s) URL refused",
        "slow": "failed: timed out",
        "empty": "failed: no article text found",
        "hostile": "failed: ",
    }
    for title, prefix in expected.items():
        state = shown[title]
        assert str(state["full_text_status"]).startswith(prefix), (title, state["full_text_status"])
        assert state["text"] == f"Lead of {title}."  # the feed's version stays readable
        assert "\n" not in str(state["full_text_status"])
    assert shown["good"]["full_text_status"] == "ok"


def test_a_404_is_final_and_failures_are_retried_with_backoff(server: PageServer, tmp_path: Path) -> None:
    server.routes["/missing"] = Route(404, b"gone", "text/plain")
    server.routes["/flaky"] = Route(503, b"busy", "text/plain")
    feed_of(server, {"missing": server.url("/missing"), "flaky": server.url("/flaky")})
    setup = write_config(tmp_path, server.url("/feed.xml"), settings="full_text_retries = 2")
    now = [datetime.now(UTC)]
    service = Service.open(load_config(setup.config), setup.db, clock=lambda: now[0])
    try:
        states_seen: dict[int, FullText] = {}
        asyncio.run(service.refresh(on_full_text=lambda aid, st: states_seen.__setitem__(aid, st)))
        assert sorted(st.label for st in states_seen.values()) == ["failed: 404", "failed: 503"]
        assert [st.final for st in states_seen.values() if st.reason == "404"] == [True]
        asyncio.run(service.refresh())  # too soon for a retry
        assert (server.hits["/missing"], server.hits["/flaky"]) == (1, 1)
        now[0] += timedelta(hours=2)  # past the first backoff (1 h)
        asyncio.run(service.refresh())
        assert (server.hits["/missing"], server.hits["/flaky"]) == (1, 2)  # a 404 is final
        now[0] += timedelta(days=2)
        asyncio.run(service.refresh())
        assert server.hits["/flaky"] == 2  # full_text_retries = 2 tries in all
    finally:
        service.close()


def test_a_host_that_does_not_answer_is_not_asked_for_every_page(run: Callable[..., Run], server: PageServer,
                                                                  tmp_path: Path) -> None:
    """Offline (or a dead host), 30 pages of one host must not each wait out the timeouts: after the first pages
    fail with no HTTP answer at all, the refresh asks that host nothing more, and the pages stay due. The host
    here accepts each connection and closes it at once; it counts the connections."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        feed_of(server, {f"Dead {i}": f"http://127.0.0.1:{port}/a/{i}" for i in range(30)})
        setup = write_config(tmp_path, server.url("/feed.xml"), settings="per_host = 2\n")
        got = run("refresh", *setup.args())
        assert got.code == 0, got.err
    finally:
        listener.close()
    assert 1 <= len(accepted) <= 2, f"{len(accepted)} connections to a host that never answered"
    shown = states(run, setup)
    assert sum(1 for s in shown.values() if s["full_text_status"].startswith("failed")) <= 2
    assert sum(1 for s in shown.values() if s["full_text_status"] == "not tried") >= 28
