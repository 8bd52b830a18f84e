"""Snippets: a window of an article's original NFC text around the best matches, with the matched spans.

Matching happens word by word in the folded form (case and diacritics ignored, đ = d), but every word keeps
its offsets in the original text, so the spans point into what the reader sees, whatever lengths folding
changed ("Đảng" is 4 characters in NFC and in the folded "dang", but 7 in NFD; "ß" folds to "ss").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from tui_news.models import Span
from tui_news.search.query import Term
from tui_news.store.fts import TOKEN, fold

WIDTH = 200
LEAD = 60
"""Characters of context kept before the first match of the window, when there is room."""
ELLIPSIS = "…"


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


def find_matches(text: str, terms: Sequence[Term]) -> list[tuple[int, int, int]]:
    """(start, end, term index) of every place a term matches `text`, in text order, not overlapping."""
    if not text or not terms:
        return []
    words = [(m.start(), m.end(), _fold_word(m.group())) for m in TOKEN.finditer(text)]
    found: list[tuple[int, int, int]] = []
    for i in range(len(words)):
        for index, term in enumerate(terms):
            n = len(term.folded)
            if i + n > len(words):
                continue
            ok = True
            for k, want in enumerate(term.folded):
                have = words[i + k][2]
                last = k == n - 1
                if not (have == want or (last and term.prefix and have.startswith(want))):
                    ok = False
                    break
            if ok:
                found.append((words[i][0], words[i + n - 1][1], index))
                break
    # Drop overlaps (a phrase and a word inside it): keep the earlier, then the longer.
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out: list[tuple[int, int, int]] = []
    for m in found:
        if out and m[0] < out[-1][1]:
            continue
        out.append(m)
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
    start, end = _window(text, matches, width)
    body = _flatten(text[start:end])
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    spans = tuple(
        Span(s + shift, min(e, end) + shift, "match")
        for s, e, _ in matches
        if s >= start and s < end
    )
    return prefix + body + suffix, spans


def best(text: str, title: str, terms: Sequence[Term], width: int = WIDTH) -> tuple[str, tuple[Span, ...]]:
    """The snippet of an article: from its text, or from its title when the title matches more of the terms
    than the text does (or the text matches none); the start of the text when neither matches."""
    in_text = {m[2] for m in find_matches(text, terms)}
    in_title = {m[2] for m in find_matches(title, terms)}
    if in_title and len(in_title) > len(in_text):
        found = snippet(title, terms, width)
    else:
        found = snippet(text, terms, width)
    return found or (lead(text or title, width), ())


def lead(text: str, width: int = WIDTH) -> str:
    """The start of a text, cut at a word boundary (hits that matched elsewhere, filter-only queries)."""
    if len(text) <= width:
        return _flatten(text)
    end = text.rfind(" ", 0, width)
    end = end if end > width // 2 else width
    return _flatten(text[:end]) + ELLIPSIS


def _flatten(text: str) -> str:
    """Line breaks and tabs to spaces, one for one (so offsets hold)."""
    return text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
