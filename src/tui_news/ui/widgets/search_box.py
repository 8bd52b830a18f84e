"""The `/` box. It debounces its own typing: one `Query` once the keys stop, never one per key.

Up and down post `Step` so the screen can move the result cursor without the box leaving focus (the box
never touches its siblings)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input


class SearchInput(Input):
    BINDINGS = [
        Binding("down", "step(1)", "Next result", show=False, id="search-down"),
        Binding("up", "step(-1)", "Previous result", show=False, id="search-up"),
    ]

    debounce = 0.15
    """Seconds of quiet typing before a query is posted."""

    @dataclass
    class Query(Message):
        """Search for this (stripped) text; empty: the box was cleared."""

        search_input: SearchInput
        query: str

        @property
        def control(self) -> SearchInput:
            return self.search_input

    @dataclass
    class Step(Message):
        search_input: SearchInput
        step: int

        @property
        def control(self) -> SearchInput:
            return self.search_input

    _timer: Timer | None = None

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.cancel_pending()
        if event.value.strip():
            self._timer = self.set_timer(self.debounce, self.post_query, name="search-debounce")
        else:
            self.post_query()

    def cancel_pending(self) -> None:
        """Drop a query that is still waiting for the typing to stop."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def post_query(self) -> None:
        """Post the box's query now (also how `/` re-runs the search of a box that kept its text)."""
        self.cancel_pending()
        self.post_message(self.Query(self, self.value.strip()))

    def clear_quietly(self) -> None:
        self.cancel_pending()
        with self.prevent(Input.Changed):
            self.value = ""

    def action_step(self, step: int) -> None:
        self.post_message(self.Step(self, step))
