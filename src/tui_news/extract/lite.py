"""An lxml element -> the HTML-lite the article pane renders (`tui_news.text.render_html`), and the furniture filter.

HTML-lite is a closed set of tags without attributes, except `href` on links and `src`/`alt` on images:
p, h2-h6, ul, ol, li, blockquote, figure, figcaption, pre, table, tr, td, th, hr, div, a, b, i, code, br, img.
Everything else is unwrapped (its text kept) or dropped with its content (scripts, forms, media players...).
Every text goes through `clean_text` (NFC, no control or bidi characters) and is escaped. The walk is iterative
(`etree.iterwalk`), so nesting depth costs no Python stack; container depth in the output is capped.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from tui_news.text import clean_line, clean_text

MAX_OUTPUT = 1_000_000
"""Characters of HTML-lite at most (the article pane cuts at the same size, `text.MAX_HTML`)."""
MAX_DEPTH = 24
"""Nested containers kept in the output; deeper ones are flattened (their text is kept)."""

_RENAME = {
    "h1": "h2", "strong": "b", "em": "i", "tt": "code", "kbd": "code", "samp": "code", "var": "i",
    "section": "div", "article": "div", "main": "div", "header": "div", "footer": "div", "aside": "div",
    "center": "div", "details": "div", "summary": "div", "dl": "div", "dt": "div", "dd": "div",
    "address": "div", "caption": "figcaption", "thead": None, "tbody": None, "tfoot": None,
}
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption", "pre",
           "table", "tr", "td", "th", "div"}
_INLINE = {"a", "b", "i", "code"}
_VOID = {"br", "hr", "img"}
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "select",
         "textarea", "button", "form", "input", "audio", "video", "canvas", "map", "nav", "head", "title",
         "link", "meta", "source", "picture-source", "label", "option", "dialog"}
_IMG_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-srcset", "src")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)
_WS = re.compile(r"\s+")


def _tag(el: Any) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):  # comments, processing instructions, entities
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _image_src(el: Any, base_url: str) -> str | None:
    for attr in _IMG_ATTRS:
        value = (el.get(attr) or "").strip()
        if attr == "data-srcset" and value:
            value = value.split(",")[0].strip().split(" ")[0]
        if value and not value.startswith("data:"):
            url = urljoin(base_url, clean_line(value, 2000))
            if _SAFE_URL.match(url):
                return url
    return None


def to_lite(root: Any, base_url: str) -> tuple[str, int, str | None]:
    """-> (HTML-lite, characters of text in it, first image URL)."""
    out: list[str] = []
    size = 0
    text_chars = 0
    first_image: str | None = None
    # One entry per element entered: (emitted tag or None, out length at entry, text/image count at entry).
    stack: list[tuple[str | None, int, int]] = []
    depth = 0
    skip = 0
    pre = 0
    full = False

    def put(piece: str) -> None:
        nonlocal size, full
        out.append(piece)
        size += len(piece)
        if size > MAX_OUTPUT:
            full = True

    def emit_text(data: str | None) -> None:
        nonlocal text_chars
        if not data or skip or full:
            return
        data = clean_text(data)
        if not pre:
            data = _WS.sub(" ", data)
        if not pre and not data.strip() and (not out or out[-1].endswith(" ")):
            return
        if len(data) > MAX_OUTPUT - size:
            data = data[: max(0, MAX_OUTPUT - size)]
        put(escape(data, quote=False))
        text_chars += len(data.strip())

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = _tag(el)
        if event == "start":
            if tag is None:
                stack.append((None, len(out), text_chars))
                continue
            if skip or tag in _DROP:
                skip += 1
                stack.append(("\0skip", len(out), text_chars))
                continue
            name = _RENAME.get(tag, tag)
            emitted: str | None = None
            if full:
                pass
            elif name in _VOID:
                if name == "img":
                    src = _image_src(el, base_url)
                    if src:
                        alt = clean_line(el.get("alt") or el.get("title") or "", 300)
                        put(f'<img src="{escape(src)}" alt="{escape(alt)}">')
                        text_chars += 1  # an image counts as content: a photo with its caption is an article
                        first_image = first_image or src
                else:
                    put(f"<{name}>")
            elif name in _BLOCKS:
                if depth < MAX_DEPTH:
                    emitted = name
                    depth += 1
                    put(f"<{name}>")
                    if name == "pre":
                        pre += 1
            elif name in _INLINE:
                if name == "a":
                    href = urljoin(base_url, clean_line(el.get("href") or "", 2000))
                    if _SAFE_URL.match(href):
                        emitted = "a"
                        put(f'<a href="{escape(href)}">')
                else:
                    emitted = name
                    put(f"<{name}>")
            stack.append((emitted, len(out) - (1 if emitted else 0), text_chars))
            if emitted is not None or name not in _VOID:
                emit_text(el.text)
        else:
            emitted, mark, chars_at_open = stack.pop() if stack else (None, len(out), text_chars)
            if emitted == "\0skip":
                skip -= 1
            elif emitted is not None:
                if emitted in _BLOCKS:
                    depth -= 1
                    if emitted == "pre":
                        pre -= 1
                if text_chars == chars_at_open and emitted != "td":  # nothing inside: leave no empty block
                    size -= sum(len(s) for s in out[mark:])
                    del out[mark:]
                else:
                    out.append(f"</{emitted}>")  # closing tags are always written, even past the limit
                    size += len(emitted) + 3
            emit_text(el.tail)
    html = "".join(out)
    return html, text_chars, first_image


# ---------------------------------------------------------------------------------------------- furniture

_FURNITURE = re.compile(
    r"""^(?:
        xem\ toàn\ màn\ hình | toàn\ màn\ hình | phóng\ to
      | chọn\ cỡ\ chữ.* | cỡ\ chữ.* | a-?\ ?a\ ?a\+
      | sao\ chép\ liên\ kết | (?:đã\ )?sao\ chép(?:\ link)?(?:\ thành\ công)? | copy\ link(?:\ thành\ công)?
      | copied!? | copy\ link | link\ copied
      | thêm\ .{1,60}\ trên\ google(?:\ news)? | theo\ dõi\ .{1,60}\ trên\ google(?:\ news)?
      | (?:chia\ sẻ|share)(?:\ (?:bài\ viết|this(?:\ article|\ story)?|on\ \w+))?:?
      | in\ bài(?:\ viết)? | lưu(?:\ bài(?:\ viết)?)? | bản\ in | print(?:\ this)?
      | (?:tin|bài|tin\ bài|bài\ viết)\ liên\ quan:? | xem\ thêm:? | đọc\ thêm:? | tin\ cùng\ chuyên\ mục
      | (?:related|more\ on\ this\ story|more\ from\ \w+|read\ more|related\ (?:articles|stories|topics)):?
      | (?:gửi\ )?bình\ luận(?:\ \(\d+\))? | ý\ kiến\ (?:của\ )?bạn(?:\ đọc)? | viết\ bình\ luận.*
      | (?:add|leave|post)\ (?:a\ )?comment.* | comments?(?:\ \(\d+\))?
      | đăng\ ký\ nhận\ (?:bản\ )?tin.* | nhận\ bản\ tin.* | (?:sign\ up|subscribe)\b.{0,80}newsletters?.*
      | newsletters?(?:\ sign-?up)?.*
      | quảng\ cáo | advertisement | skip\ advertisement
      | nghe\ (?:bài\ viết|đọc\ bài|bài\ báo).* | (?:listen\ to\ (?:this\ )?article).*
      | trở\ lại\ .{1,40} | quay\ lại\ .{1,40} | back\ to\ top
    )$""",
    re.X | re.I,
)
_FURNITURE_MAX = 160
_SCAN = ("p", "div", "span", "a", "li", "ul", "button", "figcaption", "h2", "h3", "h4", "h5", "h6", "section",
         "aside", "strong", "b", "em", "i", "label", "header", "footer")


def is_furniture(text: str) -> bool:
    text = _WS.sub(" ", clean_text(text)).strip(" \t\n:·|–-")
    return bool(text) and len(text) <= _FURNITURE_MAX and _FURNITURE.match(text) is not None


def strip_furniture(root: Any) -> int:
    """Remove elements whose whole text is page furniture ("Xem toàn màn hình", "Chia sẻ", "Tin liên quan"...).

    Only small elements are tested (few descendants and short text), so the cost stays linear in the tree.
    Returns how many were removed.
    """
    sizes: dict[Any, tuple[int, int]] = {}  # element -> (descendants, text length incl. descendants)
    doomed: list[Any] = []
    for _event, el in etree.iterwalk(root, events=("end",)):
        count, length = 0, len(el.text or "")
        for child in el:
            c_count, c_len = sizes.pop(child, (0, 0))
            count += c_count + 1
            length += c_len + len(child.tail or "")
        sizes[el] = (count, length)
        tag = _tag(el)
        if tag in _SCAN and count <= 40 and 0 < length <= _FURNITURE_MAX * 3:
            if is_furniture("".join(el.itertext())):
                doomed.append(el)
    for el in doomed:
        remove_keep_tail(el)
    return len(doomed)


def remove_keep_tail(el: Any) -> None:
    """Remove an element from the tree, keeping the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)

