"""bytes -> `ParsedFeed`. Pure: no I/O, no globals changed, safe to run in a ProcessPoolExecutor.

`parse_feed` is the only entry point. XML goes through feedparser (sanitising on), JSON Feed through our own
mapper (`jsonfeed`); both produce drafts that `finish_draft` cleans the same way:

- text: every string NFC; titles and authors single-line without C0/C1/bidi controls; HTML kept as HTML
  with controls stripped, cut at `text.MAX_HTML` characters;
- links: only http/https, resolved against xml:base / the feed URL, at most `MAX_URL` characters;
- dates: aware UTC; more than `FUTURE_SLACK` ahead of `now` clamped to `now`; before 1970 dropped;
  a missing date stays None (the store falls back to first-seen); `published` falls back to `updated`;
- identity: guid, else link, else sha1 of title + raw date; over-long ids hashed;
- duplicates within one feed collapse, keeping the FIRST occurrence (feeds list newest first);
- work is bounded: at most `MAX_ENTRIES` entries; big XML bodies are cut after that many items *before*
  feedparser sees them, so a 150,000-item feed costs what a 2,000-item one does.

Anything that goes wrong inside feedparser or the JSON mapper becomes a `ParseError`; nothing else escapes.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import re
import unicodedata
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.encodings

from tui_news.dates import from_struct, odd_date
from tui_news.drafts import EntryDraft, FeedDraft
from tui_news.errors import ParseError
from tui_news.fastparse import PLAIN_ABSOLUTE, read_fast
from tui_news.jsonfeed import looks_like_json, read_json_feed
from tui_news.models import DEFAULT_MAX_BYTES, ParsedArticle, ParsedFeed
from tui_news.text import MAX_HTML, MAX_TITLE, REPAIRED, clean_line, clean_text, folded_form, index_text

# feedparser guesses a body's encoding with chardet whenever chardet is importable, and readability-lxml (for
# whole articles) brings chardet along. Its pure-Python detector took 21 s of CPU on 256 KB of binary data (the
# hostile corpus's deflate bomb read as a file), and a guess is not what a feed declares. Reading stays as it was
# before chardet was installed: HTTP charset, XML declaration, BOM, then utf-8, windows-1252, iso-8859-2.
# (A module global that `feedparser.encodings.convert_to_utf8` reads at call time; tested in test_parse_unit.)
feedparser.encodings.lazy_chardet_encoding = None

MAX_ENTRIES = 2_000
MAX_URL = 2_000
MAX_GUID = 512
FUTURE_SLACK = timedelta(days=1)
OLDEST = datetime(1970, 1, 2, tzinfo=UTC)
"""Dates before this are placeholders (epoch 0, year 1); treated as missing."""
MAX_AUTHOR = 200
MEMORY_FACTOR = 8
"""Parsing a body of N bytes peaks at less than this times N above the process's memory before it (measured
3x on the fast path and 5-6x through feedparser for an 18 MB feed that is one huge field; 2-3x for JSON Feed):
a parser worker needs about MEMORY_FACTOR x `Settings.max_bytes` beyond its baseline.
`tests/reliability/test_parse_memory.py` holds it to that."""
RAW_SLACK = 64
"""A one-line field is cut to this many times its limit *before* any whole-field work (tags, controls,
whitespace): cleaning costs ~30 bytes per character of input (re.sub builds a list of pieces), and an 18 MB
`<author>` once took 548 MB. Only a field padded with more than 63 characters of markup, controls or
whitespace per character kept could lose text to this cut."""
MAX_RAW_GUID = 64 * 1024
"""Longer ids are hashed from their first this-many characters (ids over MAX_GUID are hashed anyway)."""
TRUNCATE_ABOVE = 256 * 1024
"""Only bodies larger than this are scanned for the entry cap."""

# --- sniffing -------------------------------------------------------------------------------------------

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_HEAD = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_SITEMAP = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)[\s>]", re.I)
_OPML = re.compile(rb"<opml[\s>]", re.I)
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"BZh", b"\x28\xb5\x2f\xfd")


def _strip_bom_ws(body: bytes) -> bytes:
    for bom in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].lstrip()
    return body.lstrip()


def _gunzip(body: bytes, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """A gzip body the server sent without Content-Encoding: inflate once, capped."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error as e:
        raise ParseError(f"not a feed (broken gzip data: {e})") from e
    if len(out) > limit:
        raise ParseError(f"not a feed (gzip body inflates past {limit // (1024 * 1024)} MB)")
    if not out.strip():
        raise ParseError("not a feed (broken gzip data)")
    return out


def _not_a_feed(body: bytes) -> str:
    head = _strip_bom_ws(body[:4096])
    if not head:
        return "empty response"
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head[:512] and not body.startswith(_BOMS[1:]):
        return "not a feed (binary data)"
    if _OPML.search(head):
        return "not a feed (an OPML subscription list; import it instead)"
    if _SITEMAP.search(head):
        return "not a feed (a sitemap)"
    if _HTML_HEAD.search(head):
        return "not a feed (looks like an HTML page)"
    return "not a feed (unrecognised format)"


# --- pre-sanitising the bytes feedparser chokes on ------------------------------------------------------

_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.S | re.I)


def _fix_charref(m: re.Match[bytes]) -> bytes:
    value = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if value == 0 or 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        return b"&#xFFFD;"
    return m.group(0)


def _sanitise_charrefs(body: bytes) -> bytes:
    """&#0; &#xD800; &#x110000; &#xFFFFFFFF; make feedparser 6.0.x raise (kurtmckee/feedparser#591, #599)."""
    if b"&#" not in body:
        return body
    return _CHARREF.sub(_fix_charref, body)


DEEP_CHECK_ABOVE = 128 * 1024
"""Bodies above this are checked for pathological nesting (smaller ones cost little even when hostile)."""
_DEEP_TAGS = re.compile(rb"(?:<[A-Za-z][\w:.-]{0,40}>\s{0,4}){400}")
_DEEP_ESCAPED = re.compile(rb"(?:&lt;[A-Za-z][\w:.-]{0,40}&gt;\s{0,4}){400}")


def _reject_deep_nesting(body: bytes) -> None:
    """400 opening tags in a row never happen in a real feed, but cost feedparser ~4 µs a byte (its SAX
    handler and the sgmllib HTML sanitiser walk every level): a 20 MB body would take minutes. Refuse it.
    """
    if len(body) <= DEEP_CHECK_ABOVE:
        return
    if _DEEP_TAGS.search(body) or (b"&lt;" in body and _DEEP_ESCAPED.search(body)):
        raise ParseError("feed could not be parsed (elements nested hundreds of levels deep)")


MAX_INTERNAL_SUBSET = 4 * 1024
"""An internal DTD subset bigger than this is dropped before parsing (quadratic-blowup entities)."""


def _drop_big_doctype(body: bytes) -> bytes:
    """Real feeds declare at most a few small entities; a big internal subset is an expansion attack.

    expat's amplification guard stops the strict parse, but feedparser then falls back to its loose parser,
    which expands the same entities in Python (seconds per feed). Without the subset, references stay literal.
    """
    start = body.find(b"<!DOCTYPE", 0, 4096)
    if start < 0 or b"<!ENTITY" not in body[start : start + 64 * 1024]:
        return body
    m = _INTERNAL_SUBSET.match(body, start)
    if m is None or m.end() - m.start() <= MAX_INTERNAL_SUBSET:
        return body
    return body[: m.start()] + body[m.end() :]


_CLOSERS = re.compile(rb"\s*(?:</[\w:.-]{1,40}>\s*){1,4}")
_ROOT_CLOSERS = ((b"<rdf:RDF", b"</rdf:RDF>"), (b"<rss", b"</channel></rss>"), (b"<feed", b"</feed>"))


def _cap_entries(body: bytes, cap: int) -> bytes:
    """Cut a big document after its `cap`-th item, keeping the document's closing tags.

    Only for plain `</item>` / `</entry>` closers in an ASCII-compatible encoding; anything else is left alone
    (the entry cap is then applied after parsing).
    """
    if len(body) <= TRUNCATE_ABOVE:
        return body
    for closer in (b"</item>", b"</entry>"):
        if body.count(closer) <= cap:
            continue
        pos = -1
        for _ in range(cap):
            pos = body.find(closer, pos + 1)
        end = pos + len(closer)
        tail = body[body.rfind(closer) + len(closer) :]
        if not _CLOSERS.fullmatch(tail):
            # a truncated or junk-laden document: close it ourselves so the strict parser still succeeds
            head = body[:4096]
            tail = next((close for opener, close in _ROOT_CLOSERS if opener in head), b"")
        return body[:end] + tail
    return body


# --- dates --------------------------------------------------------------------------------------------

def _get(d: Any, key: str) -> Any:
    """Plain dict lookup: FeedParserDict.get maps a missing `updated` to `published` (and back)."""
    return dict.get(d, key) if isinstance(d, dict) else None


def _entry_date(entry: Any, key: str) -> tuple[datetime | None, str]:
    raw = _get(entry, key)
    raw = raw if isinstance(raw, str) else ""
    odd = odd_date(raw) if raw else None
    if odd is not None:
        return odd, raw
    return from_struct(_get(entry, key + "_parsed")), raw


def _clamp(value: datetime | None, now: datetime) -> datetime | None:
    if value is None or value < OLDEST:
        return None
    if value > now + FUTURE_SLACK:
        return now
    return value


# --- links, text, identity -------------------------------------------------------------------------------


# --- the common case in one pass -----------------------------------------------------------------------
# Most text needs none of `clean_text`'s repairs. One search for any character a repair would touch decides;
# text without one only needs NFC (which returns its argument unless something changes). The classes are
# built from `text`'s own, so they cannot drift apart; `tests/parse/test_parse_unit.py` checks each shortcut
# against the function it stands for, on the corpus and on strings made of the characters that matter.

_TEXT_WORK = re.compile(f"[{REPAIRED}]")
"""Every character `clean_text` changes (escape sequences start with one of them)."""
_LINE_WORK = re.compile(f"[{REPAIRED}\t\n\u00a0\u2000-\u200b\u202f\u205f\u3000]|  ")
"""... and every character or run `clean_line` changes besides (line breaks, tabs, odd and double spaces)."""


def fast_clean_text(text: str) -> str:
    """`clean_text(text)`, with the scan for controls done once and nothing rebuilt when there are none."""
    if not text:
        return ""
    # isprintable (a quick C loop) is False for every character of _TEXT_WORK, and for tab and newline
    if text.isprintable() or _TEXT_WORK.search(text) is None:
        return unicodedata.normalize("NFC", text)
    return clean_text(text)


def fast_line(text: str, limit: int = MAX_TITLE) -> str:
    """`clean_line(text, limit)`, likewise."""
    if text and not text[0].isspace() and not text[-1].isspace() and _LINE_WORK.search(text) is None:
        line = unicodedata.normalize("NFC", text)
        if len(line) <= limit:
            return line
    return clean_line(text, limit)


# Folding a character at a time with a codec: `codecs.charmap_encode` maps each character to one byte through
# a C table (no Python per character), `charmap_decode` maps the bytes back to the folded characters. The 128
# characters above ASCII are Vietnamese's letters, the punctuation feeds use most, then other Latin letters
# that fold to one ASCII letter. For text made only of ASCII and these, folding a character at a time is
# folding the whole (each is a starter that NFD splits into an ASCII letter and marks, or one that folding
# leaves alone and that composes with nothing), which `tests/parse/test_parse_unit.py` checks pair by pair.
# Anything else (another script, a lone mark) raises, and `folded_form` does the work.
_VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_KEPT = "\u00a0’‘“”–—…•«»·°€£©®™‹›„‚†′″¡¿§¶×÷"


def _fold_codec() -> tuple[Any, str]:
    letters = [c for c in _VI_LETTERS]
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        c = chr(cp)
        if c in letters or c.casefold() != c or unicodedata.normalize("NFC", c) != c:
            continue
        folded = folded_form(c)
        if len(folded) == 1 and folded.isascii():
            letters.append(c)
    kept = [c for c in _KEPT if folded_form(c) == c]
    upper = letters[: 128 - len(kept)] + kept
    assert len(upper) == len(set(upper)) == 128
    encode_map = codecs.charmap_build("".join(map(chr, range(128))) + "".join(upper))
    decode_table = "".join(map(chr, range(128))) + "".join(folded_form(c) for c in upper)
    assert len(decode_table) == 256
    return encode_map, decode_table


_FOLD_ENCODE, _FOLD_DECODE = _fold_codec()


def _folded(exact: str) -> str:
    """`folded_form(exact)` for an `exact_form`: by the codec when every character is in it."""
    try:
        data = codecs.charmap_encode(exact, "strict", _FOLD_ENCODE)[0]
    except UnicodeEncodeError:
        return folded_form(exact)
    return codecs.charmap_decode(data, "strict", _FOLD_DECODE)[0]


def stored_body_forms(html: str | None) -> tuple[str, str]:
    """`text.body_forms(html)` for HTML this module stored (`clean_text` made it, so it has no surrogates and
    the scan for them is skipped), with the folding done by `_folded`. The parse job hands these to the writer,
    which indexes them as they are: they must be exactly what `text.body_forms` gives."""
    text = index_text(html)
    if not text:
        return "", ""
    exact = unicodedata.normalize("NFC", text).casefold()
    if exact.isascii():
        return exact, ""
    folded = _folded(exact)
    return exact, folded if folded != exact else ""


def _safe_link(raw: str, base: str) -> str | None:
    """The link as stored: http(s) only, resolved, cleaned, bounded; None when it is not one."""
    # An absolute http(s) link that urljoin gives back as it is (`fastparse._resolve`'s test), printable ASCII
    # (nothing for clean_text) and without brackets (which urlsplit may refuse) is its own answer.
    if (raw.isascii() and len(raw) <= MAX_URL and raw.isprintable() and "[" not in raw and "]" not in raw
            and PLAIN_ABSOLUTE.match(raw)):
        return raw
    return _general_link(raw, base)


def _general_link(raw: str, base: str) -> str | None:
    if len(raw) > RAW_SLACK * MAX_URL:  # too long to be a link however much padding it has
        return None
    link = clean_text(raw).strip()
    if not link or len(link) > MAX_URL:
        return None
    if any(c in link for c in "\n\t\r "):
        link = re.sub(r"\s+", "", link)
    try:
        if base:
            link = urljoin(base, link)
        scheme = urlsplit(link).scheme.lower()
    except ValueError:  # e.g. a bad IPv6 literal
        return None
    if scheme not in ("http", "https") or len(link) > MAX_URL:
        return None
    return scheme + link[len(scheme) :]


def _safe_base(url: str) -> str:
    try:
        return url if urlsplit(url).scheme.lower() in ("http", "https", "file") else ""
    except ValueError:
        return ""


_TAG = re.compile(r"<[^>]{0,2000}>")


def _strip_tags(text: str) -> str:
    return html.unescape(_TAG.sub(" ", text))


def _html(text: str) -> str | None:
    if not text:
        return None
    if len(text) > MAX_HTML:
        text = text[:MAX_HTML]
    return fast_clean_text(text) or None


def _line(text: str, limit: int) -> str:
    """`clean_line` of a field cut to RAW_SLACK times its limit first (bounded work and memory)."""
    return fast_line(text[: RAW_SLACK * limit], limit)


def _derive_title(summary: str | None, content: str | None) -> str:
    source = summary or content or ""
    words = clean_line(_strip_tags(source[:4000]), 4000).split(" ")
    title = " ".join(words[:12])
    if not title:
        return "(untitled)"
    return clean_line(title + ("…" if len(words) > 12 else ""), 120)


def _identity(draft: EntryDraft, link: str | None, title: str) -> str:
    guid = fast_line(draft.id[:MAX_RAW_GUID], MAX_RAW_GUID)
    if not guid:
        guid = link or ""
    if not guid:
        digest = hashlib.sha1(f"{title}\n{draft.date_text.strip()}".encode("utf-8", "replace")).hexdigest()
        return f"sha1:{digest}"
    if len(guid) > MAX_GUID:
        return "sha1:" + hashlib.sha1(guid.encode("utf-8", "replace")).hexdigest()
    return guid


def finish_draft(draft: FeedDraft, *, base: str, now: datetime) -> ParsedFeed:
    articles: list[ParsedArticle] = []
    seen: set[str] = set()
    for e in draft.entries[:MAX_ENTRIES]:
        link = _safe_link(e.link, base) if e.link else None
        summary = _html(e.summary_html)
        content = _html(e.content_html)
        raw_title = e.title[: RAW_SLACK * MAX_TITLE]
        raw_title = _strip_tags(raw_title) if e.title_is_html else raw_title
        title = fast_line(raw_title) or _derive_title(summary, content)
        guid = _identity(e, link, title)
        if guid in seen:
            continue
        seen.add(guid)
        updated = _clamp(e.updated, now)
        articles.append(
            ParsedArticle(
                guid=guid,
                title=title,
                author=_line(e.author, MAX_AUTHOR) or None,
                link=link,
                published=_clamp(e.published, now) or updated,
                updated=updated,
                summary_html=summary,
                content_html=content,
            )
        )
    return ParsedFeed(
        title=_line(draft.title, MAX_TITLE) or None,
        link=_safe_link(draft.link, base) if draft.link else None,
        articles=tuple(articles),
        format=draft.format,
        warning=_line(draft.warning, 300) if draft.warning else None,
    )


# --- feedparser --------------------------------------------------------------------------------------------


def _run_feedparser(body: bytes, headers: dict[str, str]) -> Any:
    # Always a stream: feedparser opens a bytes/str argument as a *file path* when one exists.
    return feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)


def _is_html_type(detail: Any) -> bool:
    return isinstance(detail, dict) and _get(detail, "type") in ("text/html", "application/xhtml+xml")


def _content(entry: Any) -> str:
    for part in _get(entry, "content") or ():
        if not isinstance(part, dict):
            continue
        value = _get(part, "value")
        if not isinstance(value, str) or not value.strip():
            continue
        if _get(part, "type") == "text/plain":
            return "<p>" + html.escape(value) + "</p>"
        return value
    return ""


def _xml_entry(entry: Any) -> EntryDraft:
    published, published_raw = _entry_date(entry, "published")
    updated, updated_raw = _entry_date(entry, "updated")
    if published is None and not published_raw:
        published, published_raw = _entry_date(entry, "created")
    link = _get(entry, "link") or ""
    if not isinstance(link, str) or not link:
        link = ""
        for candidate in _get(entry, "links") or ():
            href = _get(candidate, "href") if isinstance(candidate, dict) else None
            if isinstance(href, str) and href and candidate.get("rel", "alternate") == "alternate":
                link = href
                break
    summary = _get(entry, "summary") or ""
    if isinstance(summary, str) and summary and not _is_html_type(_get(entry, "summary_detail")):
        summary = html.escape(summary)
    author = _get(entry, "author") or ""
    if not isinstance(author, str):
        author = ""
    title = _get(entry, "title")
    return EntryDraft(
        id=_get(entry, "id") if isinstance(_get(entry, "id"), str) else "",
        title=title if isinstance(title, str) else "",
        title_is_html=_is_html_type(_get(entry, "title_detail")),
        link=link,
        author=author,
        published=published,
        updated=updated,
        date_text=published_raw or updated_raw,
        summary_html=summary if isinstance(summary, str) else "",
        content_html=_content(entry),
    )


def _parse_xml(body: bytes, *, url: str, content_type: str | None, fast: bool = True) -> FeedDraft:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    if _OPML.search(body[:4096]):
        raise ParseError(_not_a_feed(body))
    if fast:  # libxml2 in C: deep nesting costs it nothing, so the check below is only for feedparser
        # libxml2 refuses the character references `_sanitise_charrefs` repairs (&#0;, surrogates...), so a
        # document with one falls back: no need to scan for them first.
        draft = read_fast(_cap_entries(body, MAX_ENTRIES), content_type, url)
        if draft is not None:
            return draft
    body = _cap_entries(_drop_big_doctype(_sanitise_charrefs(body)), MAX_ENTRIES)
    _reject_deep_nesting(body)
    try:
        result = _run_feedparser(body, headers)
    except (re.error, ValueError, OverflowError, UnicodeError, AssertionError, IndexError, KeyError) as first:
        # feedparser mishandles some internal DOCTYPE subsets (backslashes -> re.error); drop it and retry.
        stripped = _INTERNAL_SUBSET.sub(b"", body, count=1)
        if stripped == body:
            raise ParseError(
                f"feed could not be parsed ({type(first).__name__}: {str(first)[:120]})"
            ) from first
        try:
            result = _run_feedparser(stripped, headers)
        except Exception as second:
            raise ParseError(
                f"feed could not be parsed ({type(second).__name__}: {str(second)[:120]})"
            ) from second
    version = result.get("version") or ""
    entries = result.get("entries") or []
    feed = _get(result, "feed") or {}
    if not version and not entries:
        raise ParseError(_not_a_feed(body))
    warning = None
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        if not (content_type is None and isinstance(exc, feedparser.NonXMLContentType)):
            warning = f"{type(exc).__name__}: {exc}" if exc is not None else "ill-formed feed"
    link = _get(feed, "link") if isinstance(_get(feed, "link"), str) else ""
    title = _get(feed, "title") if isinstance(_get(feed, "title"), str) else ""
    if _is_html_type(_get(feed, "title_detail")):
        title = _strip_tags(title[: RAW_SLACK * MAX_TITLE])
    return FeedDraft(
        title=title,
        link=link,
        format=version,
        entries=[_xml_entry(e) for e in entries[:MAX_ENTRIES]],
        warning=warning,
    )


# --- entry point ----------------------------------------------------------------------------------------


def parse_feed(
    body: bytes, *, url: str, content_type: str | None = None, now: datetime, fast: bool = True
) -> ParsedFeed:
    """Parse one fetched body. Raises `ParseError` (and nothing else) when it is not a readable feed.

    `fast=False` sends every XML document through feedparser (the fast path's equivalence test compares both).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)
    try:
        if not _strip_bom_ws(body):
            raise ParseError("empty response")
        if body.startswith(b"\x1f\x8b"):
            body = _gunzip(body)
        if looks_like_json(body, content_type):
            draft = read_json_feed(body, max_entries=MAX_ENTRIES)
        else:
            draft = _parse_xml(body, url=url, content_type=content_type, fast=fast)
        return finish_draft(draft, base=_safe_base(url), now=now)
    except ParseError:
        raise
    except RecursionError as e:
        raise ParseError("feed could not be parsed (nested too deeply)") from e
    except MemoryError as e:
        raise ParseError("feed could not be parsed (out of memory)") from e
    except Exception as e:  # the promise to the caller: ParseError or a result, never anything else
        raise ParseError(f"feed could not be parsed ({type(e).__name__}: {str(e)[:120]})") from e
