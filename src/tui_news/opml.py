"""OPML 2.0 import and export. Outline folders (and the `category` attribute) map to tags.

Parsing uses defusedxml: entity bombs and external entities are refused, not expanded or fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.etree.ElementTree import Element, SubElement, indent, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tui_news.config import CONTROL_CHARS
from tui_news.errors import OpmlError
from tui_news.models import FeedConfig
from tui_news.text import clean_line

MAX_OPML_BYTES = 10 * 1024 * 1024
MAX_FEEDS = 10_000


def _normalise_url(raw: str) -> tuple[str | None, str]:
    """(the URL to subscribe to, "") or (None, why the outline is skipped)."""
    url = raw.strip()
    if CONTROL_CHARS.search(url):  # cleaning them out would subscribe to another address than written
        return None, "control characters in the URL"
    if url.lower().startswith("feed:"):
        url = url[5:]
        if url.startswith("//"):
            url = "http:" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Port out of range 0-65535", "Port could not be cast to integer value", "[::1"
        return None, f"bad URL ({exc})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None, "unsupported or unsafe URL"
    if port == 0:
        return None, "bad URL (port 0)"
    host = parts.hostname.lower()  # drops user:password@
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, "")), ""


def parse_opml(data: bytes, source: str = "OPML") -> tuple[list[FeedConfig], list[str]]:
    """Feeds in an OPML document, and one line per outline skipped (with the reason)."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{source}: larger than {MAX_OPML_BYTES // 1_048_576} MB")
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise OpmlError(f"{source}: refused: {type(exc).__name__} (entity declarations are not allowed)") from None
    except SafeET.ParseError as exc:
        raise OpmlError(f"{source}: not well-formed XML ({exc})") from None
    if root.tag != "opml":
        raise OpmlError(f"{source}: not an OPML document (root element <{root.tag}>)")
    body = root.find("body")
    if body is None:
        raise OpmlError(f"{source}: OPML without a <body>")
    feeds: dict[str, FeedConfig] = {}
    skipped: list[str] = []
    # Iterative walk: 10,000-deep nesting must not hit the recursion limit.
    stack: list[tuple[Element, tuple[str, ...]]] = [(child, ()) for child in reversed(list(body))]
    while stack:
        node, tags = stack.pop()
        if node.tag != "outline":
            continue
        name = clean_line(node.get("title") or node.get("text") or "", 200)
        xml_url = node.get("xmlUrl") or node.get("xmlurl")
        if xml_url is None:
            folder = (*tags, name) if name else tags
            stack.extend((child, folder) for child in reversed(list(node)))
            continue
        url, reason = _normalise_url(xml_url)
        if url is None:
            skipped.append(f"{name or clean_line(xml_url, 80)}: {reason}: {xml_url[:80]!r}")
            continue
        extra = [clean_line(c.strip("/ "), 100) for c in (node.get("category") or "").replace("/", ",").split(",")]
        all_tags = tuple(dict.fromkeys(t for t in (*tags, *extra) if t))
        key = url.rstrip("/").lower()
        if key in feeds:
            old = feeds[key]
            feeds[key] = FeedConfig(old.url, old.name, tuple(dict.fromkeys((*old.tags, *all_tags))))
            continue
        if len(feeds) >= MAX_FEEDS:
            skipped.append(f"more than {MAX_FEEDS} feeds: the rest were not imported")
            break
        feeds[key] = FeedConfig(url=url, name=name or None, tags=all_tags)
    return list(feeds.values()), skipped


def read_opml(path: Path) -> tuple[list[FeedConfig], list[str]]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise OpmlError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_opml(data, str(path))


def export_opml(feeds: Sequence[FeedConfig], titles: dict[str, str] | None = None) -> bytes:
    """OPML 2.0: feeds nested under an outline for their first tag, with every tag in `category`."""
    titles = titles or {}
    opml = Element("opml", version="2.0")
    head = SubElement(opml, "head")
    SubElement(head, "title").text = "tui-news subscriptions"
    body = SubElement(opml, "body")
    folders: dict[str, Element] = {}
    for feed in feeds:
        parent = body
        if feed.tags:
            tag = feed.tags[0]
            if tag not in folders:
                folders[tag] = SubElement(body, "outline", text=tag, title=tag)
            parent = folders[tag]
        name = feed.name or titles.get(feed.url) or feed.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if feed.tags:
            attrs["category"] = ",".join("/" + t for t in feed.tags)
        SubElement(parent, "outline", attrs)
    indent(opml)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(opml, encoding="utf-8") + b"\n"


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def feeds_as_toml(feeds: Iterable[FeedConfig]) -> str:
    out = []
    for feed in feeds:
        out.append("\n[[feeds]]")
        if feed.name:
            out.append(f"name = {_toml_string(feed.name)}")
        out.append(f"url = {_toml_string(feed.url)}")
        if feed.tags:
            out.append(f"tags = [{', '.join(_toml_string(t) for t in feed.tags)}]")
    return "\n".join(out) + "\n"


def append_feeds(config_path: Path, feeds: Sequence[FeedConfig], existing: Iterable[str]) -> list[FeedConfig]:
    """Append the feeds not already in the config to it, atomically. Returns those added.

    The file's text (comments included) is kept; the result is checked by loading it before it replaces
    the original (`config.write_atomically`: temporary file, fsync, rename), so a failure leaves the original
    untouched.
    """
    from tui_news.config import load_config, write_atomically

    known = {u.rstrip("/").lower() for u in existing}
    new = [f for f in feeds if f.url.rstrip("/").lower() not in known]
    if not new:
        return []
    original = config_path.read_text("utf-8") if config_path.exists() else ""
    text = original + ("" if original.endswith("\n") or not original else "\n") + feeds_as_toml(new)
    write_atomically(config_path, text, check=load_config)
    return new


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an OPML import did: feeds added, feeds the list already had, outlines skipped (one line each, with
    the reason), and the feed list written (the one the app reads at start)."""

    added: list[FeedConfig]
    skipped: list[str]
    present: int
    target: Path

    @property
    def summary(self) -> str:
        """One true line: "2 feeds added to PATH, 9 already present, 1 skipped"."""
        line = f"{_plural(len(self.added), 'feed')} added to {self.target}"
        if self.present:
            line += f", {self.present} already present"
        if self.skipped:
            line += f", {len(self.skipped)} skipped"
        return line


def import_opml(opml_path: Path, config_path: Path | None = None) -> ImportResult:
    """Add the feeds of an OPML file to a feeds.toml: the one given, or the one the app reads at start
    (`config.prepare_config`). The bundled default is never written: its text is copied to the user's config
    dir first, and that copy is what the app reads from then on. A malformed OPML raises OpmlError and changes
    nothing; a list that cannot be written raises OpmlError naming it."""
    from tui_news.config import (
        bundled_config_path,
        is_bundled,
        load_config,
        prepare_config,
        user_config_path,
        write_atomically,
    )

    path = config_path or prepare_config()
    config = load_config(path)
    feeds, skipped = read_opml(opml_path)
    target = path
    try:
        if is_bundled(path):
            target = user_config_path()
            if not target.exists():
                write_atomically(target, bundled_config_path().read_text("utf-8"))
        added = append_feeds(target, feeds, (f.url for f in config.feeds))
    except OSError as exc:
        raise OpmlError(f"cannot write the feed list {target}: {exc.strerror or exc}") from None
    return ImportResult(added, skipped, len(feeds) - len(added), target)
