"""Worker processes die with their parent: `kill -9` on `tui-news refresh` / `reindex` leaves no process behind.

The parser pool (refresh) and the index builder's pool (reindex) run on the forkserver start method: the
forkserver and the resource tracker are the CLI's children, the workers the forkserver's. The test records the
whole tree under the CLI process, SIGKILLs the CLI only (not its process group), and polls /proc until every
recorded process is gone or a deadline passes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import cli_env, write_config
from .faultserver import FaultServer, Request

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see processes")

GONE_WITHIN = 5.0


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, state, start time) of a process, or None when it no longer exists."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()
    return int(fields[1]), fields[0].decode(), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """pid -> start time of every live process below `root`."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (info := _stat(int(entry))) is not None:
            table[int(entry)] = info
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, state, start) in table.items():
            if ppid == parent and pid not in found and state != "Z":
                found[pid] = start
                todo.append(pid)
    return found


def alive(procs: dict[int, int]) -> list[int]:
    """Which of the recorded processes still run (same pid and start time, not a zombie)."""
    left = []
    for pid, start in procs.items():
        info = _stat(pid)
        if info is not None and info[2] == start and info[1] != "Z":
            left.append(pid)
    return left


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:100].decode("utf-8", "replace")
    except OSError:
        return "?"


def kill_and_check(proc: subprocess.Popen[bytes], ready: int, what: str) -> None:
    """Wait for at least `ready` processes under `proc`, SIGKILL `proc` alone, and expect them all gone."""
    deadline = time.monotonic() + 60
    tree: dict[int, int] = {}
    while time.monotonic() < deadline and proc.poll() is None:
        tree = descendants(proc.pid)
        if len(tree) >= ready:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"{what} ended before its workers were seen"
    assert len(tree) >= ready, f"{what}: only {len(tree)} child processes after 60 s"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + GONE_WITHIN
    left = alive(tree)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = alive(tree)
    names = {pid: _cmdline(pid) for pid in left}
    for pid in left:  # clean up before failing, so one failure does not leak into the next test
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"{len(left)} of {len(tree)} processes outlived the killed {what}: {names}"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the parser pool needs two cores")
def test_kill_9_on_refresh_leaves_no_process_behind(tmp_path: Path, plain_server: FaultServer) -> None:
    async def never_answers(_req: Request, _writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(60)

    urls = [plain_server.route(f"/stall{i}.xml", never_answers) for i in range(5)]
    config = write_config(tmp_path / "feeds.toml", urls, "read_timeout = 60\nconnect_timeout = 60\n"
                                                        "total_timeout = 60\n")
    proc = subprocess.Popen([sys.executable, "-m", "tui_news", "refresh", "--config", str(config), "--db",
                             str(tmp_path / "c.db")], cwd=tmp_path, env=cli_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # forkserver + resource tracker + a worker per core (5 feeds: the pool starts before any fetch)
        kill_and_check(proc, 2 + (os.cpu_count() or 1), "refresh")
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the index builder's pool needs two cores")
def test_kill_9_on_reindex_leaves_no_process_behind(tmp_path: Path) -> None:
    from tui_news.demo.bigcache import make_big_cache

    db = tmp_path / "c.db"
    make_big_cache(db, articles=60_000, feeds=10)
    config = write_config(tmp_path / "feeds.toml", [f"http://127.0.0.1:9/bench/{i}.xml" for i in range(10)])
    proc = subprocess.Popen([sys.executable, "-m", "tui_news", "reindex", "--config", str(config), "--db",
                             str(db)], cwd=tmp_path, env=cli_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        kill_and_check(proc, 2 + (os.cpu_count() or 1) - 1, "reindex")  # forkserver, tracker, all cores but one
    finally:
        if proc.poll() is None:
            proc.kill()
