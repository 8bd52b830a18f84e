"""UI test fixtures: a fake fetcher serving the bundled demo feeds, a fixed clock, a seeded tmp cache."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tui_news.demo import FEEDS, MISSING, demo_config, feed_bytes
from tui_news.models import CachingInfo, Config, FetchResult, Settings
from tui_news.service import Service
from tui_news.ui.app import NewsApp

NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
BASE = "http://demo.invalid"


def fixed_clock() -> datetime:
    return NOW


@dataclass
class FakeFetcher:
    """Implements service.FetcherType: canned FetchResults per URL; records every URL asked for."""

    bodies: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None
    offline: bool = False

    async def __aenter__(self) -> FakeFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def fetch(self, url: str, caching: CachingInfo, *, verify: bool = True) -> FetchResult:
        self.calls.append(url)
        if self.gate is not None:
            await self.gate.wait()
        if self.offline:
            return FetchResult(url, error="network unreachable (offline)")
        if url in self.errors:
            return FetchResult(url, status=404, error=self.errors[url])
        if url not in self.bodies:
            return FetchResult(url, error="no such test URL")
        body, ctype = self.bodies[url]
        return FetchResult(url, status=200, body=body, headers={"content-type": ctype})


def demo_fetcher() -> FakeFetcher:
    fetcher = FakeFetcher()
    for name, ctype, _title, _tags in FEEDS:
        fetcher.bodies[f"{BASE}/{name}"] = (feed_bytes(name), ctype)
    fetcher.errors[f"{BASE}/{MISSING}"] = "HTTP 404 Not Found"
    return fetcher


def make_config(keys: dict[str, str] | None = None) -> Config:
    config = demo_config(BASE)
    # full_text = "never": the demo items link to example.org; a UI test must not reach (or wait on) the internet.
    return Config(path=None, feeds=config.feeds, settings=Settings(refresh_minutes=60, full_text="never"),
                  keys=dict(keys or {}))


def open_service(db: Path, fetcher: FakeFetcher, *, keys: dict[str, str] | None = None,
                 clock: Callable[[], datetime] = fixed_clock) -> Service:
    return Service.open(make_config(keys), db, clock=clock, fetcher_factory=lambda _settings: fetcher,
                        processes=1)


def seed(db: Path) -> None:
    """Fill a cache at `db` from the demo feeds through the real refresh path (fake fetcher)."""
    service = open_service(db, demo_fetcher())
    try:
        asyncio.run(service.refresh())
    finally:
        service.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "cache.sqlite3"
    seed(path)
    return path


@pytest.fixture
def db(tmp_path: Path, seeded_template: Path) -> Path:
    """A fresh copy of the seeded cache for one test."""
    import sqlite3

    target = tmp_path / "cache.sqlite3"
    src = sqlite3.connect(seeded_template)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture
def fetcher() -> FakeFetcher:
    return demo_fetcher()


@pytest.fixture
def service(db: Path, fetcher: FakeFetcher) -> Iterator[Service]:
    service = open_service(db, fetcher)
    yield service
    service.close()


@pytest.fixture
def make_app(service: Service) -> Callable[..., NewsApp]:
    def make(**kwargs: object) -> NewsApp:
        kwargs.setdefault("refresh_on_start", False)
        return NewsApp(service, clock=fixed_clock, **kwargs)  # type: ignore[arg-type]

    return make


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (never a sleep).

    An exclusive worker that a newer one replaced is cancelled, which is how the app works, not a failure:
    `wait_for_complete` would raise `WorkerCancelled` for it, so each worker is awaited here on its own. A worker
    that failed still raises `WorkerFailed`. A search the box still holds back (its debounce timer) counts as
    work too: it is waited for until it has been posted."""
    from tui_news.ui.widgets.search_box import SearchInput

    for _ in range(rounds):
        for box in pilot.app.query(SearchInput):
            while box.pending:
                await pilot.pause(0.01)
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
        await pilot.pause()
