"""Plain values the sync adapters hand the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ServerFeed:
    id: int
    title: str
    feed_url: str
    category_id: int | None


@dataclass(frozen=True, slots=True)
class Headline:
    """One article as the server lists it. Text is as the server sent it (HTML-escaped title, HTML body):
    the engine cleans it on the same path as a parsed feed's."""

    id: int
    feed_id: int
    guid: str
    title: str
    link: str
    author: str
    updated: int | None
    """Unix seconds."""
    content: str
    unread: bool
    marked: bool


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one `Service.sync` did (`tui-news sync --json` prints it)."""

    feeds: int = 0
    received: int = 0
    """Articles the server sent (since the last pull: since_id)."""
    new: int = 0
    updated: int = 0
    flags_from_server: int = 0
    pushed: int = 0
    queued: int = 0
    """Changes still waiting to reach the server after this sync."""
    server_unread: int | None = None
    error: str | None = None


class SyncClient(Protocol):
    """What the engine needs of a server (tui_news.sync.ttrss.TtrssClient)."""

    async def login(self) -> None: ...

    async def logout(self) -> None: ...

    async def categories(self) -> dict[int, str]: ...

    async def feeds(self) -> list[ServerFeed]: ...

    async def headlines(self, *, since_id: int, skip: int, limit: int, content: bool = True,
                        view_mode: str = "all_articles", feed_id: int = -4) -> list[Headline]: ...

    async def ids(self, *, view_mode: str, feed_id: int) -> set[int]: ...

    async def set_flag(self, ids: list[int], field: str, value: bool) -> None: ...

    async def unread_total(self) -> int | None: ...
