"""The command palette (ctrl+p): go to a feed, tag or list; refresh; search; help; import OPML.

Theme switching comes from Textual's system commands ("Theme"), which stay in the palette.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from tui_news.ui.widgets.feed_tree import ALL, STARRED, UNREAD, FeedNode

if TYPE_CHECKING:
    from tui_news.ui.app import NewsApp


class NewsCommands(Provider):
    app: NewsApp  # type: ignore[assignment]  # Provider types it App[object]; ours is always a NewsApp

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        """The palette's commands; screen actions that do not apply now (see `MainScreen.check_action`) are left
        out, and the others run through `run_action`, which checks again."""
        app = self.app
        screen = app.main_screen
        out: list[tuple[str, str, Callable[[], object]]] = []
        for name, help_text, action in (
            ("Refresh all feeds", "Fetch every enabled feed now", "refresh_all"),
            ("Refresh current feed", "Fetch the feed (or tag) under the cursor", "refresh"),
            ("Search articles", "Open the search box", "search"),
            ("Mark feed read", "Mark every article of the current list as read", "mark_feed_read"),
            ("Fetch full article", "Fetch the open article's page for its whole text", "fetch_full_text"),
            ("Show the feed's version", "The open article as its feed gave it", "show_version('feed')"),
            ("Show the full article", "The open article's whole text, fetched from its page", "show_version('best')"),
        ):
            name_, _, args = action.partition("(")
            if screen.check_action(name_, (args.strip("')"),) if args else ()):
                out.append((name, help_text, partial(screen.run_action, action)))
        out += [
            ("Change theme", "Choose one of Textual's themes", app.action_change_theme),
            ("Show keys", "Every binding and its id", app.action_help),
            ("Import OPML…", "Add the feeds of an OPML file", app.action_import_opml),
        ]
        for node in (ALL, UNREAD, STARRED):
            out.append((f"Go to {node.title}", "Show this list", partial(screen.go_to, node)))
        feeds = list(screen.feeds.values())
        for tag in sorted({t for f in feeds for t in f.tags}):
            out.append((f"Go to tag: {tag}", "Show the feeds with this tag",
                        partial(screen.go_to, FeedNode("tag", tag=tag, title=tag))))
        for feed in feeds:
            data = FeedNode("feed", feed_id=feed.id, title=feed.display_title)
            help_text = f"Error: {feed.last_error}" if feed.last_error else feed.fetch_url
            out.append((f"Go to feed: {feed.display_title}", help_text, partial(screen.go_to, data)))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands()[:7]:
            yield DiscoveryHit(Content(name), callback, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                # Feed titles are data: highlight by hand (Matcher.highlight parses its input as markup).
                yield Hit(score, highlight(matcher, name), callback, text=name, help=escape(help_text))


def highlight(matcher: Matcher, name: str) -> Text:
    text = Text(name)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            text.stylize("reverse", offset, offset + 1)
    return text
