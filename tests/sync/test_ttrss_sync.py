"""Sync against a real Tiny Tiny RSS on 127.0.0.1 (tests/sync/ttrss_server.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.errors import SyncError
from tui_news.models import ArticleFilter
from tui_news.service import Service

from .ttrss_server import PASSWORD, USER, TtrssServer

ENV = "TUI_NEWS_TEST_SYNC_PASSWORD"


@pytest.fixture
def config_path(tmp_path: Path, ttrss: TtrssServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV, PASSWORD)
    path = tmp_path / "feeds.toml"
    path.write_text(textwrap.dedent(f"""\
        [sync]
        kind = "ttrss"
        url = "{ttrss.url}"
        user = "{USER}"
        password_env = "{ENV}"
        """), encoding="utf-8")
    return path


def open_service(config_path: Path) -> Service:
    return Service.open(load_config(config_path), config_path.parent / "cache.sqlite3")


def cli(config_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui_news", *args, "--config", str(config_path),
                           "--db", str(config_path.parent / "cache.sqlite3")],
                          capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


def by_title(service: Service) -> dict[str, int]:
    return {a.title: a.id for a in service.articles(ArticleFilter(), limit=1000)}


async def test_first_and_incremental_pull(config_path: Path, ttrss: TtrssServer) -> None:
    cat = ttrss.add_category("Thời sự")
    news = ttrss.add_feed("Báo Mới", "https://example.org/news.rss", cat)
    other = ttrss.add_feed("Loose", "https://example.org/loose.rss")
    ttrss.add_articles(news, [("Ch&iacute;nh ph&#7911; h&#7885;p",
                               "<p>Ch&iacute;nh ph&#7911; h&#7885;p v&#7899;i b&agrave; Nguy&#7877;n Th&#7883; Lan"
                               "\u202e.</p>"), ("Second", "<p>two</p>")])
    ttrss.add_articles(other, [("Loose one", "<p>x</p>")])
    service = open_service(config_path)
    try:
        report = await service.sync()
        assert (report.feeds, report.new) == (2, 3)
        feeds = {f.display_title: f for f in service.feeds()}
        assert feeds["Báo Mới"].tags == ("Thời sự",) and feeds["Loose"].tags == ()
        titles = by_title(service)
        assert set(titles) == {"Chính phủ họp", "Second", "Loose one"}  # unescaped, NFC
        detail = service.view(titles["Chính phủ họp"])
        assert detail is not None and "Chính phủ họp với bà Nguyễn Thị Lan." in detail.document.text
        assert "\u202e" not in detail.document.text
        assert [h.article.id for h in service.search('"chính phủ"')] == [titles["Chính phủ họp"]]
        # Incremental: only what is new since the last pull comes, nothing is duplicated.
        ttrss.add_articles(news, [("Third", "<p>three</p>")], start=10)
        report = await service.sync()
        assert (report.received, report.new) == (1, 1) and len(by_title(service)) == 4
        report = await service.sync()
        assert (report.received, report.new, report.updated) == (0, 0, 0)
    finally:
        service.close()


async def test_flags_go_both_ways(config_path: Path, ttrss: TtrssServer) -> None:
    feed = ttrss.add_feed("F", "https://example.org/f.rss")
    ids = ttrss.add_articles(feed, [("A", "<p>a</p>"), ("B", "<p>b</p>"), ("C", "<p>c</p>")])
    service = open_service(config_path)
    try:
        await service.sync()
        local = by_title(service)
        service.set_read([local["A"]])
        service.set_starred([local["B"]])
        assert service.sync_status().endswith("2 queued")  # type: ignore[union-attr]
        report = await service.sync()
        assert report.pushed == 2 and report.queued == 0
        assert ttrss.flags()[ids[0]] == (True, False) and ttrss.flags()[ids[1]] == (False, True)
        # Changed on the server (another device): comes back on the next sync.
        ttrss.psql(f"UPDATE ttrss_user_entries SET unread = false, marked = true WHERE ref_id = {ids[2]};"
                   f"UPDATE ttrss_user_entries SET unread = true WHERE ref_id = {ids[0]}")
        report = await service.sync()
        assert report.flags_from_server == 3
        c, a = service.article(local["C"]), service.article(local["A"])
        assert c is not None and (c.read, c.starred) == (True, True)
        assert a is not None and not a.read
        assert report.queued == 0 and ttrss.flags()[ids[2]] == (True, True)  # nothing echoed back as a change
    finally:
        service.close()


def test_queue_survives_sigkill_and_an_offline_server(config_path: Path, ttrss: TtrssServer) -> None:
    feed = ttrss.add_feed("F", "https://example.org/f.rss")
    ids = ttrss.add_articles(feed, [("A", "<p>a</p>"), ("B", "<p>b</p>")])
    assert cli(config_path, "sync").returncode == 0
    service = open_service(config_path)
    local = by_title(service)
    service.close()
    # A process flags an article and is killed before it can send anything.
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from tui_news.config import load_config
        from tui_news.service import Service
        s = Service.open(load_config(Path({str(config_path)!r})), Path({str(config_path.parent / 'cache.sqlite3')!r}))
        s.set_read([{local['A']}])
        s.set_starred([{local['B']}])
        os.kill(os.getpid(), signal.SIGKILL)
        """)
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    ttrss.stop_php()  # offline
    result = cli(config_path, "sync")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot reach the sync server" in result.stderr
    assert cli(config_path, "mark", str(local["A"]), "--unread").returncode == 0
    assert cli(config_path, "mark", str(local["A"]), "--read").returncode == 0
    ttrss.start_php()
    assert ttrss.flags()[ids[0]] == (False, False)
    result = cli(config_path, "sync", "--json")
    assert result.returncode == 0, result.stderr
    assert '"pushed": 2' in result.stdout and '"queued": 0' in result.stdout
    assert ttrss.flags()[ids[0]] == (True, False) and ttrss.flags()[ids[1]] == (False, True)


def test_errors_are_one_line(config_path: Path, ttrss: TtrssServer) -> None:
    wrong = cli(config_path, "sync", env={ENV: "not-the-password"})
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1
    assert "wrong user or password" in wrong.stderr
    ttrss.set_api(False)
    disabled = cli(config_path, "sync")
    assert disabled.returncode == 1 and disabled.stderr.count("\n") == 1
    assert "API is disabled" in disabled.stderr
    ttrss.set_api(True)
    ttrss.stop_php()
    down = cli(config_path, "sync", "--json")
    assert down.returncode == 1 and down.stderr.count("\n") == 1 and "cannot reach" in down.stderr
    assert '"ok": false' in down.stdout
    no_sync = config_path.parent / "plain.toml"
    no_sync.write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tui_news", "sync", "--config", str(no_sync), "--db",
                             str(config_path.parent / "c2.sqlite3")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no [sync] table" in result.stderr


async def test_server_killed_mid_sync_loses_nothing(config_path: Path, ttrss: TtrssServer) -> None:
    feed = ttrss.add_feed("F", "https://example.org/f.rss")
    ttrss.add_articles(feed, [(f"T{i}", f"<p>{i}</p>") for i in range(450)])  # three pages
    service = open_service(config_path)
    try:
        client_calls = 0
        original = service._store

        async def kill_after_first_page(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal client_calls
            if getattr(fn, "__name__", "") == "link_articles":
                client_calls += 1
                if client_calls == 1:
                    ttrss.stop_php()
            return await original(fn, *args, **kwargs)

        service._store = kill_after_first_page  # type: ignore[method-assign]
        with pytest.raises(SyncError, match="cannot reach"):
            await service.sync()
        service._store = original  # type: ignore[method-assign]
        assert service.sync_status().startswith("sync failed: cannot reach")  # type: ignore[union-attr]
        ttrss.start_php()
        report = await service.sync()
        assert len(by_title(service)) == 450 and report.new + 200 == 450
    finally:
        service.close()
