"""Refresh benchmark: N generated feeds served from 127.0.0.1 with 50 ms latency, cold then warm.

    uv run python bench/bench_refresh.py            # N = 50, 200, 500
    uv run python bench/bench_refresh.py 500        # one size

Feeds have 50-100 items of Vietnamese or English HTML (20-300 KB per feed). The server answers ETag and
Last-Modified validators, so the warm run is all 304s. Prints, per run: wall time; CPU time, user+sys of the
refresh process and of every process under it (the forkserver and its parser workers, the search-index
workers); and peak RSS of the refresh process and of the largest and all of its helper processes.

How CPU is counted: the parser workers are children of multiprocessing's forkserver, which nobody waits for,
so `RUSAGE_CHILDREN` of this script would miss them (the figures printed before 2026-12 did). This script makes
itself a child subreaper (Linux prctl), so the forkserver is re-parented to it when the refresh exits; it then
reaps it, and `RUSAGE_CHILDREN` holds the whole tree. Peak RSS per process is VmHWM from /proc, sampled every
20 ms for every process in the refresh's session until it exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
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


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Orphaned descendants (the forkserver) are re-parented to this process, so it can reap and count them."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit(f"prctl(PR_SET_CHILD_SUBREAPER) failed: {os.strerror(ctypes.get_errno())}")


def session_peaks(session: int, peaks: dict[int, int], done: threading.Event) -> None:
    """Every 20 ms until `done`: VmHWM (kB) of each process whose session is `session`, highest seen."""
    while not done.wait(0.02):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                if int(fields[3]) != session:  # field 6 of stat: the session id
                    continue
                with open(f"/proc/{entry.name}/status", "rb") as f:
                    for line in f:
                        if line.startswith(b"VmHWM:"):
                            pid = int(entry.name)
                            peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
                            break
            except (OSError, IndexError, ValueError):
                continue  # the process ended while we looked


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for every re-parented descendant (the forkserver exits once the refresh has gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)
    print("warning: a descendant of the refresh did not exit; its CPU is not counted", file=sys.stderr)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    """user + sys of the process and every process under it"""
    rss_mb: int
    """peak RSS of the process itself"""
    helpers: int
    """processes under it (forkserver, parser and index workers, ...)"""
    largest_helper_mb: int
    helpers_mb: int
    """sum of the helpers' peak RSS"""


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Run `command` to the end; its wall time, the CPU of its whole process tree and the peak RSS of each."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peaks: dict[int, int] = {}
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=cwd)
    sampler = threading.Thread(target=session_peaks, args=(proc.pid, peaks, done), daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    reap_orphans()
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(out[-2000:], err[-2000:])
        raise SystemExit(f"{command[0]} failed with {proc.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    main_peak = peaks.pop(proc.pid, 0)
    helpers = list(peaks.values())
    return Run(wall, cpu, main_peak // 1024, len(helpers), max(helpers, default=0) // 1024, sum(helpers) // 1024)


def refresh_command(config: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "tui_news", "refresh", "--config", str(config), "--db", str(db)]


def serve(feeds: dict[str, bytes]) -> Server:
    """The feeds on 127.0.0.1 (a free port), in a daemon thread."""
    Handler.feeds = feeds
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_feeds(n: int) -> dict[str, bytes]:
    rng = random.Random(42)
    return {f"/feed/{i}.xml": make_feed(i, rng) for i in range(n)}


HEADER = (f"{'wall s':>8} {'cpu s':>8} {'RSS':>6} {'helpers':>8} {'largest':>8} {'sum':>6}  "
          "(RSS: MB, the process / its largest helper / all helpers)")


def row(run: Run) -> str:
    return (f"{run.wall:>8.2f} {run.cpu:>8.2f} {run.rss_mb:>6} {run.helpers:>8} {run.largest_helper_mb:>8} "
            f"{run.helpers_mb:>6}")


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    return f"{platform.node()}: {os.cpu_count()} cores, {model or platform.machine()}, Linux {platform.release()}"


def main() -> None:
    keep = os.environ.get("BENCH_KEEP")  # a folder to keep the configs and caches in, for a closer look
    sizes = [int(a) for a in sys.argv[1:]] or [50, 200, 500]
    become_subreaper()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"generating {max(sizes)} feeds...", flush=True)
    feeds = make_feeds(max(sizes))
    total = sum(len(b) for b in feeds.values())
    print(f"  {total / 1e6:.0f} MB in all, {total / len(feeds) / 1e3:.0f} KB per feed on average")
    server = serve(feeds)
    port = server.server_address[1]
    print(f"{'N':>5} {'run':>5} {HEADER}")
    with tempfile.TemporaryDirectory() if not keep else contextlib.nullcontext(keep) as tmp:
        for n in sizes:
            config = Path(tmp) / f"feeds-{n}.toml"
            config.write_text("[settings]\nconcurrency = 64\nper_host = 64\n" + "".join(
                f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed/{i}.xml"\n' for i in range(n)), "utf-8")
            db = Path(tmp) / f"cache-{n}.db"
            for label in ("cold", "warm"):
                print(f"{n:>5} {label:>5} {row(measure(refresh_command(config, db)))}", flush=True)
    server.shutdown()
    print(f"load average after: {os.getloadavg()[0]:.1f}. CPU: the refresh and every process under it.")


if __name__ == "__main__":
    main()
