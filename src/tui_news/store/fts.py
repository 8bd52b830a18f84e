"""The full-text index, kept in step with `articles` inside the same transaction.

PLACEHOLDER: the search issue replaces this module. Its interface is what the repository calls.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def migrate(conn: sqlite3.Connection) -> None:
    """Create the index tables (runs inside the migration's transaction)."""


def index_articles(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """(Re)index these articles from the `articles` table; call after they were inserted or changed."""


def unindex_articles(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Drop these articles from the index; call BEFORE they are deleted or changed."""
