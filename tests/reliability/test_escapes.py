"""Feed, server, config and file text never reaches the terminal as control: the CLI under a pty, the reader in tmux.

Each test reads back every byte the program wrote to its terminal and checks it with `terminal_faults`.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from .conftest import cli_env
from .faultserver import FaultServer, Request, feed_xml
from .terminal import CLI_CSI, MARKER, PAYLOAD, SHOWN, TEXTUAL_CSI, hostile, run_pty, terminal_faults, tmux

__all__ = ["tmux"]  # the fixture, re-exported for pytest

PYTHON = [sys.executable, "-m", "tui_news"]
C1_LOCATION = "ftp://x/\u009b2J\u009b31m\u009d0;TITLE\u009c"


def cli(tmp_path: Path, *args: str, timeout: float = 60) -> tuple[int, bytes]:
    return run_pty([*PYTHON, *args, "--config", str(tmp_path / "feeds.toml"), "--db", str(tmp_path / "c.db")],
                   cwd=tmp_path, env=cli_env(), timeout=timeout)


def c1_redirect(location: str = C1_LOCATION) -> object:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 302 Found\r\nLocation: " + location.encode("utf-8")
                     + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()

    return handler


@pytest.mark.parametrize("title", ["bad [/bold] close", "[link=file:///etc/passwd]CLICKME[/link]"])
def test_markup_in_a_feed_title_during_an_interactive_refresh(plain_server: FaultServer, tmp_path: Path,
                                                              title: str) -> None:
    """Fault 5: the progress bar showed feed titles as Rich markup (MarkupError, or an OSC 8 hyperlink)."""
    url = plain_server.static("/feed.xml", feed_xml(title))
    (tmp_path / "feeds.toml").write_text(f'[[feeds]]\nurl = "{url}"\n', "utf-8")
    code, raw = cli(tmp_path, "refresh")
    text = raw.decode("utf-8", "replace")
    assert code == 0, text
    assert "MarkupError" not in text and "Traceback" not in text
    assert f"ok      {title}: 3 new, 0 updated" in text
    assert "1 feeds: 1 ok, 0 failed" in text
    assert "refreshing" in text  # the progress bar did draw (we are on a terminal)
    assert terminal_faults(raw, CLI_CSI) == []


def test_c1_controls_from_a_server_never_reach_the_terminal(plain_server: FaultServer, tmp_path: Path) -> None:
    """Fault 6: a redirect's Location with C1 CSI/OSC was stored in last_error and printed raw."""
    url = plain_server.route("/c1", c1_redirect())  # type: ignore[arg-type]
    (tmp_path / "feeds.toml").write_text(f'[[feeds]]\nurl = "{url}"\n', "utf-8")
    code, raw = cli(tmp_path, "refresh")
    assert code == 1 and "redirect to a non-http(s) URL refused" in raw.decode("utf-8", "replace")
    assert terminal_faults(raw, CLI_CSI) == []
    with sqlite3.connect(tmp_path / "c.db") as conn:
        (stored,) = conn.execute("SELECT last_error FROM feeds").fetchone()
    assert "refused" in stored and not re.search("[\x00-\x1f\x7f-\x9f]", stored), repr(stored)
    for args in (("feeds",), ("feeds", "--json")):
        code, raw = cli(tmp_path, *args)
        assert code == 0 and b"refused" in raw, raw
        assert terminal_faults(raw, CLI_CSI) == [], args
    data = json.loads(raw.decode("utf-8").replace("\r\n", "\n"))
    assert not re.search("[\x00-\x1f\x7f-\x9f]", data[0]["last_error"])


def test_entities_file_with_escape_sequences(tmp_path: Path) -> None:
    """Fault 7: `entities --file` wrote the file's OSC/CSI to the terminal, and Rich's dropping the BELs
    moved every highlight two characters late."""
    path = tmp_path / "note.txt"
    path.write_text("\x1b]0;TITLE\x07\x1b[2J\x07Ông Trương Thị Mai phát biểu về Nghị quyết Trung ương 5 khóa X.\n",
                    "utf-8")
    code, raw = run_pty([*PYTHON, "entities", "--file", str(path)], cwd=tmp_path, env=cli_env())
    text = raw.decode("utf-8", "replace")
    assert code == 0, text
    assert terminal_faults(raw, CLI_CSI) == []
    # The highlighted runs are exactly the names (the list below the text repeats them, styled the same).
    styled = re.findall(r"\x1b\[([0-9;]+)m([^\x1b]+)\x1b\[0m", text.split("entities", 1)[0])
    assert ("1;36", "Trương Thị Mai") in styled, styled
    assert any(run == "Nghị quyết Trung ương 5 khóa X" for _style, run in styled), styled


@pytest.mark.parametrize("line", [
    'name = "\\u001b]0;TITLE\\u0007\\u001b[2J"',
    'tags = ["\\u001b[31mtag"]',
    'name = "\\u009d0;TITLE\\u009c\\u202eevil"',
])
def test_escapes_in_feeds_toml_are_refused_in_one_clean_line(tmp_path: Path, line: str) -> None:
    """Fault 8 (config): names and tags with escapes were printed raw by `feeds` and `search`, and the reader
    changed the terminal title and blanked the screen."""
    (tmp_path / "feeds.toml").write_text(f'[[feeds]]\nurl = "https://example.org/rss"\n{line}\n', "utf-8")
    for args in (["feeds"], ["search", "x"], []):  # [] is the reader
        code, raw = cli(tmp_path, *args)
        lines = raw.decode("utf-8", "replace").strip().splitlines()
        assert code == 2, (args, raw)
        assert len(lines) == 1 and "feeds.toml:3: [feeds[0]." in lines[0] and "control character" in lines[0]
        assert terminal_faults(raw, CLI_CSI) == []
    assert not (tmp_path / "c.db").exists()


def hostile_json_feed() -> bytes:
    body = (f"<p>Body zebra {hostile('Body')} Ông Trương Thị Mai {PAYLOAD} phát biểu.</p>"
            f"<p><a href='https://x.org/{PAYLOAD}'>{hostile('Anchor')}</a></p>")
    doc = {
        "version": "https://jsonfeed.org/version/1.1", "title": hostile("Chan"),
        "home_page_url": "https://example.org/" + PAYLOAD,
        "items": [{"id": f"i{i}{PAYLOAD}", "title": hostile(f"Title{i}"), "url": "https://example.org/a" + PAYLOAD,
                   "authors": [{"name": hostile("Author")}], "date_published": f"2026-11-0{i + 1}T00:00:00Z",
                   "summary": hostile("Summary"), "content_html": body} for i in range(3)],
    }
    return json.dumps(doc).encode()


def hostile_rss_feed() -> bytes:
    """The same through feedparser, with what XML 1.0 can carry: C1 and bidi as character references."""
    junk = "&#155;?5h&#155;2J&#157;0;PWNED-rss&#156;&#x202E;&#x2066;[link=file:///etc/passwd]lk[/link]"
    items = "".join(
        f"<item><guid>r{i}</guid><title>Rss{i}{SHOWN}{junk}</title><link>https://example.org/r{i}{junk}</link>"
        f"<author>RssAuthor{SHOWN}{junk}</author><pubDate>Sun, 01 Nov 2026 0{i}:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;RssBody{SHOWN} zebra {junk}&lt;/p&gt;</description></item>" for i in range(2))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>RssChan{SHOWN}{junk}</title>"
            f"<link>https://example.org/</link>{items}</channel></rss>").encode()


def test_no_string_from_data_reaches_the_terminal(plain_server: FaultServer, tmp_path: Path, tmux) -> None:  # type: ignore[no-untyped-def]
    """Every string the CLI prints and the reader draws (feed and article titles, names, tags, errors, authors,
    links, snippets, article text, entity texts), each carrying C0, C1, OSC/CSI/DCS, bidi controls and markup."""
    json_url = plain_server.static("/hostile.json", hostile_json_feed(), {"Content-Type": "application/feed+json"})
    rss_url = plain_server.static("/hostile.xml", hostile_rss_feed(), {"Content-Type": "application/rss+xml"})
    # What an HTTP header can carry (h11 refuses C0): C1, bidi and markup.
    bad_url = plain_server.route("/c1", c1_redirect(C1_LOCATION + "\u202e[link=file:///x]x[/link]"))  # type: ignore[arg-type]
    # Config strings cannot hold controls (refused: see the test above); markup they can.
    (tmp_path / "feeds.toml").write_text(
        f'[[feeds]]\nurl = "{json_url}"\ntags = ["Tag{SHOWN}", "[link=file:///etc/passwd]t[/link]"]\n'
        f'[[feeds]]\nurl = "{rss_url}"\n'
        f'[[feeds]]\nurl = "{bad_url}"\nname = "Redirected{SHOWN}[link=file:///etc/passwd]n[/link]"\n', "utf-8")
    (tmp_path / "note.txt").write_text(f"{hostile('Entity')} Ông Trương Thị Mai {PAYLOAD} nói.\n", "utf-8")

    # The CLI, under a pty.
    shown: dict[tuple[str, ...], str] = {}
    # `refresh` first: the others show what it stored.
    for args in (("refresh",), ("feeds",), ("feeds", "--json"), ("search", "zebra"), ("search", "zebra", "--json"),
                 ("entities", "--file", "note.txt")):
        code, raw = cli(tmp_path, *args)
        assert code in (0, 1), (args, raw[-2000:])
        assert terminal_faults(raw, CLI_CSI) == [], args
        shown[args] = raw.decode("utf-8")
    assert "3 feeds: 2 ok, 1 failed" in shown[("refresh",)]
    printed = "".join(shown.values())
    # Feed titles and names, tags, article titles, snippets and entity texts: markup shown as written.
    for label in ("Chan", "RssChan", "Redirected", "Tag", "Title2", "Rss1", "Body", "RssBody", "Entity"):
        assert f"{label}{SHOWN}" in printed, label
    assert "redirect to a non-http(s) URL refused" in shown[("feeds",)]

    # The reader, in tmux: every byte it writes is recorded.
    tmux.start([*PYTHON, "--config", "feeds.toml", "--db", "c.db"], cwd=tmp_path)
    tmux.wait_for(lambda s: f"Title2{SHOWN}" in s, "the article list")
    screens = [tmux.screen(escapes=True)]
    tmux.keys("n")  # open the next unread article: title, feed, author, link, body, entities
    tmux.wait_for(lambda s: f"Author{SHOWN}" in s and f"Anchor{SHOWN}" in s, "the article pane")
    screens.append(tmux.screen(escapes=True))
    tmux.keys("C-p")
    tmux.wait_for(lambda s: "🔎" in s or "Search for commands" in s, "the command palette")
    tmux.keys("Redirected", literal=True)  # the palette lists the failing feed with its error
    tmux.wait_for(lambda s: "Error: redirect to a non-http(s) URL refused" in s, "the failing feed in the palette")
    screens.append(tmux.screen(escapes=True))
    tmux.keys("Enter")  # go to it: the feed detail shows its error
    tmux.wait_for(lambda s: "⚠ redirect to a" in s and "URL refused" in s, "the feed detail (wrapped)")
    screens.append(tmux.screen(escapes=True))
    tmux.keys("/")
    tmux.wait_for(lambda s: "escape leaves" in s, "the search box")
    tmux.keys("zebra", literal=True)
    tmux.wait_for(lambda s: "Search: zebra" in s and f"Body zebra Body{SHOWN}" in s, "search results with snippets")
    screens.append(tmux.screen(escapes=True))
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "n Next unread" in s, "the search box to close")
    tmux.keys("R")  # refresh everything: the failure and its error go to the status line
    tmux.wait_for(lambda s: "1 failed" in s, "the refresh summary")
    screens.append(tmux.screen(escapes=True))
    tmux.keys("q")
    tmux.wait_for(lambda _s: re.fullmatch(r"1:\d+", tmux.pane("pane_dead") + ":" + tmux.pane("pane_dead_status"))
                  is not None, "the reader to quit")
    assert tmux.pane("pane_dead_status") == "0"

    raw = tmux.record.read_bytes()
    assert len(raw) > 10_000
    assert terminal_faults(raw, TEXTUAL_CSI) == []
    for screen in screens:  # what tmux shows: no attribute data asked for (its SGRs only)
        assert terminal_faults(screen.encode(), re.compile("$^")) == []
    plain = "\n".join(re.sub(r"\x1b\[[0-9;:]*m", "", s) for s in screens)
    for label in ("Title2", "Chan", "Author", "Anchor", "Body", "Tag", "Redirected"):
        assert f"{label}{SHOWN}" in plain, label  # markup shown as written
    assert "[link=file:///etc/passwd]" in plain
    assert MARKER not in tmux.pane("pane_title")
