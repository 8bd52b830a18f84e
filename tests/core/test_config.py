from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_news.config import bundled_config_path, find_config, load_config, resolve_db_path
from tui_news.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, "utf-8")
    return path


def test_full_config(tmp_path: Path) -> None:
    path = write(tmp_path, """
[settings]
concurrency = 3
read_timeout = 2.5
cache_path = "cache/x.db"

[keys]
next_unread = "n,ctrl+n"

[[feeds]]
url = "https://example.org/rss"
name = "Ví dụ"
tags = ["vi", "news", "vi"]
refresh_minutes = 5

[[feeds]]
url = "local/feed.xml"
enabled = false
""")
    config = load_config(path)
    assert config.settings.concurrency == 3
    assert config.settings.read_timeout == 2.5
    assert config.settings.cache_path == tmp_path / "cache" / "x.db"
    assert config.keys == {"next_unread": "n,ctrl+n"}
    first, second = config.feeds
    assert (first.url, first.name, first.tags, first.refresh_minutes) == ("https://example.org/rss", "Ví dụ",
                                                                         ("vi", "news"), 5)
    assert second.url == (tmp_path / "local" / "feed.xml").as_uri()
    assert second.enabled is False


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        ("[[feeds]]\nurl = \"https://a/\"\ncolour = 1\n", 3, "feeds[0].colour", "unknown key"),
        ("[[feeds]]\nname = \"x\"\n", 1, "feeds[0].url", "missing"),
        ("[[feeds]]\nurl = \"https://a/\"\n\n[[feeds]]\nurl = \"ftp://b/\"\n", 5, "feeds[1].url", "ftp"),
        ("[[feeds]]\nurl = \"javascript:alert(1)\"\n", 2, "feeds[0].url", "javascript"),
        ("[settings]\nconcurrency = 0\n", 2, "settings.concurrency", "at least 1"),
        ("[settings]\nread_timeout = \"fast\"\n", 2, "settings.read_timeout", "seconds"),
        ("[settings]\nbogus = 1\n", 2, "settings.bogus", "unknown key"),
        ("[[feeds]]\nurl = \"https://a/\"\ntags = \"news\"\n", 3, "feeds[0].tags", "list"),
        ("[[feeds]]\nurl = \"https://a/\"\nenabled = \"yes\"\n", 3, "feeds[0].enabled", "true or false"),
        ("colour = 1\n", 1, "colour", "unknown key"),
    ],
)
def test_bad_config_names_file_line_and_key(tmp_path: Path, text: str, line: int, key: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    assert (err.path, err.line, err.key) == (str(path), line, key)
    assert words in str(err)
    assert str(err).startswith(f"{path}:{line}: [{key}]")


def test_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[[feeds]]\nurl = \"https://a/\"\nname = \n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 3
    assert "syntax" in str(info.value)


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config() == bundled_config_path()
    user = isolated_env / "config" / "tui-news" / "feeds.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert find_config() == user
    local = write(tmp_path, "")
    assert find_config() == local
    monkeypatch.setenv("TUI_NEWS_CONFIG", "/elsewhere.toml")
    assert find_config() == Path("/elsewhere.toml")
    assert find_config("x.toml") == Path("x.toml")


def test_db_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert resolve_db_path(None, config) == isolated_env / "data" / "tui-news" / "cache.sqlite3"
    monkeypatch.setenv("TUI_NEWS_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None, config) == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "arg.db", config) == tmp_path / "arg.db"


def test_bundled_default_is_valid_and_tagged() -> None:
    config = load_config(bundled_config_path())
    assert len(config.feeds) >= 15
    assert all(f.url.startswith("https://") and f.tags for f in config.feeds)
    hosts = " ".join(f.url for f in config.feeds)
    for host in ("noichinh.vn", "dangcongsan.vn", "baochinhphu.vn", "nhandan.vn", "vnexpress.net", "bbci.co.uk"):
        assert host in hosts


def test_cli_bad_config_exit_2_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[[feeds]]\nurl = \"gopher://x/\"\n")
    proc = subprocess.run([sys.executable, "-m", "tui_news", "feeds", "--config", str(path), "--db",
                           str(tmp_path / "c.db")], capture_output=True, text=True, timeout=60,
                          env={**os.environ})
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] and ":2:" in lines[0] and "feeds[0].url" in lines[0]
    assert "Traceback" not in proc.stderr
