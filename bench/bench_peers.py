"""tui-news next to newsboat and the `reader` library, on the same feeds served the same way.

    uv run python bench/bench_peers.py          # N = 500 feeds
    uv run python bench/bench_peers.py 200

The feeds, the server (127.0.0.1, 50 ms latency, ETag and Last-Modified) and the measurements are those of
bench_refresh.py: wall time, CPU of the whole process tree, peak RSS of the process and of its helpers. Each
tool refreshes every feed into a fresh cache (cold), then again into the same cache (warm: all 304s), and the
number of articles it stored is printed, so a tool that skipped work cannot look fast.

- tui-news: `python -m tui_news refresh` (concurrency 64, 64 per host; it also builds its full-text index);
- newsboat, from Debian (`apt-get install newsboat`): `newsboat -u URLS -c CACHE -C CONFIG -x reload`, with
  `reload-threads 64` in CONFIG (its default is 1);
- reader (lemon24/reader), installed into a temporary venv with `uv pip` (with sgmllib3k, which its vendored
  feedparser imports but its 3.26 metadata does not pull in), never into the project:
  `make_reader(db)`, `add_feed` for each URL, `update_feeds(workers=64)` (no search index).

A tool that is missing is reported and skipped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_refresh import HEADER, become_subreaper, machine, make_feeds, measure, row, serve  # noqa: E402

import tui_news  # noqa: E402

READER_VERSION = "3.26"  # the newest that installs on Python 3.11 (3.27 needs 3.12)
CONCURRENCY = 64
READER_SCRIPT = """
import sys
from reader import make_reader

reader = make_reader(sys.argv[1])
for url in open(sys.argv[2], encoding="utf-8").read().split():
    reader.add_feed(url, exist_ok=True)
reader.update_feeds(workers=int(sys.argv[3]))
reader.close()
"""


def tui_news_tool(tmp: Path, urls: list[str]) -> tuple[list[str], Callable[[], int], str]:
    config = tmp / "feeds.toml"
    config.write_text(f"[settings]\nconcurrency = {CONCURRENCY}\nper_host = {CONCURRENCY}\n"
                      + "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls), "utf-8")
    db = tmp / "tui-news.db"
    command = [sys.executable, "-m", "tui_news", "refresh", "--config", str(config), "--db", str(db)]
    return command, lambda: count(db, "SELECT count(*) FROM articles"), f"tui-news {tui_news.__version__}"


def newsboat_tool(tmp: Path, urls: list[str]) -> tuple[list[str], Callable[[], int], str] | None:
    binary = shutil.which("newsboat")
    if binary is None:
        print("newsboat: not installed (apt-get install newsboat); skipped")
        return None
    (tmp / "urls").write_text("\n".join(urls) + "\n", "utf-8")
    (tmp / "newsboat.conf").write_text(f"reload-threads {CONCURRENCY}\n", "utf-8")
    db = tmp / "newsboat.db"
    command = [binary, "-u", str(tmp / "urls"), "-c", str(db), "-C", str(tmp / "newsboat.conf"), "-x", "reload"]
    version = subprocess.run([binary, "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    return command, lambda: count(db, "SELECT count(*) FROM rss_item"), version.split(" - ")[0]


def reader_tool(tmp: Path, urls: list[str]) -> tuple[list[str], Callable[[], int], str] | None:
    uv = shutil.which("uv")
    if uv is None:
        print("reader: uv not found, cannot make its venv; skipped")
        return None
    venv = tmp / "reader-venv"
    made = subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], capture_output=True, text=True)
    if made.returncode == 0:
        made = subprocess.run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"),
                               f"reader=={READER_VERSION}", "sgmllib3k"], capture_output=True, text=True)
    if made.returncode != 0:
        print(f"reader: could not install it ({made.stderr.strip()[-300:]}); skipped")
        return None
    (tmp / "reader-urls").write_text("\n".join(urls) + "\n", "utf-8")
    script = tmp / "reader_refresh.py"
    script.write_text(READER_SCRIPT, "utf-8")
    db = tmp / "reader.db"
    command = [str(venv / "bin" / "python"), str(script), str(db), str(tmp / "reader-urls"), str(CONCURRENCY)]
    return command, lambda: count(db, "SELECT count(*) FROM entries"), f"reader {READER_VERSION}"


def count(db: Path, query: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(query).fetchone()[0])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    become_subreaper()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"generating {n} feeds...", flush=True)
    feeds = make_feeds(n)
    total = sum(len(b) for b in feeds.values())
    items = sum(body.count(b"<item>") for body in feeds.values())
    print(f"  {total / 1e6:.0f} MB, {items} items in all")
    server = serve(feeds)
    urls = [f"http://127.0.0.1:{server.server_address[1]}{path}" for path in feeds]
    print(f"{'tool':<16} {'run':>5} {HEADER} {'stored':>8} {'load':>5}")
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as folder:
        for make in (tui_news_tool, newsboat_tool, reader_tool):
            tmp = Path(folder) / make.__name__
            tmp.mkdir()
            tool = make(tmp, urls)
            if tool is None:
                continue
            command, stored, name = tool
            for label in ("cold", "warm"):
                load = _load()
                print(f"{name:<16} {label:>5} {row(measure(command, cwd=tmp))} {stored():>8} {load:>5.1f}",
                      flush=True)
    server.shutdown()
    print("stored: articles in the tool's cache after the run. load: 1-minute load average before the run.")


def _load() -> float:
    return os.getloadavg()[0]


if __name__ == "__main__":
    main()
