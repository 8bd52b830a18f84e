"""Full-text search over the cache. PLACEHOLDER until the search issue lands: a plain LIKE scan."""

from __future__ import annotations

from datetime import datetime

from tui_news.models import SearchHit
from tui_news.store.repo import Repository


def search(repo: Repository, query: str, *, limit: int = 50, now: datetime | None = None) -> list[SearchHit]:
    conn = repo.db.connect()
    rows = conn.execute(
        "SELECT id, link FROM articles WHERE title LIKE ? ORDER BY published DESC LIMIT ?",
        (f"%{query}%", limit),
    ).fetchall()
    summaries = repo.article_summaries([r[0] for r in rows])
    links = {r[0]: r[1] for r in rows}
    return [SearchHit(s, links.get(s.id), s.title) for s in summaries]
