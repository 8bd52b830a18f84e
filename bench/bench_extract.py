"""Extraction benchmark: CPU milliseconds per page on the fixture pages (tests/data/pages), p50 and p95.

    uv run python bench/bench_extract.py              # 20 runs of each of the 18 pages
    uv run python bench/bench_extract.py --runs 5 --pad 0

The fixtures are 5-6 KB; live article pages weigh 150-500 KB (inline scripts, menus, boxes of other headlines).
`--pad KB` (default 300) adds that much such furniture before </body>, so the figures are closer to real pages.

Times `tui_news.extract.extract` (bytes -> HTML-lite + metadata) with the site rules and with trafilatura alone
(`use_bundled=False`), after one warm-up pass (imports, selector compilation). CPU time of this process
(`time.process_time`: extraction starts no children). Targets: p50 <= 40 ms, p95 <= 120 ms per page.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tui_news.extract import extract

PAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "pages"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def pad(page: bytes, size: int) -> bytes:
    """About `size` bytes of what surrounds an article: an inline script (two thirds) and boxes of other
    headlines, 16 links per 10 KB asked (300 KB -> 480 links, about what a Vietnamese outlet's article carries)."""
    if size <= 0:
        return page
    script = b"<script>var config = {" + b",".join(b'"k%d": "v%d"' % (i, i) for i in range(size // 40)) + b"};</script>"
    box = b"".join(
        b'<div class="box-category" data-id="%d"><h3 class="box-title">'
        b'<a href="/muc-%d">Chuy\xc3\xaan m\xe1\xbb\xa5c %d</a></h3><ul>%s</ul></div>' % (i, i, i, b"".join(
            b'<li class="item"><a href="/bai-%d-%d.html"><img src="/t%d.jpg" alt=""></a><h4><a href="/bai-%d-%d.html">'
            b"Tin t\xe1\xbb\xa9c s\xe1\xbb\x91 %d trong chuy\xc3\xaan m\xe1\xbb\xa5c %d h\xc3\xb4m nay</a></h4></li>"
            % (i, j, j, i, j, j, i) for j in range(8)))
        for i in range(size // 10_000)
    )
    return page.replace(b"</body>", script[: size * 2 // 3] + b"\"};</script>" + box + b"</body>", 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--pad", type=int, default=300, help="KB of page furniture added to each page")
    args = ap.parse_args()
    urls: dict[str, str] = json.loads((PAGES / "urls.json").read_text("utf-8"))
    pages = {name: pad((PAGES / f"{name}.html").read_bytes(), args.pad * 1000) for name in urls}
    print(f"bench_extract  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.node()}  {platform.machine()}  "
          f"{os.cpu_count()} cpus  Python {platform.python_version()}  {platform.platform()}")
    average = sum(map(len, pages.values())) // len(pages)
    print(f"{len(pages)} pages, {average:,} bytes on average (--pad {args.pad}), {args.runs} runs each")
    for label, bundled in (("site rules", True), ("trafilatura only", False)):
        for name, body in pages.items():  # warm-up
            extract(body, urls[name], use_bundled=bundled)
        times: list[float] = []
        worst = ("", 0.0)
        for _ in range(args.runs):
            for name, body in pages.items():
                t = time.process_time()
                extract(body, urls[name], use_bundled=bundled)
                ms = (time.process_time() - t) * 1000
                times.append(ms)
                worst = max(worst, (name, ms), key=lambda w: w[1])
        print(f"{label:17} p50 {percentile(times, 0.5):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms  "
              f"max {worst[1]:6.1f} ms ({worst[0]})  CPU per page  (targets: p50 <= 40, p95 <= 120)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
