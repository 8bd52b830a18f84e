"""Token precision/recall/F1 of an extraction against the expected main text (bag of words, as trafilatura's
own evaluation counts them). Pure."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tui_news.text import nfc, render_html

_TOKEN = re.compile(r"\w+", re.U)


def tokens(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in _TOKEN.findall(nfc(text)))


def shown_text(html: str) -> str:
    """What the article pane shows for HTML-lite, minus "[image: alt]" and "[1]" link markers."""
    doc = render_html(html)
    cut = sorted((s.start, s.end) for s in doc.styles if s.kind in ("image", "link-ref"))
    parts: list[str] = []
    pos = 0
    for start, end in cut:
        if start >= pos:
            parts.append(doc.text[pos:start])
            pos = end
    parts.append(doc.text[pos:])
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def score(got: str, expected: str) -> Score:
    g, x = tokens(got), tokens(expected)
    common = sum((g & x).values())
    p = common / sum(g.values()) if g else 0.0
    r = common / sum(x.values()) if x else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f)
