from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.errors import OpmlError
from tui_news.models import FeedConfig
from tui_news.opml import export_opml, parse_opml

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Tin t\xe1\xbb\xa9c">
    <outline text="Ch\xc3\xadnh tr\xe1\xbb\x8b">
      <outline type="rss" text="Nh\xc3\xa2n D\xc3\xa2n" xmlUrl="https://nhandan.vn/rss/home.rss"/>
    </outline>
    <outline type="rss" text="VnExpress" xmlUrl="feed://vnexpress.net/rss/thoi-su.rss" category="/hot,/daily"/>
  </outline>
  <outline type="rss" text="Dup" xmlUrl="https://NHANDAN.vn/rss/home.rss"/>
  <outline type="rss" text="[bold red]evil[/]" xmlUrl="https://user:pw@example.org/feed"/>
  <outline type="rss" text="Pipe" xmlUrl="exec:cat /etc/passwd"/>
  <outline type="rss" text="JS" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_import_maps_folders_to_tags_and_refuses_unsafe_urls() -> None:
    feeds, skipped = parse_opml(OPML)
    by_url = {f.url: f for f in feeds}
    assert by_url["https://nhandan.vn/rss/home.rss"].tags == ("Tin tức", "Chính trị")
    assert by_url["http://vnexpress.net/rss/thoi-su.rss"].tags == ("Tin tức", "hot", "daily")
    assert "https://example.org/feed" in by_url  # credentials stripped
    assert by_url["https://example.org/feed"].name == "[bold red]evil[/]"  # kept as data
    assert len(feeds) == 3  # the case-different duplicate merged
    assert len(skipped) == 2 and any("exec:" in s for s in skipped)


def test_export_round_trip() -> None:
    feeds = [FeedConfig("https://a.org/rss", "A & B", ("vi", "politics")), FeedConfig("https://b.org/rss")]
    again, skipped = parse_opml(export_opml(feeds))
    assert skipped == []
    assert [(f.url, f.name, f.tags) for f in again] == [
        ("https://a.org/rss", "A & B", ("vi", "politics")), ("https://b.org/rss", "https://b.org/rss", ())]


@pytest.mark.parametrize("data", [b"", b"<opml><body><outline", b"<html/>", b"<?xml version='1.0'?><opml/>"])
def test_malformed_opml_is_an_error(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


def test_entity_bomb_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://a.org/"/></body></opml>"""
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(bomb)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui_news", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


def test_cli_import_then_export(tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text('# my feeds\n[[feeds]]\nurl = "https://nhandan.vn/rss/home.rss"\n', "utf-8")
    (tmp_path / "subs.opml").write_bytes(OPML)
    proc = run("import-opml", "subs.opml", "--config", str(config), "--db", "c.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 feeds added" in proc.stdout
    text = config.read_text("utf-8")
    assert text.startswith("# my feeds\n")
    assert len(load_config(config).feeds) == 3
    proc = run("export-opml", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 0
    feeds, _ = parse_opml(proc.stdout.encode())
    assert {f.url for f in feeds} == {f.url for f in load_config(config).feeds}


def test_cli_malformed_opml_changes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nurl = "https://a.org/rss"\n', "utf-8")
    before = config.read_bytes()
    (tmp_path / "bad.opml").write_bytes(b"<opml><body><outline text='x' xmlUrl='https://b.org/'>")
    proc = run("import-opml", "bad.opml", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 2
    assert "bad.opml" in proc.stderr and "Traceback" not in proc.stderr
    assert config.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.opml", "feeds.toml"]


def test_corpus_opml_never_crashes(corpus: Path) -> None:
    files = sorted((corpus / "opml").rglob("*.opml")) + sorted((corpus / "hostile" / "opml").glob("*.opml"))
    assert files
    for path in files:
        try:
            feeds, _ = parse_opml(path.read_bytes(), str(path))
        except OpmlError:
            continue
        assert all(f.url.startswith(("http://", "https://")) for f in feeds)


def _outlines(*urls: str) -> bytes:
    body = "".join(f'<outline type="rss" text="f{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls))
    return f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'.encode()


def test_ipv6_literals_and_explicit_ports_survive() -> None:
    feeds, skipped = parse_opml(_outlines("http://[::1]:8765/ok.xml", "https://[2001:DB8::1]/a",
                                          "http://127.0.0.1:65535/x", "HTTP://Example.ORG:8080/Feed?q=1"))
    assert skipped == []
    assert [f.url for f in feeds] == ["http://[::1]:8765/ok.xml", "https://[2001:db8::1]/a",
                                      "http://127.0.0.1:65535/x", "http://example.org:8080/Feed?q=1"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999999/x", "http://127.0.0.1:abc/x", "http://127.0.0.1:-1/x",
                                 "http://127.0.0.1:0/x", "http://127.0.0.1:65536/x", "http://[::1/x"])
def test_bad_ports_skip_only_their_outline_with_a_reason(url: str) -> None:
    feeds, skipped = parse_opml(_outlines("https://before.org/", url, "https://after.org/"))
    assert [f.url for f in feeds] == ["https://before.org/", "https://after.org/"]
    assert len(skipped) == 1 and skipped[0].startswith("f1: bad URL") and url[:40] in skipped[0]


def test_control_characters_in_a_url_skip_the_outline() -> None:
    feeds, skipped = parse_opml(_outlines("http://a.org/&#155;2J&#157;0;C1&#156;", "http://b.org/&#x202e;x",
                                          "http://c.org/&#127;x", "https://ok.org/"))
    assert [f.url for f in feeds] == ["https://ok.org/"]
    assert len(skipped) == 3 and all("control characters" in s for s in skipped)
    assert not any(c in line for line in skipped for c in "\x1b\x9b\x9c\x9d\u202e")
