"""Exact-span scoring of `extract` against a gold set (JSON lines with text, lang and entities)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_news.entities import PERSON, RESOLUTION, extract

KINDS = (PERSON, RESOLUTION)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, lang: str, kind: str) -> Counts:
        return self.counts.setdefault((lang, kind), Counts())


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score(items: Iterable[dict[str, Any]]) -> Report:
    report = Report()
    for item in items:
        text = str(item["text"])
        lang = str(item.get("lang", "vi"))
        gold = {(int(e["start"]), int(e["end"]), str(e["type"])) for e in item["entities"]}
        got = {(s.start, s.end, s.kind) for s in extract(text) if s.kind in KINDS}
        for kind in KINDS:
            g = {x for x in gold if x[2] == kind}
            p = {x for x in got if x[2] == kind}
            c = report.get(lang, kind)
            c.tp += len(g & p)
            c.fp += len(p - g)
            c.fn += len(g - p)
            for s, e, k in sorted(g - p):
                report.errors.append(f"MISS {item['id']} {k} {text[s:e]!r} @{s}")
            for s, e, k in sorted(p - g):
                ctx = text[max(0, s - 25) : e + 15].replace("\n", " ")
                report.errors.append(f"FP   {item['id']} {k} {text[s:e]!r} @{s}  …{ctx}…")
    return report


def format_report(report: Report, verbose: bool = False) -> str:
    lines = [f"{'lang':4} {'type':10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for (lang, kind), c in sorted(report.counts.items()):
        lines.append(
            f"{lang:4} {kind:10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4} {c.fp:4} {c.fn:4}"
        )
    if verbose:
        lines.extend(report.errors)
    return "\n".join(lines)
