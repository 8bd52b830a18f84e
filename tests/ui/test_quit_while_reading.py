"""Quitting while a thread worker still reads the cache must not crash the process.

`Database.close` used to close every thread's connection, including one a UI worker was stepping a query on:
the process died with a segmentation fault (CPython's sqlite3 reads the connection it just closed when the
step returns). Quitting at a random moment hit that window rarely, so the test holds a UI worker inside its
first query instead: a trace callback (SQLite calls it from inside `sqlite3_step`, with the connection's mutex
held) waits there until the app has quit and `Service.close` has run (or until the connection reads as closed,
which is what the old `close` did under it). The step then finishes. Statement caching is off in this process:
with it, the old `close` first finalized idle cached statements, which waits for the stepping thread's mutex,
and the outcome went back to depending on thread timing.

Run in a subprocess so a crash is a failed test, not a lost one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, functools, sqlite3, sys, threading, time
from pathlib import Path

sqlite3.connect = functools.partial(sqlite3.connect, cached_statements=0)

from tui_news.demo.bigcache import big_config, make_big_cache
from tui_news.service import Service
from tui_news.store.db import Database
from tui_news.ui.app import NewsApp

DEADLINE = 60.0
held = threading.Event()      # a UI worker is inside sqlite3_step
closed = threading.Event()    # Service.close has returned
released = []                 # why the held step went on: "service closed" / "connection closed under it" / "deadline"
callbacks = []                # keep the trace callbacks alive whatever close() does to the connection
lock = threading.Lock()

def hold_first_query(conn):
    def trace(sql):
        with lock:
            if held.is_set():
                return
            held.set()
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if closed.wait(0.002):
                released.append("service closed")
                return
            try:
                conn.total_changes
            except sqlite3.ProgrammingError:
                released.append("connection closed under it")
                return
        released.append("deadline")
    callbacks.append(trace)
    return trace

real_open = Database._open

def _open(self):
    conn = real_open(self)
    thread = threading.current_thread()
    if thread is not threading.main_thread() and not thread.name.startswith("tui-news-store"):
        conn.set_trace_callback(hold_first_query(conn))
    return conn

Database._open = _open

db = Path(sys.argv[1])
make_big_cache(db, articles=2_000, feeds=5)

async def main() -> None:
    service = Service.open(big_config(5), db)
    app = NewsApp(service, refresh_on_start=False)
    async with app.run_test(size=(120, 30)) as pilot:
        end = time.monotonic() + DEADLINE
        while not held.is_set() and time.monotonic() < end:
            await pilot.pause(0.01)
    if not held.is_set():
        sys.exit("no UI worker read the cache")
    service.close()
    closed.set()

asyncio.run(main())  # returns once the default executor (the UI workers' threads) has finished its work
print("released:", released)
print("ok")
"""


def test_quitting_while_a_worker_is_mid_query_does_not_crash(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", SCRIPT, str(tmp_path / "c.db")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-1500:])
    lines = proc.stdout.strip().splitlines()
    assert lines[-2:] == ["released: ['service closed']", "ok"], proc.stdout[-1500:]
