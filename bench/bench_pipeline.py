"""Where a cold refresh spends its CPU: parsing vs the single writer, one core, no network.

    uv run python bench/bench_pipeline.py            # 60 feeds of the refresh benchmark
    uv run python bench/bench_pipeline.py 120

Uses the generated feeds of bench_refresh.py. Times, on one core and one after the other:
1. the parser job a refresh runs in its worker processes (`service._parse_job`: parse + search text), in MB/s;
2. the writer (`Repository.store_feed` into a fresh SQLite file) per article, with the full-text index, and
   again with FTS5's own insert left out, to show what the index costs.

Figures are CPU time of this process (`time.process_time`, user + system): on a shared machine wall time
measures the neighbours too. Each stage runs `REPEAT` times (env BENCH_REPEAT, default 3) and the best run
counts; wall time is printed beside it. To compare with an older commit, run this file with that commit's
`src` first on the path:

    git worktree add --detach /tmp/old OLD && PYTHONPATH=/tmp/old/src uv run python bench/bench_pipeline.py
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_refresh import make_feed  # noqa: E402

from tui_news.models import CachingInfo, FeedConfig, ParsedFeed  # noqa: E402
from tui_news.service import _parse_job  # noqa: E402
from tui_news.store import fts  # noqa: E402
from tui_news.store.repo import Repository  # noqa: E402

NOW = datetime(2026, 11, 25, tzinfo=UTC)
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
Parsed = list[tuple[ParsedFeed, tuple[tuple[str, str], ...]]]


def best(fn: Callable[[], float]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the best of REPEAT runs of fn (fn returns its own CPU seconds)."""
    runs = []
    for _ in range(REPEAT):
        wall = time.perf_counter()
        cpu = fn()
        runs.append((cpu, time.perf_counter() - wall))
    return min(runs)


def store_all(parsed: Parsed, folder: Path, name: str) -> float:
    """CPU seconds to store every parsed feed into a new cache, one transaction per feed as a refresh does."""
    for leftover in folder.glob(f"{name}.db*"):
        leftover.unlink()
    repo = Repository.open(folder / f"{name}.db")
    try:
        repo.sync_feeds([FeedConfig(f"https://bench.invalid/{i}") for i in range(len(parsed))])
        ids = [f.id for f in repo.feeds(counts=False)]
        start = time.process_time()
        for feed_id, (feed, forms) in zip(ids, parsed, strict=True):
            repo.store_feed(feed_id, feed, caching=CachingInfo(None, None, "x"), status="ok", now=NOW,
                            next_refresh=None, body_forms=forms)
        return time.process_time() - start
    finally:
        repo.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rng = random.Random(1)
    bodies = [make_feed(i, rng) for i in range(n)]
    size = sum(len(b) for b in bodies)
    parsed: Parsed = []

    def parse_all() -> float:
        start = time.process_time()
        parsed[:] = [_parse_job(b, f"https://bench.invalid/{i}", "application/rss+xml", NOW)
                     for i, b in enumerate(bodies)]
        return time.process_time() - start

    parse_s, parse_wall = best(parse_all)
    articles = sum(len(p.articles) for p, _forms in parsed)
    print(f"{n} feeds, {size / 1e6:.1f} MB, {articles:,} articles; best of {REPEAT} runs, CPU time")
    print(f"parse job (parse + search text), one core: {parse_s:.2f} s CPU ({parse_wall:.2f} s wall), "
          f"{size / 1e6 / parse_s:.1f} MB/s")
    with tempfile.TemporaryDirectory() as tmp:
        full, full_wall = best(lambda: store_all(parsed, Path(tmp), "full"))
        real_insert = fts._insert

        def docs_only(conn: sqlite3.Connection, prepared: list[fts.Prepared]) -> int:  # all but FTS5's insert
            conn.executemany("INSERT INTO search_docs (article_id, feed, digest) VALUES (?, ?, ?)",
                             [(p[0], p[2], p[4]) for p in prepared])
            return len(prepared)

        fts._insert = docs_only
        try:
            without, _ = best(lambda: store_all(parsed, Path(tmp), "without"))
        finally:
            fts._insert = real_insert
    print(f"writer, one core: {full / articles * 1000:.3f} ms per article with the index "
          f"({full_wall / articles * 1000:.3f} ms wall), {without / articles * 1000:.3f} ms without FTS5's insert "
          f"(the index's share: {(full - without) / full:.0%})")


if __name__ == "__main__":
    main()
