"""Snippets: a window of an article's original NFC text around the best matches, with the matched spans.

Matching is in the folded form (case and diacritics ignored, đ = d) of the NFC text, folded character for
character ("Đảng" -> "dang", 4 -> 4), so a match's offsets are offsets in what the reader sees. Words match
whole (or as a prefix for `word*`), and the words of a phrase follow each other with only non-word
characters between them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from tui_news.models import Span
from tui_news.search.query import Term
from tui_news.text import blank_controls, fold, nfc

WIDTH = 200
LEAD = 60
"""Characters of context kept before the first match of the window, when there is room."""
ELLIPSIS = "…"


def _fold_table() -> dict[int, str]:
    """Character -> its folded form, for every letter whose folded form is ONE character (so folding with
    this table keeps every offset): "Đ" -> "d", "ấ" -> "a", "Ư" -> "u", "A" -> "a", "Ж" -> "ж"."""
    table: dict[int, str] = {}
    for lo, hi in ((0x41, 0x5B), (0xC0, 0x250), (0x370, 0x530), (0x1E00, 0x1F00)):
        for cp in range(lo, hi):
            folded = fold(chr(cp))
            if len(folded) == 1 and folded != chr(cp):
                table[cp] = folded
    return table


_TABLE = _fold_table()
SEARCH_LIMIT = 100_000
"""Snippets look for matches in this many characters of an article at most."""


def fold_same_length(text: str) -> str:
    """`text` case- and diacritic-folded character for character: offsets in it are offsets in `text`.
    (Characters whose folded form is longer, like "ß", stay as they are.)"""
    lower = text.lower()
    return (lower if len(lower) == len(text) else text).translate(_TABLE)


@lru_cache(maxsize=256)
def _patterns(terms: tuple[Term, ...]) -> list[tuple[int, re.Pattern[str], bool]]:
    out = []
    for index, term in enumerate(terms):
        body = r"[\W_]+".join(re.escape(w) for w in term.folded)
        out.append((index, re.compile(body + (r"[^\W_]*" if term.prefix else "")), term.prefix))
    return out


def find_matches(text: str, terms: Sequence[Term]) -> list[tuple[int, int, int]]:
    """(start, end, term index) of every place a term matches `text`, in text order, not overlapping.

    Searched in `fold_same_length(text)`, so offsets are the text's own. Words match whole (a prefix term's
    last word only has to start a word); the words of a phrase may be separated by any non-word characters."""
    if not text or not terms:
        return []
    folded = fold_same_length(text[:SEARCH_LIMIT])
    size = len(folded)
    found: list[tuple[int, int, int]] = []
    for index, pattern, prefix in _patterns(tuple(terms)):
        for m in pattern.finditer(folded):
            start, end = m.span()
            if start > 0 and folded[start - 1].isalnum():
                continue
            if not prefix and end < size and folded[end].isalnum():
                continue
            found.append((start, end, index))
    # Keep the earlier, then the longer, of overlapping matches (a phrase and a word inside it).
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out: list[tuple[int, int, int]] = []
    for match in found:
        if not out or match[0] >= out[-1][1]:
            out.append(match)
    return out


def _best_start(matches: list[tuple[int, int, int]], width: int) -> int:
    """The start of the match that opens the window holding the most distinct terms (then the most matches,
    then the earliest)."""
    # Matches are sorted and do not overlap, so their ends are sorted too: one sliding window, linear (an
    # article repeating a word 20,000 times once took seconds here).
    best = (0, 0, 0)
    best_start = matches[0][0]
    counts: Counter[int] = Counter()
    j = 0
    for i, (start, _end, _term) in enumerate(matches):
        while j < len(matches) and matches[j][1] <= start + width:
            counts[matches[j][2]] += 1
            j += 1
        score = (len(counts), j - i, -start)
        if score > best:
            best, best_start = score, start
        if j > i:  # match i leaves the window before the next start
            counts[matches[i][2]] -= 1
            if not counts[matches[i][2]]:
                del counts[matches[i][2]]
        else:
            j = i + 1
    return best_start


def _window(text: str, matches: list[tuple[int, int, int]], width: int) -> tuple[int, int]:
    """[start, end) of the best window (see _best_start), cut at whole words."""
    best_start = _best_start(matches, width)
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

    None when no term matches `text`. The snippet is cut from the NFC form of `text`.
    """
    text = nfc(text)
    matches = find_matches(text, terms)
    if not matches:
        return None
    return _cut(text, matches, width)


def _cut(text: str, matches: list[tuple[int, int, int]], width: int) -> tuple[str, tuple[Span, ...]]:
    start, end = _window(text, matches, width)
    body = blank_controls(text[start:end])
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    spans = tuple(Span(s + shift, min(e, end) + shift, "match") for s, e, _ in matches if start <= s < end)
    return prefix + body + suffix, spans


def best(text: str, title: str, terms: Sequence[Term], width: int = WIDTH) -> tuple[str, tuple[Span, ...]]:
    """The snippet of an article: from its text, or from its title when the title matches more of the terms
    than the text does (or the text matches none); the start of the text when neither matches."""
    text = nfc(text)
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
        return blank_controls(text)
    end = text.rfind(" ", 0, width)
    end = end if end > width // 2 else width
    return blank_controls(text[:end]) + ELLIPSIS


