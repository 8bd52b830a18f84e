"""UI benchmark on a 100,000-article cache (not a test: prints figures).

    uv run python bench/bench_ui.py [--articles 100000] [--runs 5]

1. Generates the cache straight into the schema (`tui_news.demo.bigcache`).
2. Launch -> populated article list, in a real terminal: `tui-news --config ... --db ...` in a detached tmux
   session; the clock stops when capture-pane shows the newest row. The same for an empty Textual app, as the
   floor. Median of --runs.
3. Opening an article (Pilot, headless): `Service.view`'s time (timed around the call), and from the enter key
   press to the first frame that shows the article (its link, which only the article pane draws).
4. Scrolling top -> bottom: in tmux, `G` until the last row shows; then 300 `ctrl+d` presses in Pilot, the
   slowest press -> a frame drawing the cursor's row with its title (rows drawn, not rows loaded).
Frames are read from outside the app: the bench wraps `App._display`, which gets every composed frame.
5. Peak RSS of the app process in tmux after the scrolling (VmHWM from /proc).
Targets (issue 5): list <= 0.5 s, open <= 50 ms, no visible stalls, peak RSS <= 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tui_news.demo.bigcache import make_big_cache
from tui_news.opml import feeds_as_toml

EMPTY_APP = """
from textual.app import App
from textual.widgets import Static
class Empty(App):
    def compose(self):
        yield Static("READY")
Empty().run()
"""


class Tmux:
    count = 0

    def __init__(self) -> None:
        Tmux.count += 1
        self.socket = f"tui-news-bench-{os.getpid()}-{Tmux.count}"

    def __call__(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=True).stdout

    def start(self, argv: list[str], width: int = 160, height: int = 50) -> float:
        command = shlex.join(["env", "-u", "COLUMNS", "-u", "LINES", "COLORTERM=truecolor", *argv])
        started = time.perf_counter()
        self("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height), command)
        return started

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if needle in self("capture-pane", "-p", "-t", "b"):
                return time.perf_counter()
            time.sleep(0.005)
        raise TimeoutError(f"{needle!r} never showed:\n{self('capture-pane', '-p', '-t', 'b')}")

    def pid(self) -> int:
        return int(self("display", "-p", "-t", "b", "#{pane_pid}").strip())

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def launch_times(argv: list[str], needle: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        tmux = Tmux()
        try:
            started = tmux.start(argv)
            times.append(tmux.wait_for(needle) - started)
        finally:
            tmux.stop()
    return times


def tmux_scroll_and_rss(argv: list[str], last_title: str) -> tuple[float, float]:
    tmux = Tmux()
    try:
        tmux.start(argv)
        tmux.wait_for(" #0 ")
        pid = tmux.pid()
        started = time.perf_counter()
        tmux("send-keys", "-t", "b", "G")
        bottom = tmux.wait_for(last_title) - started
        for _ in range(50):
            tmux("send-keys", "-t", "b", "C-u")
        tmux("send-keys", "-t", "b", "g")
        tmux.wait_for(" #0 ")
        tmux("send-keys", "-t", "b", "Enter")
        time.sleep(0.5)
        return bottom, peak_rss_mb(pid)
    finally:
        tmux.stop()


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Frames:
    """Every frame the app hands its driver, as text with the time it was ready (headless, Textual still
    composes each frame before the driver drops it): what is drawn, measured from outside the app."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.frames: list[tuple[float, str]] = []
        display = app._display

        def spy(screen, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None and hasattr(renderable, "render_segments"):
                self.frames.append((time.perf_counter(), ANSI.sub("", renderable.render_segments(app.console))))
            return display(screen, renderable)

        app._display = spy

    async def drawn(self, pilot, pattern: re.Pattern[str], since: int, timeout: float = 5.0) -> float:  # type: ignore[no-untyped-def]
        """The time of the first frame from `since` on that shows `pattern`."""
        deadline = time.perf_counter() + timeout
        while True:
            for when, text in self.frames[since:]:
                if pattern.search(text):
                    return when
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{pattern.pattern!r} never drawn")
            await pilot.pause()


def position(title: str) -> int:
    """A generated article's place in the list: its title starts with '#<position> '."""
    return int(title.split()[0][1:])


async def pilot_figures(config, db: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from tui_news.service import Service
    from tui_news.ui.app import NewsApp
    from tui_news.ui.widgets.article_list import ArticleList

    service = Service.open(config, db, processes=1)
    view_ms: list[float] = []
    real_view = service.view

    def timed_view(article_id: int):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return real_view(article_id)
        finally:
            view_ms.append((time.perf_counter() - started) * 1000)

    service.view = timed_view  # type: ignore[method-assign]
    out: dict[str, float] = {}
    try:
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=(160, 50)) as pilot:
            frames = Frames(app)
            await app.workers.wait_for_complete()
            await pilot.pause()
            lst = app.query_one(ArticleList)
            press_ms = []
            for i in range(30):
                lst.move_cursor(i * 7)
                while lst.current is None:
                    await pilot.pause()
                # The article pane shows the link; the list never does.
                link = re.compile(rf"example\.org/a/{position(lst.current.title)}(?!\d)")
                since = len(frames.frames)
                started = time.perf_counter()
                await pilot.press("enter")
                press_ms.append((await frames.drawn(pilot, link, since) - started) * 1000)
            out["open_view_median_ms"] = statistics.median(view_ms)
            out["open_view_max_ms"] = max(view_ms)
            out["open_press_median_ms"] = statistics.median(press_ms)
            out["open_press_max_ms"] = max(press_ms)
            lst.focus()
            await pilot.press("g")
            slowest = 0.0
            for _ in range(300):
                since = len(frames.frames)
                started = time.perf_counter()
                await pilot.press("ctrl+d")
                # The row under the cursor drawn with its title (not a placeholder), from the press.
                row = re.compile(rf"#{lst.cursor} ")
                slowest = max(slowest, await frames.drawn(pilot, row, since) - started)
            out["scroll_slowest_halfpage_ms"] = slowest * 1000
            out["page_reads"] = float(lst.page_requests)
    finally:
        service.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tui-news-bench-") as tmp:
        db = Path(tmp) / "cache.sqlite3"
        started = time.perf_counter()
        config = make_big_cache(db, args.articles, args.feeds, now=datetime.now(UTC))
        print(f"generated {args.articles:,} articles in {time.perf_counter() - started:.1f} s "
              f"({db.stat().st_size / 1e6:.0f} MB)")
        toml = Path(tmp) / "feeds.toml"
        toml.write_text("[settings]\nrefresh_minutes = 525600\n\n" + feeds_as_toml(config.feeds), "utf-8")
        app_argv = [sys.executable, "-m", "tui_news", "--config", str(toml), "--db", str(db)]
        empty = Path(tmp) / "empty.py"
        empty.write_text(EMPTY_APP, "utf-8")

        floor = launch_times([sys.executable, str(empty)], "READY", args.runs)
        launch = launch_times(app_argv, " #0 ", args.runs)
        print(f"launch -> populated list (tmux): median {statistics.median(launch):.3f} s "
              f"(min {min(launch):.3f}, max {max(launch):.3f}); empty Textual app: median "
              f"{statistics.median(floor):.3f} s")
        bottom, rss = tmux_scroll_and_rss(app_argv, f" #{args.articles - 1} ")
        print(f"G (top -> bottom of {args.articles:,} rows, tmux): {bottom * 1000:.0f} ms to the last row drawn")
        print(f"peak RSS of the app (VmHWM): {rss:.0f} MB")
        figures = asyncio.run(pilot_figures(config, db))
        print(f"open article: Service.view median {figures['open_view_median_ms']:.1f} ms "
              f"(max {figures['open_view_max_ms']:.1f}); enter -> article drawn median "
              f"{figures['open_press_median_ms']:.1f} ms (max {figures['open_press_max_ms']:.1f})")
        print(f"scroll: 300 half-pages, slowest press -> row drawn {figures['scroll_slowest_halfpage_ms']:.1f} ms; "
              f"{figures['page_reads']:.0f} page reads of 200 rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
