"""Parsing one body costs a bounded multiple of its size in memory (issue 10, fault 10).

An `<author>` of "Au " x 6,000,000 (an 18 MB feed) took 548 MB of peak RSS in parse_feed: cleaning ran its
regexes over the whole field before cutting it to 200 characters. Every one-line field is now cut first.
`parse.MEMORY_FACTOR` is the documented bound: a parse peaks at most that many times the body's size above what
the process held before, so a parser worker needs at most about MEMORY_FACTOR x max_bytes beyond its baseline.
Each case runs in a fresh interpreter that reads its own high-water mark (VmHWM) from /proc.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui_news.parse import MEMORY_FACTOR

from .conftest import cli_env

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")

REPEAT = 6_000_000  # "Au " x 6,000,000: 18 MB, as in the report

PROBE = textwrap.dedent("""
    import json, sys
    from datetime import UTC, datetime
    from tui_news.parse import parse_feed

    def status(key):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024

    shape, n = sys.argv[1], int(sys.argv[2])
    value = "Au " * n
    if shape.startswith("json-"):
        item = {"id": "1", "url": "https://e.org/1", "title": "t", "content_text": "x"}
        field = shape[5:]
        if field == "author":
            item["authors"] = [{"name": value}]
        else:
            item[field] = value
        body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [item]}).encode()
    else:
        fields = {"title": "t", "link": "https://e.org/1", "description": "d"}
        field, _, path = shape.partition("-")
        fields[field] = ("(" if field == "author" and path == "feedparser" else "") + value
        extra = "<foo:x xmlns:foo='urn:x'>1</foo:x>" if path == "feedparser" else ""
        item = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
        body = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
                f"<link>https://e.org/</link><item>{item}{extra}</item></channel></rss>").encode()
    del value, item
    before = status("VmRSS")
    feed = parse_feed(body, url="https://e.org/feed", now=datetime.now(UTC))
    peak = status("VmHWM")
    a = feed.articles[0]
    print(json.dumps({"size": len(body), "growth": peak - before, "title": len(a.title),
                      "author": len(a.author or ""), "guid": len(a.guid)}))
""")

SHAPES = ["author", "title", "guid", "link", "author-feedparser", "title-feedparser", "json-author",
          "json-title", "json-id"]


@pytest.mark.parametrize("shape", SHAPES)
def test_one_huge_field_costs_a_bounded_multiple_of_the_body(shape: str) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, shape, str(REPEAT)], capture_output=True, text=True,
                          timeout=300, env=cli_env())
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json

    got = json.loads(proc.stdout)
    ratio = got["growth"] / got["size"]
    assert ratio < MEMORY_FACTOR, (f"{shape}: parsing a {got['size'] / 1e6:.0f} MB body grew the peak RSS by "
                                   f"{got['growth'] / 1e6:.0f} MB ({ratio:.1f}x; the bound is {MEMORY_FACTOR}x)")
    assert got["title"] <= 1000 and got["author"] <= 200 and got["guid"] <= 512  # and the fields still come out
    if shape.endswith("author"):
        assert got["author"] >= 199
