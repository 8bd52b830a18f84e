from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture
def httpserver() -> Iterator[HTTPServer]:
    """A threaded server on 127.0.0.1 per test: a slow handler must not hold up the other feeds."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
