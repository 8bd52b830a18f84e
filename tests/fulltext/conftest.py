from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tui_news import cli
from tui_news.extract import bundled_rules

from .server import PageServer, Route

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed"


@pytest.fixture
def server() -> Iterator[PageServer]:
    s = PageServer("127.0.0.1")
    yield s
    s.close()


@pytest.fixture
def server2() -> Iterator[PageServer]:
    """A second loopback address: not the feed's own, so its pages are refused."""
    s = PageServer("127.0.0.2")
    yield s
    s.close()


def rss(items: list[dict[str, str]]) -> bytes:
    parts = []
    for i, item in enumerate(items):
        content = (f"<content:encoded>{escape(item['content'])}</content:encoded>" if "content" in item else "")
        parts.append(f"""<item><title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>
<guid>{escape(item.get('guid', item['link']))}</guid><description>{escape(item.get('summary', ''))}</description>
{content}<pubDate>Sat, 14 Mar 2026 0{i % 10}:00:00 +0000</pubDate></item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Local news</title>
<link>http://127.0.0.1/</link><description>test</description>{''.join(parts)}</channel></rss>""".encode()


def site_rule(bundled_domain: str, *domains: str, **changes: object) -> str:
    """A [[sites]] table: the bundled rule of `bundled_domain`, for other domains (the test server's paths)."""
    rule = next(r for r in bundled_rules() if bundled_domain in r.domains)
    lines = ["[[sites]]", f"domains = {json.dumps(list(domains))}"]
    for key in ("content", "lead", "title", "byline", "date", "drop"):
        value = changes.get(key, list(getattr(rule, key)))
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    if rule.utc_offset is not None:
        lines.append(f"utc_offset = {rule.utc_offset}")
    return "\n".join(lines) + "\n"


def lead_of(name: str) -> str:
    """The first sentence of a fixture's expected text: all the feed item carries."""
    text = (PAGES / f"{name}.expected.txt").read_text("utf-8")
    return text.split(". ", 1)[0] + "."


def page_route(name: str) -> Route:
    return Route(body=(PAGES / f"{name}.html").read_bytes())


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def go(*argv: str) -> Run:
        capsys.readouterr()
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return go


@dataclass
class Setup:
    config: Path
    db: Path

    def args(self) -> list[str]:
        return ["--config", str(self.config), "--db", str(self.db)]


def write_config(tmp_path: Path, feed_url: str, extra: str = "", settings: str = "") -> Setup:
    config = tmp_path / "feeds.toml"
    config.write_text(f"""[settings]
connect_timeout = 2
read_timeout = 1
total_timeout = 3
{settings}

[[feeds]]
url = "{feed_url}"
name = "Local"

{extra}""", "utf-8")
    return Setup(config, tmp_path / "cache.sqlite3")
