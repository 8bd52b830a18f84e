"""Issue 12's smaller items outside the UI, each as a user meets it: a new process, real files, real HTTP."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tui_news.config import load_config
from tui_news.service import Service

from .feeds import rss

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
ITEMS = [("g1", "Một", "<p>một</p>"), ("g2", "Hai", "<p>hai</p>")]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "tui_news", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=env)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui-news: error: "), proc.stderr
    return lines[0]


# ------------------------------------------------------------------ http//host: a hint, not a file path
@pytest.mark.parametrize(("written", "meant"), [
    ("http//host.example/x.rss", "http://host.example/x.rss"),
    ("https//host.example/x.rss", "https://host.example/x.rss"),
    ("http:/host.example/x.rss", "http://host.example/x.rss"),
    ("http:host.example/x.rss", "http://host.example/x.rss"),
])
def test_a_url_missing_its_colon_or_a_slash_gets_a_hint(tmp_path: Path, written: str, meant: str) -> None:
    (tmp_path / "feeds.toml").write_text(f'[[feeds]]\nurl = "{written}"\n', "utf-8")
    proc = cli("refresh", "--config", "feeds.toml", "--db", "c.db", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    line = one_error_line(proc)
    assert "feeds.toml:2: [feeds[0].url]" in line and f"did you mean '{meant}'?" in line
    assert not (tmp_path / "c.db").exists()  # refused before anything was opened


def test_a_real_folder_named_http_is_still_a_path(tmp_path: Path) -> None:
    """The hint only fires for a path that does not exist: a feed file under ./http// is kept."""
    (tmp_path / "http").mkdir()
    (tmp_path / "http" / "x.rss").write_bytes(rss("Local", ITEMS))
    (tmp_path / "feeds.toml").write_text('[[feeds]]\nurl = "http//x.rss"\n', "utf-8")
    assert load_config(tmp_path / "feeds.toml").feeds[0].url == (tmp_path / "http" / "x.rss").as_uri()


# ------------------------------------------------------------------ [keys] typos
def test_a_typo_in_keys_exits_2_with_the_closest_id(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text('[keys]\nnext-unrad = "n"\n', "utf-8")
    for args in (["feeds"], ["--no-refresh"]):  # a command, and the reader (refused before it starts)
        proc = cli(*args, "--config", "feeds.toml", "--db", "c.db", cwd=tmp_path)
        assert proc.returncode == 2
        line = one_error_line(proc)
        assert "[keys.next-unrad] unknown binding id 'next-unrad': did you mean 'next-unread'?" in line


# ------------------------------------------------------------------ a body that is not a feed
NOT_A_FEED = b"Notes on feeds.\nA feed starts with <rss> and has a <channel>; this file is only text.\n"


async def test_a_text_body_is_a_failure_not_ok_0_new(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/notes.txt").respond_with_data(NOT_A_FEED, content_type="text/plain")
    httpserver.expect_request("/empty.xml").respond_with_data(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty yet</title></channel></rss>',
        content_type="text/plain")  # a well-formed feed with no items yet is still a feed, whatever its type
    httpserver.expect_request("/good.xml").respond_with_data(rss("Good", ITEMS), content_type="application/xml")
    (tmp_path / "notes.txt").write_bytes(NOT_A_FEED)
    urls = [httpserver.url_for("/notes.txt"), (tmp_path / "notes.txt").as_uri(), httpserver.url_for("/empty.xml"),
            httpserver.url_for("/good.xml")]
    (tmp_path / "feeds.toml").write_text("".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls), "utf-8")
    service = Service.open(load_config(tmp_path / "feeds.toml"), tmp_path / "c.db", processes=1)
    try:
        outcomes = {o.url: o for o in await service.refresh()}
        feeds = {f.url: f for f in service.feeds()}
    finally:
        service.close()
    for url in urls[:2]:
        assert outcomes[url].error == "not a feed: text/plain", outcomes[url]
        assert feeds[url].last_error == "not a feed: text/plain" and feeds[url].last_status == "parse error"
    assert outcomes[urls[2]].error is None and outcomes[urls[2]].new == 0
    assert outcomes[urls[3]].error is None and outcomes[urls[3]].new == 2


def test_cli_refresh_of_a_text_file_says_failed(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_bytes(NOT_A_FEED)
    (tmp_path / "feeds.toml").write_text('[[feeds]]\nurl = "notes.txt"\n', "utf-8")
    proc = cli("refresh", "--config", "feeds.toml", "--db", "c.db", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == f"FAILED  {(tmp_path / 'notes.txt').as_uri()}: not a feed: text/plain"


# ------------------------------------------------------------------ failed feeds are due at the next launch
async def test_feeds_that_failed_before_this_launch_are_due(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Offline yesterday: the failing feed is retried at the next start (not after its back-off), the healthy
    one is not refetched early, and a feed the server asked to wait (429 Retry-After) still waits."""
    state = {"up": False}

    def flaky(_request: object) -> Response:
        if state["up"]:
            return Response(rss("Flaky", ITEMS), content_type="application/rss+xml")
        return Response("down", status=502)

    httpserver.expect_request("/flaky.xml").respond_with_handler(flaky)
    httpserver.expect_request("/good.xml").respond_with_data(rss("Good", ITEMS), content_type="application/xml")
    httpserver.expect_request("/busy.xml").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7200"}))
    flaky_url, good_url, busy_url = (httpserver.url_for(p) for p in ("/flaky.xml", "/good.xml", "/busy.xml"))
    config = tmp_path / "feeds.toml"
    config.write_text("".join(f'[[feeds]]\nurl = "{u}"\n' for u in (flaky_url, good_url, busy_url)), "utf-8")

    first = Service.open(load_config(config), tmp_path / "c.db", processes=1)
    try:
        outcomes = {o.url: o for o in await first.refresh()}
        assert outcomes[flaky_url].error and outcomes[busy_url].error and outcomes[good_url].error is None
        # In the same run the back-off holds: nothing is due yet.
        assert await first.refresh(due_only=True) == []
    finally:
        first.close()

    state["up"] = True
    later = datetime.now(UTC) + timedelta(minutes=5)  # the next launch, well inside every back-off
    second = Service.open(load_config(config), tmp_path / "c.db", processes=1, clock=lambda: later)
    try:
        retried = await second.refresh(due_only=True)
        assert [o.url for o in retried] == [flaky_url]
        assert retried[0].error is None and retried[0].new == 2
        assert await second.refresh(due_only=True) == []  # recovered: its ordinary interval now
    finally:
        second.close()


# ------------------------------------------------------------------ entities --file
def test_entities_with_a_missing_file_is_one_prefixed_line(tmp_path: Path) -> None:
    proc = cli("entities", "--file", "nope.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error_line(proc) == "tui-news: error: --file: cannot read nope.txt: No such file or directory"
    assert proc.stdout == ""


# ------------------------------------------------------------------ uv run without the bytecode line
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_uv_run_does_not_recompile_the_environment_each_time() -> None:
    """[tool.uv] compile-bytecode made every `uv run` print "Bytecode compiled 1721 files" (astral-sh/uv#12202)."""
    for _ in range(2):
        proc = subprocess.run(["uv", "run", "--frozen", "python", "-c", "pass"], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    assert "Bytecode compiled" not in proc.stderr, proc.stderr


def test_the_readme_gives_the_exit_codes_entities_really_has(tmp_path: Path) -> None:
    """README's table said `entities` exits 0; it exits 1 on a bad input line and 2 on an unreadable --file."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    codes = {}
    for name, stdin in (("good", '{"id": 1, "text": "Ông Trương Thị Mai"}\n'), ("bad line", "not json\n")):
        proc = subprocess.run([sys.executable, "-m", "tui_news", "entities"], input=stdin, capture_output=True,
                              text=True, cwd=tmp_path, env=env, timeout=60)
        codes[name] = proc.returncode
    codes["missing file"] = cli("entities", "--file", "nope.txt", cwd=tmp_path).returncode
    assert codes == {"good": 0, "bad line": 1, "missing file": 2}
    row = next(line for line in (ROOT / "README.md").read_text("utf-8").splitlines()
               if line.startswith("| `tui-news entities"))
    claimed = row.rsplit("|", 2)[-2]
    assert claimed.strip().startswith("0, 1 ") and ", 2 `--file` cannot be read" in claimed, claimed
