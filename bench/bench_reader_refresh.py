"""Refresh throughput in the reader vs the CLI (issue 10 fault 11): N small feeds served from 127.0.0.1.

    uv run python bench/bench_reader_refresh.py [N=2000]

1. CLI: `tui-news refresh` on a new cache, in a subprocess: feeds/s, CPU (user+sys incl. parser processes).
2. Reader: the app on another new cache, headless under Pilot, in a subprocess (so its CPU, children included,
   is measured apart): `R`, then every 0.5 s `?` is posted (as the terminal driver posts keys) and the time until
   the help screen is on top is taken (then escape); the clock stops when the refresh is over. Prints feeds/s,
   CPU, the median and slowest `?` (and when idle), and how many times the feed tree was repopulated and the
   status line redrawn during the refresh.
Not a test: prints figures. Each feed has 5 short items (the cost per feed, not per byte, is what is measured).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

READER = r'''
import asyncio, json, sys, time
from textual import events
from pathlib import Path
from tui_news.config import load_config
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.screens.help import HelpScreen
from tui_news.ui.widgets.feed_tree import FeedTree
from tui_news.ui.widgets.status_bar import StatusBar

config, db = Path(sys.argv[1]), Path(sys.argv[2])
counts = {"populate": 0, "status": 0}
populate, show = FeedTree.populate, StatusBar.show
def counted_populate(self, *a, **k):
    counts["populate"] += 1
    return populate(self, *a, **k)
def counted_show(self, *a, **k):
    counts["status"] += 1
    return show(self, *a, **k)
FeedTree.populate, StatusBar.show = counted_populate, counted_show

async def help_wait(app):
    """From a `?` key event posted (as the terminal driver does) to the help screen on top; then escape."""
    t0 = time.perf_counter()
    app.post_message(events.Key("question_mark", "?"))
    while not isinstance(app.screen, HelpScreen):
        await asyncio.sleep(0.002)
    wait = time.perf_counter() - t0
    app.post_message(events.Key("escape", None))
    while isinstance(app.screen, HelpScreen):
        await asyncio.sleep(0.002)
    return wait

async def main():
    service = Service.open(load_config(config), db)
    app = NewsApp(service, refresh_on_start=False)
    waits = []
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.main_screen
        await pilot.pause()
        idle = [await help_wait(app) for _ in range(3)]
        counts["populate"] = counts["status"] = 0
        start = time.perf_counter()
        await pilot.press("R")
        while not screen.refreshing:
            await asyncio.sleep(0.01)
        next_help = time.perf_counter() + 0.5
        while screen.refreshing:
            if time.perf_counter() >= next_help:
                waits.append(await help_wait(app))
                next_help = time.perf_counter() + 0.5
            await asyncio.sleep(0.01)
        wall = time.perf_counter() - start
        line = app.main_screen.status.line
    service.close()
    print(json.dumps({"wall": wall, "waits": waits, "idle": idle, "line": line, **counts}))

asyncio.run(main())
'''


def feed(i: int) -> bytes:
    items = "".join(f"<item><guid>f{i}-{j}</guid><title>Feed {i} item {j}</title><link>https://example.org/{i}/{j}"
                    f"</link><pubDate>Tue, 24 Nov 2026 0{j}:00:00 GMT</pubDate><description>Item {j} of feed {i}, "
                    "a short paragraph.</description></item>" for j in range(5))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {i}</title>{items}</channel></rss>".encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = feed(int(self.path.rsplit("/", 1)[1].split(".")[0]))
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


def timed(argv: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.stdout


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "feeds.toml"
        config.write_text("[settings]\nconcurrency = 64\nper_host = 64\n" + "".join(
            f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed/{i}.xml"\ntags = ["t{i % 20}"]\n' for i in range(n)),
            "utf-8")
        wall, cpu, _out = timed([sys.executable, "-m", "tui_news", "refresh", "--config", str(config),
                                 "--db", str(Path(tmp) / "cli.db")])
        print(f"CLI     {n} feeds: {wall:6.1f} s wall, {n / wall:6.0f} feeds/s, {cpu:6.1f} s CPU", flush=True)
        _wall, cpu, out = timed([sys.executable, "-c", READER, str(config), str(Path(tmp) / "reader.db")])
        got = json.loads(out.strip().splitlines()[-1])
        waits = got["waits"] or [float("nan")]
        print(f"reader  {n} feeds: {got['wall']:6.1f} s wall, {n / got['wall']:6.0f} feeds/s, {cpu:6.1f} s CPU "
              f"(process, incl. start-up); '?' median {statistics.median(waits) * 1000:.0f} ms, "
              f"max {max(waits) * 1000:.0f} ms over {len(got['waits'])} presses (idle: median "
              f"{statistics.median(got['idle']) * 1000:.0f} ms); "
              f"{got['populate']} tree repopulations, {got['status']} status lines")
        print(f"  reader's last line: {got['line']}")
    server.shutdown()


if __name__ == "__main__":
    main()
