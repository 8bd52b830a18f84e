"""Issue 10 fault 11: a refresh of many feeds in the reader is coalesced. 10,000 outcomes used to be 10,000
progress messages and, every second, a `set_label` (one message and one repaint each) for every feed in the
tree: the UI process ran at 100% and `?` took seconds. Now progress is posted at most every
`jobs.PROGRESS_EVERY` seconds and the tree sets only the labels whose text changed. bench/bench_reader_refresh.py
gives the figures (feeds/s in the reader vs the CLI)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual import events
from textual.widgets.tree import TreeNode

from tui_news.models import Config, FeedConfig, Settings
from tui_news.service import Service
from tui_news.ui import jobs
from tui_news.ui import messages as msg
from tui_news.ui.app import NewsApp
from tui_news.ui.screens.help import HelpScreen

FEEDS = 1500
TAGS = 10


def write_feeds(folder: Path) -> Config:
    feeds = []
    for i in range(FEEDS):
        items = "".join(f"<item><guid>f{i}-{j}</guid><title>Feed {i} item {j}</title>"
                        f"<pubDate>Tue, 24 Nov 2026 0{j}:00:00 GMT</pubDate></item>" for j in range(3))
        path = folder / f"{i}.xml"
        path.write_text(f"<rss version='2.0'><channel><title>Feed {i}</title>{items}</channel></rss>", "utf-8")
        feeds.append(FeedConfig(url=str(path), tags=(f"t{i % TAGS}",)))
    return Config(path=None, feeds=tuple(feeds), settings=Settings(concurrency=32))


async def test_refresh_of_many_feeds_is_coalesced_and_keys_answer(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "feeds").mkdir()
    service = Service.open(write_feeds(tmp_path / "feeds"), tmp_path / "cache.sqlite3", processes=1)
    labels_set = [0]
    set_label = TreeNode.set_label

    def counted(node: TreeNode, label: object) -> None:  # type: ignore[type-arg]
        labels_set[0] += 1
        set_label(node, label)  # type: ignore[arg-type]

    monkeypatch.setattr(TreeNode, "set_label", counted)
    app = NewsApp(service, refresh_on_start=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.main_screen
            while not screen.feeds:  # the first feeds load (the tree built, nothing set yet)
                await pilot.pause()
            posted: list[msg.RefreshProgress] = []
            post = screen.post_message

            def counting_post(message: object) -> bool:
                if isinstance(message, msg.RefreshProgress):
                    posted.append(message)
                return post(message)  # type: ignore[arg-type]

            monkeypatch.setattr(screen, "post_message", counting_post)
            labels_set[0] = 0
            started = time.monotonic()
            await pilot.press("R")
            while not screen.refreshing:
                await pilot.pause()
            # `?` answers during the refresh: posted as the terminal driver posts keys.
            while not posted:
                await asyncio.sleep(0.01)
            app.post_message(events.Key("question_mark", "?"))
            while not isinstance(app.screen, HelpScreen):
                await asyncio.sleep(0.01)
            assert screen.refreshing, "the refresh was over before the help screen opened"
            await pilot.press("escape")
            while screen.refreshing:
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - started
            await pilot.pause()
            assert "Refreshed 1,500 feeds" in screen.status.line or "Refreshed 1500 feeds" in screen.status.line, \
                screen.status.line

        # Progress: at most one message per PROGRESS_EVERY (plus the last), not one per feed.
        assert posted[-1].done == FEEDS
        assert len(posted) <= elapsed / jobs.PROGRESS_EVERY + 2, (len(posted), elapsed)
        assert len(posted) < FEEDS / 5
        # The tree: each feed's label changes once or twice (new counts), the 13 folders and virtual entries
        # once per repopulation (at most one a second); before, every label was set at every repopulation.
        repopulations = elapsed + 2
        assert labels_set[0] <= 2 * FEEDS + (TAGS + 3) * repopulations, (labels_set[0], elapsed)
    finally:
        service.close()
