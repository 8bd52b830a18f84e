"""Run as a script: `tui-news` with every cache connection capped at $TUI_NEWS_TEST_MAX_PAGES pages.

`PRAGMA max_page_count` makes SQLite answer SQLITE_FULL exactly as a full disk does, without needing a
small filesystem: the CLI's full-disk behaviour can be tested anywhere.
"""

from __future__ import annotations

import os
import sqlite3
import sys


def main() -> int:
    from tui_news.cli import main as cli_main
    from tui_news.store import db

    extra = int(os.environ["TUI_NEWS_TEST_MAX_PAGES"])
    original = db.Database._open

    def capped(self: db.Database) -> sqlite3.Connection:
        conn = original(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + extra}")
        return conn

    db.Database._open = capped  # type: ignore[method-assign]
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
