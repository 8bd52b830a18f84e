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
        """Show fresh counts. The same feeds and tags: labels change in place (cursor and folders untouched).
        Otherwise the tree is rebuilt and the cursor goes back to the node it was on."""
        self.feeds = {f.id: f for f in feeds}
        groups = [(tag, [f for f in feeds if tag in f.tags]) for tag in tags]
        groups = [(tag, members) for tag, members in groups if members]
        tagged = {f.id for _tag, members in groups for f in members}
        loose = [f for f in feeds if f.id not in tagged]
        shape = (tuple((tag, tuple(f.id for f in members)) for tag, members in groups),
                 tuple(f.id for f in loose))
        virtual = "feed-tree--virtual"
        labels = {
            ALL: self._label("All", total, style=virtual),
            UNREAD: self._label("Unread", unread, style=virtual),
            STARRED: self._label("Starred", starred, style=virtual),
        }
        for tag, members in groups:
            labels[FeedNode("tag", tag=tag, title=tag)] = self._label(
                tag, sum(f.unread for f in members), style="feed-tree--tag")
        for feed in feeds:
            labels[FeedNode("feed", feed_id=feed.id, title=feed.display_title)] = self._label(
                feed.display_title, feed.unread, error=bool(feed.last_error))
        if shape == self._shape:
            for node in self._all_nodes():
                if node.data is not None and node.data in labels:
                    node.set_label(labels[node.data])
            return
        current = self.cursor_node.data if self.cursor_node is not None else None
        self._shape = shape
        self.clear()
        for data in (ALL, UNREAD, STARRED):
            self.root.add_leaf(labels[data], data)
        for tag, members in groups:
            data = FeedNode("tag", tag=tag, title=tag)
            folder = self.root.add(labels[data], data, expand=True)
            for feed in members:
                self._add_feed(folder, feed, labels)
        for feed in loose:
            self._add_feed(self.root, feed, labels)
        if current is not None:
            self.call_after_refresh(self.select_node_for, current)

    def _all_nodes(self) -> list[TreeNode[FeedNode]]:
        out: list[TreeNode[FeedNode]] = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(node.children)
        return out

    def _add_feed(self, parent: TreeNode[FeedNode], feed: Feed, labels: dict[FeedNode, Text]) -> None:
        data = FeedNode("feed", feed_id=feed.id, title=feed.display_title)
        parent.add_leaf(labels[data], data)
