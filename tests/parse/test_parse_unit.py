"""parse_feed on small fixtures written for these tests (tests/data/feeds) and inline documents."""

from __future__ import annotations

import pickle
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_news.errors import ParseError
from tui_news.models import ParsedFeed
from tui_news.parse import MAX_ENTRIES, parse_feed

Parse = Callable[..., ParsedFeed]
Read = Callable[[str], bytes]


def rss(items: str, channel_extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://example.com/</link>{channel_extra}{items}</channel></rss>"
    )


# --- formats ----------------------------------------------------------------------------------------------


def test_rss20(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("rss20.xml"))
    assert feed.format == "rss20"
    assert feed.title == "Báo Mẫu"
    assert feed.link == "https://example.com/"
    assert feed.warning is None
    first, second = feed.articles
    assert first.guid == "item-1"  # whitespace stripped
    assert first.title == "Thủ tướng chủ trì phiên họp"
    assert first.author == "Nguyễn Văn A"
    assert first.link == "https://example.com/a/1"
    assert first.published == datetime(2026, 9, 14, 2, 0, tzinfo=UTC)
    assert first.summary_html is not None and "<b>một</b>" in first.summary_html
    assert "script" not in first.summary_html  # feedparser's sanitiser stays on
    assert first.content_html is not None
    assert 'href="https://example.com/a/1/more"' in first.content_html  # relative link in HTML resolved
    assert second.guid == "https://example.com/a/2"  # no guid -> link
    assert second.summary_html == "Plain text summary"


def test_atom(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("atom.xml"), content_type="application/atom+xml")
    assert feed.format == "atom10"
    first, second = feed.articles
    assert first.title == "Hello world"  # type="html" title becomes plain text
    assert first.link == "https://example.org/blog/posts/hello"  # resolved against xml:base
    assert first.author == "Jane Doe"
    assert first.published == datetime(2026, 9, 14, 7, 0, tzinfo=UTC)
    assert first.updated == datetime(2026, 9, 14, 9, 0, tzinfo=UTC)
    assert first.content_html == "<p>Body</p>"
    # only <updated>: published falls back to it
    assert second.published == second.updated == datetime(2026, 9, 13, 9, 0, tzinfo=UTC)
    assert second.content_html == "<p>1 &lt; 2 &amp; plain</p>"  # text content escaped, stays HTML


def test_rss10(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("rss10.rdf"))
    assert feed.format == "rss10"
    assert [a.title for a in feed.articles] == ["First RDF item", "Second RDF item"]
    assert feed.articles[0].published == datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
    assert feed.articles[1].published is None


def test_jsonfeed_10(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("jsonfeed10.json"), url="https://example.com/feed.json")
    assert feed.format == "json10"
    assert feed.title == "JSON Feed 1.0 fixture"
    first, second = feed.articles
    assert first.guid == "1" and first.author == "Trần B"
    assert first.published == datetime(2026, 9, 14, 2, 0, tzinfo=UTC)
    assert second.guid == "2"  # numeric id accepted
    assert second.link == "https://example.com/j/2"  # relative url resolved
    assert second.title.startswith("No title here")  # derived from the text
    assert second.published == second.updated == datetime(2026, 9, 13, tzinfo=UTC)
    assert second.content_html is not None and second.content_html.startswith("<p>No title")


def test_jsonfeed_11(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("jsonfeed11.json"), content_type="application/feed+json")
    assert feed.format == "json11"
    assert [a.guid for a in feed.articles] == ["a", "b"]  # the string item skipped, duplicate "a" collapsed
    alpha, beta = feed.articles
    assert alpha.title == "Alpha"  # first occurrence kept
    assert alpha.author == "Lê C, Phạm D"
    assert alpha.summary_html == "S &lt;i&gt;"  # JSON summary is plain text
    assert beta.link is None  # javascript: dropped
    assert feed.warning == "1 malformed item(s) skipped"


def test_malformed_xml_still_read(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("malformed.xml"))
    assert feed.format.startswith("rss")
    assert feed.warning  # bozo message kept
    assert [a.link for a in feed.articles][:1] == ["https://example.com/m/1"]


# --- not a feed -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"  \r\n\t ", "empty response"),
        (b"\xef\xbb\xbf  ", "empty response"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "HTML page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://example.com/</loc></url></urlset>",
            "sitemap",
        ),
        (b'{"error": "rate limited"}', "not a JSON Feed"),
        (b'{"rss": {"version": "2.0", "channel": {"title": "x", "item": []}}}', "RSS-in-JSON"),
        (b"[1, 2, 3]", "not a JSON Feed"),
        (b"{not json", "invalid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
    ],
)
def test_not_a_feed(parse: Parse, body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(body)


def test_bytes_are_never_opened_as_a_path(parse: Parse) -> None:
    # feedparser.parse(bytes) opens the bytes as a file name when such a file exists.
    with pytest.raises(ParseError):
        parse(b"/etc/passwd")


# --- text hygiene -----------------------------------------------------------------------------------------


def test_nfd_vietnamese_becomes_nfc(parse: Parse) -> None:
    title = unicodedata.normalize("NFD", "Quốc hội thông qua Nghị quyết")
    summary = unicodedata.normalize("NFD", "<p>Chính phủ</p>")
    feed = parse(
        rss(f"<item><title>{title}</title><description>{summary}</description><guid>g</guid></item>")
    )
    (article,) = feed.articles
    assert article.title == "Quốc hội thông qua Nghị quyết"
    assert unicodedata.is_normalized("NFC", article.title)
    assert article.summary_html is not None and unicodedata.is_normalized("NFC", article.summary_html)


def test_controls_and_bidi_removed_from_titles(parse: Parse) -> None:
    raw = "A&#x202E;B&#x2066;C&#x85;D\x1b[31mE&#x9b;F\nG"
    feed = parse(rss(f"<item><title>{raw}</title><guid>g</guid></item>"), content_type="text/xml")
    (article,) = feed.articles
    assert article.title == "ABC D EF G" or article.title == "ABCD EF G" or article.title.startswith("ABC")
    bad = {c for c in article.title if unicodedata.category(c) == "Cc" or "\u202a" <= c <= "\u202e"}
    assert not bad
    assert "\n" not in article.title


def test_raw_escape_bytes_in_title(parse: Parse) -> None:
    feed = parse(rss("<item><title>red \x1b[31mALERT\x1b[0m \x07bell\x00</title><guid>g</guid></item>"))
    (article,) = feed.articles
    assert article.title == "red ALERT bell"


def test_rich_markup_kept_as_data(parse: Parse) -> None:
    feed = parse(rss("<item><title>[bold red]x[/] [@click=app.quit]y[/]</title><guid>g</guid></item>"))
    assert feed.articles[0].title == "[bold red]x[/] [@click=app.quit]y[/]"


@pytest.mark.parametrize("ref", ["&#0;", "&#xD800;", "&#x110000;", "&#xFFFFFFFF;"])
def test_bad_charrefs_still_parse(parse: Parse, ref: str) -> None:
    feed = parse(rss(f"<item><title>a{ref}b</title><description>c{ref}d</description><guid>g</guid></item>"))
    (article,) = feed.articles
    assert article.title.startswith("a") and article.title.endswith("b")
    assert "\x00" not in article.title


def test_doctype_with_backslash_does_not_raise(parse: Parse) -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY path "C:\\data\\new">]><rss version="2.0"><channel>'
        "<title>T</title><item><title>x &path;</title><guid>g</guid></item></channel></rss>"
    )
    feed = parse(body)
    assert len(feed.articles) == 1


# --- dates ------------------------------------------------------------------------------------------------


def test_future_date_clamped_to_now(parse: Parse, now: datetime) -> None:
    feed = parse(
        rss("<item><title>x</title><guid>g</guid><pubDate>Thu, 01 Jan 2099 00:00:00 +0000</pubDate></item>")
    )
    assert feed.articles[0].published == now


def test_near_future_within_slack_kept(parse: Parse) -> None:
    feed = parse(
        rss("<item><title>x</title><guid>g</guid><pubDate>Tue, 15 Sep 2026 20:00:00 +0000</pubDate></item>")
    )
    assert feed.articles[0].published == datetime(2026, 9, 15, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "date", ["", "   ", "not a date", "Mon, 30 Feb 2026 10:00:00 +0700", "0001-01-01T00:00:00Z"]
)
def test_missing_or_bogus_date_is_none(parse: Parse, date: str) -> None:
    feed = parse(rss(f"<item><title>x</title><guid>g</guid><pubDate>{date}</pubDate></item>"))
    assert feed.articles[0].published is None
    assert feed.articles[0].updated is None


def test_no_date_element(parse: Parse) -> None:
    assert parse(rss("<item><title>x</title><guid>g</guid></item>")).articles[0].published is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9/14/2026 6:44:00 PM", datetime(2026, 9, 14, 11, 44, tzinfo=UTC)),  # baochinhphu: US order, UTC+7
        ("9/14/2026 12:05:00 AM", datetime(2026, 9, 13, 17, 5, tzinfo=UTC)),
        ("14/09/2026 18:44", datetime(2026, 9, 14, 11, 44, tzinfo=UTC)),
        ("Thứ hai, 14/09/2026 - 18:44 (GMT+7)", datetime(2026, 9, 14, 11, 44, tzinfo=UTC)),
        ("Mon, 14 Sep 26 07:23:00 +0700", datetime(2026, 9, 14, 0, 23, tzinfo=UTC)),  # 2-digit year
        ("Mon, 14 Sep 2026 15:32:00 +07", datetime(2026, 9, 14, 8, 32, tzinfo=UTC)),
        ("Mon, 14 Sep 2026 14:21:27 +07:00", datetime(2026, 9, 14, 7, 21, 27, tzinfo=UTC)),
        ("Mon, 14 Sep 2026 10:00:00 GMT+7", datetime(2026, 9, 14, 3, 0, tzinfo=UTC)),
        ("Mon, 14 Sep 2026 10:00:00 ICT", datetime(2026, 9, 14, 3, 0, tzinfo=UTC)),
        ("Mon, 14 Sep 2026 10:00:00 GMT", datetime(2026, 9, 14, 10, 0, tzinfo=UTC)),
    ],
)
def test_vietnamese_date_quirks(parse: Parse, raw: str, expected: datetime) -> None:
    feed = parse(rss(f"<item><title>x</title><guid>g</guid><pubDate>{raw}</pubDate></item>"))
    assert feed.articles[0].published == expected


def test_dates_are_aware_utc(parse: Parse, fixture_bytes: Read) -> None:
    for name in ("rss20.xml", "atom.xml", "jsonfeed10.json"):
        for article in parse(fixture_bytes(name)).articles:
            for value in (article.published, article.updated):
                assert (
                    value is None or value.utcoffset() is not None and value.utcoffset().total_seconds() == 0
                )


# --- identity and duplicates ------------------------------------------------------------------------------


def test_identity_guid_link_hash(parse: Parse) -> None:
    feed = parse(
        rss(
            "<item><title>a</title><guid isPermaLink='false'>guid-a</guid><link>https://example.com/a</link></item>"
            "<item><title>b</title><link>https://example.com/b</link></item>"
            "<item><title>c</title><pubDate>Mon, 14 Sep 2026 10:00:00 GMT</pubDate></item>"
            "<item><title>c</title><pubDate>Mon, 14 Sep 2026 11:00:00 GMT</pubDate></item>"
            "<item><title>  </title><guid>   </guid><description>only a description</description></item>"
        )
    )
    guids = [a.guid for a in feed.articles]
    assert guids[0] == "guid-a"
    assert guids[1] == "https://example.com/b"
    assert guids[2].startswith("sha1:") and guids[3].startswith("sha1:") and guids[2] != guids[3]
    assert guids[4].startswith("sha1:")
    assert feed.articles[4].title == "only a description"
    again = parse(rss("<item><title>c</title><pubDate>Mon, 14 Sep 2026 10:00:00 GMT</pubDate></item>"))
    assert again.articles[0].guid == guids[2]  # stable across parses


def test_relative_permalink_guid_resolved_like_a_link(parse: Parse) -> None:
    # feedparser treats a guid without isPermaLink="false" as a URI and resolves it against the feed URL.
    feed = parse(rss("<item><title>a</title><guid>/p/1</guid></item>"), url="https://example.com/rss")
    assert feed.articles[0].guid == "https://example.com/p/1"


def test_untitled(parse: Parse) -> None:
    feed = parse(rss("<item><guid>g</guid></item>"))
    assert feed.articles[0].title == "(untitled)"


def test_duplicates_collapse_keep_first(parse: Parse) -> None:
    feed = parse(
        rss(
            "<item><title>first</title><guid isPermaLink='false'>same</guid></item>"
            "<item><title>second</title><guid isPermaLink='false'>same</guid></item>"
            "<item><title>third</title><guid isPermaLink='false'>other</guid></item>"
        )
    )
    assert [(a.guid, a.title) for a in feed.articles] == [("same", "first"), ("other", "third")]


def test_nfc_nfd_guids_collapse(parse: Parse) -> None:
    nfd = unicodedata.normalize("NFD", "bài-viết")
    feed = parse(
        rss(
            f"<item><title>a</title><guid>bài-viết</guid></item><item><title>b</title><guid>{nfd}</guid></item>"
        )
    )
    assert len(feed.articles) == 1


def test_huge_guid_is_hashed(parse: Parse) -> None:
    feed = parse(rss(f"<item><title>a</title><guid>{'x' * 100_000}</guid></item>"))
    assert feed.articles[0].guid.startswith("sha1:") and len(feed.articles[0].guid) < 100


# --- links ------------------------------------------------------------------------------------------------


def test_relative_links_resolved(parse: Parse) -> None:
    feed = parse(
        rss("<item><title>a</title><link>/news/1?utm_source=rss</link></item>"),
        url="https://vnexpress.net/rss/x.rss",
    )
    assert feed.articles[0].link == "https://vnexpress.net/news/1?utm_source=rss"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "vbscript:x",
        "ftp://x/y",
    ],
)
def test_dangerous_links_dropped(parse: Parse, link: str) -> None:
    feed = parse(rss(f"<item><title>a</title><guid>g</guid><link>{link}</link></item>"))
    assert feed.articles[0].link is None


def test_xml_base_javascript_not_followed(parse: Parse) -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//"><title>t</title>'
        '<entry><id>e</id><title>x</title><link href="evil"/></entry></feed>'
    )
    link = parse(body).articles[0].link
    assert link is None or link.startswith(("http://", "https://"))


def test_overlong_link_dropped(parse: Parse) -> None:
    feed = parse(
        rss(f"<item><title>a</title><guid>g</guid><link>https://example.com/{'a' * 3000}</link></item>")
    )
    assert feed.articles[0].link is None


# --- bounds and the process-pool contract -----------------------------------------------------------------


def test_entry_cap(parse: Parse) -> None:
    items = "".join(
        f"<item><title>t{i}</title><guid isPermaLink='false'>g{i}</guid>"
        f"<description>{'x' * 100}</description></item>"
        for i in range(MAX_ENTRIES + 500)
    )
    feed = parse(rss(items))
    assert len(feed.articles) == MAX_ENTRIES
    assert feed.articles[0].guid == "g0" and feed.articles[-1].guid == f"g{MAX_ENTRIES - 1}"


def test_entry_cap_cuts_big_truncated_documents_before_parsing(parse: Parse) -> None:
    items = "".join(
        f"<item><title>t{i}</title><guid isPermaLink='false'>g{i}</guid>"
        f"<description>{'y' * 200}</description></item>"
        for i in range(MAX_ENTRIES * 2)
    )
    body = rss(items).encode()[:-500]  # connection dropped mid-item
    feed = parse(body)
    assert len(feed.articles) == MAX_ENTRIES
    assert feed.warning is None  # closed by us, so the strict parser read it


def test_deep_nesting_refused_quickly(parse: Parse) -> None:
    deep = "<x>" * 50_000 + "</x>" * 50_000
    with pytest.raises(ParseError, match="nested"):
        parse(rss(f"<item><title>d</title><guid>g</guid>{deep}</item>"))


def test_big_internal_dtd_subset_dropped(parse: Parse) -> None:
    big = "a" * 50_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]>'
        '<rss version="2.0"><channel><title>T</title>'
        "<item><title>x</title><guid>g</guid><description>"
        + "&a;" * 2000
        + "</description></item></channel></rss>"
    )
    feed = parse(body)
    assert len(feed.articles) == 1
    assert len(feed.articles[0].summary_html or "") < 100_000  # never expanded to 100 MB


def test_opml_is_not_a_feed(parse: Parse) -> None:
    with pytest.raises(ParseError, match="OPML"):
        parse('<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body/></opml>')


def test_gzip_body_without_content_encoding(parse: Parse, fixture_bytes: Read) -> None:
    import gzip

    feed = parse(gzip.compress(fixture_bytes("rss20.xml")))
    assert len(feed.articles) == 2


def test_result_is_picklable(parse: Parse, fixture_bytes: Read) -> None:
    feed = parse(fixture_bytes("rss20.xml"))
    assert pickle.loads(pickle.dumps(feed)) == feed
    assert pickle.loads(pickle.dumps(parse_feed)) is parse_feed


def test_http_charset_is_used(parse: Parse) -> None:
    body = (
        rss("<item><title>Vi\xe9t</title><guid>g</guid></item>")
        .replace('encoding="utf-8"', "")
        .encode("latin-1")
    )
    feed = parse(body, content_type="application/rss+xml; charset=iso-8859-1")
    assert feed.articles[0].title == "Viét"


def test_naive_now_is_taken_as_utc(fixture_bytes: Read) -> None:
    feed = parse_feed(
        b'<rss version="2.0"><channel><item><title>x</title>'
        b"<pubDate>Thu, 01 Jan 2099 00:00:00 +0000</pubDate></item></channel></rss>",
        url="https://example.com/",
        now=datetime(2026, 1, 1),
    )
    assert feed.articles[0].published == datetime(2026, 1, 1, tzinfo=UTC)


# --- feedparser's private date API (tui_news.dates) ----------------------------------------------------------

FEEDPARSER_DATES = [
    ("Tue, 24 Nov 2026 10:00:00 +0700", datetime(2026, 11, 24, 3, 0, tzinfo=UTC)),
    ("24 Nov 26 10:00 GMT", datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
    ("2026-11-24T10:00:00Z", datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
    ("2026-11-24T10:00:00.5+07:00", datetime(2026, 11, 24, 3, 0, tzinfo=UTC)),
    ("2026-11-24", datetime(2026, 11, 24, tzinfo=UTC)),
    ("2026-W48", datetime(2026, 12, 1, tzinfo=UTC)),  # feedparser's reading of an ISO week, odd as it is
    ("Tue, 24 Nov 2026 25:00:00 +0000", None),
    ("Tue, 24 Nov 2026 10:00:00 +07", None),  # feedparser misses this zone; dates.odd_date reads it
    ("garbage", None),
]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def test_feedparser_private_date_api_is_the_one_we_tested() -> None:
    """tui_news.dates calls feedparser.datetimes._parse_date / _parse_date_rfc822 (private). This fails loudly when
    the installed feedparser is outside the range pyproject pins, or when those functions answer differently:
    check dates.py (and the fast path's equivalence test) before widening the range."""
    import tomllib
    from pathlib import Path

    import feedparser

    from tui_news import dates

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8"))
    (spec,) = [d for d in pyproject["project"]["dependencies"] if d.startswith("feedparser")]
    assert spec.removeprefix("feedparser").split(",") == list(dates.FEEDPARSER_TESTED), spec
    low, high = (_version(bound.lstrip("<>=")) for bound in dates.FEEDPARSER_TESTED)
    assert low <= _version(feedparser.__version__) < high, (
        f"feedparser {feedparser.__version__} is outside {dates.FEEDPARSER_TESTED}")
    assert [(raw, dates.feed_date(raw)) for raw, _ in FEEDPARSER_DATES] == FEEDPARSER_DATES
    assert dates.odd_date("Tue, 24 Nov 2026 10:00:00 +07") == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert dates.odd_date("Tue, 24 Nov 2026 10:00:00 ICT") == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert dates.odd_date("14/09/2026 18:44") == datetime(2026, 9, 14, 11, 44, tzinfo=UTC)


def test_no_module_reaches_into_another_modules_private_names() -> None:
    """The readers share drafts.py and dates.py: no `from tui_news.x import _private` anywhere in src, and
    feedparser's private names appear in dates.py only."""
    import ast
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "tui_news"
    offenders = []
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui_news"):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
            if isinstance(node, ast.Attribute) and node.attr.startswith("_parse_date") and path.name != "dates.py":
                offenders.append(f"{path.name}: feedparser private {node.attr}")
    assert offenders == []



def test_feedparser_never_guesses_the_encoding_with_chardet() -> None:
    """chardet (brought by readability-lxml) is installed, but feedparser must not run its pure-Python detector:
    21-46 s of CPU for the 256 KB of the hostile corpus's deflate bomb read as a file. The switch itself, and
    (with the corpus) that the bomb's bytes never reach the detector."""
    import feedparser.encodings

    import tui_news.parse  # noqa: F401  (the module that switches the guess off)

    assert feedparser.encodings.lazy_chardet_encoding is None
    chardet = getattr(feedparser.encodings, "chardet", None)
    bomb = Path(__file__).resolve().parents[2].parent / "shared/corpus/hostile/compression/deflate-bomb-256MiB.xml.zz"
    if chardet is None or not bomb.is_file():
        return
    calls: list[int] = []
    original = chardet.detect
    chardet.detect = lambda data: calls.append(len(data)) or original(data)
    try:
        with pytest.raises(ParseError):
            parse_feed(bomb.read_bytes(), url=bomb.as_uri(), now=datetime(2026, 12, 1, tzinfo=UTC))
    finally:
        chardet.detect = original
    assert calls == []

# --- the shortcuts of the parse job (issue 14): each gives what the function it stands for gives --------------

def _corpus_dates(corpus_dir: object) -> list[str]:
    import re
    from pathlib import Path

    assert isinstance(corpus_dir, Path)
    pattern = re.compile(rb"<(?:pubDate|dc:date|published|updated|lastBuildDate)>([^<]{1,80})</")
    found: set[str] = set()
    for path in sorted((corpus_dir / "feeds").rglob("*.xml")):
        if path.stat().st_size < 2_000_000:
            found.update(m.group(1).decode("utf-8", "replace").strip() for m in pattern.finditer(path.read_bytes()))
    return sorted(found)


def _made_dates() -> list[str]:
    days, months = ("Mon", "Tue", "Sun"), ("Jan", "Feb", "Jun", "Nov", "Dec")
    zones = ("+0000", "-0500", "+0530", "+0700", "-1200", "+1400", "GMT", "UT", "Z", "+2359")
    out = []
    for day in ("1", "01", "29", "30", "31", "00", "32"):
        for month in months:
            for year in ("2026", "2024", "1999", "0001", "9999", "1970"):
                for time_ in ("00:00:00", "23:59:59", "24:00:00", "12:60:00", "10:00:60"):
                    for zone in zones:
                        out.append(f"{days[len(out) % 3]}, {day} {month} {year} {time_} {zone}")
                        out.append(f"{day} {month} {year} {time_} {zone}")
    for date in ("2026-11-24", "2024-02-29", "2026-02-29", "0001-01-01", "9999-12-31", "2026-13-01"):
        for time_ in ("00:00:00", "23:59:59", "10:00:00.123456", "24:00:00"):
            for zone in ("Z", "+07:00", "-05:30", "+00:00", "-12:00", "+14:00"):
                out.append(f"{date}T{time_}{zone}")
    return out


def test_common_dates_are_read_as_feedparser_reads_them(corpus: object) -> None:
    """`dates.read_date` reads RFC 822 and W3C-DTF dates itself; everywhere it must agree with
    `odd_date or feedparser` (every date in the corpus, and made ones with values out of range)."""
    from tui_news import dates

    samples = _corpus_dates(corpus) + _made_dates()
    taken = 0
    mismatches = []
    for raw in samples:
        general = dates.odd_date(raw) or dates.feed_date(raw)
        if dates._common(raw) is not None:
            taken += 1
        if dates.read_date(raw) != general:
            mismatches.append((raw, dates.read_date(raw), general))
    assert mismatches == []
    assert taken > 3_000, "the shortcut should read most of these dates"


_SPECIAL = ("a", "Z", " ", "  ", "\t", "\n", "\r", "\x00", "\x1b[31m", "\x7f", "\x85", "\x9b", "\xa0", "é", "e\u0301",
            "\u0301", "\u2000", "\u2001", "\u200b", "\u200e", "\u202e", "\u2028", "\u2066", "\u3000", "\ufeff",
            "\ud800", "Ω", "\u2126", "ị", "đ", "Đ", "ð", "İ", "ß", "’", "–", "…", "<b>", "&amp;", "&#x301;", "x",
            "\U000e0041", "\u1ab0", "\u0345", "ı", "\u09c7", "\u09be", "\u3099", "か", "ω", "ά")


def _made_strings(count: int, seed: int = 14) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(_SPECIAL) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def _corpus_texts(corpus_dir: object) -> list[str]:
    from pathlib import Path

    from tui_news.parse import parse_feed as parse_any

    assert isinstance(corpus_dir, Path)
    texts: list[str] = []
    for path in sorted((corpus_dir / "feeds" / "real").rglob("*"))[:200]:
        if path.is_file() and path.stat().st_size < 2_000_000:
            try:
                feed = parse_any(path.read_bytes(), url="https://example.org/", now=NOW)
            except ParseError:
                continue
            for a in feed.articles:
                texts += [a.title, a.author or "", a.link or "", a.summary_html or "", a.content_html or ""]
    return texts


NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_one_scan_cleaning_gives_clean_text_and_clean_line(corpus: object) -> None:
    from tui_news.parse import fast_clean_text, fast_line
    from tui_news.text import clean_line, clean_text

    texts = _made_strings(20_000) + _corpus_texts(corpus)
    assert [fast_clean_text(t) for t in texts] == [clean_text(t) for t in texts]
    for limit in (5, 1_000):
        assert [fast_line(t, limit) for t in texts] == [clean_line(t, limit) for t in texts]


def test_plain_links_are_stored_as_the_general_path_stores_them(corpus: object) -> None:
    import re

    from tui_news.parse import _general_link, _safe_link

    links = ["https://e.org/a", "https://e.org/a?", "https://e.org/a#", "https://e.org/a;p", "HTTPS://e.org/a",
             "https://[::1]/a", "https://[bad/a", "https://e.org/a b", "https://e.org/\u202ea", "http://e.org/./a",
             "https://e.org/%zz", "https://é.org/á", "javascript:x", "https://e.org/a\x7f", " https://e.org/a"]
    links += [t for t in _corpus_texts(corpus) if t.startswith("http") and len(t) < 3000]
    links += [m.group(3) for t in _corpus_texts(corpus) for m in re.finditer(
        r"""(href|src)=(["'])([^"'<>]*)\2""", t)]
    assert len(links) > 1_000
    for base in ("https://example.org/feed/", "http://e.org/f", ""):
        assert [_safe_link(x, base) for x in links] == [_general_link(x, base) for x in links]


def test_stored_body_forms_are_the_stores_body_forms(corpus: object) -> None:
    """The parse job hands the writer the search index's text of each body: it must be exactly what the store
    would compute itself (`text.body_forms`), or unindexing would not find what was indexed."""
    from tui_news import text
    from tui_news.parse import stored_body_forms
    from tui_news.text import clean_text

    texts = [clean_text(t) for t in _made_strings(20_000)] + _corpus_texts(corpus)
    assert [stored_body_forms(t) for t in texts] == [text.body_forms(t) for t in texts]


def test_folding_a_character_at_a_time_is_folding_the_whole() -> None:
    """The codec `parse._folded` uses folds each character alone: every pair of its characters (and ASCII)
    folds as the two folded one by one, so any text made of them does."""
    from tui_news import text
    from tui_news.parse import _folded

    mapped = [chr(i) for i in range(0x80, 0x10000) if not 0xD800 <= i <= 0xDFFF and _encodes(chr(i))]
    assert len(mapped) == 128
    assert set("ịđ’–…\xa0çöüñ") <= set(mapped)
    everything = [chr(i) for i in range(128)] + mapped
    for a in everything:
        for b in everything:
            assert _folded(a + b) == text.folded_form(a + b), (a, b)
    vietnamese = "nghị quyết đổi mới – “tăng trưởng” ở Đà Nẵng".casefold()
    assert _folded(vietnamese) == text.folded_form(vietnamese) == "nghi quyet doi moi – “tang truong” o da nang"


def _encodes(c: str) -> bool:
    import codecs

    from tui_news.parse import _FOLD_ENCODE

    try:
        codecs.charmap_encode(c, "strict", _FOLD_ENCODE)
    except UnicodeEncodeError:
        return False
    return True
