"""The word lists in `data/`, loaded once with importlib.resources.

Each file has `#` comment lines and one entry per line; a few files hold several entries per line separated
by spaces (read with `words`), and some tag each entry (`tag:entry`, or `tag1,tag2:entry`, read with `tagged`).
Each file's header says what the list is for, its source (an outside list with its licence, or the project's own
rules) and what checks it; tests/entities/test_data.py holds the headers to that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def phrases(name: str) -> frozenset[str]:
    """One phrase per line."""
    return frozenset(_lines(name))


@cache
def words(name: str) -> frozenset[str]:
    """Several words per line, separated by blanks."""
    return frozenset(word for line in _lines(name) for word in line.split())


@cache
def tagged(name: str) -> dict[str, frozenset[str]]:
    """Lines `tag:phrase` (or `tag1,tag2:phrase`, in each of the tags' groups) grouped by tag."""
    out: dict[str, set[str]] = {}
    for line in _lines(name):
        tags, _, phrase = line.partition(":")
        for tag in tags.split(","):
            out.setdefault(tag, set()).add(phrase)
    return {tag: frozenset(items) for tag, items in out.items()}


def alternation(phrases: Iterable[str]) -> str:
    """A regex group matching any of `phrases` literally, longest first (so "Ảnh minh họa" wins over "Ảnh")."""
    return "(?:" + "|".join(re.escape(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p))) + ")"


class PhraseIndex:
    """Phrases grouped by their first word, longest first, for matching at a word start in a text."""

    def __init__(self, entries: dict[str, str]) -> None:
        self.by_first: dict[str, list[tuple[str, str]]] = {}
        for phrase, category in entries.items():
            first = phrase.split()[0]
            self.by_first.setdefault(first, []).append((phrase, category))
        for items in self.by_first.values():
            items.sort(key=lambda item: -len(item[0]))
        self.folded: dict[str, list[tuple[str, str]]] = {}
        for phrase, category in entries.items():
            if " " in phrase and category in ("org", "place"):
                self.folded.setdefault(phrase.split()[0], []).append((phrase.lower(), category))
        for items in self.folded.values():
            items.sort(key=lambda item: -len(item[0]))

    def match(self, text: str, pos: int, first: str) -> tuple[str, str] | None:
        """The longest phrase starting at `pos` (whose first word is `first`), ending at a word boundary."""
        items = self.by_first.get(first)
        if not items:
            return None
        for phrase, category in items:
            end = pos + len(phrase)
            if text.startswith(phrase, pos) and (end >= len(text) or not text[end].isalnum()):
                return phrase, category
        return None

    def match_folded(self, text: str, pos: int, first: str) -> tuple[str, str] | None:
        """`match` for organisation and place phrases, ignoring case after the first word ("Văn Phòng")."""
        items = self.folded.get(first)
        if not items:
            return None
        for phrase, category in items:
            end = pos + len(phrase)
            if text[pos:end].lower() == phrase and (end >= len(text) or not text[end].isalnum()):
                return text[pos:end], category
        return None
