"""Fixtures for the parse tests: a fixed clock, the fixture directory and a `parse` helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_news.models import ParsedFeed
from tui_news.parse import parse_feed

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def parse() -> Callable[..., ParsedFeed]:
    def _parse(
        body: bytes | str, url: str = "https://example.com/feed.xml", content_type: str | None = None
    ) -> ParsedFeed:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return parse_feed(data, url=url, content_type=content_type, now=NOW)

    return _parse


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    def _read(name: str) -> bytes:
        return (FEEDS / name).read_bytes()

    return _read
