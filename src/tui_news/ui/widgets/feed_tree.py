"""The feeds pane: All / Unread / Starred, then tags as folders holding their feeds, then untagged feeds.

Labels are `rich.text.Text` built from feed data (never markup strings). A feed whose last refresh failed
carries a marker; its error shows in the detail line under the tree and as the tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui_news.models import ArticleFilter, Feed


@dataclass(frozen=True)
class FeedNode:
    """What a tree node stands for."""

    kind: str
    """'all', 'unread', 'starred', 'tag' or 'feed'."""
    feed_id: int | None = None
    tag: str | None = None
    title: str = field(default="", compare=False)

    @property
    def filter(self) -> ArticleFilter:
        if self.kind == "unread":
            return ArticleFilter(unread=True)
        if self.kind == "starred":
            return ArticleFilter(starred=True)
        if self.kind == "tag":
            return ArticleFilter(tag=self.tag)
        if self.kind == "feed":
            return ArticleFilter(feed_id=self.feed_id)
        return ArticleFilter()

    def feed_ids(self, feeds: Iterable[Feed]) -> list[int] | None:
        """The feeds a refresh of this node fetches: this feed, the tag's feeds, or None (all)."""
        if self.kind == "feed" and self.feed_id is not None:
            return [self.feed_id]
        if self.kind == "tag":
            return [f.id for f in feeds if self.tag in f.tags]
        return None


ALL = FeedNode("all", title="All")
UNREAD = FeedNode("unread", title="Unread")
STARRED = FeedNode("starred", title="Starred")


class FeedTree(Tree[FeedNode]):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="feeds-down"),
        Binding("k", "cursor_up", "Up", show=False, id="feeds-up"),
        Binding("g", "scroll_home", "First", show=False, id="feeds-first"),
        Binding("G", "scroll_end", "Last", show=False, id="feeds-last"),
    ]

    COMPONENT_CLASSES = {
        "feed-tree--count",
        "feed-tree--error",
        "feed-tree--virtual",
        "feed-tree--tag",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(Text("Feeds"), ALL, id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 2
        self.feeds: dict[int, Feed] = {}
        self._shape: object = None
        self._label_values: dict[FeedNode, tuple[str, int, bool, str]] = {}
        self._nodes_of: dict[FeedNode, list[TreeNode[FeedNode]]] = {}

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._restyle)

    def _restyle(self, _theme: object) -> None:
        """A new theme: every label is built again with its colours (the next populate would skip them)."""
        for data, (title, count, error, style) in self._label_values.items():
            label = self._label(title, count, error=error, style=style)
            for node in self._nodes_of.get(data, ()):
                node.set_label(label)

    def _label(self, title: str, count: int, *, error: bool = False, style: str = "") -> Text:
        text = Text()
        if error:
            text.append("⚠ ", self.get_component_rich_style("feed-tree--error"))
        text.append(title, self.get_component_rich_style(style) if style else "")
        if count:
            text.append(f" {count}", self.get_component_rich_style("feed-tree--count"))
        return text

    def select_node_for(self, node_data: FeedNode) -> None:
        """Move the cursor to the node that stands for `node_data` (if it is in the tree)."""
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data == node_data:
                self.move_cursor(node)
                return

    def node_for_feed(self, feed_id: int) -> TreeNode[FeedNode] | None:
        def walk(node: TreeNode[FeedNode]) -> TreeNode[FeedNode] | None:
            for child in node.children:
                if child.data is not None and child.data.kind == "feed" and child.data.feed_id == feed_id:
                    return child
                found = walk(child)
                if found is not None:
                    return found
            return None

        return walk(self.root)

    def populate(self, feeds: list[Feed], tags: list[str], unread: int, starred: int, total: int) -> None:
        """Show fresh counts. The same feeds and tags: only the labels whose text changed are set (cursor and
        folders untouched; with 10,000 feeds a refresh changes a few labels a second, and each `set_label`
        costs a message). Otherwise the tree is rebuilt and the cursor goes back to the node it was on."""
        self.feeds = {f.id: f for f in feeds}
        by_tag: dict[str, list[Feed]] = {tag: [] for tag in tags}
        loose: list[Feed] = []
        for feed in feeds:
            held = [by_tag[tag] for tag in dict.fromkeys(feed.tags) if tag in by_tag]
            for members in held:
                members.append(feed)
            if not held:
                loose.append(feed)
        groups = [(tag, members) for tag, members in by_tag.items() if members]
        shape = (tuple((tag, tuple(f.id for f in members)) for tag, members in groups),
                 tuple(f.id for f in loose))
        virtual = "feed-tree--virtual"
        # What each label says, as plain values: a label is built only when its values changed.
        wanted: dict[FeedNode, tuple[str, int, bool, str]] = {
            ALL: ("All", total, False, virtual),
            UNREAD: ("Unread", unread, False, virtual),
            STARRED: ("Starred", starred, False, virtual),
        }
        for tag, members in groups:
            wanted[FeedNode("tag", tag=tag, title=tag)] = (tag, sum(f.unread for f in members), False,
                                                            "feed-tree--tag")
        for feed in feeds:
            wanted[FeedNode("feed", feed_id=feed.id, title=feed.display_title)] = (
                feed.display_title, feed.unread, bool(feed.last_error), "")
        if shape == self._shape:
            for data, values in wanted.items():
                if self._label_values.get(data) != values:
                    label = self._label(values[0], values[1], error=values[2], style=values[3])
                    for node in self._nodes_of.get(data, ()):
                        node.set_label(label)
            self._label_values = wanted
            return
        labels = {data: self._label(title, count, error=error, style=style)
                  for data, (title, count, error, style) in wanted.items()}
        current = self.cursor_node.data if self.cursor_node is not None else None
        self._shape = shape
        self._label_values = wanted
        self.clear()
        self._nodes_of = {}
        for data in (ALL, UNREAD, STARRED):
            self._nodes_of[data] = [self.root.add_leaf(labels[data], data)]
        for tag, members in groups:
            data = FeedNode("tag", tag=tag, title=tag)
            folder = self.root.add(labels[data], data, expand=True)
            self._nodes_of[data] = [folder]
            for feed in members:
                self._add_feed(folder, feed, labels)
        for feed in loose:
            self._add_feed(self.root, feed, labels)
        if current is not None:
            self.call_after_refresh(self.select_node_for, current)

    def _add_feed(self, parent: TreeNode[FeedNode], feed: Feed, labels: dict[FeedNode, Text]) -> None:
        data = FeedNode("feed", feed_id=feed.id, title=feed.display_title)
        # A feed under two tags has two nodes: both get its new labels.
        self._nodes_of.setdefault(data, []).append(parent.add_leaf(labels[data], data))
