"""Site rules: which part of an outlet's page is the article. Data, not code (`sites.toml`)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector

from tui_news.errors import ConfigError

_LIST_KEYS = ("content", "lead", "title", "byline", "date", "drop")


@dataclass(frozen=True, slots=True)
class SiteRule:
    domains: tuple[str, ...]
    content: tuple[str, ...]
    lead: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    utc_offset: float | None = None
    source: str = ""

    @property
    def name(self) -> str:
        return self.domains[0]


def rule_from_mapping(data: Mapping[str, Any], origin: str = "<rules>") -> SiteRule:
    """One [[site]] (or a user's [[extract]]) table -> SiteRule; a bad table raises ConfigError naming the key."""
    if not isinstance(data, Mapping):
        raise ConfigError(origin, "a site rule must be a table")
    domains = data.get("domains", data.get("domain"))
    if isinstance(domains, str):
        domains = [domains]
    if not domains or not all(isinstance(d, str) and d.strip() for d in domains):
        raise ConfigError(origin, "a site rule needs `domains`, a list of host names", key="domains")
    fields: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        value = data.get(key, ())
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(origin, f"`{key}` must be a CSS selector or a list of them", key=key)
        for selector in value:
            try:
                _compile(selector)
            except Exception as exc:  # cssselect raises its own SelectorSyntaxError/ExpressionError
                raise ConfigError(origin, f"bad CSS selector {selector!r}: {exc}", key=key) from exc
        fields[key] = tuple(value)
    if not fields["content"]:
        raise ConfigError(origin, "a site rule needs `content`, the selector of the article body", key="content")
    offset = data.get("utc_offset")
    if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int | float) or abs(offset) > 14):
        raise ConfigError(origin, "`utc_offset` must be a number of hours between -14 and 14", key="utc_offset")
    source = data.get("source", "")
    return SiteRule(
        domains=tuple(_norm_domain(d) for d in domains),
        utc_offset=None if offset is None else float(offset),
        source=str(source),
        **fields,
    )


def parse_rules(tables: Iterable[Mapping[str, Any]], origin: str = "<rules>") -> tuple[SiteRule, ...]:
    return tuple(rule_from_mapping(t, origin) for t in tables)


@cache
def bundled_rules() -> tuple[SiteRule, ...]:
    """The rules shipped in `sites.toml` (parsed once)."""
    text = resources.files("tui_news.extract").joinpath("sites.toml").read_text("utf-8")
    return parse_rules(tomllib.loads(text).get("site", []), "tui_news/extract/sites.toml")


def _norm_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
    return domain.rstrip("/")


def _match_len(rule_domain: str, host: str, path: str) -> int:
    """Length of the match of `rule_domain` (host or host/path prefix) against a URL, 0 if none."""
    rule_host, _, rule_path = rule_domain.partition("/")
    if host != rule_host and not host.endswith("." + rule_host):
        return 0
    if rule_path:
        prefix = "/" + rule_path
        if not (path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "-")):
            return 0
    return len(rule_domain) + 1


def match_rule(url: str, rules: Iterable[SiteRule]) -> SiteRule | None:
    """The rule whose domain matches `url` most specifically (host + path prefix beats host alone)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    best: SiteRule | None = None
    best_len = 0
    for rule in rules:
        for domain in rule.domains:
            n = _match_len(domain, host, parts.path)
            if n > best_len:
                best, best_len = rule, n
    return best


@cache
def _compile(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def select(root: Any, selectors: Iterable[str]) -> list[Any]:
    """Elements matching the first selector in `selectors` that matches anything."""
    for selector in selectors:
        found = _compile(selector)(root)
        if found:
            return list(found)
    return []
