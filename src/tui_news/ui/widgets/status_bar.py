"""One line at the bottom: refresh progress, then the last outcome or a passing message."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    COMPONENT_CLASSES = {"status-bar--busy", "status-bar--error"}

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(Text(""), id=id)
        self.refreshing = False
        self.line = ""

    def show(self, text: str, *, error: bool = False, busy: bool = False) -> None:
        """Show plain text (feed titles included: it is never parsed as markup)."""
        self.line = text
        self.set_class(error, "-error")
        self.set_class(busy, "-busy")
        self.update(Text(text, no_wrap=True, overflow="ellipsis"))

    def progress(self, done: int, total: int, failed: int, title: str) -> None:
        self.refreshing = done < total
        width = 20
        filled = width * done // total if total else width
        bar = "█" * filled + "░" * (width - filled)
        failed_text = f" · {failed} failed" if failed else ""
        self.show(f"Refreshing {bar} {done}/{total}{failed_text} · {title}", busy=True)
