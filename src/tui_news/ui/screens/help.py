"""The `?` screen: every binding of the reader, with the keys in effect (after the `[keys]` remapping)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(groups: Iterable[tuple[str, Iterable[BindingType]]], keymap: Mapping[str, str],
                 key_display: Callable[[str], str]) -> list[tuple[str, str, str, str]]:
    """(section, keys, description, binding id) for every binding with an id, keymap applied."""
    rows = []
    for section, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.id:
                continue
            keys = keymap.get(binding.id, binding.key)
            shown = ", ".join(key_display(k.strip()) for k in keys.split(",") if k.strip())
            rows.append((section, shown, binding.description or binding.action, binding.id))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help-close")]

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("Where", no_wrap=True)
        table.add_column("Keys", no_wrap=True, style="bold")
        table.add_column("Does")
        table.add_column("Binding id ([keys] in feeds.toml)", no_wrap=True, style="dim")
        last = None
        for section, keys, description, ident in self.rows:
            shown = section if section != last else ""
            table.add_row(Text(shown), Text(keys), Text(description), Text(ident))
            last = section
        with VerticalScroll(id="help-body"):
            yield Static(Text("Keys — escape closes; remap any of them in the [keys] table of feeds.toml"),
                         id="help-title")
            yield Static(table, id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
