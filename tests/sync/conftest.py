"""One real tt-rss + PostgreSQL per test session (about 6 s to start); each test empties it first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .ttrss_server import TtrssServer, why_not


@pytest.fixture(scope="session")
def ttrss_session() -> Iterator[TtrssServer]:
    reason = why_not()
    if reason:
        pytest.skip(reason)
    server = TtrssServer()
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 (a server that cannot start here is a skip, said why)
        server.stop()
        pytest.skip(f"could not start tt-rss on PostgreSQL: {exc}")
    yield server
    server.stop()


@pytest.fixture
def ttrss(ttrss_session: TtrssServer) -> TtrssServer:
    if ttrss_session.php is None:
        ttrss_session.start_php()
    ttrss_session.reset()
    return ttrss_session
