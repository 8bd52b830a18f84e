"""An independent reading of a corpus file, to compare `parse_feed` against.

XML goes straight through feedparser (our parser reads most files with its own expat fast path, and cleans,
dedupes and caps what feedparser gives it); JSON through `json.loads`. Only what a reader can check by eye is
kept: the feed's title and link, and each entry's id, title and link, in document order. The rules the app
documents (first of duplicate entries kept, at most `MAX_ENTRIES`, a gzip body without Content-Encoding
inflated) are applied here with code of the test's own, so a change to those rules in `parse` shows up.
"""

from __future__ import annotations

import html
import io
import json
import re
import unicodedata
import warnings
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser

from tui_news.models import DEFAULT_MAX_BYTES
from tui_news.parse import MAX_ENTRIES

URL = "https://example.com/feed"
_TAG = re.compile(r"<[^>]*>")
_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b[\]P^_X]|[\x90\x9d-\x9f]).*?(?:\x07|\x1b\\|\x9c)", re.S)
_BREAKS = re.compile("[\r\n\t\x85\u2028\u2029\u200b]")
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def key(text: str, is_html: bool = False) -> str:
    """What a person would read: tags dropped (for HTML), NFC, no controls, whitespace collapsed."""
    if is_html:
        text = html.unescape(_TAG.sub(" ", text))
    text = _INVISIBLE.sub("", _BREAKS.sub(" ", _ESCAPE.sub("", unicodedata.normalize("NFC", text))))
    return " ".join(text.split())


def same_text(ours: str, reference: str) -> bool:
    """Equal, or ours cut with an ellipsis where the reference goes on."""
    return ours == reference or (ours.endswith("…") and reference.startswith(ours[:-1].rstrip()))


@dataclass
class Entry:
    id: str
    title: str
    link: str


@dataclass
class Reading:
    title: str
    link: str
    entries: list[Entry] = field(default_factory=list)
    raw_entries: int = 0
    """Entries before duplicates collapse."""


def _http(link: object, base: str = URL) -> str:
    if not isinstance(link, str) or not link.strip():
        return ""
    joined = urljoin(base, "".join(link.split()))
    scheme, colon, rest = joined.partition(":")
    return scheme.lower() + colon + rest if scheme.lower() in ("http", "https") else ""  # schemes are case-blind


def _first_items(body: bytes, cap: int) -> bytes:
    """The document cut after its `cap`-th item, closed again (feedparser on 20 MB takes minutes)."""
    for closer, tail in ((b"</item>", b"</channel></rss>"), (b"</entry>", b"</feed>")):
        if body.count(closer) > cap:
            pos = -1
            for _ in range(cap):
                pos = body.find(closer, pos + 1)
            return body[: pos + len(closer)] + tail
    return body


def _dedupe(entries: list[tuple[str, Entry]]) -> list[Entry]:
    seen: set[str] = set()
    kept = []
    for identity, entry in entries:
        if identity in seen:
            continue
        seen.add(identity)
        kept.append(entry)
    return kept[:MAX_ENTRIES]


def read_xml(body: bytes, content_type: str | None) -> Reading:
    with warnings.catch_warnings():  # feedparser's notice about its updated -> published fallback
        warnings.simplefilter("ignore", DeprecationWarning)
        return _read_xml(body, content_type)


def _read_xml(body: bytes, content_type: str | None) -> Reading:
    if body[:2] == b"\x1f\x8b":  # served without Content-Encoding: the app inflates it once
        body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, DEFAULT_MAX_BYTES)
    body = _first_items(body, MAX_ENTRIES)
    headers = {"content-location": URL}
    if content_type:
        headers["content-type"] = content_type
    result = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)
    feed = result.get("feed", {})
    title_html = (feed.get("title_detail") or {}).get("type") in _HTML_TYPES
    reading = Reading(title=key(feed.get("title") or "", title_html), link=_http(feed.get("link")))
    found = []
    for e in result.get("entries", []):
        title_html = (e.get("title_detail") or {}).get("type") in _HTML_TYPES
        title = key(e.get("title") or "", title_html) if isinstance(e.get("title"), str) else ""
        link = e.get("link") if isinstance(e.get("link"), str) and e.get("link") else ""
        if not link:
            link = next((x.get("href", "") for x in e.get("links", []) if x.get("rel", "alternate") == "alternate"
                         and x.get("href")), "")
        entry = Entry(id=key(e.get("id") or "") if isinstance(e.get("id"), str) else "", title=title,
                      link=_http(link))
        date = e.get("published") or e.get("updated") or e.get("created") or ""
        found.append((entry.id or entry.link or f"{title}\n{date}", entry))
    reading.raw_entries = len(found)
    reading.entries = _dedupe(found)
    return reading


def read_json(body: bytes) -> Reading:
    data = json.loads(body.decode("utf-8-sig"))
    reading = Reading(title=key(str(data.get("title") or "")), link=_http(data.get("home_page_url")))
    found = []
    for item in data.get("items", []):
        title = item.get("title")
        entry = Entry(id=key(str(item.get("id") or "")), title=key(title) if isinstance(title, str) else "",
                      link=_http(item.get("url")))
        found.append((entry.id or entry.link, entry))
    reading.raw_entries = len(found)
    reading.entries = _dedupe(found)
    return reading
