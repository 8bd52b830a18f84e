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
next-unread = "n,ctrl+n"

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
    assert config.keys == {"next-unread": "n,ctrl+n"}
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
        ("[settings]\nconcurrency = 0\n", 2, "settings.concurrency", "from 1 to 256"),
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
    write(tmp_path, "")  # ./feeds.toml is read only when named: the user's list still wins
    assert find_config() == user
    assert find_config("feeds.toml") == Path("feeds.toml")
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


def _ui_binding_ids() -> set[str]:
    """The id of every Binding declared by a class of the tui_news.ui package."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import tui_news.ui

    ids: set[str] = set()
    for info in pkgutil.walk_packages(tui_news.ui.__path__, "tui_news.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not cls.__module__.startswith("tui_news.ui"):
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def test_binding_ids_the_config_accepts_are_those_of_the_ui() -> None:
    from tui_news.models import BINDING_IDS

    ui = _ui_binding_ids()
    assert ui, "no binding with an id found in tui_news.ui"
    assert set(BINDING_IDS) == ui, (f"add to models.BINDING_IDS: {sorted(ui - BINDING_IDS)}; "
                                    f"remove: {sorted(BINDING_IDS - ui)}")


def test_unknown_binding_id_names_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nnext-unread = "n"\nno-such-binding = "z"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert (info.value.line, info.value.key) == (3, "keys.no-such-binding")
    assert "unknown binding id 'no-such-binding'" in str(info.value)
    assert "next-unread" in str(info.value) and "quit" in str(info.value)


@pytest.mark.parametrize(("setting", "least", "most"), [
    ("concurrency", 1, 256), ("per_host", 1, 64), ("max_bytes", 1024, 1024 ** 3),
    ("refresh_minutes", 1, 525_600), ("retention_days", 1, 36_500), ("max_articles_per_feed", 1, 10_000_000),
])
def test_whole_number_settings_have_a_range(tmp_path: Path, setting: str, least: int, most: int) -> None:
    for good in (least, most):
        assert getattr(load_config(write(tmp_path, f"[settings]\n{setting} = {good}\n")).settings, setting) == good
    for bad in (least - 1, most + 1, 2 ** 63 - 1, -(2 ** 63)):
        with pytest.raises(ConfigError) as info:
            load_config(write(tmp_path, f"[settings]\n{setting} = {bad}\n"))
        assert (info.value.line, info.value.key) == (2, f"settings.{setting}")
        assert f"from {least:,} to {most:,}" in str(info.value)


@pytest.mark.parametrize("setting", ["connect_timeout", "read_timeout", "total_timeout"])
def test_timeouts_are_finite_and_bounded(tmp_path: Path, setting: str) -> None:
    assert getattr(load_config(write(tmp_path, f"[settings]\n{setting} = 3600\n")).settings, setting) == 3600.0
    assert getattr(load_config(write(tmp_path, f"[settings]\n{setting} = 0.01\n")).settings, setting) == 0.01
    for bad in ("nan", "-nan", "inf", "0", "-1", "3600.5", "1e300"):
        with pytest.raises(ConfigError) as info:
            load_config(write(tmp_path, f"[settings]\n{setting} = {bad}\n"))
        assert info.value.key == f"settings.{setting}" and "at most 3600 seconds" in str(info.value)


def test_feed_refresh_minutes_has_the_same_range(tmp_path: Path) -> None:
    ok = load_config(write(tmp_path, '[[feeds]]\nurl = "https://a/"\nrefresh_minutes = 525600\n'))
    assert ok.feeds[0].refresh_minutes == 525_600
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, '[[feeds]]\nurl = "https://a/"\nrefresh_minutes = 10000000000\n'))
    assert (info.value.line, info.value.key) == (3, "feeds[0].refresh_minutes")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(b"\xef\xbb\xbf" + '[[feeds]]\nurl = "https://a/"\nname = "Ví dụ"\n'.encode())
    config = load_config(path)
    assert [(f.url, f.name) for f in config.feeds] == [("https://a/", "Ví dụ")]


@pytest.mark.parametrize(("line", "key", "code"), [
    ('name = "\\u001b]0;TITLE\\u0007\\u001b[2J"', "feeds[0].name", "U+001B"),
    ('name = "evil\\u202eevil"', "feeds[0].name", "U+202E"),
    ('name = "two\\nlines"', "feeds[0].name", "U+000A"),
    ('tags = ["ok", "\\u001b[31mtag"]', "feeds[0].tags", "U+001B"),
    ('tags = ["\\u009b2J"]', "feeds[0].tags", "U+009B"),
])
def test_control_characters_in_feed_values_are_refused(tmp_path: Path, line: str, key: str, code: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, f'[[feeds]]\nurl = "https://a/"\n{line}\n'))
    assert (info.value.line, info.value.key) == (3, key)
    assert code in str(info.value)
    assert not any(c in str(info.value) for c in "\x1b\x07\x9b\u202e\n")


@pytest.mark.parametrize("text", [
    '[[feeds]]\nurl = "https://a/\\u009b2J"\n',
    '[settings]\ncache_path = "/tmp/\\u001b]0;x\\u0007"\n',
    '[keys]\nquit = "q\\u001b"\n',
    '"\\u001b]0;KEY\\u0007" = 1\n',
    '[settings]\n"\\u009b2J" = 1\n',
    '[keys]\n"\\u001b[2J" = "q"\n',
])
def test_no_config_error_carries_a_control_character(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert not any(c in str(info.value) for c in "\x1b\x07\x9b\u202e")


def test_nfd_and_spaced_names_and_tags_are_stored_clean(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[feeds]]\nurl = "https://a/"\nname = "  Vie\\u0302\\u0323t   Nam "\n'
                                         'tags = [" tin  tức "]\n'))
    assert (config.feeds[0].name, config.feeds[0].tags) == ("Việt Nam", ("tin tức",))


@pytest.mark.parametrize(("url", "ok"), [
    ("http://[::1]:8765/ok.xml", True), ("http://127.0.0.1:65535/x", True), ("http://user:pw@a/x", True),
    ("http://a:/x", True), ("http://127.0.0.1:0/x", False), ("http://127.0.0.1:65536/x", False),
    ("http://127.0.0.1:99999999/x", False), ("http://127.0.0.1:abc/x", False), ("http://127.0.0.1:-1/x", False),
    ("http://[::1/x", False),
])
def test_feed_url_ports(tmp_path: Path, url: str, ok: bool) -> None:
    path = write(tmp_path, f'[[feeds]]\nurl = "{url}"\n')
    if ok:
        assert load_config(path).feeds[0].url == url
    else:
        with pytest.raises(ConfigError) as info:
            load_config(path)
        assert (info.value.line, info.value.key) == (2, "feeds[0].url")
