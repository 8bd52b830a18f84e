"""The article pane with long articles (issue 11, item 5; not a test: prints figures).

    uv run python bench/bench_article_pane.py [--runs 5]

A local feed file with two articles: ~50,000 characters, and ~260,000 characters with thousands of entity
mentions (people and resolutions) and bold spans. Both are opened once through `Service.view` first (their
entities computed and stored, as the background backfill leaves them). Then, in Pilot (headless, 160x50):
- enter -> painted: from the key press to the first frame that shows the article's link (only the pane draws it),
  read from outside the app (bench_ui.Frames wraps App._display); the two articles alternate so each open
  rebuilds the pane. Wall time and the process's CPU time (all threads) over the same span.
- scrolling a page: `pagedown` in the pane, from the press to the first frame showing the new top line.
Targets: enter -> painted <= 50 ms (50,000 chars) and <= 100 ms (260,000 chars); a page <= 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ui import Frames  # noqa: E402

SENTENCES = [
    "Đồng chí <b>Trương Thị Mai</b> nhấn mạnh yêu cầu tiếp tục thực hiện Nghị quyết Trung ương 5 khóa X.",
    "Đồng chí Nguyễn Thái Học, Phó Trưởng Ban Nội chính Trung ương, phát biểu tại buổi làm việc.",
    "Hội nghị đánh giá việc thực hiện Nghị quyết số 57-NQ/TW về phát triển khoa học, công nghệ.",
    "The committee reviewed the budget line by line and published its notes for every district in the city.",
]


LINKS = {"Long 50k": "https://example.org/long/50k", "Long 260k": "https://example.org/long/260k"}


def article_html(chars: int) -> str:
    parts, size, i = [], 0, 0
    while size < chars:
        paragraph = " ".join(f"[{i}.{k}] {SENTENCES[(i + k) % len(SENTENCES)]}" for k in range(3))
        parts.append(f"<p>{paragraph}</p>")
        size += len(paragraph) + 2
        i += 1
    return "".join(parts)


def feed(items: list[tuple[str, str, str]]) -> str:
    rows = "".join(f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
                   f"<description>{escape(body)}</description><pubDate>Sat, 14 Mar 2026 0{i}:00:00 +0000</pubDate>"
                   f"</item>" for i, (t, link, body) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Long</title>'
            f"<link>https://example.org/</link><description>b</description>{rows}</channel></rss>")


async def figures(config, db: Path, runs: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tui_news.service import Service
    from tui_news.ui.app import NewsApp
    from tui_news.ui.widgets.article_list import ArticleList
    from tui_news.ui.widgets.article_view import ArticleView

    service = Service.open(config, db, processes=1)
    out: dict[str, str] = {}
    try:
        await service.refresh()
        rows = {a.title: a for a in service.articles()}
        for a in rows.values():
            detail = service.view(a.id)
            assert detail is not None
            out[f"{a.title}: characters, entity mentions"] = f"{len(detail.document.text):,}, {len(detail.entities):,}"
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=(160, 50)) as pilot:
            frames = Frames(app)
            await app.workers.wait_for_complete()
            await pilot.pause()
            lst = app.query_one(ArticleList)
            index = {row.title: i for i, row in lst.loaded_rows()}
            wall: dict[str, list[float]] = {t: [] for t in index}
            cpu: dict[str, list[float]] = {t: [] for t in index}
            for _ in range(runs):
                for title in sorted(index, key=len):  # the 260k one last: it stays open for the scrolling
                    lst.focus()
                    lst.move_cursor(index[title])
                    link = re.compile(re.escape(LINKS[title]))
                    await pilot.pause()
                    since = len(frames.frames)
                    started, cpu_started = time.perf_counter(), time.process_time()
                    await pilot.press("enter")
                    drawn = await frames.drawn(pilot, link, since)
                    wall[title].append((drawn - started) * 1000)
                    cpu[title].append((time.process_time() - cpu_started) * 1000)
            for title in sorted(index):
                out[f"{title}: enter -> painted, median / max ms (wall)"] = (
                    f"{statistics.median(wall[title]):.1f} / {max(wall[title]):.1f}")
                out[f"{title}: enter -> painted, median ms (CPU, all threads, to the frame seen)"] = (
                    f"{statistics.median(cpu[title]):.1f}")
            # Scrolling: the long one open, page down 30 times.
            view = app.query_one(ArticleView)
            view.focus()
            await pilot.pause()
            page_ms = []
            for _ in range(30):
                if view.at_bottom:
                    break
                since, before = len(frames.frames), view.scroll_y
                started = time.perf_counter()
                await pilot.press("pagedown")
                while view.scroll_y == before:
                    await pilot.pause()
                # The pane's first five lines (sentence numbers make them unique), in order, in one frame.
                top = ".*?".join(re.escape(view.render_line(y).text.strip()) for y in range(5))
                page_ms.append((await frames.drawn(pilot, re.compile(top, re.S), since) - started) * 1000)
            out["pagedown in the pane, median / max ms (wall)"] = (
                f"{statistics.median(page_ms):.1f} / {max(page_ms):.1f}")
    finally:
        service.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from tui_news.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        (path / "long.xml").write_text(feed([
            ("Long 50k", LINKS["Long 50k"], article_html(50_000)),
            ("Long 260k", LINKS["Long 260k"], article_html(260_000)),
        ]), "utf-8")
        (path / "feeds.toml").write_text(
            f'[settings]\nfull_text = "never"\n\n[[feeds]]\nurl = "{(path / "long.xml").as_uri()}"\n', "utf-8")
        results = asyncio.run(figures(load_config(path / "feeds.toml"), path / "cache.sqlite3", args.runs))
    for name, value in results.items():
        print(f"{name:<80} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
