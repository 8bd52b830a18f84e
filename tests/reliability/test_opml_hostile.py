"""import-opml with hostile outlines: bad ports, IPv6 literals, C1 controls. One bad outline is skipped with a
reason; the rest are imported; what is written to feeds.toml loads, refreshes and exports again."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tui_news.config import load_config

from .conftest import run_cli
from .faultserver import FaultServer, feed_xml


class _V6Server(HTTPServer):
    address_family = socket.AF_INET6


@contextlib.contextmanager
def ipv6_feed_server() -> Iterator[int]:
    """A feed on http://[::1]:PORT/ok.xml; the test is skipped where the machine has no IPv6 loopback."""
    body = feed_xml("Sáu", 2)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    try:
        server = _V6Server(("::1", 0), Handler)
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here ({exc})")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_bad_ports_are_skipped_and_ipv6_and_ports_survive(plain_server: FaultServer, tmp_path: Path) -> None:
    """Fault 9: a bad port was a traceback that aborted the whole import; [::1] lost its brackets; :0 its port."""
    good = plain_server.static("/good.xml", feed_xml("Tốt"))
    with ipv6_feed_server() as v6port:
        outlines = [
            ("Bad1", "http://127.0.0.1:99999999/x"), ("Bad2", "http://127.0.0.1:abc/x"),
            ("Bad3", "http://127.0.0.1:-1/x"), ("Bad4", "http://127.0.0.1:0/x"),
            ("Six", f"http://[::1]:{v6port}/ok.xml"), ("Good", good),
        ]
        body = "".join(f'<outline type="rss" text="{name}" xmlUrl="{url}"/>' for name, url in outlines)
        (tmp_path / "subs.opml").write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>',
                                            "utf-8")
        config = tmp_path / "feeds.toml"
        config.write_text("# mine\n", "utf-8")
        proc = run_cli("import-opml", "subs.opml", "--config", str(config), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"2 feeds added to {config}, 4 skipped" in proc.stdout
        skipped = [line for line in proc.stderr.splitlines() if line.startswith("skipped: ")]
        assert [line.split(":")[1].strip() for line in skipped] == ["Bad1", "Bad2", "Bad3", "Bad4"]
        assert all("bad URL" in line for line in skipped), skipped
        assert [(f.name, f.url) for f in load_config(config).feeds] == [
            ("Six", f"http://[::1]:{v6port}/ok.xml"), ("Good", good)]
        proc = run_cli("refresh", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "ok      Six: 2 new" in proc.stdout and "ok      Good: 3 new" in proc.stdout
    proc = run_cli("export-opml", "--config", str(config), cwd=tmp_path)
    assert f'xmlUrl="http://[::1]:{v6port}/ok.xml"' in proc.stdout


def test_c1_controls_in_an_outline_url_never_reach_feeds_toml(tmp_path: Path) -> None:
    """Fault 8 (OPML): an xmlUrl with &#155;2J&#157;0;C1&#156; was written into feeds.toml raw."""
    (tmp_path / "subs.opml").write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline type="rss" text="Evil&#155;2J&#x202E;" xmlUrl="http://example.org/&#155;2J&#157;0;C1&#156;"/>'
        '<outline type="rss" text="Name&#157;0;T&#156;&#155;31m" xmlUrl="http://example.org/ok"/>'
        "</body></opml>", "utf-8")
    config = tmp_path / "feeds.toml"
    config.write_text("", "utf-8")
    proc = run_cli("import-opml", "subs.opml", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 feed added" in proc.stdout and ", 1 skipped" in proc.stdout
    assert "control characters in the URL" in proc.stderr
    control = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    assert not control.search(proc.stdout + proc.stderr), repr(proc.stderr)
    text = config.read_text("utf-8")
    assert not control.search(text), repr(text)
    assert [(f.name, f.url) for f in load_config(config).feeds] == [("Name", "http://example.org/ok")]
