"""NewsApp: wiring only. The main screen owns the panes and the workers; logic lives in `Service`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from tui_news.errors import TuiNewsError
from tui_news.service import Service
from tui_news.ui.commands import NewsCommands
from tui_news.ui.screens.confirm import PromptScreen
from tui_news.ui.screens.help import HelpScreen, binding_rows
from tui_news.ui.screens.main import MainScreen
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView, EntityList
from tui_news.ui.widgets.feed_tree import FeedTree
from tui_news.ui.widgets.search_box import SearchInput


class NewsApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "tui-news"
    COMMANDS = App.COMMANDS | {NewsCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
    ]

    def __init__(self, service: Service, *, refresh_on_start: bool = True,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        if service.processes >= 2:
            _start_resource_tracker()
        self.service = service
        self.refresh_on_start = refresh_on_start
        self.clock = clock or service.clock
        self.keymap = dict(service.config.keys)
        self.set_keymap(self.keymap)
        self.main_screen = MainScreen()

    def get_default_screen(self) -> MainScreen:
        return self.main_screen

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        groups = [
            ("App", self.BINDINGS),
            ("Reader", MainScreen.BINDINGS),
            ("Feeds", FeedTree.BINDINGS),
            ("Articles", ArticleList.BINDINGS),
            ("Article", ArticleView.BINDINGS),
            ("Entities", EntityList.BINDINGS),
            ("Search box", SearchInput.BINDINGS),
        ]
        rows = binding_rows(groups, self.keymap, self.get_key_display_for)
        rows.append(("App", self.get_key_display_for("ctrl+p"),
                     "Command palette (go to feed, refresh, theme…)",
                     "command-palette"))
        self.push_screen(HelpScreen(rows))

    def get_key_display_for(self, key: str) -> str:
        from textual.binding import Binding as _Binding

        return self.get_key_display(_Binding(key, ""))

    def action_import_opml(self) -> None:
        def answered(path: str | None) -> None:
            if path:
                self.import_opml(Path(path).expanduser())

        prompt = PromptScreen("Import the feeds of which OPML file?", placeholder="~/feeds.opml")
        self.push_screen(prompt, answered)

    @work(thread=True, group="opml", exit_on_error=False)
    def import_opml(self, path: Path) -> None:
        try:
            result = self.service.import_opml(path)
        except TuiNewsError as exc:
            self.call_from_thread(self.notify, str(exc), title="OPML import failed", severity="error",
                                  markup=False)
            return
        self.call_from_thread(self.notify, result.summary, title="OPML import", markup=False)
        if result.added:
            self.call_from_thread(self.main_screen.after_import)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while sys.stderr is still the real one.

    The refresh parses in a process pool. Starting its first process makes multiprocessing spawn a resource
    tracker that inherits `sys.stderr.fileno()`; inside a running Textual app sys.stderr is a capture object
    whose fileno() is -1, and the spawn fails ("bad value(s) in fds_to_keep"). Started here, it is reused.
    """
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


def run_app(service: Service, *, refresh_on_start: bool = True) -> int:
    """Run the reader on `service` until the user quits. Returns the exit code."""
    app = NewsApp(service, refresh_on_start=refresh_on_start)
    result = app.run()
    return int(result or app.return_code or 0)
