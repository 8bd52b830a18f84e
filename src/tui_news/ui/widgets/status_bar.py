"""One line at the bottom: refresh progress, then the last outcome or a passing message."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusBar(Widget):
    line: reactive[str] = reactive("")
    """The text shown (feed titles included: it is never parsed as markup)."""
    error: reactive[bool] = reactive(False)
    busy: reactive[bool] = reactive(False)

    def show(self, text: str, *, error: bool = False, busy: bool = False) -> None:
        self.line = text
        self.error = error
        self.busy = busy

    def watch_error(self, error: bool) -> None:
        self.set_class(error, "-error")

    def watch_busy(self, busy: bool) -> None:
        self.set_class(busy, "-busy")

    def render(self) -> Text:
        return Text(self.line, no_wrap=True, overflow="ellipsis")
