"""Extraction quality on the fixture pages (tests/data/pages): token precision/recall/F1 per page, with the site
rules and with trafilatura alone (then readability when trafilatura finds nothing), side by side.

    uv run python eval/extract/run.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tui_news.extract import ExtractError, extract
from tui_news.extract.score import Score, score, shown_text

PAGES = Path(__file__).resolve().parents[2] / "tests" / "data" / "pages"


def evaluate(use_rules: bool) -> dict[str, tuple[Score, str]]:
    urls = json.loads((PAGES / "urls.json").read_text("utf-8"))
    out: dict[str, tuple[Score, str]] = {}
    for name, url in urls.items():
        page = (PAGES / f"{name}.html").read_bytes()
        expected = (PAGES / f"{name}.expected.txt").read_text("utf-8")
        try:
            got = extract(page, url, use_bundled=use_rules)
        except ExtractError as exc:
            out[name] = (Score(0.0, 0.0, 0.0), f"failed: {exc.reason}")
            continue
        out[name] = (score(shown_text(got.html), expected), got.extractor)
    return out


def mean(scores: list[Score]) -> Score:
    n = len(scores) or 1
    return Score(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n)


def main() -> int:
    ruled, plain = evaluate(True), evaluate(False)
    print(f"{'page':16} {'rules: P    R    F1':22} {'by':22} {'trafilatura only: P  R    F1':30} by")
    for name in ruled:
        (a, by_a), (b, by_b) = ruled[name], plain[name]
        print(f"{name:16} {a.precision:5.2f} {a.recall:5.2f} {a.f1:5.2f}      {by_a:22} "
              f"{b.precision:5.2f} {b.recall:5.2f} {b.f1:5.2f}             {by_b}")
    ma, mb = mean([s for s, _ in ruled.values()]), mean([s for s, _ in plain.values()])
    print(f"{'mean':16} {ma.precision:5.2f} {ma.recall:5.2f} {ma.f1:5.2f}      {'':22} "
          f"{mb.precision:5.2f} {mb.recall:5.2f} {mb.f1:5.2f}")
    print(f"F1 with site rules {ma.f1:.3f}; trafilatura (readability fallback) without them {mb.f1:.3f}; "
          f"{len(ruled)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
