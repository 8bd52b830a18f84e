"""Search benchmark: N generated articles of about 2 KB (half Vietnamese, half English).

    uv run python bench/bench_search.py                 # N = 100,000
    uv run python bench/bench_search.py --n 20000       # smaller
    uv run python bench/bench_search.py --keep /tmp/b.db  # keep the cache to poke at

Generates the articles (Zipf-distributed words from sentence pools, a few rare names and codes sprinkled in),
inserts them in one transaction without indexing, then times `Repository.rebuild_search_index` (the full index build:
HTML to text, both forms, FTS5 insert, optimize). Then times top-20 `search()` for a set of queries, p50 and
p95 over --runs runs each, both the whole call (SQL + snippets) and the SQL alone. Prints the size of the
index (FTS5 shadow tables and search_docs) next to the articles table, from the dbstat virtual table.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tui_news.models import FeedConfig
from tui_news.search import parse_query, ranked_ids, search
from tui_news.store.repo import Repository

NOW = datetime(2026, 11, 25, tzinfo=UTC)
LOAD = ""

VI_WORDS = """
và của là có được cho không trong người những một các với này đã đến khi năm để về theo từ như nhiều
cũng thì sẽ tại đó ra nhưng phải làm trên việc hơn đang vào sau lại mới nước nhà chỉ nói nếu còn
dân thành phố tỉnh huyện xã Hà Nội Hải Phòng Đà Nẵng Cần Thơ Sài Gòn Việt Nam Chính phủ Thủ tướng Quốc hội
Đảng bộ đồng chí Bí thư Trung ương Bộ Chính trị Ủy ban nhân dân hội nghị nghị quyết nghị định thông tư
quyết định chỉ thị kết luận kinh tế xã hội phát triển đổi mới khoa học công nghệ giáo dục y tế văn hóa
thể thao du lịch nông nghiệp công nghiệp đầu tư doanh nghiệp thị trường giá cả lạm phát tăng trưởng
xuất khẩu nhập khẩu ngân hàng tài chính ngân sách thuế đất đai nhà ở giao thông đường sắt cao tốc sân bay
cảng biển môi trường biến đổi khí hậu mưa lũ bão hạn hán thiên tai cứu trợ an ninh quốc phòng quân đội
công an tòa án viện kiểm sát pháp luật hiến pháp bầu cử đại biểu cử tri tiếp xúc chất vấn giải trình
học sinh sinh viên giáo viên trường học đại học kỳ thi tốt nghiệp tuyển sinh bệnh viện bác sĩ bệnh nhân
dịch bệnh vắc xin sức khỏe lao động việc làm tiền lương bảo hiểm hưu trí người cao tuổi trẻ em phụ nữ
thanh niên nông dân công nhân trí thức văn nghệ sĩ nhà báo báo chí truyền thông mạng xã hội chuyển đổi số
trí tuệ nhân tạo dữ liệu an toàn thông tin hợp tác quốc tế ngoại giao hội nhập đối ngoại hữu nghị
lãnh đạo chỉ đạo triển khai thực hiện kiểm tra giám sát đánh giá tổng kết sơ kết nhiệm vụ giải pháp
mục tiêu kế hoạch chương trình dự án công trình hạng mục khởi công khánh thành hoàn thành tiến độ
hôm nay hôm qua tuần này tháng trước năm ngoái sáng chiều tối đêm qua vừa qua sắp tới thời gian
""".split()

EN_WORDS = """
the of and to in a is that for on it with as was at by be this from are or have an they which one
had were said has been their more will would there when who about also after its into than other
government minister president parliament election vote voters party leader opposition coalition policy
economy growth inflation interest rates bank market markets stocks shares trade tariffs exports imports
budget tax spending deficit debt jobs unemployment wages workers union strike companies company profit
climate change energy oil gas prices emissions renewable solar wind power grid summit talks agreement
security council resolution united nations war peace ceasefire troops military defence attack forces
police court judge trial law rights protest protesters city capital region province border refugees
health hospital doctors patients vaccine virus school students university teachers research science
technology artificial intelligence data privacy internet social media platform users software chips
officials spokesperson statement report according week month year today yesterday tuesday wednesday
thursday friday monday sunday saturday morning evening night announced reported warned expected plans
""".split()

RARE_VI = ["Trương Thị Mai", "Nghị quyết số 57-NQ/TW", "Nghị định 168/2024/NĐ-CP", "đèo Khau Phạ",
           "Quyết định số 1234/QĐ-TTg"]
RARE_EN = ["Security Council resolution 2334", "Laken Riley Act", "Kuala Lumpur", "quantum annealing",
           "Ban Ki-moon"]

QUERIES: list[tuple[str, str]] = [
    ("common vi", "phát triển"),
    ("common vi unaccented", "phat trien"),
    ("common vi two words", "kinh tế xã hội"),
    ("common en", "government"),
    ("common en two words", "economy growth"),
    ("rare vi name", "Trương Thị Mai"),
    ("rare vi unaccented", "truong thi mai"),
    ("rare code", "57-NQ/TW"),
    ("rare code 2", "168/2024/NĐ-CP"),
    ("rare en", "quantum annealing"),
    ("phrase vi", '"biến đổi khí hậu"'),
    ("phrase vi unaccented", '"bien doi khi hau"'),
    ("phrase en", '"security council"'),
    ("unaccented sentence", "dang bo hai phong nghi quyet"),
    ("accented đang", "đang"),
    ("prefix en", "secur*"),
    ("or", "tariffs OR inflation"),
    ("exclusion", "climate -summit"),
    ("filtered feed", "kinh tế feed:vi-04"),
    ("filtered since", "government since:7d"),
    ("filtered unread", "giáo dục is:unread"),
    ("filter only", "tag:world since:2d"),
]


def pools(rng: random.Random, words: list[str], n: int) -> list[str]:
    """Sentences of runs of 1-4 neighbouring words (so "biến đổi khí hậu" comes out whole), Zipf-picked."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]
    out = []
    for _ in range(n):
        sentence: list[str] = []
        for start in rng.choices(range(len(words)), weights, k=rng.randint(6, 12)):
            sentence.extend(words[start:start + rng.randint(1, 4)])
        out.append(" ".join(sentence).capitalize() + ".")
    return out


def generate(n: int, seed: int = 7) -> list[tuple[object, ...]]:
    rng = random.Random(seed)
    vi, en = pools(rng, VI_WORDS, 4000), pools(rng, EN_WORDS, 4000)
    rows: list[tuple[object, ...]] = []
    now_ts = int(NOW.timestamp())
    for i in range(n):
        is_vi = i % 2 == 0
        pool, rare = (vi, RARE_VI) if is_vi else (en, RARE_EN)
        feed_id = (i % 20) + 1
        title = rng.choice(pool)[:-1][:90]
        paras = []
        size = 0
        while size < 1900:
            para = " ".join(rng.choices(pool, k=4))
            if rng.random() < 0.002:
                para += " " + rng.choice(rare) + "."
            paras.append(f"<p>{para}</p>")
            size += len(para) + 7
        # Articles arrive over a year, in id order (as a refresh inserts them), a day of jitter.
        published = now_ts - int((n - i) * 365 * 86400 / n) - rng.randint(0, 86400)
        rows.append((feed_id, f"g{i}", title, None, f"https://example.org/{i}", published, None, None,
                     "".join(paras), f"h{i}", int(rng.random() < 0.3), int(rng.random() < 0.01), now_ts))
    return rows


def sizes(repo: Repository) -> dict[str, int]:
    conn = repo.db.connect()
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except Exception:  # no dbstat: fall back to the file size only
        return {}
    groups: dict[str, int] = {}
    for name, size in rows:
        if name.startswith("search_") or name.startswith("sqlite_autoindex_search"):
            key = "search index (FTS5 + search_docs)"
        elif name.startswith("articles") or name.startswith("sqlite_autoindex_articles"):
            key = "articles table + its indexes"
        else:
            key = "other"
        groups[key] = groups.get(key, 0) + int(size)
    return groups


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", metavar="PATH", help="write the cache here (and keep it)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(tmp.name) / "bench.db"
    if path.exists():
        sys.exit(f"{path} exists")
    repo = Repository.open(path)
    feeds = [FeedConfig(url=f"https://example.org/{'vi' if i % 2 == 0 else 'en'}-{i:02d}.xml",
                        name=f"{'vi' if i % 2 == 0 else 'en'}-{i:02d}",
                        tags=("vietnam",) if i % 2 == 0 else ("world",)) for i in range(20)]
    repo.sync_feeds(feeds)

    global LOAD
    LOAD = " ".join(f"{x:.1f}" for x in os.getloadavg())
    t0 = time.perf_counter()
    rows = generate(args.n)
    t1 = time.perf_counter()
    with repo.db.transaction() as conn:
        conn.executemany(
            """INSERT INTO articles (feed_id, guid, title, author, link, published, updated, summary, content,
                   content_hash, read, starred, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows)
    t2 = time.perf_counter()
    text_bytes = sum(len(str(r[8]).encode()) for r in rows)
    del rows
    print(f"generated {args.n:,} articles ({text_bytes / args.n / 1024:.1f} KB HTML each) "
          f"in {t1 - t0:.1f} s; inserted in {t2 - t1:.1f} s")

    t3 = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    count = repo.rebuild_search_index()
    t4 = time.perf_counter()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_main = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    print(f"index build (reindex): {count:,} articles in {t4 - t3:.1f} s "
          f"({count / (t4 - t3):,.0f} articles/s); CPU {cpu_main:.1f} s in this process (the SQLite side; "
          f"HTML-to-text and folding run in worker processes); load average before: {LOAD}")
    repo.db.connect().execute("ANALYZE")

    print("\nsizes (dbstat):")
    for name, size in sorted(sizes(repo).items()):
        print(f"  {name:40} {size / 2**20:8.1f} MiB")
    print(f"  {'file':40} {path.stat().st_size / 2**20:8.1f} MiB")

    print(f"\nload average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"top-20 search, {args.runs} runs each (ms): whole call (SQL + snippets) | SQL only | hits")
    print(f"  {'query':26} {'':30} {'p50':>6} {'p95':>6} | {'p50':>6} {'p95':>6} | hits")
    all_whole: list[float] = []
    all_sql: list[float] = []
    for label, query in QUERIES:
        whole: list[float] = []
        sql_only: list[float] = []
        hits = search(repo, query, limit=20, now=NOW)  # warm-up
        for _ in range(args.runs):
            s0 = time.perf_counter()
            search(repo, query, limit=20, now=NOW)
            s1 = time.perf_counter()
            ranked_ids(repo, parse_query(query, now=NOW), 20)
            s2 = time.perf_counter()
            whole.append((s1 - s0) * 1000)
            sql_only.append((s2 - s1) * 1000)
        all_whole += whole
        all_sql += sql_only
        print(f"  {label:26} {query[:30]:30} {pct(whole, .5):6.1f} {pct(whole, .95):6.1f} | "
              f"{pct(sql_only, .5):6.1f} {pct(sql_only, .95):6.1f} | {len(hits)}")
    print(f"  {'ALL QUERIES':57} {pct(all_whole, .5):6.1f} {pct(all_whole, .95):6.1f} | "
          f"{pct(all_sql, .5):6.1f} {pct(all_sql, .95):6.1f} |")
    worst = max(pct(all_whole[i:i + args.runs], .95) for i in range(0, len(all_whole), args.runs))
    print(f"  worst single-query p95 (whole call): {worst:.1f} ms")
    repo.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
