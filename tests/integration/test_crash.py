"""SIGKILL in the middle of a large refresh: the cache stays consistent and loses nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_news.store.repo import Repository

from .feeds import many_items, rss

FEEDS = 40
ITEMS = 150


def write_feeds(folder: Path, generation: int) -> None:
    for f in range(FEEDS):
        items = many_items(f"feed{f}", ITEMS + generation * 20, body_words=150)
        items = [(g, f"{t} (gen {generation})", b) for g, t, b in items]
        (folder / f"f{f}.xml").write_bytes(rss(f"Feed {f}", items))


def refresh_cmd(config: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "tui_news", "refresh", "--config", str(config), "--db", str(db)]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    write_feeds(feeds, 0)
    config = tmp_path / "feeds.toml"
    config.write_text("".join(f'[[feeds]]\nurl = "feeds/f{f}.xml"\n' for f in range(FEEDS)), "utf-8")
    db = tmp_path / "cache.db"
    subprocess.run(refresh_cmd(config, db), check=True, capture_output=True, timeout=300)
    return feeds, config, db


def kill_rounds(setup: tuple[Path, Path, Path], rounds: int, seed: int) -> None:
    feeds, config, db = setup
    rng = random.Random(seed)
    for generation in range(1, rounds + 1):
        repo = Repository.open(db)
        articles = repo.articles(limit=1_000_000)
        repo.set_read([a.id for a in rng.sample(articles, 50)])
        repo.set_starred([a.id for a in rng.sample(articles, 20)])
        before = repo.flags()
        repo.close()

        write_feeds(feeds, generation)
        proc = subprocess.Popen(refresh_cmd(config, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.3, 2.0))
        os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its parser processes
        proc.wait(timeout=30)

        repo = Repository.open(db)
        try:
            assert repo.integrity_check() == "ok"
            after = repo.flags()
            missing = set(before) - set(after)
            assert not missing, f"round {generation}: {len(missing)} articles lost"
            changed = {k for k, v in before.items() if after[k] != v}
            assert not changed, f"round {generation}: flags changed for {sorted(changed)[:5]}"
        finally:
            repo.close()

    done = subprocess.run(refresh_cmd(config, db), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    repo = Repository.open(db)
    assert repo.count_articles() == FEEDS * (ITEMS + rounds * 20)
    repo.close()


def test_sigkill_during_refresh_keeps_cache_intact(setup: tuple[Path, Path, Path]) -> None:
    kill_rounds(setup, rounds=3, seed=1)


@pytest.mark.slow
def test_sigkill_thirty_times(setup: tuple[Path, Path, Path]) -> None:
    kill_rounds(setup, rounds=30, seed=2)
