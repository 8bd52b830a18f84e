"""Issue 12, done-when: in a folder that holds a feeds.toml, the real app imports an OPML from the command palette,
quits, starts again, and shows the imported feeds (tmux, a private server, the suite's isolated XDG dirs)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui_news.config import load_config, user_config_path

pytestmark = pytest.mark.tmux
ROOT = Path(__file__).resolve().parents[2]

OPML = """<?xml version="1.0"?><opml version="2.0"><body><outline text="Imported">
<outline text="Zebra Imported One" xmlUrl="http://127.0.0.1:9/one.xml"/>
<outline text="Zebra Imported Two" xmlUrl="http://127.0.0.1:9/two.xml"/></outline></body></opml>"""


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True,
                              timeout=30).stdout

    def start(self, command: list[str], cwd: Path) -> None:
        # COLUMNS/LINES from the test runner would override the window's 160x45 (the app ran at 80x24): drop them.
        command = ["env", "-u", "COLUMNS", "-u", "LINES", *command]
        self.tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "45", "-c", str(cwd), shlex.join(command))
        self.tmux("set-option", "-t", "t", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:  # polling a condition, not sleeping for a guess
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def exited(self) -> bool:
        """The app has quit: its pane is dead (remain-on-exit), or its session is gone."""
        proc = subprocess.run(["tmux", "-L", self.socket, "display-message", "-p", "-t", "t", "#{pane_dead}"],
                              capture_output=True, text=True, timeout=30)
        return proc.returncode != 0 or proc.stdout.strip() == "1"


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    term = Terminal(f"tui-news-home-{os.getpid()}-{time.monotonic_ns()}")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.mark.parametrize("where", ["repository", "project folder"])
def test_palette_import_in_a_folder_with_a_feeds_toml_survives_a_restart(where: str, tmp_path: Path,
                                                                         terminal: Terminal) -> None:
    """The repository's feeds.toml is the bundled list (where the bug lost the feeds); a project folder's is
    someone's own file, which is not the list unless named."""
    if where == "repository":
        folder = ROOT
    else:
        folder = tmp_path / "project"
        folder.mkdir()
        (folder / "feeds.toml").write_text('[[feeds]]\nname = "Local only"\nurl = "https://local.example/rss"\n',
                                           "utf-8")
    repo_list = (ROOT / "feeds.toml").read_bytes()
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, "utf-8")
    app = [sys.executable, "-m", "tui_news", "--no-refresh", "--db", str(tmp_path / "c.db")]

    terminal.start(app, folder)
    terminal.wait_for(lambda s: "Báo Chính phủ" in s or "Local only" in s, "the reader")
    terminal.keys("C-p")
    terminal.wait_for(lambda s: "Search for commands" in s or "🔎" in s, "the command palette")
    terminal.keys("Import OPML", literal=True)
    terminal.wait_for(lambda s: "Add the feeds of an OPML file" in s, "the Import OPML… command")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Import the feeds of which OPML file?" in s, "the file prompt")
    terminal.keys(str(opml), literal=True)
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "2 feeds added" in s, "the import's summary")
    terminal.keys("q")
    terminal.wait_for(lambda _s: terminal.exited(), "the reader to quit")
    subprocess.run(["tmux", "-L", terminal.socket, "kill-server"], capture_output=True, timeout=30)

    assert {"http://127.0.0.1:9/one.xml", "http://127.0.0.1:9/two.xml"} <= {
        f.url for f in load_config(user_config_path()).feeds}
    terminal.start(app, folder)
    screen = terminal.wait_for(lambda s: "Zebra Imported One" in s and "Zebra Imported Two" in s,
                               "the imported feeds after the restart")
    assert "Local only" not in screen  # ./feeds.toml is not the list unless named
    assert (ROOT / "feeds.toml").read_bytes() == repo_list  # the package's list is never written
