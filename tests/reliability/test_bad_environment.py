"""A hostile environment: a cache folder that cannot be written, a full disk, a damaged or foreign cache file.

Each time: a clear one-line message, a non-zero exit from the CLI, no traceback, and the cache file is never
overwritten or deleted (compared byte for byte). Tests run as root in CI, where chmod stops nothing: the
read-only cases use a path under /proc, a file in the way of the folder, and a read-only bind mount (skipped
when mounting is not allowed); the full disk is a tiny tmpfs when mounting works, and an injected SQLITE_FULL
(PRAGMA max_page_count) everywhere.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_news.errors import StoreError
from tui_news.models import Config, FeedConfig, Settings
from tui_news.service import Service
from tui_news.store import db as db_module
from tui_news.store.repo import ArticleFilter, Repository

from .conftest import HERE, run_cli, write_config
from .faultserver import feed_xml


def one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert proc.returncode not in (0, 2), (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def feeds_config(tmp_path: Path) -> Path:
    small, big = tmp_path / "small.xml", tmp_path / "big.xml"
    small.write_bytes(feed_xml("Small", 5, prefix="s"))
    big.write_bytes(feed_xml("Big", 1500, prefix="b").replace(b"&lt;/p&gt;", b" " + b"lorem ipsum " * 40
                                                                + b"&lt;/p&gt;"))
    return write_config(tmp_path / "feeds.toml", [small.as_uri()])


def with_big(config: Path) -> Path:
    text = config.read_text("utf-8") + f'\n[[feeds]]\nurl = "{(config.parent / "big.xml").as_uri()}"\n'
    target = config.with_name("feeds-big.toml")
    target.write_text(text, "utf-8")
    return target


# -- a cache folder nobody can write ------------------------------------------------------------------------


def test_cache_folder_blocked_by_a_file(tmp_path: Path, feeds_config: Path) -> None:
    (tmp_path / "afile").write_text("in the way")
    proc = run_cli("refresh", "--config", str(feeds_config), "--db", str(tmp_path / "afile" / "cache.db"),
                   cwd=tmp_path)
    one_line_error(proc, "cannot create the cache folder", "a file is in the way")
    assert (tmp_path / "afile").read_text() == "in the way"


def test_cache_in_a_folder_even_root_cannot_write(tmp_path: Path, feeds_config: Path) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    proc = run_cli("refresh", "--config", str(feeds_config), "--db", "/proc/self/cache.db", cwd=tmp_path)
    one_line_error(proc, "cannot open the cache /proc/self/cache.db")


@contextlib.contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[None]:
    """`target` shows `source` read-only: a bind mount as root, chmod otherwise."""
    target.mkdir()
    if os.geteuid() != 0:
        os.chmod(source, 0o555)
        try:
            os.rmdir(target)
            target.symlink_to(source)
            yield
        finally:
            os.chmod(source, 0o755)
        return
    bind = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True, text=True)
    if bind.returncode != 0:
        pytest.skip(f"running as root without mount permission, so nothing is read-only: {bind.stderr.strip()}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, text=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr.strip()}")
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_read_only_cache_folder(tmp_path: Path, feeds_config: Path) -> None:
    rw, ro = tmp_path / "rw", tmp_path / "ro"
    rw.mkdir()
    assert run_cli("refresh", "--config", str(feeds_config), "--db", str(rw / "cache.db"), cwd=tmp_path)\
        .returncode == 0
    before = (rw / "cache.db").read_bytes()
    with read_only_view(rw, ro):
        for command in ("refresh", "feeds"):
            proc = run_cli(command, "--config", str(feeds_config), "--db", str(ro / "cache.db"), cwd=tmp_path)
            line = one_line_error(proc, "cache")
            assert "read-only" in line or "readonly" in line, line
    assert (rw / "cache.db").read_bytes() == before
    assert sorted(p.name for p in rw.iterdir()) == ["cache.db"]


# -- a full disk -------------------------------------------------------------------------------------------


async def test_full_disk_injected_mid_refresh(tmp_path: Path, feeds_config: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    small, big = (tmp_path / "small.xml").as_uri(), (tmp_path / "big.xml").as_uri()
    settings = Settings(total_timeout=20)
    service = Service.open(Config(None, (FeedConfig(small),), settings), tmp_path / "cache.db", processes=1)
    try:
        assert (await service.refresh())[0].new == 5
        service.set_starred([service.articles()[0].id])
    finally:
        service.close()
    original = db_module.Database._open

    def capped(self: db_module.Database) -> sqlite3.Connection:
        conn = original(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 4}")
        return conn

    Service.open(Config(None, (FeedConfig(small), FeedConfig(big)), settings), tmp_path / "cache.db").close()
    monkeypatch.setattr(db_module.Database, "_open", capped)
    service = Service.open(Config(None, (FeedConfig(small), FeedConfig(big)), settings), tmp_path / "cache.db",
                           processes=1)
    try:
        outcomes = {o.url: o for o in await service.refresh()}
        assert outcomes[big].error is not None and "full" in outcomes[big].error
        assert "nothing was lost" in outcomes[big].error
        feeds = {f.url: f for f in service.feeds()}
        assert feeds[big].last_error is not None and "full" in feeds[big].last_error
        assert feeds[small].total == 5 and feeds[big].total == 0
        assert service.count_articles(ArticleFilter(starred=True)) == 1
        assert service.repo.integrity_check() == "ok"
    finally:
        service.close()
    monkeypatch.setattr(db_module.Database, "_open", original)
    service = Service.open(Config(None, (FeedConfig(small), FeedConfig(big)), settings), tmp_path / "cache.db",
                           processes=1)
    try:  # space is back: the next refresh completes
        outcomes = {o.url: o for o in await service.refresh()}
        assert outcomes[big].error is None and outcomes[big].new == 1500
    finally:
        service.close()


def test_full_disk_cli(tmp_path: Path, feeds_config: Path) -> None:
    db = tmp_path / "cache.db"
    assert run_cli("refresh", "--config", str(feeds_config), "--db", str(db), cwd=tmp_path).returncode == 0
    big_config = with_big(feeds_config)
    assert run_cli("feeds", "--config", str(big_config), "--db", str(db), cwd=tmp_path).returncode == 0
    proc = run_cli("refresh", "--config", str(big_config), "--db", str(db), cwd=tmp_path,
                   script=HERE / "cli_with_page_limit.py", env={"TUI_NEWS_TEST_MAX_PAGES": "4"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and "is full" in failed[0], proc.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def test_full_disk_on_a_tiny_filesystem(tmp_path: Path, feeds_config: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a 400 KB tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        db = disk / "cache.db"
        assert run_cli("refresh", "--config", str(feeds_config), "--db", str(db), cwd=tmp_path).returncode == 0
        proc = run_cli("refresh", "--config", str(with_big(feeds_config)), "--db", str(db), cwd=tmp_path)
        assert "Traceback" not in proc.stdout + proc.stderr
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "is full" in proc.stdout + proc.stderr
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


# -- a damaged or foreign cache file -----------------------------------------------------------------------


def _damage(kind: str, good: bytes) -> bytes:
    rng = random.Random(kind)
    if kind == "garbage":
        return rng.randbytes(16384)
    if kind == "truncated":
        return good[: len(good) // 2]
    if kind == "header":
        return b"NOT SQLITE FILE\0" + good[16:]
    if kind == "pages":  # a valid header and schema, damaged b-tree pages further in
        data, page = bytearray(good), 4096
        for start in range(3 * page, len(good) - page, page):
            data[start + 64:start + 1024] = rng.randbytes(960)
        return bytes(data)
    raise AssertionError(kind)


@pytest.fixture(scope="module")
def good_cache(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("good")
    feed = folder / "f.xml"
    feed.write_bytes(feed_xml("Good", 300, prefix="g"))
    config = write_config(folder / "feeds.toml", [feed.as_uri()])
    assert run_cli("refresh", "--config", str(config), "--db", str(folder / "c.db"), cwd=folder).returncode == 0
    return (folder / "c.db").read_bytes()


@pytest.mark.parametrize("kind", ["garbage", "truncated", "header", "pages"])
def test_damaged_cache_is_never_overwritten(kind: str, tmp_path: Path, good_cache: bytes,
                                            feeds_config: Path) -> None:
    db = tmp_path / "cache.db"
    damaged = _damage(kind, good_cache)
    db.write_bytes(damaged)
    for command in ("refresh", "feeds", "search"):
        args = [command, "--config", str(feeds_config), "--db", str(db)] + (["x"] if command == "search" else [])
        proc = run_cli(*args, cwd=tmp_path)
        one_line_error(proc, "is damaged", "Move it aside")
        assert db.read_bytes() == damaged, f"{command} changed the damaged file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cache.db")) == ["cache.db"]


def test_foreign_sqlite_file_left_byte_identical(tmp_path: Path, feeds_config: Path) -> None:
    db = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE mine (x)")
        conn.execute("INSERT INTO mine VALUES (1)")
        conn.commit()
    before = db.read_bytes()
    proc = run_cli("refresh", "--config", str(feeds_config), "--db", str(db), cwd=tmp_path)
    one_line_error(proc, "did not create")
    assert db.read_bytes() == before
    with pytest.raises(StoreError):
        Repository.open(db)
    assert db.read_bytes() == before
