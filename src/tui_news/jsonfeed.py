"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) -> a neutral draft that `parse` finishes.

Pure and defensive: the JSON is hostile until proven otherwise. Every field is type-checked on access; an item
with the wrong shape is skipped on its own; NaN/Infinity, 5,000-digit integers, lone surrogates, a BOM and
nesting deep enough to exhaust the stack all end as data or as a `ParseError`, never as another exception.
Text is returned raw here: cleaning (NFC, controls, link schemes) happens once, in `parse`, for both formats.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any

from tui_news.drafts import EntryDraft, FeedDraft
from tui_news.errors import ParseError

JSON_FEED_PREFIXES = ("https://jsonfeed.org/version/1", "http://jsonfeed.org/version/1")


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    """A body is treated as JSON when the server says so or it opens with `{` (after BOM and whitespace)."""
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    if ct in ("application/feed+json", "application/json") or ct.endswith("+json"):
        return True
    head = body[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith((b"{", b"["))


def _decode(body: bytes) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", "replace")
    return body.decode("utf-8", "replace")


def _parse_int(s: str) -> int | None:
    return int(s) if len(s) <= 30 else None


def _parse_constant(_: str) -> None:
    return None  # NaN, Infinity, -Infinity


def _parse_float(s: str) -> float | None:
    value = float(s)
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def load_json(body: bytes) -> Any:
    text = _decode(body)
    try:
        return json.loads(
            text, parse_int=_parse_int, parse_constant=_parse_constant, parse_float=_parse_float
        )
    except RecursionError as e:
        raise ParseError("not a feed (JSON nested too deeply)") from e
    except ValueError as e:  # JSONDecodeError is a ValueError
        raise ParseError(f"not a feed (invalid JSON: {str(e)[:120]})") from e


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _date(obj: dict[str, Any], key: str) -> tuple[datetime | None, str]:
    raw = _str(obj, key).strip()
    if not raw:
        return None, ""
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        return None, raw
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC), raw
    except (OverflowError, ValueError):
        return None, raw


def _author(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        names = [a["name"] for a in authors[:10] if isinstance(a, dict) and isinstance(a.get("name"), str)]
        if names:
            return ", ".join(names)
    author = item.get("author")
    if isinstance(author, dict) and isinstance(author.get("name"), str):
        return str(author["name"])
    return ""


def _entry(item: dict[str, Any]) -> EntryDraft:
    published, published_raw = _date(item, "date_published")
    updated, updated_raw = _date(item, "date_modified")
    content_html = _str(item, "content_html")
    if not content_html:
        content_text = _str(item, "content_text")
        if content_text:
            content_html = "<p>" + html.escape(content_text).replace("\n\n", "</p><p>") + "</p>"
    summary = _str(item, "summary")
    return EntryDraft(
        id=_str(item, "id"),
        title=_str(item, "title"),
        link=_str(item, "url") or _str(item, "external_url"),
        author=_author(item),
        published=published,
        updated=updated,
        date_text=published_raw or updated_raw,
        summary_html=html.escape(summary) if summary else "",
        content_html=content_html,
    )


def read_json_feed(body: bytes, *, max_entries: int) -> FeedDraft:
    """Map a JSON Feed document to a `FeedDraft`; `ParseError` when the JSON is not a JSON Feed."""
    doc = load_json(body)
    if not isinstance(doc, dict):
        raise ParseError("not a feed (JSON that is not a JSON Feed)")
    version = doc.get("version")
    if not (isinstance(version, str) and version.startswith(JSON_FEED_PREFIXES)):
        if "rss" in doc:
            raise ParseError("not a feed (RSS-in-JSON, not a JSON Feed)")
        raise ParseError("not a feed (JSON that is not a JSON Feed)")
    fmt = "json11" if version.rstrip("/").endswith("1.1") else "json10"
    items = doc.get("items")
    entries: list[EntryDraft] = []
    skipped = 0
    if isinstance(items, list):
        for item in items[:max_entries]:
            if not isinstance(item, dict):
                skipped += 1
                continue
            entries.append(_entry(item))
    warning = None
    if not isinstance(items, list):
        warning = "JSON Feed has no items list"
    elif skipped:
        warning = f"{skipped} malformed item(s) skipped"
    return FeedDraft(
        title=_str(doc, "title"),
        link=_str(doc, "home_page_url"),
        format=fmt,
        entries=entries,
        warning=warning,
    )
