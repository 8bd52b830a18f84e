"""Article page -> main content as HTML-lite plus title, authors, date and lead image. Pure: no I/O, no network.

Order: a site rule for the URL (the user's first, then the bundled `sites.toml`), else trafilatura, else
readability-lxml. Whatever produced it, the result goes through the same furniture filter and the same
HTML-lite writer (`lite.py`), so the article pane sees one closed set of tags and only cleaned text.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from tui_news.errors import TuiNewsError
from tui_news.extract.lite import remove_keep_tail, strip_furniture, to_lite
from tui_news.extract.rules import SiteRule, bundled_rules, match_rule, select
from tui_news.text import clean_line, clean_text

MAX_PAGE_BYTES = 4_000_000
"""Pages are cut to this many bytes before parsing (an article's text is at its start; hostile pages are not)."""
MIN_TEXT = 40
"""An extraction with fewer characters of text than this (images count one each) counts as nothing found."""
MAX_JSONLD = 200_000
MAX_ELEMENTS = 30_000
"""Elements kept from a page, in document order (a news page has 2,000-8,000; trafilatura's time grows with it)."""
MAX_ATTRS = 64
"""An element with more attributes than this keeps only the few extraction reads."""
_KEEP_ATTRS = ("class", "id", "href", "src", "alt", "title", "data-src", "data-original", "content", "name",
               "property", "itemprop", "datetime", "rel", "role", "type", "dir", "lang")
_STRIP_TAGS = ("script", "style", "template", "svg", "noscript", "canvas", "object", "embed")

Reason = Literal["empty", "not-html", "no-content"]

for _name in ("trafilatura", "htmldate", "courlan", "readability", "readability.readability"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)  # "discarding data" warnings are our failure status


class ExtractError(TuiNewsError):
    """Nothing extractable in a page. `reason`: empty (no bytes), not-html, no-content (no extractor found text)."""

    def __init__(self, reason: Reason, message: str):
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Extracted:
    html: str
    """The article body as HTML-lite (render with `tui_news.text.render_html`)."""
    title: str
    authors: tuple[str, ...]
    published: datetime | None
    """Publication time, UTC."""
    lead_image: str | None
    extractor: str
    """"rule:<domain>", "trafilatura" or "readability"."""


# ------------------------------------------------------------------------------------------------ decoding

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]{0,200}\?>", re.I)
_LONG_TAG = re.compile(r"<([A-Za-z][^<>]{4000})[^<>]*>")
"""A start tag longer than this is cut (libxml2 checks duplicate attributes in quadratic time: 100,000
attributes on one tag took a minute to parse)."""


def decode_page(page: bytes | str) -> str:
    """Bytes -> text: a BOM, then a <meta charset>, then UTF-8, else cp1252 (never fails)."""
    if isinstance(page, str):
        return page[:MAX_PAGE_BYTES]
    page = page[:MAX_PAGE_BYTES]
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, enc in boms:
        if page.startswith(bom):
            return page[len(bom):].decode(enc, "replace")
    declared = _META_CHARSET.search(page[:4096])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            name = ""
        if name and name not in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
            if name == "iso8859-1" or name == "latin-1":
                name = "cp1252"  # what browsers do
            try:
                return page.decode(name)
            except UnicodeDecodeError:
                pass
    try:
        return page.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(page) - 4:  # cut inside the last character
            return page.decode("utf-8", "replace")
    return page.decode("cp1252", "replace")


def _parse(text: str) -> Any:
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    text = _LONG_TAG.sub(r"<\1>", text)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root


def _bound_tree(root: Any) -> None:
    """Drop scripts and styles, trim attribute floods, and cut the tree after MAX_ELEMENTS elements."""
    doomed = []
    count = 0
    cut_at = None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        count += 1
        if count > MAX_ELEMENTS:
            cut_at = el
            break
        if el.tag in _STRIP_TAGS:
            doomed.append(el)
        elif len(el.attrib) > MAX_ATTRS:
            kept = {k: v for k, v in el.attrib.items() if k in _KEEP_ATTRS}
            el.attrib.clear()
            el.attrib.update(kept)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            remove_keep_tail(el)
    if cut_at is not None:
        node = cut_at
        while node is not None:  # everything from the cut on, at every level up to the root, goes
            parent = node.getparent()
            if parent is None:
                break
            following = [node, *node.itersiblings()] if node is cut_at else list(node.itersiblings())
            for sib in following:
                parent.remove(sib)
            node = parent


# ------------------------------------------------------------------------------------------------ metadata

def _meta(root: Any, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for el in root.iterfind(f".//meta[@{attr}='{name}']"):
                value = clean_line(el.get("content") or "", 2000)
                if value:
                    return value
    return ""


def _jsonld(root: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in root.iterfind(".//script[@type='application/ld+json']"):
        raw = script.text or ""
        if not raw or len(raw) > MAX_JSONLD:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack and len(found) < 20:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:20])
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.endswith(("Article", "Posting", "Report")) for k in kinds):
                    found.append(item)
    return found


def _jsonld_authors(items: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for item in items:
        author = item.get("author")
        for a in author if isinstance(author, list) else [author]:
            name = a.get("name") if isinstance(a, dict) else a
            if isinstance(name, str):
                names.append(name)
    return names


_AUTHOR_PREFIX = re.compile(
    r"^(?:by|tác giả|bài(?: và ảnh)?|phóng viên|pv|theo|written by|reporting by)\s*[:,.]?\s+", re.I
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bvà\b|\s-\s|\s–\s)\s*", re.I)


def clean_authors(raw: Iterable[str]) -> tuple[str, ...]:
    names: list[str] = []
    for value in raw:
        value = clean_line(value, 300)
        if not value or value.startswith(("http://", "https://")):
            continue
        value = _AUTHOR_PREFIX.sub("", value)
        for part in _AUTHOR_SPLIT.split(value):
            part = part.strip(" .,:;()[]")
            if 1 < len(part) <= 80 and part not in names and "@" not in part:
                names.append(part)
    return tuple(names[:10])


def _parse_date(value: str, utc_offset: float | None) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    m = re.search(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", value)
    if m:
        iso = m.group(0).replace("Z", "+00:00")
        try:
            when = datetime.fromisoformat(iso)
        except ValueError:
            when = None
    else:
        # Vietnamese pages: "25/03/2022, 15:48", "Thứ năm, 4/11/2021, 17:12 (GMT+7)"
        m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\D{1,4}(\d{1,2})[:h](\d{2}))?", value)
        when = None
        if m:
            day, month, year, hour, minute = (int(g) if g else 0 for g in m.groups())
            try:
                when = datetime(year, month, day, hour, minute)
            except ValueError:
                when = None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone(timedelta(hours=utc_offset or 0)))
    return when.astimezone(UTC)


def _date_from(elements: list[Any]) -> str:
    for el in elements:
        for attr in ("datetime", "content", "data-time", "title"):
            value = el.get(attr)
            if value:
                return value
        text = el.text_content()
        if text and text.strip():
            return text
    return ""


def _safe_image(url: str, base: str) -> str | None:
    if not url:
        return None
    full = urljoin(base, url)
    return full if full.startswith(("http://", "https://")) else None


# ------------------------------------------------------------------------------------------------ extractors

def _by_rule(root: Any, rule: SiteRule, url: str) -> tuple[str, int, str | None, list[str]] | None:
    found = select(root, rule.content)
    if not found:
        return None
    body = deepcopy(found[0])
    for selector in rule.drop:
        for el in select(body, (selector,)):
            if el is not body and el.getparent() is not None:
                remove_keep_tail(el)
    wrapper = etree.Element("div")
    content_root = found[0]
    for lead in select(root, rule.lead)[:1]:
        if not _is_inside(lead, content_root):
            copy = deepcopy(lead)
            copy.tag, copy.tail = "p", None
            for inner in copy.iter("span"):  # "Hà Nội" stamp before the sapo text: keep the words apart
                if inner is not copy:
                    inner.tail = " " + (inner.tail or "")
            wrapper.append(copy)
    wrapper.append(body)
    bylines = select(root, rule.byline)
    authors = [b.text_content() for b in bylines]
    outside = [b for b in bylines if not _is_inside(b, content_root)]
    if outside:
        p = etree.SubElement(wrapper, "p")
        p.text = clean_line(" ".join(b.text_content() for b in outside[:3]), 300)
    strip_furniture(wrapper)
    html, chars, first_image = to_lite(wrapper, url)
    if chars < MIN_TEXT:
        return None
    return html, chars, first_image, authors


def _is_inside(el: Any, ancestor: Any) -> bool:
    node = el
    for _ in range(10_000):
        if node is None:
            return False
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _by_trafilatura(root: Any, url: str) -> tuple[tuple[str, int, str | None], Any] | None:
    from trafilatura import bare_extraction
    from trafilatura.htmlprocessing import convert_to_html

    try:
        doc = bare_extraction(
            root, url=url or None, fast=True, include_images=True, include_formatting=True, include_links=True,
            include_comments=False, include_tables=True, with_metadata=True, output_format="python",
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
    except (ValueError, TypeError, AttributeError, IndexError, RecursionError, etree.LxmlError):
        return None
    if doc is None or isinstance(doc, dict) or doc.body is None:
        return None
    body = convert_to_html(doc.body)
    strip_furniture(body)
    result = to_lite(body, url)
    if result[1] < MIN_TEXT:
        return None
    return result, doc


def _by_readability(root: Any, url: str) -> tuple[str, int, str | None] | None:
    from readability import Document
    from readability.readability import Unparseable

    try:  # readability takes a document it may change: give it a copy of the bounded tree
        summary = Document(deepcopy(root), url=url or None).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, AttributeError, IndexError, RecursionError, etree.LxmlError):
        return None
    if not summary:
        return None
    try:
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    strip_furniture(fragment)
    result = to_lite(fragment, url)
    return result if result[1] >= MIN_TEXT else None


# ------------------------------------------------------------------------------------------------ entry point

def extract(
    page: bytes | str,
    url: str,
    rules: Iterable[SiteRule] = (),
    *,
    use_bundled: bool = True,
    fallback: bool = True,
) -> Extracted:
    """Main content of an article page. Pure: never touches the network or the disk.

    `rules` are the user's own site rules; they win over the bundled ones for the domains they name.
    `use_bundled=False` skips `sites.toml` and `fallback=False` skips trafilatura and readability (evaluation).
    Raises ExtractError when nothing is extractable.
    """
    if not page:
        raise ExtractError("empty", "the page is empty")
    text = decode_page(page)
    if "<" not in text[:MAX_PAGE_BYTES]:
        raise ExtractError("not-html", "the page is not HTML")
    root = _parse(text)
    if root is None:
        raise ExtractError("not-html", "the page could not be parsed as HTML")
    url = clean_line(url, 2000)

    rule = match_rule(url, rules) or (match_rule(url, bundled_rules()) if use_bundled else None)
    jsonld = _jsonld(root)
    _bound_tree(root)
    html = ""
    first_image: str | None = None
    authors: list[str] = []
    title = ""
    date_raw = ""
    image = ""
    extractor = ""
    offset = rule.utc_offset if rule else None

    if rule is not None:
        got = _by_rule(root, rule, url)
        if got is not None:
            html, _, first_image, authors = got
            extractor = f"rule:{rule.name}"
            title = " ".join(e.text_content() for e in select(root, rule.title)[:1])
            date_raw = _date_from(select(root, rule.date))
    if not extractor and fallback:
        got_t = _by_trafilatura(root, url)
        if got_t is not None:
            (html, _, first_image), doc = got_t
            extractor = "trafilatura"
            title = doc.title or ""
            authors = [doc.author] if doc.author else []
            date_raw = doc.date or ""
            image = doc.image or ""
    if not extractor and fallback:
        got_r = _by_readability(root, url)
        if got_r is not None:
            html, _, first_image = got_r
            extractor = "readability"
    if not extractor:
        raise ExtractError("no-content", "no article text found in the page")

    title = clean_line(title or _meta(root, "og:title", "twitter:title") or _first(jsonld, "headline")
                       or _title_tag(root))
    if not authors:
        authors = _jsonld_authors(jsonld) or [a for a in [_meta(root, "author", "article:author")] if a]
    published = _parse_date(date_raw, offset) if date_raw else None
    if published is None:
        published = _parse_date(
            _meta(root, "article:published_time", "datePublished", "pubdate", "publishdate", "date")
            or _first(jsonld, "datePublished"),
            offset,
        )
    lead = _safe_image(_meta(root, "og:image", "twitter:image") or image, url) or first_image
    return Extracted(
        html=html,
        title=title,
        authors=clean_authors(authors),
        published=published,
        lead_image=lead,
        extractor=extractor,
    )


def _first(items: list[dict[str, Any]], key: str) -> str:
    for item in items:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    return ""


def _title_tag(root: Any) -> str:
    el = root.find(".//title")
    return el.text_content() if el is not None else ""
