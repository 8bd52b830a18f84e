"""The article pane: an `ArticleView` (header, body, numbered links) and the `EntityList` below it.

The body is a `rich.text.Text` built from `Document.text` with the document's style spans and the entity spans
laid over it. Every style comes from a component class in app.tcss, so themes restyle the highlights; the text
is rebuilt when the theme changes. Nothing here does I/O and no feed text is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList, Static
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


class ArticleView(VerticalScroll, can_focus=True):
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

    def compose(self) -> ComposeResult:
        yield Static(Text(PLACEHOLDER), id="article-body")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_after_refresh(self._rebuild))

    def watch_data(self, data: ArticleData | None) -> None:
        if data is None:
            self.query_one("#article-body", Static).update(Text(PLACEHOLDER))
            return
        self.when = article_when(data.article.published, self.clock())
        self._rebuild()
        self.scroll_home(animate=False, immediate=True)

    def _rebuild(self) -> None:
        if self.data is None:
            return
        self._rich_style_cache.clear()
        text = build_text(self.data, StyleLookup(self), when=self.when)
        self.text = text
        self.query_one("#article-body", Static).update(text)

    def plain_text(self) -> str:
        return self.text.plain

    @property
    def at_bottom(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    def action_half_page_down(self) -> None:
        self.scroll_relative(y=max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_half_page_up(self) -> None:
        self.scroll_relative(y=-max(1, self.scrollable_content_region.height // 2), animate=False)


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
