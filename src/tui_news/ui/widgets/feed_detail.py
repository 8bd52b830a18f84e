"""The lines under the feeds tree: the highlighted feed's address and its error or counts, or a tag's size."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui_news.models import Feed
from tui_news.ui.format import feed_detail, tag_detail
from tui_news.ui.widgets.feed_tree import FeedNode


class FeedDetail(Widget):
    node: reactive[FeedNode | None] = reactive(None, layout=True)
    feeds: reactive[dict[int, Feed]] = reactive(dict, always_update=True, layout=True)  # height: auto

    @property
    def feed(self) -> Feed | None:
        node = self.node
        if node is None or node.kind != "feed" or node.feed_id is None:
            return None
        return self.feeds.get(node.feed_id)

    def watch_node(self) -> None:
        self.set_class(bool(self.feed and self.feed.last_error), "-error")

    def watch_feeds(self) -> None:
        self.watch_node()

    def render(self) -> Text:
        feed, node = self.feed, self.node
        if feed is not None:
            return feed_detail(feed)
        if node is not None and node.kind == "tag" and node.tag:
            return tag_detail(node.tag, sum(1 for f in self.feeds.values() if node.tag in f.tags))
        return Text("")
