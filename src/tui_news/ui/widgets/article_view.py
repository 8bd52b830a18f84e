"""The article pane: an `ArticleView` (header, body, numbered links) and the `EntityList` below it.

The body is a `rich.text.Text` built from `Document.text` with the document's style spans and the entity spans
laid over it. Every style comes from a component class in app.tcss, so themes restyle the highlights; the text
is rebuilt when the theme changes. Nothing here does I/O and no feed text is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_news.service import ArticleDetail as ArticleData
from tui_news.ui.format import article_when, local_time

PLACEHOLDER = "Choose an article (enter) to read it here."

DOC_STYLES = {
    "heading": "article-view--heading",
    "bold": "article-view--bold",
    "italic": "article-view--italic",
    "code": "article-view--code",
    "link": "article-view--link",
    "link-ref": "article-view--link-ref",
    "quote": "article-view--quote",
    "image": "article-view--image",
    "list-marker": "article-view--list-marker",
    "table": "article-view--table",
}
ENTITY_STYLES = {"PERSON": "article-view--person", "RESOLUTION": "article-view--resolution"}
ENTITY_LABELS = {"PERSON": "person", "RESOLUTION": "resolution"}


def build_text(data: ArticleData, style: StyleLookup, *, when: str = "") -> Text:
    """The whole pane as one Text: title, meta lines, body with styles and entities, link list."""
    article, document = data.article, data.document
    text = Text(no_wrap=False, end="")
    text.append(article.title or "(untitled)", style("article-view--title"))
    text.append("\n")
    meta = [article.feed_title]
    if article.author:
        meta.append(article.author)
    meta.append(when or local_time(article.published))
    text.append(" · ".join(meta), style("article-view--meta"))
    if article.link:
        text.append("\n")
        text.append(article.link, style("article-view--link"))
    text.append("\n")
    text.append(data.header(), style("article-view--version"))  # which version is shown
    text.append("\n\n")
    body = Text(document.text)
    for span in document.styles:
        name = DOC_STYLES.get(span.kind)
        if name:
            body.stylize(style(name), span.start, span.end)
    for span in data.entities:
        name = ENTITY_STYLES.get(span.kind)
        if name:
            body.stylize(style(name), span.start, span.end)
    text.append_text(body)
    if document.links:
        text.append("\n\n")
        text.append("Links", style("article-view--links-header"))
        for number, href in enumerate(document.links, 1):
            text.append("\n")
            text.append(f"[{number}] ", style("article-view--link-ref"))
            text.append(href, style("article-view--link"))
    return text


class StyleLookup:
    """Component class name -> Rich style, read from a widget (so from the app's .tcss and theme)."""

    def __init__(self, widget: ArticleView) -> None:
        self.widget = widget

    def __call__(self, name: str) -> Style:
        return self.widget.get_component_rich_style(name, partial=True)


class ArticleView(ScrollView, can_focus=True):
    """The article, line-virtual: the text is built once per article (and theme), split into paragraphs, wrapped
    once per width into (paragraph, start, end) line offsets, and only the lines on screen are turned into strips
    (cached until the width, the article or the theme changes). A 260,000-character article with thousands of
    highlights opens without re-wrapping the whole body on every layout."""

    BINDINGS = [
        Binding("down,j", "scroll_down", "Down", show=False, id="view-down"),
        Binding("up,k", "scroll_up", "Up", show=False, id="view-up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="view-top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="view-bottom"),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False, id="view-half-down"),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False, id="view-half-up"),
    ]

    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--meta",
        "article-view--version",
        "article-view--links-header",
        *DOC_STYLES.values(),
        *ENTITY_STYLES.values(),
    }

    data: var[ArticleData | None] = var(None, always_update=True, init=False)
    """The article shown (set by the screen); None: the placeholder line. A var: the body repaints itself."""

    def __init__(self, *, clock: Callable[[], datetime] | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.when = ""
        self.text = Text(PLACEHOLDER)
        self._paragraphs: list[Text] = [self.text]
        self._lines: list[tuple[int, int, int]] = []  # (paragraph, start, end) per screen line
        self._wrapped_width = -1
        self._strips: dict[int, Strip] = {}

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_after_refresh(self._rebuild))

    def watch_data(self, data: ArticleData | None) -> None:
        if data is None:
            self._set_text(Text(PLACEHOLDER))
            return
        self.when = article_when(data.article.published, self.clock())
        self._rebuild()
        self.scroll_home(animate=False, immediate=True)

    def _rebuild(self) -> None:
        if self.data is None:
            return
        self._rich_style_cache.clear()
        self._set_text(build_text(self.data, StyleLookup(self), when=self.when))

    def _set_text(self, text: Text) -> None:
        self.text = text
        self._paragraphs = list(text.split("\n", allow_blank=True))
        self._wrapped_width = -1
        self._wrap()
        self.refresh()

    def plain_text(self) -> str:
        """The text the pane draws (all of it, whatever is scrolled into view)."""
        return self.text.plain

    def _wrap(self) -> None:
        """Line offsets for the current width (only when the width changed since the last wrap)."""
        width = max(1, self.scrollable_content_region.width)
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._strips.clear()
        lines: list[tuple[int, int, int]] = []
        for number, paragraph in enumerate(self._paragraphs):
            lines.extend((number, start, end) for start, end in wrap_offsets(paragraph.plain, width))
        self._lines = lines
        self.virtual_size = Size(width, len(lines))

    def on_resize(self) -> None:
        self._wrap()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._wrapped_width:
            self._wrap()
        index = int(self.scroll_y) + y
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(index)
        if strip is None or strip.cell_length != width:
            number, start, end = self._lines[index]
            line = self._paragraphs[number][start:end]
            line.rstrip()
            line.end = ""
            strip = Strip(list(line.render(self.app.console)), line.cell_len).adjust_cell_length(
                width, self.rich_style).simplify()
            self._strips[index] = strip
        return strip

    @property
    def at_bottom(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    def action_half_page_down(self) -> None:
        self.scroll_relative(y=max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_half_page_up(self) -> None:
        self.scroll_relative(y=-max(1, self.scrollable_content_region.height // 2), animate=False)


def wrap_offsets(line: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each screen line of one paragraph wrapped to `width` cells: at spaces, a word longer than
    the width folded (as Rich wraps a Text with overflow "fold")."""
    if len(line) <= width and cell_len(line) <= width:
        return [(0, len(line))]
    breaks = divide_line(line, width, fold=True)
    starts = [0, *breaks]
    return [(a, b) for a, b in zip(starts, [*breaks, len(line)], strict=True)]


@dataclass(frozen=True)
class EntityItem:
    kind: str
    key: str
    text: str
    count: int


def entity_items(data: ArticleData) -> list[EntityItem]:
    """One item per distinct (kind, key), in order of first mention."""
    seen: dict[tuple[str, str], EntityItem] = {}
    text = data.document.text
    for span in data.entities:
        ident = (span.kind, span.key or text[span.start:span.end])
        if ident in seen:
            item = seen[ident]
            seen[ident] = EntityItem(item.kind, item.key, item.text, item.count + 1)
        else:
            seen[ident] = EntityItem(span.kind, ident[1], " ".join(text[span.start:span.end].split()), 1)
    return list(seen.values())


class EntityList(OptionList):
    """The article's people and resolutions; enter lists every article that mentions the chosen one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="entities-down"),
        Binding("k", "cursor_up", "Up", show=False, id="entities-up"),
    ]
    COMPONENT_CLASSES = {"entity-list--person", "entity-list--resolution", "entity-list--kind"}

    @dataclass
    class Chosen(Message):
        entity_list: EntityList
        kind: str
        key: str
        text: str

        @property
        def control(self) -> EntityList:
            return self.entity_list

    data: var[ArticleData | None] = var(None, always_update=True, init=False)
    """The article whose entities are listed (set by the screen)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, classes=classes)
        self.items: list[EntityItem] = []

    def watch_data(self, data: ArticleData | None) -> None:
        if data is None and not self.items:
            return  # nothing opened yet: no title either
        self.items = entity_items(data) if data else []
        self.clear_options()
        options = []
        for i, item in enumerate(self.items):
            label = Text()
            muted = self.get_component_rich_style("entity-list--kind", partial=True)
            style = "entity-list--person" if item.kind == "PERSON" else "entity-list--resolution"
            label.append(f"{ENTITY_LABELS.get(item.kind, item.kind.lower()):<10} ",
                         self.get_component_rich_style("entity-list--kind", partial=True))
            label.append(item.text, self.get_component_rich_style(style, partial=True))
            if item.count > 1:
                label.append(f" ×{item.count}", muted)
            options.append(Option(label, id=str(i)))
        self.add_options(options)
        self.border_title = f"Entities ({len(self.items)})" if self.items else "Entities"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.items[event.option_index]
        self.post_message(self.Chosen(self, item.kind, item.key, item.text))
