"""One line at the bottom: refresh progress, then the last outcome or a passing message."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui_news.models import FeedOutcome
from tui_news.ui.format import progress_line, refresh_summary


class StatusBar(Widget):
    line: reactive[str] = reactive("")
    """The text shown (feed titles included: it is never parsed as markup)."""
    error: reactive[bool] = reactive(False)
    busy: reactive[bool] = reactive(False)

    def show(self, text: str, *, error: bool = False, busy: bool = False) -> None:
        self.line = text
        self.error = error
        self.busy = busy

    def progress(self, done: int, total: int, failed: int, title: str) -> None:
        if total:
            self.show(progress_line(done, total, failed, title), busy=True)
        else:
            self.show("Nothing due for a refresh")

    def refreshed(self, outcomes: Sequence[FeedOutcome], error: str | None = None) -> None:
        """The refresh's outcome (nothing when there was nothing to refresh)."""
        if error:
            self.show(f"Refresh failed: {error}", error=True)
        elif outcomes:
            line, failed = refresh_summary(outcomes)
            self.show(line, error=failed)

    def watch_error(self, error: bool) -> None:
        self.set_class(error, "-error")

    def watch_busy(self, busy: bool) -> None:
        self.set_class(busy, "-busy")

    def render(self) -> Text:
        return Text(self.line, no_wrap=True, overflow="ellipsis")
