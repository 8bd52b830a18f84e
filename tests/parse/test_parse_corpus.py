"""Every corpus file through parse_feed: a result or a ParseError, never another exception.

The corpus lives beside the checkout (`../shared/corpus`); without it these tests skip with a reason.
Hostile compressed files are only ever inflated through a streaming decompressor capped at 20 MB, the way the
fetcher decodes Content-Encoding; a body without a Content-Encoding sidecar is passed as raw bytes.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui_news.errors import ParseError
from tui_news.models import DEFAULT_MAX_BYTES, ParsedFeed
from tui_news.parse import MAX_ENTRIES, parse_feed

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SKIP_REASON = "../shared/corpus not found: corpus tests need it beside the checkout"
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)

NOT_INPUT = {"INDEX.tsv", "_generate_hostile.py", "README.md", "manifest.tsv"}
# Files that cost more than ~1 s each (marked slow): bodies at the fetcher's 20 MB cap, and 2,000-item feeds.
# Deep nesting is refused up front and big DTD subsets are dropped, so those are fast.
SLOW = {
    "hostile/compression/gzip-bomb-1GiB.xml.gz",
    "hostile/compression/deflate-bomb-256MiB.xml.zz",
    "hostile/size/big-5k-items.xml",
    "hostile/size/huge-150k-items.xml.gz",
}
# feeds/real files where we keep fewer articles than feedparser's entry count, and why.
FEWER_THAN_FEEDPARSER = {
    # illegal nesting makes feedparser emit 9 phantom entries with no id, link, title or date: they collapse.
    "feeds/real/node-feedparser/illegally-nested.xml",
}
NOT_FEEDS = {"HTML (not a feed)", "RSS-in-JSON (not JSON Feed)"}

BAD_TITLE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _inputs() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found: list[str] = []
    for top in ("feeds", "hostile"):
        for path in sorted((CORPUS / top).rglob("*")):
            if not path.is_file() or path.name in NOT_INPUT or path.name.startswith("LICENSE"):
                continue
            if path.name.endswith((".http-headers", ".http-headers-only.txt")):
                continue
            found.append(path.relative_to(CORPUS).as_posix())
    return found


def _manifest() -> dict[str, dict[str, str]]:
    if not (CORPUS / "manifest.tsv").is_file():
        return {}
    with (CORPUS / "manifest.tsv").open(encoding="utf-8", newline="") as f:
        return {row["path"]: row for row in csv.DictReader(f, delimiter="\t")}


INPUTS = _inputs()
MANIFEST = _manifest()
_HEADER_LINE = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.M | re.I)


def _decode(body: bytes, encoding: str) -> bytes | None:
    """Content-Encoding decoding as the fetcher does it: streamed, capped; None when it cannot be decoded."""
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    for bits in (wbits, -zlib.MAX_WBITS) if encoding == "deflate" else (wbits,):
        try:
            return zlib.decompressobj(bits).decompress(body, DEFAULT_MAX_BYTES)
        except zlib.error:
            continue
    return None


def load(rel: str) -> tuple[bytes, str | None]:
    """The body as the fetcher would hand it over, and the Content-Type it would pass on."""
    path = CORPUS / rel
    body = path.read_bytes()
    content_type: str | None = None
    encoding = ""
    sidecar = path.with_name(path.name + ".http-headers")
    if sidecar.is_file():
        for line in sidecar.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-type":
                content_type = value.strip()
            elif key.strip().lower() == "content-encoding":
                encoding = value.strip().lower()
    elif rel.startswith("feeds/encoding/"):
        # feedparser's encoding suite simulates HTTP headers with `Header:` lines in a leading comment.
        m = _HEADER_LINE.search(body[:2048])
        if m:
            content_type = m.group(1).decode("ascii", "replace")
    if encoding in ("gzip", "deflate"):
        decoded = _decode(body, encoding)
        if decoded is not None:
            body = decoded
    return body, content_type


def check_hygiene(feed: ParsedFeed) -> None:
    texts: list[str] = [feed.title or "", feed.link or "", feed.warning or ""]
    for a in feed.articles:
        assert not BAD_TITLE_CHARS.search(a.title), f"control char in title {a.title!r}"
        assert a.title.strip(), "empty title"
        assert a.guid, "empty guid"
        assert a.link is None or a.link.startswith(("http://", "https://"))
        for value in (a.published, a.updated):
            assert value is None or value.utcoffset() is not None and not value.utcoffset().total_seconds()
            assert value is None or value <= NOW + timedelta(days=1)
        texts += [a.title, a.guid, a.author or "", a.link or "", a.summary_html or "", a.content_html or ""]
    for text in texts:
        assert unicodedata.is_normalized("NFC", text), f"not NFC: {text[:80]!r}"
        assert "\x00" not in text and "\x1b" not in text


def _param(rel: str) -> object:
    marks = [pytest.mark.corpus]
    if rel in SLOW:
        marks.append(pytest.mark.slow)
    return pytest.param(rel, id=rel, marks=marks)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_corpus_is_present() -> None:
    assert INPUTS, "corpus folder exists but holds no feeds"


def test_corpus_missing_is_reported() -> None:
    if not CORPUS.is_dir():
        pytest.skip(SKIP_REASON)


@pytest.mark.parametrize("rel", [_param(r) for r in INPUTS])
def test_every_file_parses_or_raises_parse_error(rel: str) -> None:
    body, content_type = load(rel)
    try:
        feed = parse_feed(body, url="https://example.com/feed", content_type=content_type, now=NOW)
    except ParseError as e:
        assert str(e), "ParseError without a message"
        return
    assert len(feed.articles) <= MAX_ENTRIES
    check_hygiene(feed)


REAL = [r for r in INPUTS if r.startswith("feeds/real/")]


@pytest.mark.parametrize("rel", [_param(r) for r in REAL])
def test_real_feeds_yield_their_entries(rel: str) -> None:
    row = MANIFEST.get(rel, {})
    fmt = row.get("format", "")
    body, content_type = load(rel)
    if fmt in NOT_FEEDS:
        with pytest.raises(ParseError, match="not a feed"):
            parse_feed(body, url="https://example.com/feed", content_type=content_type, now=NOW)
        return
    feed = parse_feed(body, url="https://example.com/feed", content_type=content_type, now=NOW)
    if fmt.startswith("JSON Feed"):
        items = json.loads(body.decode("utf-8-sig"))["items"]
        assert len(feed.articles) == len(items) > 0
        return
    m = re.search(r"entries=(\d+)", row.get("feedparser_6.0.14", ""))
    expected = int(m.group(1)) if m else 0
    if expected == 0:  # gzip containers: feedparser saw nothing; we inflate them
        assert fmt == "gzip container" or "invalid" in rel, f"{rel}: no entries expected?"
        if fmt == "gzip container":
            assert feed.articles
        return
    if rel in FEWER_THAN_FEEDPARSER:
        assert 0 < len(feed.articles) < expected
    else:
        assert len(feed.articles) == min(expected, MAX_ENTRIES)
