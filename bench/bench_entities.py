"""Speed of tui_news.entities.extract in ms per 1,000 characters, on one core.

Times are CPU time of this process, so other load on the machine does not count.

    uv run python bench/bench_entities.py

A short article (the seed) and a ~50,000-character text made by concatenating the real texts of the gold set.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tui_news.entities import extract

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval" / "entities"


def per_kchar(text: str, seconds: float = 2.0) -> float:
    extract(text)  # warm the lexicons and regex caches
    runs = 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        extract(text)
        runs += 1
    elapsed = time.process_time() - start
    return elapsed / runs * 1000 / (len(text) / 1000)


def main() -> None:
    short = (EVAL / "seed_article.txt").read_text(encoding="utf-8")
    texts = [
        json.loads(line)["text"] for line in (EVAL / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    vi = [t for t in texts if any(ch in t for ch in "ăđơư")]
    long_text = ""
    while len(long_text) < 50_000:
        for t in vi:
            long_text += t + "\n\n"
    long_text = long_text[:50_000]
    en = "\n\n".join(t for t in texts if t not in vi)
    print(f"short article ({len(short):,} chars): {per_kchar(short):.3f} ms / 1,000 chars")
    print(f"long text     ({len(long_text):,} chars): {per_kchar(long_text):.3f} ms / 1,000 chars")
    print(f"english texts ({len(en):,} chars): {per_kchar(en):.3f} ms / 1,000 chars")


if __name__ == "__main__":
    main()
