"""Quitting while a thread worker still reads the cache must not crash the process.

`Database.close` used to close every thread's connection, including one a UI worker was stepping a query on:
the process died with a segmentation fault. Run in a subprocess so a crash is a failed test, not a lost one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sys
from pathlib import Path
from tui_news.demo.bigcache import big_config, make_big_cache
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_list import ArticleList

db = Path(sys.argv[1])
make_big_cache(db, articles=100_000, feeds=50)

async def main() -> None:
    for _ in range(3):
        service = Service.open(big_config(50), db)
        app = NewsApp(service, refresh_on_start=False)
        async with app.run_test(size=(120, 30)) as pilot:
            for _ in range(400):  # quit as soon as the list shows: the feed counts are still being read
                if app.query_one(ArticleList).total:
                    break
                await pilot.pause(0.005)
        service.close()

asyncio.run(main())
print("ok")
"""


def test_quitting_while_workers_read_does_not_crash(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", SCRIPT, str(tmp_path / "c.db")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-1500:])
    assert proc.stdout.strip().endswith("ok")
