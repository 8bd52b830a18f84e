"""Every corpus file through parse_feed, each compared with an independent reading of the same file.

One test per file: the feed's title and link and every entry's title, link and id must match what feedparser
(or, for JSON Feed, `json.loads`) reads from the same bytes (corpus_reference.py). A file that yields no
article, fails with a ParseError or reads differently on purpose must be listed in corpus_expectations.tsv
with a reason class, and the test checks the class holds (feedparser sees no entry either; the error message
fits); a listed file that no longer behaves as listed fails too.

The corpus lives beside the checkout (`../shared/corpus`); without it these tests skip with a reason.
Hostile compressed files are only ever inflated through a streaming decompressor capped at 20 MB, the way the
fetcher decodes Content-Encoding; a body without a Content-Encoding sidecar is passed as raw bytes.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from corpus_reference import URL, Reading, key, read_json, read_xml, same_text

from tui_news.errors import ParseError
from tui_news.jsonfeed import looks_like_json
from tui_news.models import DEFAULT_MAX_BYTES, ParsedFeed
from tui_news.parse import MAX_ENTRIES, MAX_GUID, parse_feed

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SKIP_REASON = "../shared/corpus not found: corpus tests need it beside the checkout"
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)

NOT_INPUT = {"INDEX.tsv", "_generate_hostile.py", "README.md", "manifest.tsv"}
# Files that cost about a second of CPU or more each, parse and reference reading together (marked slow, still
# run by plain `pytest`): bodies at the fetcher's 20 MB cap, 2,000-item feeds, the 1.6 MB podcast feed, and the
# entity expansion that feedparser's sgml fallback takes 3 s over.
SLOW = {
    "feeds/real/rss-parser/giantbomb-podcast.rss",
    "hostile/xml/quadratic-blowup.xml",
    "hostile/compression/gzip-bomb-1GiB.xml.gz",
    "hostile/compression/deflate-bomb-256MiB.xml.zz",
    "hostile/size/big-5k-items.xml",
    "hostile/size/huge-150k-items.xml.gz",
}
EXPECTATIONS = Path(__file__).with_name("corpus_expectations.tsv")
OUTCOMES = {"no-entries", "parse-error", "differs", "reference-fails"}
ERROR_MESSAGES = {  # reason class of a file that must fail -> what its ParseError must say
    "empty": r"^empty response$",
    "html-page": r"^not a feed \(looks like an HTML page\)$",
    "unrecognised": r"^not a feed \(unrecognised format\)$",
    "not-a-feed": r"^not a feed \(",
    "too-deep": r"nested",
}

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


class Expected(NamedTuple):
    outcome: str
    reason: str
    note: str


def _expected() -> dict[str, Expected]:
    lines = [line for line in EXPECTATIONS.read_text("utf-8").splitlines() if not line.startswith("#")]
    return {row["path"]: Expected(row["outcome"], row["reason"], row["note"])
            for row in csv.DictReader(lines, delimiter="\t")}


INPUTS = _inputs()
EXPECTED = _expected()
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
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-type":
                content_type = value.strip()
            elif name.strip().lower() == "content-encoding":
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
def test_corpus_file_reads_as_the_reference_does(rel: str) -> None:
    """Parse the file; compare titles, links and ids with an independent reading; anything else is on the list."""
    listed = EXPECTED.get(rel)
    body, content_type = load(rel)
    try:
        feed = parse_feed(body, url=URL, content_type=content_type, now=NOW)
    except ParseError as e:
        assert listed and listed.outcome == "parse-error", f"{rel}: ParseError {e} (not listed as failing)"
        assert re.search(ERROR_MESSAGES[listed.reason], str(e)), f"{rel}: {e!r} does not fit {listed.reason}"
        return
    assert not (listed and listed.outcome == "parse-error"), f"{rel}: listed as failing ({listed}) but parsed"
    check_hygiene(feed)
    assert len(feed.articles) <= MAX_ENTRIES
    if listed and listed.outcome == "reference-fails":
        with pytest.raises(Exception):  # noqa: B017,PT011 - any exception: the reference cannot read it
            reference(body, content_type)
        assert feed.articles, f"{rel}: the reference cannot read it and neither do we"
        return
    ref = reference(body, content_type)
    if listed and listed.outcome == "no-entries":
        assert not feed.articles, f"{rel}: listed as yielding nothing but yields {len(feed.articles)}"
        assert ref.raw_entries == 0, f"{rel}: the reference reads {ref.raw_entries} entries"
    else:
        assert feed.articles, f"{rel}: no articles (if that is right, list it in {EXPECTATIONS.name})"
    assert same_text(feed.title or "", ref.title), (feed.title, ref.title)
    assert not ref.link or feed.link == ref.link, (feed.link, ref.link)
    assert len(feed.articles) == len(ref.entries), (len(feed.articles), len(ref.entries))
    nul_charref = listed is not None and listed.reason == "nul-charref"
    for article, entry in zip(feed.articles, ref.entries, strict=True):
        ours = key(article.title.replace("\ufffd", "")) if nul_charref else article.title
        assert not entry.title or same_text(ours, entry.title), (article.title, entry.title)
        assert not entry.link or article.link == entry.link, (article.link, entry.link)
        assert not entry.id or len(entry.id) > MAX_GUID or article.guid == entry.id, (article.guid, entry.id)
    if nul_charref:
        assert any("\ufffd" in a.title for a in feed.articles), f"{rel}: listed as nul-charref, no U+FFFD shown"


def reference(body: bytes, content_type: str | None) -> Reading:
    return read_json(body) if looks_like_json(body, content_type) else read_xml(body, content_type)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_expectations_name_corpus_files_and_known_reasons() -> None:
    assert set(EXPECTED) <= set(INPUTS), sorted(set(EXPECTED) - set(INPUTS))[:5]
    for rel, row in EXPECTED.items():
        assert row.outcome in OUTCOMES, (rel, row.outcome)
        assert row.outcome != "parse-error" or row.reason in ERROR_MESSAGES, (rel, row.reason)
