"""A synthetic cache of many articles, for the UI benchmark and the 100,000-row test.

Rows go straight into the schema with `Repository.load_unindexed` (seconds for 100,000 rows).
The search index is not filled (the list, counts and article pane don't need it).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from tui_news.models import Config, FeedConfig, Settings
from tui_news.store.repo import Repository

WORDS = ("Hải Phòng Hà Nội đổi mới phương thức lãnh đạo Nghị quyết khoa học công nghệ giao thông đất đai "
         "council resolution vote budget climate market election report summit").split()
BODY = (
    "<p>Đồng chí Trương Thị Mai làm việc về việc thực hiện Nghị quyết Trung ương 5 khóa X.</p>"
    "<p>Security Council resolution 2334 was discussed; Samantha Power spoke.</p>"
    + "<p>" + " ".join(WORDS * 6) + "</p>"
)


def big_config(feeds: int, base_url: str = "http://127.0.0.1:9/bench") -> Config:
    """Feeds at an address nothing answers (port 9): the app opens on the cache and marks them failed."""
    return Config(path=None, feeds=tuple(
        FeedConfig(url=f"{base_url}/{i}.xml", name=f"Feed {i:03d}", tags=(f"tag{i % 5}",))
        for i in range(feeds)
    ), settings=Settings(refresh_minutes=60 * 24 * 365))


def make_big_cache(path: Path, articles: int = 100_000, feeds: int = 50, *, seed: int = 1,
                   now: datetime | None = None) -> Config:
    """Write `articles` articles over `feeds` feeds into a fresh cache at `path`. Returns its Config."""
    config = big_config(feeds)
    repo = Repository.open(path)
    try:
        repo.sync_feeds(config.feeds)
        rng = random.Random(seed)
        end = int((now or datetime(2025, 3, 12, 12, 0, tzinfo=UTC)).timestamp())
        feed_ids = [f.id for f in repo.feeds(counts=False)]
        rows = []
        for i in range(articles):
            published = end - i * 60 - rng.randrange(60)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 12)))
            title = f"#{i} {words.capitalize()}"
            rows.append((feed_ids[i % len(feed_ids)], f"guid-{i}", title, None,
                         f"https://example.org/a/{i}", published, None, None, BODY, f"h{i}",
                         int(rng.random() < 0.3), int(rng.random() < 0.01), published))
        repo.load_unindexed(rows, refreshed=end, next_refresh=end + 365 * 86400)
    finally:
        repo.close()
    return config
