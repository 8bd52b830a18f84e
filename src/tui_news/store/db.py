"""Connections to the cache: one per thread, pragmas set once, sqlite3 errors translated."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from tui_news.errors import CacheCorruptError, StoreError

APPLICATION_ID = 0x74756E77  # "tunw"
BUSY_TIMEOUT_MS = 15_000


FEED_TITLE = "coalesce(f.name, f.title, f.url)"
"""SQL: the title a feed `f` is shown (and indexed) under."""
BODY = "coalesce(a.full_html, a.content, a.summary)"
"""SQL: the HTML of an article `a` that is shown, indexed and searched for entities: its whole text fetched
from its page when there is one, else the feed's version."""


def marks(n: int) -> str:
    """`?, ?, ...`: n SQL parameter marks, for `IN (...)`."""
    return ",".join("?" * n)


def _describe(exc: sqlite3.Error) -> str:
    name = getattr(exc, "sqlite_errorname", None)
    return f"{exc} ({name})" if name else str(exc)


def translate(exc: sqlite3.Error, path: object) -> StoreError:
    """Turn an sqlite3 error that is not a programming bug into a StoreError with a readable message."""
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "not a database" in text or "malformed" in text:
        return CacheCorruptError(path, text)
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return StoreError(f"the disk holding the cache {path} is full; nothing was lost, free some space and retry")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text:
        return StoreError(f"the cache {path} is read-only ({text})")
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        folder = Path(str(path)).parent
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return StoreError(f"cannot open the cache {path}: its folder {folder} is read-only")
        return StoreError(f"cannot open the cache {path} ({text}); check that its folder exists and is writable")
    if code == sqlite3.SQLITE_BUSY or "locked" in text:
        return StoreError(f"the cache {path} stayed locked by another process for too long; try again")
    return StoreError(f"cache error in {path}: {_describe(exc)}")


@contextlib.contextmanager
def wrap_errors(path: object) -> Iterator[None]:
    """Translate operational sqlite3 errors; let programming errors through as the bugs they are."""
    try:
        yield
    except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
        raise
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc


def _ours_or_empty(conn: sqlite3.Connection) -> bool:
    if conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return True
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


class Database:
    """Hands each thread its own connection to one cache file.

    `path` may be ":memory:" only for single-threaded use (tests); every thread then gets its own empty DB.
    """

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []

    def connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._all.append((threading.current_thread(), conn))
        return conn

    def _open(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            parent = Path(self.path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except FileExistsError as exc:
                raise StoreError(f"cannot create the cache folder {parent}: a file is in the way") from exc
            except OSError as exc:
                raise StoreError(f"cannot create the cache folder {parent}: {exc.strerror or exc}") from exc
        with wrap_errors(self.path):
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            try:
                conn.row_factory = sqlite3.Row
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                # Touch the file: this is where a file that is not a database says so.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute("PRAGMA foreign_keys = ON")
                if self.path != ":memory:":
                    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                    if mode != "wal" and _ours_or_empty(conn):  # never rewrite someone else's file
                        conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            except BaseException:
                conn.close()
                raise
        return conn

    @contextlib.contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: one writer at a time, all or nothing.

        `wait=False`: fail at once (StoreError) instead of waiting when another writer holds the cache."""
        conn = self.connect()
        with wrap_errors(self.path):
            if wait:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute("PRAGMA busy_timeout = 0")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                finally:
                    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            try:
                yield conn
            except BaseException:
                # SQLite may already have rolled back (SQLITE_FULL, IOERR, ...): a second ROLLBACK would fail
                # and hide the real error behind "cannot rollback - no transaction is active".
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connections of this thread and of threads that have ended.

        A connection another live thread may be using right now is never closed under it (sqlite3 would
        crash the process): its statement is interrupted instead, and the connection is closed when that
        thread's locals go (a UI worker still reading when the app quits)."""
        with self._lock:
            conns, self._all = self._all, []
        me = threading.current_thread()
        for owner, conn in conns:
            if owner is me or not owner.is_alive():
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            else:
                conn.interrupt()
        self._local = threading.local()
