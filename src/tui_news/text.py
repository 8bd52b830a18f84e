"""All text normalisation, in one place. Pure functions, no I/O.

Feed text is data: everything that reaches the terminal goes through `clean_text` (NFC, no C0/C1 controls,
no bidi overrides). The steps, and who uses them:

- `nfc`, `clean_text`, `clean_line`, `blank_controls`: NFC and control characters (parse, opml, search).
- `render_html` -> `Document`: the plain text the article pane shows, spans saying which parts are headings,
  links, quotes..., and the numbered link targets. `rendered_text(html)` is its text: ENTITY SPANS ARE
  OFFSETS INTO IT (the pane highlights them there), so entities are only ever computed on `rendered_text`.
- `index_text(html)`: the fast text of a body for the search index and snippets (tags out, entities decoded;
  ~20x quicker than the renderer). Its offsets mean nothing to the article pane. The index replays it to
  unindex an article, so a change to it needs `tui-news reindex` (store/fts.py flags the index stale).
- `exact_form`, `folded_form`, `fold`, `index_forms`, `body_forms`: the two forms words are indexed and
  searched in (case-folded; and without diacritics, đ -> d).
- `fold_words`: `fold` with blanks collapsed, for comparing names and keys (entities).
- `OffsetText`: NFC with odd spaces folded one for one, and a map back to the original's offsets (entities).
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from tui_news.models import Span

# Bidi embeddings/overrides/isolates and other invisibles that can reorder or hide text (LRM/RLM/ALM are
# harmless but invisible; drop them too), and tag characters.
_INVISIBLE = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
# C0 except tab and newline, DEL, C1, and the invisibles.
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
CONTROL_CHARS = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
"""Every control character (tab and newline too), line and paragraph separators, and the invisibles."""
# Whole escape sequences first (CSI, OSC, DCS/APC/PM/SOS strings), so no "[31m" debris is left behind.
_ESCAPE_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x1b][\]P^_X].*?(?:\x07|\x1b\\|\x9c)|[\x90\x9d\x9e\x9f].*?(?:\x07|\x1b\\|\x9c)",
    re.S,
)
_LINE_CONTROL = re.compile("[\r\u2028\u2029\x85]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPAIRED = "".join(p.pattern[1:-1] for p in (_CONTROL, _LINE_CONTROL, _SURROGATE))
"""Every character `clean_text` removes or replaces, as the inside of a regex class (`parse` scans for them once)."""

MAX_TITLE = 1_000
MAX_HTML = 1_000_000
"""Article HTML above this many characters is cut before rendering (a 3.6 MB one-line description exists)."""
MAX_NESTING = 8
"""Nested lists and quotes indent this many levels at most: deeper ones line up with the eighth (otherwise a
64 KB body of nested lists renders to 64 MB of indentation)."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))


def clean_text(text: str | None) -> str:
    """NFC, with terminal control characters and bidi controls removed; newlines and tabs kept."""
    if not text:
        return ""
    if "\x1b" in text or "\x9b" in text or "\x90" in text or "\x9d" in text:
        text = _ESCAPE_SEQ.sub("", text)
    text = _LINE_CONTROL.sub("\n", text)
    return nfc(_CONTROL.sub("", text))


def blank_controls(text: str) -> str:
    """Every control character, line break, tab and bidi control to a space, one for one (offsets hold)."""
    return CONTROL_CHARS.sub(" ", text)


def clean_line(text: str | None, limit: int = MAX_TITLE) -> str:
    """`clean_text`, then whitespace collapsed to single spaces on one line, cut at `limit` characters."""
    line = _SPACES.sub(" ", clean_text(text).replace("\n", " ").replace("\t", " ")).strip()
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    styles: tuple[Span, ...] = ()
    """Kinds: heading, bold, italic, code, link, quote, image, list-marker, table."""
    links: tuple[str, ...] = ()


_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "aside", "main", "figure", "figcaption", "ul", "ol",
    "li", "blockquote", "pre", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "hr",
    "nav", "address", "details", "summary",
}
_SKIP = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "embed", "svg", "math",
         "select", "textarea", "button", "form", "audio", "video", "canvas", "map"}
_INLINE_STYLE = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "code": "code", "tt": "code",
                 "kbd": "code", "samp": "code"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SAFE_LINK = re.compile(r"^(https?|mailto):", re.I)


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.length = 0
        self.styles: list[Span] = []
        self.links: list[str] = []
        self.open: list[tuple[str, int, str]] = []  # (tag, start offset, kind)
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.lists: list[list[int]] = []  # [ordered?, counter]
        self.pending_break = 0  # newlines owed before the next text
        self.at_line_start = True
        self.link_stack: list[str | None] = []
        self.cell = 0

    # -- output helpers
    def _emit(self, s: str) -> None:
        if not s:
            return
        self.out.append(s)
        self.length += len(s)

    def _break(self, n: int) -> None:
        if self.length:
            self.pending_break = max(self.pending_break, n)

    def _flush_break(self) -> None:
        if self.pending_break:
            self._emit("\n" * self.pending_break)
            self.pending_break = 0
            self.at_line_start = True
        if self.at_line_start:
            indent = "  " * min(MAX_NESTING, max(0, len(self.lists) - 1))
            if self.quote:
                start = self.length
                self._emit("│ " * min(MAX_NESTING, self.quote))
                self.styles.append(Span(start, self.length, "quote"))
            self._emit(indent)
            self.at_line_start = False

    def text_out(self, data: str) -> None:
        if self.skip:
            return
        data = clean_text(data)
        if not self.pre:
            data = _SPACES.sub(" ", data.replace("\n", " ").replace("\t", " "))
            if self.at_line_start or self.pending_break or (self.out and self.out[-1].endswith((" ", "\n"))):
                data = data.lstrip(" ")
            if not data:
                return
        self._flush_break()
        if self.pre:
            lines = data.split("\n")
            for i, line in enumerate(lines):
                if i:
                    self._emit("\n")
                    self.at_line_start = True
                    if line:
                        self._flush_break()
                self._emit(line)
        else:
            self._emit(data)

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        a = {k: (v or "") for k, v in attrs}
        if tag == "br":
            self._break(1)
            self.at_line_start = True
            if not self.pending_break and self.length:
                self.pending_break = 1
            return
        if tag == "hr":
            self._break(2)
            self._flush_break()
            self._emit("―" * 20)
            self._break(2)
            return
        if tag == "img":
            alt = clean_line(a.get("alt") or a.get("title") or "", 200)
            self._flush_break() if not self.at_line_start or self.pending_break else self._flush_break()
            start = self.length
            self._emit(f"[image: {alt}]" if alt else "[image]")
            self.styles.append(Span(start, self.length, "image"))
            return
        if tag in _BLOCK:
            if tag in ("ul", "ol"):
                self._break(1 if self.lists else 2)
                self.lists.append([tag == "ol", 0])
            elif tag == "li":
                self._break(1)
                self._flush_break()
                marker = "• "
                if self.lists:
                    self.lists[-1][1] += 1
                    if self.lists[-1][0]:
                        marker = f"{self.lists[-1][1]}. "
                start = self.length
                self._emit(marker)
                self.styles.append(Span(start, self.length, "list-marker"))
            elif tag == "tr":
                self._break(1)
                self.cell = 0
            elif tag == "blockquote":
                self._break(2)
                self.quote += 1
            elif tag == "pre":
                self._break(2)
                self.pre += 1
                self.open.append((tag, self.length + self.pending_break, "code"))
            else:
                self._break(2 if tag not in ("dd", "dt", "figcaption") else 1)
            if tag in _HEADINGS:
                self._flush_break()
                self.open.append((tag, self.length, "heading"))
            return
        if tag in ("td", "th"):
            if self.cell:
                self._flush_break()
                self._emit(" │ ")
            self.cell += 1
            if tag == "th":
                self.open.append((tag, self.length, "bold"))
            return
        if tag in _INLINE_STYLE:
            self.open.append((tag, self.length, _INLINE_STYLE[tag]))
            return
        if tag == "a":
            href = clean_line(a.get("href") or "", 2000)
            self.link_stack.append(href if _SAFE_LINK.match(href) else None)
            self.open.append((tag, self.length, "link"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img"):
            self.handle_endtag(tag)

    def _close(self, tag: str) -> tuple[int, str] | None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                _, start, kind = self.open.pop(i)
                return start, kind
        return None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "a":
            opened = self._close("a")
            href = self.link_stack.pop() if self.link_stack else None
            if opened and href:
                start, _ = opened
                if self.length > start:
                    self.styles.append(Span(start, self.length, "link", href))
                    if href in self.links:
                        number = self.links.index(href) + 1
                    else:
                        self.links.append(href)
                        number = len(self.links)
                    ref_start = self.length
                    self._emit(f"[{number}]")
                    self.styles.append(Span(ref_start, self.length, "link-ref", href))
            return
        opened = self._close(tag)
        if opened and self.length > opened[0]:
            self.styles.append(Span(opened[0], self.length, opened[1]))
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._break(2)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break(2)
        elif tag in _BLOCK:
            self._break(1 if tag in ("li", "tr", "dt", "dd", "figcaption") else 2)

    def handle_data(self, data: str) -> None:
        self.text_out(data)


def render_html(html: str | None) -> Document:
    """Stored article HTML -> Document. Never raises on bad HTML; nothing in it is executed or fetched."""
    if not html:
        return Document("")
    if len(html) > MAX_HTML:
        html = html[:MAX_HTML]
    renderer = _Renderer()
    try:
        renderer.feed(html)
        renderer.close()
    except (AssertionError, ValueError, IndexError):  # html.parser on pathological input
        pass
    text = "".join(renderer.out).rstrip()
    styles = tuple(sorted((s for s in renderer.styles if s.start < len(text)), key=lambda s: (s.start, s.end)))
    styles = tuple(Span(s.start, min(s.end, len(text)), s.kind, s.key) for s in styles)
    return Document(text, styles, tuple(renderer.links))


def rendered_text(html: str | None) -> str:
    """The text the article pane shows for this HTML: the one text entity offsets point into."""
    return render_html(html).text


# ------------------------------------------------------------ the index text
_SKIP_ELEMENTS = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template|svg|math|head|title|iframe|object|textarea)\b.*?</\1\s*>",
    re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def index_text(html: str | None) -> str:
    """The text of article HTML for the search index and snippets: tags out, entities decoded. Fast, and
    unlike `rendered_text` owned by the index: unindexing replays it, so a change to it needs a rebuild
    (`tui-news reindex`; until then the digests flag the affected articles and the index as stale).
    Never use it for entities: its offsets are not the article pane's."""
    if not html:
        return ""
    if len(html) > MAX_HTML:
        html = html[:MAX_HTML]
    if "<" in html:
        html = _TAG.sub(" ", _SKIP_ELEMENTS.sub(" ", html))
    return htmllib.unescape(html) if "&" in html else html


# ------------------------------------------------------------------ folding
# Combining diacritical marks (the blocks Latin, Greek and Cyrillic use); other scripts' marks are kept.
_MARK_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
_FOLD_TABLE: dict[int, str | None] = {cp: None for lo, hi in _MARK_RANGES for cp in range(lo, hi + 1)}
_FOLD_TABLE.update({ord("đ"): "d", ord("Đ"): "d", ord("ð"): "d", ord("Ð"): "d"})
_VI_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323", "\u0302", "\u0306", "\u031b")
"""Acute, grave, hook, tilde, dot below, circumflex, breve, horn: every mark Vietnamese uses."""
MARKS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _MARK_RANGES)
_ANY_MARK = re.compile(f"[{MARKS}]")
TOKEN = re.compile(rf"[^\W_](?:[^\W_]|[{MARKS}])*")
"""A word as the index's unicode61 tokenizer sees one: letters and digits, with any combining marks inside."""


def exact_form(text: str | None) -> str:
    """NFC and case-folded, diacritics kept: what the exact columns hold and accented queries look for."""
    if not text:
        return ""
    return nfc(text).casefold()


def folded_form(exact: str) -> str:
    """The exact form with combining marks removed and đ -> d ("Đảng" -> "dang", "quyết" -> "quyet")."""
    if exact.isascii():
        return exact
    text = unicodedata.normalize("NFD", exact.replace("đ", "d").replace("Đ", "d"))
    for mark in _VI_MARKS:  # str.replace is C-fast; the translate table is the general (slower) path
        if mark in text:
            text = text.replace(mark, "")
    if _ANY_MARK.search(text) or "ð" in text or "Ð" in text:
        text = text.translate(_FOLD_TABLE)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Any text straight to the folded form: case and diacritics ignored ("Trương" -> "truong")."""
    return folded_form(exact_form(text))


def fold_words(text: str) -> str:
    """`fold`, with runs of blanks made one space: "Trương  Thị Mai" -> "truong thi mai"."""
    return " ".join(fold(text).split())


def index_forms(text: str | None) -> tuple[str, str]:
    """(exact, folded) of a text as the index stores them; folded is "" when folding changes nothing."""
    exact = exact_form(text)
    folded = folded_form(exact)
    return exact, folded if folded != exact else ""


def body_forms(html: str | None) -> tuple[str, str]:
    """`index_forms` of an article body: the costly part of indexing, which parser workers do ahead."""
    return index_forms(index_text(html))


# ------------------------------------------------------ NFC with offsets back
# Spaces that are not "\n": folded to " " one for one, so offsets do not move.
_SPACE_TABLE = {
    cp: " "
    for cp in (0x09, 0x0B, 0x0C, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0x200B, 0xFEFF, *range(0x2000, 0x200B))
}
_SPACE_TABLE[0x0D] = "\n"
_SPACE_TABLE[0x2028] = "\n"
_SPACE_TABLE[0x2029] = "\n"
_CLUSTER = re.compile(r"(?s).[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")


class OffsetText:
    """`text` as NFC with odd spaces folded, and a way back to offsets of the original."""

    __slots__ = ("text", "_starts", "_ends")

    def __init__(self, original: str) -> None:
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if unicodedata.is_normalized("NFC", original):
            self.text = original.translate(_SPACE_TABLE)
            return
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for match in _CLUSTER.finditer(original):
            piece = unicodedata.normalize("NFC", match.group())
            parts.append(piece)
            starts.extend([match.start()] * len(piece))
            ends.extend([match.end()] * len(piece))
        self.text = "".join(parts).translate(_SPACE_TABLE)
        self._starts = starts
        self._ends = ends

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]

