"""Refresh benchmark: N generated feeds served from 127.0.0.1 with 50 ms latency, cold then warm.

    uv run python bench/bench_refresh.py            # N = 50, 200, 500
    uv run python bench/bench_refresh.py 500        # one size

Feeds have 50-100 items of Vietnamese or English HTML (20-300 KB per feed). The server answers ETag and
Last-Modified validators, so the warm run is all 304s. Prints wall time, CPU time (user+sys of the refresh
and its parser processes) and peak RSS (the largest single process) per run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

LATENCY = 0.05
VI_WORDS = ("Đảng bộ thành phố Hải Phòng Nghị quyết số 57-NQ/TW đổi mới phương thức lãnh đạo đồng chí Trương Thị "
            "Mai Ủy viên Bộ Chính trị Bí thư Trung ương khảo sát hệ thống chính trị phát triển kinh tế xã hội "
            "Chính phủ Thủ tướng Quốc hội Nghị định 168/2024/NĐ-CP người dân địa phương").split()
EN_WORDS = ("the Security Council adopted resolution 2334 on Tuesday officials said government minister "
            "parliament election economy growth inflation climate summit talks president spokesperson "
            "agreement week report according to").split()


def make_feed(i: int, rng: random.Random) -> bytes:
    words = VI_WORDS if i % 2 == 0 else EN_WORDS
    target = rng.randint(20_000, 300_000)
    items = rng.randint(50, 100)
    per_item = max(200, target // items)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    out = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Feed {i}</title>"
           f"<link>https://example.org/{i}</link>"]
    for j in range(items):
        paras = []
        size = 0
        while size < per_item:
            para = " ".join(rng.choice(words) for _ in range(40))
            paras.append(f"<p>{para} <a href='https://example.org/{i}/{j}'>link</a></p>")
            size += len(para) + 50
        body = "".join(paras)
        title = " ".join(rng.choice(words) for _ in range(8))
        out.append(f"<item><guid>https://example.org/{i}/{j}</guid><title>{escape(title)}</title>"
                   f"<link>https://example.org/{i}/{j}</link>"
                   f"<pubDate>{format_datetime(now - timedelta(minutes=j * 7))}</pubDate>"
                   f"<description>{escape(body)}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    feeds: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802
        time.sleep(LATENCY)
        body = self.feeds.get(self.path)
        if body is None:
            self.send_error(404)
            return
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        modified = "Tue, 24 Nov 2026 00:00:00 GMT"
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops SYNs under 64 concurrent connects: 1 s retransmits


def run_refresh(config: Path, db: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "tui_news", "refresh", "--config", str(config), "--db", str(db)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
        raise SystemExit(f"refresh failed with {proc.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def main() -> None:
    keep = os.environ.get("BENCH_KEEP")  # a folder to keep the configs and caches in, for a closer look
    sizes = [int(a) for a in sys.argv[1:]] or [50, 200, 500]
    rng = random.Random(42)
    print(f"generating {max(sizes)} feeds...", flush=True)
    feeds = {f"/feed/{i}.xml": make_feed(i, rng) for i in range(max(sizes))}
    total = sum(len(b) for b in feeds.values())
    print(f"  {total / 1e6:.0f} MB in all, {total / len(feeds) / 1e3:.0f} KB per feed on average")
    Handler.feeds = feeds
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    print(f"{'N':>5} {'run':>5} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() if not keep else contextlib.nullcontext(keep) as tmp:
        for n in sizes:
            config = Path(tmp) / f"feeds-{n}.toml"
            config.write_text("[settings]\nconcurrency = 64\nper_host = 64\n" + "".join(
                f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed/{i}.xml"\n' for i in range(n)), "utf-8")
            db = Path(tmp) / f"cache-{n}.db"
            for label in ("cold", "warm"):
                wall, cpu, rss = run_refresh(config, db)
                print(f"{n:>5} {label:>5} {wall:>8.2f} {cpu:>8.2f} {rss:>12}", flush=True)
    server.shutdown()
    print("peak RSS is the largest single process among the runs so far (getrusage RUSAGE_CHILDREN).")


if __name__ == "__main__":
    main()
