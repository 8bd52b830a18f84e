"""SIGKILL in the middle of a feed's write transaction: the cache stays consistent and loses nothing."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_news.store.repo import PAUSE_IN_STORE, Repository

from .feeds import many_items, rss

FEEDS = 40
ITEMS = 150
GEN = re.compile(r"\(gen (\d+)\)")


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


def generations(db: Path) -> dict[int, set[int]]:
    """feed id -> the generations its article titles carry ("(gen N)")."""
    found: dict[int, set[int]] = {}
    with sqlite3.connect(db) as conn:
        for feed_id, title in conn.execute("SELECT feed_id, title FROM articles"):
            found.setdefault(feed_id, set()).add(int(GEN.search(title).group(1)))
    return found


def feed_rows(db: Path) -> dict[int, tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return {row[0]: row[1:] for row in conn.execute("SELECT id, last_refresh, body_hash, title FROM feeds")}


def write_lock_is_held(db: Path) -> bool:
    """True when another connection holds the cache's write transaction open right now."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def kill_rounds(setup: tuple[Path, Path, Path], rounds: int, seed: int) -> None:
    """Each round: a refresh paused inside the k-th feed's write transaction (k random) is SIGKILLed there.

    The pause is the `TUI_NEWS_TEST_PAUSE_IN_STORE` hook in `Repository.store_feed`: the feed's articles are
    written, its feed row and COMMIT are not. Before the kill the test sees the signal file and that the write
    lock is held; after it, the k-1 feeds written before are wholly of the new generation, the paused feed and
    the rest exactly as before the round (titles and feed row), and no flag moved."""
    feeds, config, db = setup
    rng = random.Random(seed)
    for generation in range(1, rounds + 1):
        repo = Repository.open(db)
        articles = repo.articles(limit=1_000_000)
        repo.set_read([a.id for a in rng.sample(articles, 50)])
        repo.set_starred([a.id for a in rng.sample(articles, 20)])
        before = repo.flags()
        repo.close()
        rows_before, gens_before = feed_rows(db), generations(db)

        write_feeds(feeds, generation)
        k = rng.randint(1, FEEDS)
        signal_file = db.with_name(f"paused-{generation}.json")
        env = {**os.environ, PAUSE_IN_STORE: f"{k}:{signal_file}"}
        proc = subprocess.Popen(refresh_cmd(config, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True, env=env)
        try:
            deadline = time.monotonic() + 120
            while not signal_file.exists():
                assert proc.poll() is None, f"round {generation}: the refresh ended: {proc.stderr.read()[-800:]}"
                assert time.monotonic() < deadline, f"round {generation}: never reached write {k}"
                time.sleep(0.02)
            paused = json.loads(signal_file.read_text("utf-8"))
            assert paused["new"] >= 20 and paused["updated"] >= ITEMS, paused  # every title changed, 20+ new
            assert write_lock_is_held(db), f"round {generation}: the paused refresh holds no write transaction"
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its parser processes
            proc.wait(timeout=30)
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL

        repo = Repository.open(db)
        try:
            assert repo.integrity_check() == "ok"
            after = repo.flags()
            missing = set(before) - set(after)
            assert not missing, f"round {generation}: {len(missing)} articles lost"
            changed = {key for key, value in before.items() if after[key] != value}
            assert not changed, f"round {generation}: flags changed for {sorted(changed)[:5]}"
        finally:
            repo.close()
        gens, rows = generations(db), feed_rows(db)
        half_written = paused["feed_id"]
        assert gens[half_written] == gens_before[half_written], f"round {generation}: the paused feed changed"
        assert rows[half_written] == rows_before[half_written], f"round {generation}: the paused feed's row moved"
        assert all(len(g) == 1 for g in gens.values()), f"round {generation}: a feed mixes generations"
        done = sorted(f for f, g in gens.items() if g == {generation})
        assert len(done) == k - 1, (k, done)
        untouched = [f for f in gens if f not in done]
        assert all(gens[f] == gens_before[f] and rows[f] == rows_before[f] for f in untouched)

    final = subprocess.run(refresh_cmd(config, db), capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stdout + final.stderr
    repo = Repository.open(db)
    assert repo.count_articles() == FEEDS * (ITEMS + rounds * 20)
    repo.close()
    assert set(map(frozenset, generations(db).values())) == {frozenset({rounds})}


def test_sigkill_during_refresh_keeps_cache_intact(setup: tuple[Path, Path, Path]) -> None:
    kill_rounds(setup, rounds=3, seed=1)


@pytest.mark.slow
def test_sigkill_mid_write_ten_times(setup: tuple[Path, Path, Path]) -> None:
    """Ten more kill points. Each round is proven to land inside a write, so ten do what thirty random kills
    (some of which landed between writes, or before any) did not; 30 rounds took 6 minutes under load."""
    kill_rounds(setup, rounds=10, seed=2)
