"""feeds.toml -> Config. Errors name the file, the line where known, and the key.

Lookup order for the config file (first that exists wins):
1. `--config PATH` on the command line;
2. the environment variable `TUI_NEWS_CONFIG`;
3. `./feeds.toml` in the current directory;
4. `feeds.toml` in the XDG config dir (`$XDG_CONFIG_HOME/tui-news/feeds.toml`, usually ~/.config/tui-news);
5. the default list bundled with the package.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from tui_news.errors import ConfigError
from tui_news.models import BINDING_IDS, FULL_TEXT_MODES, Config, FeedConfig, Settings
from tui_news.text import CONTROL_CHARS, clean_line

APP_NAME = "tui-news"
ENV_CONFIG = "TUI_NEWS_CONFIG"
ENV_DB = "TUI_NEWS_DB"

_FEED_KEYS = {f.name for f in fields(FeedConfig)}
_SETTINGS_KEYS = {f.name for f in fields(Settings)}
_TOP_KEYS = {"feeds", "settings", "keys", "sites"}
_SCHEMES = {"http", "https", "file"}

# Characters no config value may hold: C0 (tab and newline too), DEL, C1, bidi embeddings/overrides/isolates
# and marks, line/paragraph separators, BOM, interlinear annotations and tag characters: `CONTROL_CHARS`, from
# tui_news.text (the one home of text normalisation). An ESC in a feed name would reach the terminal from
# `tui-news feeds`; refusing it names the problem, cleaning would hide it.

MINUTES_PER_YEAR = 525_600
INT_RANGES: dict[str, tuple[int, int]] = {
    "concurrency": (1, 256),
    "per_host": (1, 64),
    "max_bytes": (1024, 1024 ** 3),
    "refresh_minutes": (1, MINUTES_PER_YEAR),
    "retention_days": (1, 36_500),
    "max_articles_per_feed": (1, 10_000_000),
    "full_text_per_refresh": (0, 10_000),
    "full_text_retries": (1, 100),
    "page_max_bytes": (1024, 1024 ** 3),
    "page_keep_days": (0, 36_500),
}
"""Whole-number settings: (least, most), both allowed. README's settings block shows the same ranges."""
FLOAT_RANGES: dict[str, float] = {"connect_timeout": 3600.0, "read_timeout": 3600.0, "total_timeout": 3600.0}
"""Seconds: more than 0 and at most this (finite; nan and inf are refused)."""


def _shown(text: str) -> str:
    """`text` safe to put in a one-line message: escaped (as Python does) when it holds a control character."""
    return repr(text)[1:-1] if CONTROL_CHARS.search(text) else text


def _check_clean(path: Path, loc: _Locator, value: str, key: str, header: str | None, index: int,
                 field_key: str) -> None:
    match = CONTROL_CHARS.search(value)
    if match:
        raise ConfigError(path, f"contains the control character U+{ord(match.group()):04X} (character "
                                f"{match.start() + 1}); control, escape and bidi characters are not allowed",
                          line=loc.line(header, field_key, index), key=key)


def bundled_config_path() -> Path:
    return Path(str(resources.files("tui_news") / "default_feeds.toml"))


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "feeds.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "cache.sqlite3"


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use, by the lookup order in this module's docstring."""
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    for candidate in (Path.cwd() / "feeds.toml", user_config_path()):
        if candidate.is_file():
            return candidate
    return bundled_config_path()


def resolve_db_path(explicit: str | os.PathLike[str] | None, config: Config) -> Path:
    """--db, then $TUI_NEWS_DB, then settings.cache_path, then the XDG data dir."""
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    if config.settings.cache_path is not None:
        return config.settings.cache_path
    return default_db_path()


class _Locator:
    """Finds the line of a key in the raw TOML text, for error messages (best effort)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def _table_start(self, header: str, index: int = 0) -> int | None:
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(header) + r"\s*\]\]?\s*(#.*)?$")
        seen = -1
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def line(self, header: str | None, key: str | None = None, index: int = 0) -> int | None:
        start = 1 if header is None else self._table_start(header, index)
        if start is None:
            return None
        if key is None:
            return start
        key_re = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
        for number in range(start if header is None else start + 1, len(self.lines) + 1):
            text = self.lines[number - 1]
            if re.match(r"^\s*\[", text):  # the next table starts
                break
            if key_re.match(text):
                return number
        return start


def _check_type(path: Path, loc: _Locator, value: Any, expected: type | tuple[type, ...], key: str,
                header: str | None, index: int, what: str, field_key: str) -> None:
    if isinstance(value, bool) and bool not in (expected if isinstance(expected, tuple) else (expected,)):
        ok = False
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ConfigError(path, f"must be {what}, not {type(value).__name__} {value!r}"[:200],
                          line=loc.line(header, field_key, index), key=key)


def _feed(path: Path, loc: _Locator, raw: Any, index: int) -> FeedConfig:
    key = f"feeds[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(path, "each feed must be a [[feeds]] table", line=loc.line("feeds", None, index), key=key)
    unknown = sorted(set(raw) - _FEED_KEYS)
    if unknown:
        raise ConfigError(path, f"unknown key '{_shown(unknown[0])}' (known: {', '.join(sorted(_FEED_KEYS))})",
                          line=loc.line("feeds", unknown[0], index), key=f"{key}.{_shown(unknown[0])}")
    if "url" not in raw:
        raise ConfigError(path, "missing the required key 'url'", line=loc.line("feeds", None, index),
                          key=f"{key}.url")
    url = raw["url"]
    _check_type(path, loc, url, str, f"{key}.url", "feeds", index, "a string", "url")
    url = url.strip(" ")
    _check_clean(path, loc, url, f"{key}.url", "feeds", index, "url")
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:  # e.g. "http://[::1" (an unclosed IPv6 bracket)
        raise ConfigError(path, f"not a URL ({exc})", line=loc.line("feeds", "url", index), key=f"{key}.url") from None
    if not url:
        raise ConfigError(path, "is empty", line=loc.line("feeds", "url", index), key=f"{key}.url")
    if len(scheme) > 1 and scheme not in _SCHEMES:  # one letter: a Windows drive, i.e. a path
        raise ConfigError(path, f"unsupported URL scheme '{scheme}' in {url!r} (use http, https or file)",
                          line=loc.line("feeds", "url", index), key=f"{key}.url")
    if scheme in ("http", "https"):
        parts = urlsplit(url)
        if not parts.hostname:
            raise ConfigError(path, f"{url!r} has no host", line=loc.line("feeds", "url", index), key=f"{key}.url")
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0 and parts.netloc.rsplit("]", 1)[-1].count(":"):  # a port was written, and it is not 1-65535
            raise ConfigError(path, f"{url!r} has a bad port (use 1 to 65535)", line=loc.line("feeds", "url", index),
                              key=f"{key}.url")
    if not scheme or len(scheme) == 1:  # a plain path: relative to the config file
        candidate = Path(url).expanduser()
        if not candidate.is_absolute():
            candidate = path.parent / candidate
        url = candidate.resolve().as_uri()
    checks: list[tuple[str, type | tuple[type, ...], str]] = [
        ("name", str, "a string"), ("enabled", bool, "true or false"), ("verify", bool, "true or false"),
        ("refresh_minutes", int, "a whole number of minutes"), ("tags", list, "a list of strings"),
    ]
    for name, expected, what in checks:
        if name in raw:
            _check_type(path, loc, raw[name], expected, f"{key}.{name}", "feeds", index, what, name)
    tags = raw.get("tags", [])
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            raise ConfigError(path, "tags must be non-empty strings", line=loc.line("feeds", "tags", index),
                              key=f"{key}.tags")
        _check_clean(path, loc, tag, f"{key}.tags", "feeds", index, "tags")
    feed_name: str | None = raw.get("name")
    if feed_name is not None:
        _check_clean(path, loc, feed_name, f"{key}.name", "feeds", index, "name")
        feed_name = clean_line(feed_name) or None
    if "refresh_minutes" in raw:
        _check_range(path, loc, raw["refresh_minutes"], INT_RANGES["refresh_minutes"], f"{key}.refresh_minutes",
                     "feeds", index, "refresh_minutes")
    full_text = raw.get("full_text")
    if full_text is not None:
        _check_full_text(path, loc, full_text, f"{key}.full_text", "feeds", index)
    return FeedConfig(
        url=url,
        name=feed_name,
        tags=tuple(dict.fromkeys(clean_line(t) for t in tags)),
        enabled=raw.get("enabled", True),
        refresh_minutes=raw.get("refresh_minutes"),
        verify=raw.get("verify", True),
        full_text=full_text,
    )


def _check_full_text(path: Path, loc: _Locator, value: Any, key: str, header: str, index: int) -> None:
    if value not in FULL_TEXT_MODES:
        raise ConfigError(path, f"must be one of {', '.join(repr(m) for m in FULL_TEXT_MODES)}, not {value!r}"[:200],
                          line=loc.line(header, "full_text", index), key=key)


def _sites(path: Path, loc: _Locator, raw: Any) -> tuple[Any, ...]:
    """`[[sites]]`: the user's extraction rules (same keys as the bundled `extract/sites.toml`)."""
    if not isinstance(raw, list):
        raise ConfigError(path, "must be [[sites]] tables", line=loc.line(None, "sites"), key="sites")
    from tui_news.extract.rules import rule_from_mapping  # lxml: imported only when there are rules

    rules = []
    for index, table in enumerate(raw):
        try:
            rules.append(rule_from_mapping(table, str(path)))
        except ConfigError as exc:
            raise ConfigError(path, exc.message, line=loc.line("sites", exc.key, index),
                              key=f"sites[{index}]" + (f".{exc.key}" if exc.key else "")) from None
    return tuple(rules)


def _check_range(path: Path, loc: _Locator, value: int, bounds: tuple[int, int], key: str, header: str,
                 index: int, field_key: str) -> None:
    least, most = bounds
    if not least <= value <= most:
        raise ConfigError(path, f"must be from {least:,} to {most:,}, not {value:,}"[:200],
                          line=loc.line(header, field_key, index), key=key)


def _settings(path: Path, loc: _Locator, raw: Any) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(path, "must be a table", line=loc.line(None, "settings"), key="settings")
    unknown = sorted(set(raw) - _SETTINGS_KEYS)
    if unknown:
        raise ConfigError(path, f"unknown key '{_shown(unknown[0])}' (known: {', '.join(sorted(_SETTINGS_KEYS))})",
                          line=loc.line("settings", unknown[0]), key=f"settings.{_shown(unknown[0])}")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"settings.{name}"
        if name in INT_RANGES:
            _check_type(path, loc, value, int, key, "settings", 0, "a whole number", name)
            _check_range(path, loc, value, INT_RANGES[name], key, "settings", 0, name)
        elif name in FLOAT_RANGES:
            _check_type(path, loc, value, (int, float), key, "settings", 0, "a number of seconds", name)
            most = FLOAT_RANGES[name]
            if not (math.isfinite(value) and 0 < value <= most):
                raise ConfigError(path, f"must be more than 0 and at most {most:g} seconds, not {value}"[:200],
                                  line=loc.line("settings", name), key=key)
            value = float(value)
        elif name == "full_text":
            _check_full_text(path, loc, value, key, "settings", 0)
        elif name == "cache_path":
            _check_type(path, loc, value, str, key, "settings", 0, "a path", name)
            _check_clean(path, loc, value, key, "settings", 0, name)
            value = Path(value).expanduser()
            if not value.is_absolute():
                value = path.parent / value
        values[name] = value
    return Settings(**values)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and check one feeds.toml. Raises ConfigError with file, line and key."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "no such file") from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 (byte {exc.start})") from None
    text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows editors write
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        message = _shown(re.sub(r"\s*\(at line \d+, column \d+\)", "", message))
        raise ConfigError(path, f"TOML syntax error: {message}", line=line) from None
    loc = _Locator(text)
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ConfigError(path, f"unknown key '{_shown(unknown[0])}' (known: feeds, settings, keys, sites)",
                          line=loc.line(None, unknown[0]) or loc.line(unknown[0]), key=_shown(unknown[0]))
    feeds_raw = raw.get("feeds", [])
    if not isinstance(feeds_raw, list):
        raise ConfigError(path, "must be [[feeds]] tables", line=loc.line(None, "feeds"), key="feeds")
    feeds = [_feed(path, loc, item, i) for i, item in enumerate(feeds_raw)]
    seen: dict[str, int] = {}
    for i, feed in enumerate(feeds):
        if feed.url in seen:
            raise ConfigError(path, f"the same url as feeds[{seen[feed.url]}]", line=loc.line("feeds", "url", i),
                              key=f"feeds[{i}].url")
        seen[feed.url] = i
    settings = _settings(path, loc, raw.get("settings", {}))
    keys_raw = raw.get("keys", {})
    if not isinstance(keys_raw, dict):
        raise ConfigError(path, "must be a table of binding = \"keys\"", key="keys")
    for name, value in keys_raw.items():
        if name not in BINDING_IDS:
            raise ConfigError(path, f"unknown binding id '{_shown(name)}' (known: {', '.join(sorted(BINDING_IDS))})",
                              line=loc.line("keys", name), key=f"keys.{_shown(name)}")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(path, "must be a string of comma-separated keys", line=loc.line("keys", name),
                              key=f"keys.{name}")
        _check_clean(path, loc, value, f"keys.{name}", "keys", 0, name)
    sites = _sites(path, loc, raw["sites"]) if "sites" in raw else ()
    return Config(path=path, feeds=tuple(feeds), settings=settings, keys=dict(keys_raw), sites=sites)
