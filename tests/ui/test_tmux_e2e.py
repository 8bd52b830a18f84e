"""End to end: `tui-news --demo` in a real terminal (tmux), search, open, and read the entity styles off the screen.

The app runs on a private tmux server (`-L`), a fixed size and COLORTERM=truecolor. `capture-pane -e` gives
the screen with its SGR escape sequences; a small parser turns them into a style per character, which must
match the PERSON and RESOLUTION component styles of app.tcss (as Textual resolves them for the same theme).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

pytestmark = pytest.mark.tmux

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 160, 50
PERSON = "Trương Thị Mai"
RESOLUTION = "Nghị quyết Trung ương 5 khóa X"
SEED_START = "Khảo sát về việc thực hiện"


@dataclass(frozen=True)
class Cell:
    char: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    fg: tuple[int, ...] | None = None
    """(r, g, b) for 38;2, (n,) for 38;5 and the 16 basic colours."""


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER_ESC = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-ln-z]|\][^\x07]*\x07|[()][A-Z0-9])")


def apply_sgr(state: Cell, params: str) -> Cell:
    codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            state = Cell("")
        elif code == 1:
            state = replace(state, bold=True)
        elif code == 3:
            state = replace(state, italic=True)
        elif code == 4:
            state = replace(state, underline=True)
        elif code == 22:
            state = replace(state, bold=False)
        elif code == 23:
            state = replace(state, italic=False)
        elif code == 24:
            state = replace(state, underline=False)
        elif code == 39:
            state = replace(state, fg=None)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            state = replace(state, fg=(code,))
        elif code == 38 and i + 1 < len(codes):
            if codes[i + 1] == 2 and i + 4 < len(codes):
                state = replace(state, fg=tuple(codes[i + 2:i + 5]))
                i += 4
            elif codes[i + 1] == 5 and i + 2 < len(codes):
                state = replace(state, fg=(codes[i + 2],))
                i += 2
        elif code == 48 and i + 1 < len(codes):  # background: skip its arguments
            i += 4 if codes[i + 1] == 2 else 2
        i += 1
    return state


def parse_screen(captured: str) -> list[list[Cell]]:
    """Each line of `capture-pane -e -p` as styled cells (one per character; tmux's SGR state carries over)."""
    lines: list[list[Cell]] = []
    state = Cell("")
    for raw in captured.split("\n"):
        cells: list[Cell] = []
        pos = 0
        for match in _SGR.finditer(raw):
            text = _OTHER_ESC.sub("", raw[pos:match.start()])
            cells.extend(replace(state, char=ch) for ch in text)
            state = apply_sgr(state, match.group(1))
            pos = match.end()
        cells.extend(replace(state, char=ch) for ch in _OTHER_ESC.sub("", raw[pos:]))
        lines.append(cells)
    return lines


def find_styled(lines: list[list[Cell]], needle: str) -> list[list[Cell]]:
    """The cells of every unbroken occurrence of `needle` on screen."""
    found = []
    for cells in lines:
        text = "".join(c.char for c in cells)
        for match in re.finditer(re.escape(needle), text):
            found.append(cells[match.start():match.end()])
    return found


def styled_as(lines: list[list[Cell]], needle: str, want: Cell) -> list[list[Cell]]:
    """The occurrences of `needle` whose every non-space cell has `want`'s attributes (and colour, if it has one)."""
    return [
        cells for cells in find_styled(lines, needle)
        if all((c.bold, c.italic, c.underline) == (want.bold, want.italic, want.underline)
               and (want.fg is None or c.fg == want.fg) for c in cells if not c.char.isspace())
    ]


def expected_styles() -> dict[str, Cell]:
    """PERSON and RESOLUTION styles as the app resolves them from app.tcss (default theme)."""
    import asyncio

    from textual.app import App

    from tui_news.ui.widgets.article_view import ArticleView

    class Probe(App[None]):
        CSS_PATH = str(ROOT / "src" / "tui_news" / "ui" / "app.tcss")

        def compose(self):  # type: ignore[no-untyped-def]
            yield ArticleView()

    out: dict[str, Cell] = {}

    async def probe() -> None:
        app = Probe()
        async with app.run_test():
            view = app.query_one(ArticleView)
            for kind, name in (("PERSON", "article-view--person"), ("RESOLUTION", "article-view--resolution")):
                style = view.get_component_rich_style(name, partial=True)
                triplet = style.color.get_truecolor() if style.color else None
                out[kind] = Cell("", bool(style.bold), bool(style.italic), bool(style.underline),
                                 tuple(triplet) if triplet else None)

    asyncio.run(probe())
    return out


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def screen(self, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "e2e")

    def poll(self, predicate, timeout: float = 30.0, escapes: bool = False) -> str:  # type: ignore[no-untyped-def]
        """Capture the screen every 0.1 s until `predicate` holds or `timeout` passes; the last capture."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(escapes)
            if predicate(screen) or time.monotonic() >= deadline:
                return screen
            time.sleep(0.1)

    def wait_for(self, predicate, timeout: float = 30.0) -> str:  # type: ignore[no-untyped-def]
        screen = self.poll(predicate, timeout)
        if not predicate(screen):
            raise AssertionError(f"timed out; the screen was:\n{screen}")
        return screen


@pytest.fixture
def tmux() -> Tmux:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = Tmux(f"tui-news-e2e-{os.getpid()}")
    yield session
    subprocess.run(["tmux", "-L", session.socket, "kill-server"], capture_output=True)


def test_demo_search_open_and_entity_styles(tmux: Tmux) -> None:
    # COLUMNS/LINES from the test runner would override the real terminal size: drop them.
    command = shlex.join(["env", "-u", "COLUMNS", "-u", "LINES", "COLORTERM=truecolor", "TEXTUAL_ANIMATIONS=none",
                          sys.executable, "-m", "tui_news", "--demo"])
    tmux.run("new-session", "-d", "-s", "e2e", "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(ROOT), command)
    # The cached (here: freshly refreshed) list, and the demo refresh over.
    tmux.wait_for(lambda s: SEED_START in s and "Refreshed" in s)
    tmux.run("send-keys", "-t", "e2e", "/")
    tmux.wait_for(lambda s: "escape leaves" in s)  # the search box is up
    tmux.run("send-keys", "-t", "e2e", "-l", "khao sat doi moi")
    tmux.wait_for(lambda s: "Search: khao sat doi moi" in s and "Khảo sát" in s)
    tmux.run("send-keys", "-t", "e2e", "Enter")
    tmux.wait_for(lambda s: "Đoàn khảo sát của Ban Chỉ đạo" in s)
    expected = expected_styles()
    kinds = ((PERSON, "PERSON"), (RESOLUTION, "RESOLUTION"))
    # The entity highlights land after the text: wait until both are drawn (or time out), then check.
    screen = tmux.poll(lambda s: all(styled_as(parse_screen(s), needle, expected[kind]) for needle, kind in kinds),
                       escapes=True)
    lines = parse_screen(screen)
    for needle, kind in kinds:
        occurrences = find_styled(lines, needle)
        assert occurrences, f"{needle!r} is not on screen unbroken"
        want = expected[kind]
        assert styled_as(lines, needle, want), (kind, want, [[(c.char, c.bold, c.italic, c.underline, c.fg)
                                                              for c in occ[:3]] for occ in occurrences])
    # The two kinds look different.
    assert expected["PERSON"] != expected["RESOLUTION"]


def test_sgr_parser() -> None:
    lines = parse_screen("a\x1b[1;4;38;2;1;2;3mbc\x1b[0md\n\x1b[3mé")
    assert [(c.char, c.bold, c.underline, c.fg) for c in lines[0]] == [
        ("a", False, False, None), ("b", True, True, (1, 2, 3)), ("c", True, True, (1, 2, 3)),
        ("d", False, False, None)]
    assert lines[1][0].italic and lines[1][0].char == "é"
