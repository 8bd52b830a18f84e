"""Snippets: a window of an article's original NFC text around the best matches, with the matched spans.

Matching is in the folded form (case and diacritics ignored, đ = d) but runs on the original text: each
letter of a folded query word becomes the class of every letter that folds to it ("d" -> [dDđĐ], "a" ->
[aAàáảãạăắ...]), so a match's offsets are offsets in what the reader sees, whatever lengths folding would
change (7 characters of NFD "Đảng" are 4 in NFC). Words must match whole (or as a prefix for `word*`), and
the words of a phrase follow each other with only non-word characters between them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from tui_news.models import Span
from tui_news.search.query import Term
from tui_news.store.fts import MARKS, fold

WIDTH = 200
LEAD = 60
"""Characters of context kept before the first match of the window, when there is room."""
ELLIPSIS = "…"
_WORD = r"[^\W_]"
_NOT_WORD = r"[\W_]"


def _variants() -> dict[str, set[str]]:
    """Folded letter -> every character (both cases) that folds to it, over the Latin blocks."""
    out: dict[str, set[str]] = {}
    ranges = ((0x30, 0x7F), (0xC0, 0x250), (0x1E00, 0x1F00))
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            if not ch.isalnum():
                continue
            folded = fold(ch)
            if len(folded) == 1:
                out.setdefault(folded, set()).add(ch)
    return out


_VARIANTS = _variants()


def _letter(ch: str) -> str:
    chars = {ch, ch.upper(), *_VARIANTS.get(ch, ())}
    if len(chars) == 1:
        return re.escape(ch)
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _word(token: str) -> str:
    # A letter may be followed by leftover combining marks (text that stayed decomposed).
    return f"[{MARKS}]*".join(_letter(c) for c in token) + f"[{MARKS}]*"


def _term_pattern(term: Term) -> str:
    body = f"{_NOT_WORD}+".join(_word(t) for t in term.folded)
    tail = f"(?:{_WORD}|[{MARKS}])*" if term.prefix else ""
    return f"(?<!{_WORD}){body}{tail}(?!{_WORD})"


@lru_cache(maxsize=256)
def matcher(terms: tuple[Term, ...]) -> re.Pattern[str] | None:
    """One regex finding every term (longest first, so a phrase wins over a word inside it)."""
    if not terms:
        return None
    order = sorted(range(len(terms)), key=lambda i: -sum(len(t) for t in terms[i].folded))
    return re.compile("|".join(f"(?P<t{i}>{_term_pattern(terms[i])})" for i in order), re.IGNORECASE)


def find_matches(text: str, terms: Sequence[Term]) -> list[tuple[int, int, int]]:
    """(start, end, term index) of every place a term matches `text`, in text order, not overlapping."""
    pattern = matcher(tuple(terms))
    if not text or pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        name = m.lastgroup or "t0"
        out.append((m.start(), m.end(), int(name[1:])))
    return out


def _window(text: str, matches: list[tuple[int, int, int]], width: int) -> tuple[int, int]:
    """[start, end) of the window holding the most distinct terms (then the most matches, then earliest)."""
    best = (0, 0, 0)
    best_start = matches[0][0]
    for i, (start, _end, _term) in enumerate(matches):
        inside = [m for m in matches[i:] if m[1] <= start + width]
        score = (len({m[2] for m in inside}), len(inside), -start)
        if score > best:
            best, best_start = score, start
    start = max(0, best_start - LEAD)
    end = min(len(text), start + width)
    if end - start < width:  # near the end: show more before
        start = max(0, end - width)
    # Whole words at both ends.
    if start > 0:
        space = text.find(" ", start, best_start)
        if space != -1:
            start = space + 1
    if end < len(text):
        last_match_end = max([m[1] for m in matches if start <= m[0] < end] or [start])
        space = text.rfind(" ", last_match_end, end)
        if space > start:
            end = space
    return start, end


def snippet(text: str, terms: Sequence[Term], width: int = WIDTH) -> tuple[str, tuple[Span, ...]] | None:
    """A window of `text` around the matches, with their spans as offsets into the returned string.

    None when no term matches `text`.
    """
    matches = find_matches(text, terms)
    if not matches:
        return None
    return _cut(text, matches, width)


def _cut(text: str, matches: list[tuple[int, int, int]], width: int) -> tuple[str, tuple[Span, ...]]:
    start, end = _window(text, matches, width)
    body = _flatten(text[start:end])
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    spans = tuple(Span(s + shift, min(e, end) + shift, "match") for s, e, _ in matches if start <= s < end)
    return prefix + body + suffix, spans


def best(text: str, title: str, terms: Sequence[Term], width: int = WIDTH) -> tuple[str, tuple[Span, ...]]:
    """The snippet of an article: from its text, or from its title when the title matches more of the terms
    than the text does (or the text matches none); the start of the text when neither matches."""
    text = unicodedata.normalize("NFC", text)
    in_text = find_matches(text, terms)
    in_title = find_matches(title, terms)
    if in_title and len({m[2] for m in in_title}) > len({m[2] for m in in_text}):
        return _cut(title, in_title, width)
    if in_text:
        return _cut(text, in_text, width)
    return lead(text or title, width), ()


def lead(text: str, width: int = WIDTH) -> str:
    """The start of a text, cut at a word boundary (hits that matched elsewhere, filter-only queries)."""
    if len(text) <= width:
        return _flatten(text)
    end = text.rfind(" ", 0, width)
    end = end if end > width // 2 else width
    return _flatten(text[:end]) + ELLIPSIS


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _flatten(text: str) -> str:
    """Line breaks, tabs, terminal controls and bidi overrides to spaces, one for one (so offsets hold)."""
    return _CONTROL.sub(" ", text)
