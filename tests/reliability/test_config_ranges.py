"""Settings that passed validation and then crashed: each is now refused in one line with exit 2, and a byte order
mark at the start of feeds.toml is accepted. Every command runs as a subprocess, as cron would run it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli
from .faultserver import FaultServer, feed_xml


@pytest.mark.parametrize(("table", "line", "key"), [
    ("[settings]", "refresh_minutes = 10000000000", "settings.refresh_minutes"),  # was: OverflowError traceback
    ("[settings]", "refresh_minutes = 9223372036854775807", "settings.refresh_minutes"),  # was: nothing stored
    ("[settings]", "retention_days = 9223372036854775807", "settings.retention_days"),  # was: int too large
    ("[settings]", "total_timeout = nan", "settings.total_timeout"),  # was: accepted, every feed failed
    ("[settings]", "connect_timeout = nan", "settings.connect_timeout"),
    ("[settings]", "read_timeout = inf", "settings.read_timeout"),
    ("[settings]", "max_articles_per_feed = 9223372036854775807", "settings.max_articles_per_feed"),
    ("[settings]", "concurrency = 100000", "settings.concurrency"),
    ("[settings]", "per_host = 100000", "settings.per_host"),
    ("[settings]", "max_bytes = 9223372036854775807", "settings.max_bytes"),
    ("[keys]", 'no-such-binding = "z"', "keys.no-such-binding"),  # was: ignored
])
def test_settings_out_of_range_are_refused_in_one_line(plain_server: FaultServer, tmp_path: Path, table: str,
                                                       line: str, key: str) -> None:
    url = plain_server.static("/feed.xml", feed_xml("Good"))
    config = tmp_path / "feeds.toml"
    config.write_text(f'{table}\n{line}\n\n[[feeds]]\nurl = "{url}"\nrefresh_minutes = 1\n', "utf-8")
    proc = run_cli("refresh", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith(f"tui-news: error: {config}:2: [{key}] "), lines[0]
    if table == "[keys]":
        assert "unknown binding id 'no-such-binding'" in lines[0] and "next-unread" in lines[0]
    else:
        assert "must be" in lines[0]
    assert proc.stdout == ""
    assert not (tmp_path / "c.db").exists()
    assert plain_server.paths == []  # nothing was fetched


def test_a_feed_refresh_interval_out_of_range_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nurl = "https://example.org/rss"\nrefresh_minutes = 10000000000\n', "utf-8")
    proc = run_cli("feeds", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert f"{config}:3: [feeds[0].refresh_minutes] must be from 1 to 525,600" in proc.stderr


def test_settings_at_the_edges_of_their_ranges_work(plain_server: FaultServer, tmp_path: Path) -> None:
    url = plain_server.static("/feed.xml", feed_xml("Edges"))
    config = tmp_path / "feeds.toml"
    config.write_text("[settings]\nrefresh_minutes = 525600\nretention_days = 36500\nmax_articles_per_feed = 10000000\n"
                      "total_timeout = 3600\nconnect_timeout = 3600\nconcurrency = 256\nper_host = 64\n"
                      f'\n[[feeds]]\nurl = "{url}"\nrefresh_minutes = 525600\n', "utf-8")
    proc = run_cli("refresh", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 feeds: 1 ok, 0 failed" in proc.stdout


def test_a_byte_order_mark_at_the_start_of_feeds_toml_is_accepted(plain_server: FaultServer, tmp_path: Path) -> None:
    url = plain_server.static("/feed.xml", feed_xml("Bom"))
    config = tmp_path / "feeds.toml"
    config.write_bytes(b"\xef\xbb\xbf" + f'[[feeds]]\nurl = "{url}"\nname = "Báo"\n'.encode())
    proc = run_cli("refresh", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ok      Báo: 3 new" in proc.stdout
