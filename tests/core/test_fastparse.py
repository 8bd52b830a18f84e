"""The fast path must read every document it accepts exactly as feedparser does."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_news.fastparse import read_fast
from tui_news.parse import parse_feed
from tui_news.text import rendered_text

NOW = datetime(2026, 11, 25, tzinfo=UTC)
RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>
<link>https://e.org/</link><item><title>Ngh\xe1\xbb\x8b quy\xe1\xba\xbft &amp; co</title><link>/a</link>
<guid isPermaLink="false">g1</guid><pubDate>Tue, 24 Nov 2026 10:00:00 +0700</pubDate>
<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;</description></item></channel></rss>"""


def comparable(body: bytes, url: str, fast: bool) -> list[tuple[object, ...]]:
    parsed = parse_feed(body, url=url, now=NOW, fast=fast)
    return [(a.guid, a.title, a.link, a.author, a.published, a.updated, rendered_text(a.summary_html),
             rendered_text(a.content_html)) for a in parsed.articles] + [(parsed.title, parsed.link)]


def test_simple_rss_takes_the_fast_path_and_matches() -> None:
    assert read_fast(RSS) is not None
    assert comparable(RSS, "https://e.org/feed", True) == comparable(RSS, "https://e.org/feed", False)
    (article,) = parse_feed(RSS, url="https://e.org/feed", now=NOW).articles
    assert (article.title, article.link) == ("Nghị quyết & co", "https://e.org/a")


@pytest.mark.parametrize("body", [
    RSS.replace(b"utf-8", b"iso-8859-1"),
    b"<!DOCTYPE rss [<!ENTITY x 'y'>]>" + RSS[RSS.index(b"<rss"):],
    RSS.replace(b"</channel>", b"<item><title>unclosed</channel>"),
    RSS.replace(b"<guid", b"<foo:bar xmlns:foo='urn:x'>1</foo:bar><guid"),
    RSS.replace(b'<rss version="2.0">', b'<rss version="2.0" xml:base="https://x/">'),
])
def test_anything_unusual_goes_to_feedparser(body: bytes) -> None:
    assert read_fast(body) is None


def corpus_files(corpus: Path) -> list[Path]:
    roots = [corpus / "feeds" / "real", corpus / "feeds" / "wellformed", corpus / "hostile"]
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and p.suffix in (".xml", ".rss", ".atom", ".rdf") and p.stat().st_size < 2_000_000)


def test_fast_path_matches_feedparser_on_the_corpus(corpus: Path) -> None:
    taken = 0
    mismatches = []
    for path in corpus_files(corpus):
        body = path.read_bytes()
        if read_fast(body) is None:
            continue
        taken += 1
        url = "https://example.org/feed.xml"
        try:
            slow = comparable(body, url, False)
        except Exception as exc:  # noqa: BLE001 - feedparser failing where we succeed is a mismatch too
            mismatches.append(f"{path.relative_to(corpus)}: feedparser raised {exc!r}")
            continue
        fast = comparable(body, url, True)
        if fast != slow:
            diff = next(((f, s) for f, s in zip(fast, slow, strict=False) if f != s), (len(fast), len(slow)))
            mismatches.append(f"{path.relative_to(corpus)}: {diff}")
    assert taken >= 20, "the fast path should take the plain real-world feeds"
    assert mismatches == [], "\n".join(mismatches[:20])


TRICKY_URLS = [
    "https://e.org/a", "https://e.org/a?", "https://e.org/a#", "https://e.org/a;p", "https://e.org/a;p?q=1",
    "HTTPS://e.org/a", "http://e.org/../a", "https://e.org/a/./b", "https://e.org", "https://e.org?x",
    "https://[::1]/a", "https://[bad/a", "https://e.org/a b", "https://e.org/a\tb", "https://e.org/a?x=1;y=2",
    "https://e.org/a#f#g", "//e.org/a", "/a", "a", "../a", "?q", "#f", "mailto:x@e.org", "javascript:x",
    "http://e.org:80/a", "https://user@e.org/a", "https://e.org/%zz", "https://é.org/á", "https://e.org/a?q#",
]


BASES = ["https://e.org/feed/", "http://e.org/f", "file:///tmp/f.xml", ""]


def _assert_same_as_urljoin(base: str, values: list[str]) -> None:
    from urllib.parse import urljoin

    from tui_news.fastparse import _resolve

    for value in values:
        try:
            expected = urljoin(base, value)
        except ValueError:
            expected = value
        assert _resolve(base, value) == expected, (base, value)


@pytest.mark.parametrize("base", BASES)
def test_link_resolution_is_urljoin_on_tricky_links(base: str) -> None:
    """The shortcut for plain absolute links gives exactly what urljoin gives."""
    _assert_same_as_urljoin(base, TRICKY_URLS)


@pytest.mark.parametrize("base", BASES)
def test_link_resolution_is_urljoin_on_every_corpus_link(base: str, corpus: Path) -> None:
    from tui_news.fastparse import _URI_ATTR

    values = []
    for path in sorted((corpus / "feeds").rglob("*.xml"))[:400]:
        if path.stat().st_size < 2_000_000:
            text = path.read_bytes().decode("utf-8", "replace").replace("&quot;", '"').replace("&lt;", "<")
            values += [m.group(3).strip() for m in _URI_ATTR.finditer(text)]
    assert len(values) > 1_000
    _assert_same_as_urljoin(base, values)
