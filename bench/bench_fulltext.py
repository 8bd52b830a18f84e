"""Full-text benchmark (issue 11): a refresh bringing 100 new summary-only articles from 10 hosts.

    uv run python bench/bench_fulltext.py            # 10 hosts x 10 articles
    uv run python bench/bench_fulltext.py 20 10      # hosts, articles per host

Each host is its own server port on 127.0.0.1 (the fetcher limits per host:port... per host name, so all ten
share `per_host` here: the figure is a worst case for politeness), answering every request after 50 ms. Each
host serves one feed whose items carry one lead sentence and link to article pages on that host; the pages
are the extraction fixtures (tests/data/pages), extracted by trafilatura (no site rule matches 127.0.0.1).
Prints: time until the feeds are stored, time until every full text is stored, the time between the two,
CPU of this process (user+sys; the extraction workers are forkserver children, not ours, so not counted), and
the statuses.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fulltext.conftest import rss  # noqa: E402
from tests.fulltext.server import PageServer, Route  # noqa: E402

from tui_news.config import load_config  # noqa: E402
from tui_news.service import Service  # noqa: E402

LATENCY = 0.05
PAGES = ROOT / "tests" / "data" / "pages"


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(hosts: int = 10, per_host: int = 10) -> None:
    pages = sorted(PAGES.glob("*.html"))
    servers = [PageServer("127.0.0.1") for _ in range(hosts)]
    feeds = []
    for h, server in enumerate(servers):
        items = []
        for i in range(per_host):
            page = pages[(h * per_host + i) % len(pages)]
            path = f"/{page.stem}/article-{h}-{i}.html"
            server.routes[path] = Route(body=page.read_bytes(), delay=LATENCY)
            items.append({"title": f"Article {h}-{i}", "link": server.url(path), "summary": "One lead sentence."})
        server.routes["/feed.xml"] = Route(body=rss(items), content_type="application/rss+xml", delay=LATENCY)
        feeds.append(server.url("/feed.xml"))
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "feeds.toml"
        config.write_text("".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in feeds), "utf-8")
        service = Service.open(load_config(config), Path(tmp) / "cache.sqlite3")
        marks: dict[str, float] = {}
        statuses: dict[str, int] = {}
        feeds_left = [len(feeds)]

        def feed_done(_outcome: object) -> None:
            feeds_left[0] -= 1
            if not feeds_left[0]:
                marks["feeds"] = time.perf_counter()

        def page_done(_aid: int, state: object) -> None:
            label = getattr(state, "label", "?")
            key = label if not label.startswith("failed") else "failed: " + label.split(": ", 1)[-1][:30]
            statuses[key] = statuses.get(key, 0) + 1
            marks["last page"] = time.perf_counter()

        cpu0, t0 = cpu(), time.perf_counter()
        try:
            asyncio.run(service.refresh(on_result=feed_done, on_full_text=page_done))
        finally:
            service.close()
        t1, cpu1 = time.perf_counter(), cpu()
    for s in servers:
        s.close()
    fetched = sum(s.hits[p] for s in servers for p in s.hits if p != "/feed.xml")
    feeds_at = marks.get("feeds", t1) - t0
    last = marks.get("last page", t1) - t0
    print(f"{hosts} hosts x {per_host} summary-only articles, {LATENCY * 1000:.0f} ms latency per request")
    print(f"  feeds stored           {feeds_at:6.2f} s")
    print(f"  all full texts stored  {last:6.2f} s  ({last - feeds_at:.2f} s after the feeds)")
    print(f"  refresh returned       {t1 - t0:6.2f} s")
    print(f"  CPU (this process)     {cpu1 - cpu0:6.2f} s")
    print(f"  page requests          {fetched}")
    print(f"  statuses               {dict(sorted(statuses.items()))}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
