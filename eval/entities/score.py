"""Score tui_news.entities on the gold set: exact-span P/R/F1 per type and language.

uv run python eval/entities/score.py [--verbose] [gold.jsonl]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_news.entities.evaluate import format_report, load, score

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("gold", nargs="?", default=str(HERE / "gold.jsonl"))
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses and false positives")
    args = parser.parse_args()
    print(format_report(score(load(Path(args.gold))), verbose=args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
