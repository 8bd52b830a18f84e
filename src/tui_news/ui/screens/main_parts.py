"""Parts of MainScreen kept apart so the screen stays wiring: each class is mixed into `MainScreen` and its
methods run with the screen as `self` (Textual finds handlers and actions along the MRO)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual.events import Resize

from tui_news.ui import jobs
from tui_news.ui import messages as msg
from tui_news.ui.format import safe_link
from tui_news.ui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from tui_news.ui.screens.main import MainScreen


class LayoutActions:
    """The panes' layout: stacked below STACKED_BELOW columns, the feeds pane hidden (b), reading mode (z)."""

    def on_resize(self: MainScreen, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self: MainScreen, width: int | None = None) -> None:
        width = self.size.width if width is None else width
        pane = self.app.ui_state.feeds_pane
        hidden = pane == "hidden" or (pane == "auto" and width < self.FEEDS_FROM)
        self.set_class(width < self.STACKED_BELOW, "-stacked")
        self.set_class(hidden, "-no-feeds")
        if hidden and self.focused is not None and self.query_one("#feeds-pane") in self.focused.ancestors:
            self.article_list.focus()

    def action_toggle_feeds(self: MainScreen) -> None:
        """Hide or show the feeds pane (remembered between runs)."""
        self.app.ui_state.feeds_pane = "shown" if self.has_class("-no-feeds") else "hidden"
        self.app.save_ui_state()
        self._layout()

    def action_reading_mode(self: MainScreen) -> None:
        """The article alone, the whole width; again: back to the panes."""
        reading = not self.has_class("-reading")
        self.set_class(reading, "-reading")
        if reading:
            self.query_one(ArticleView).focus()
        elif self.article_list.current is not None:
            self.article_list.focus()


class ReadingActions:
    """The open article's link and its two versions (the feed's, the whole article from its page)."""

    def _other_version(self: MainScreen) -> str | None:
        """The version "show_version" can switch the open article to: "feed" from the full text, "best" back."""
        if self.article is None:
            return None
        if self.article.version == "full":
            return "feed"
        return "best" if self.article.full_text.status == "ok" else None

    def on_full_text_arrived(self: MainScreen, message: msg.FullTextArrived) -> None:
        state, shown = message.state, self.article
        if message.on_demand:
            self.status.show(f"Full article fetched from {state.host or 'its page'}" if state.status == "ok"
                             else f"Full article not fetched: {state.reason or state.label}",
                             error=state.status != "ok")
        if shown is None or shown.article.id != message.article_id:
            return
        if message.on_demand:
            self.version = "best"
        if self.version == "best" and (message.on_demand or shown.version == "feed"):
            self.reload_article()

    def action_open_link(self: MainScreen) -> None:
        link = self.link
        url = safe_link(link)
        if url is None:
            why = "Only http and https links are opened" if link else "No http(s) link to open"
            self.status.show(why, error=bool(link))
            return
        self._job(jobs.open_in_browser, url, group="browser", exclusive=False)
        self.status.show(f"Opening {url}")

    def action_copy_link(self: MainScreen) -> None:
        if self.link:  # else the action is disabled
            self.app.copy_to_clipboard(self.link)
            self.status.show(f"Copied {self.link}")

    def action_fetch_full_text(self: MainScreen) -> None:
        """Fetch the open article's page now; the pane fills in when it arrives (see on_full_text_arrived)."""
        if self.article is None:
            return
        article_id = self.article.article.id

        async def run() -> None:
            self.post_message(await jobs.fetch_full_text(self.app.service, article_id))

        self.run_worker(run(), name="fetch full article", group=f"fulltext-{article_id}", exclusive=True,
                        exit_on_error=False)
        self.status.show("Fetching the full article…", busy=True)

    def action_show_version(self: MainScreen, version: Literal["best", "feed"]) -> None:
        """The feed's version of the open article ("feed"), or back to the full text ("best")."""
        self.version = version
        self.reload_article()


class RefreshHandlers:
    """A refresh's messages: the status line's progress, the counts, the list when articles came in."""

    def on_refresh_started(self: MainScreen, message: msg.RefreshStarted) -> None:
        self.status.progress(0, message.total, 0, "starting")

    def on_refresh_progress(self: MainScreen, message: msg.RefreshProgress) -> None:
        self.counts_dirty = True
        self.status.progress(message.done, message.total, message.failed, message.title)

    def on_refresh_done(self: MainScreen, message: msg.RefreshDone) -> None:
        self.status.refreshed(message.outcomes, message.error)
        if message.error or not message.outcomes:
            return
        self.counts_dirty = False
        self.load_feeds()
        if any(o.new or o.updated for o in message.outcomes):
            self._job(jobs.backfill_entities, group="entities")
            if not self.article_list.searching:
                self.load_list(keep_cursor=True)

    def _flush_counts(self: MainScreen) -> None:
        """Counts changed (reads, a refresh in progress): re-read them at most once a second."""
        if self.counts_dirty:
            self.counts_dirty = False
            self.load_feeds()
