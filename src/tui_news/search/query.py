"""The query language, parsed into plain data and compiled to an FTS5 MATCH expression plus SQL filters.

    words            every word must appear (in title, author, feed title or text)
    "a phrase"       the words in this order
    prefix*          words starting with "prefix"
    -word, -"a b"    leave out articles that have it
    a OR b           either (binds tighter than the implicit AND: `x a OR b` is x AND (a OR b))
    feed:NAME tag:NAME is:unread is:read is:starred since:7d since:12h since:2026-01-01
    person:"Trương Thị Mai" resolution:57-NQ/TW   (a `-` before a filter negates it)

User text never reaches FTS5 as syntax: every word or phrase is emitted as one quoted FTS5 string (quotes
doubled, control characters blanked), so FTS5 operators typed by the user are just words.
Words are compared in two forms (see tui_news.text and tui_news.store.fts): a word typed without diacritics
matches the folded form of the text; a word typed with them matches it too, and ranks articles that have it
exactly first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tui_news.errors import SearchQueryError
from tui_news.text import TOKEN, blank_controls, exact_form, folded_form, nfc

FILTERS = ("feed", "tag", "is", "since", "person", "resolution")
IS_VALUES = ("unread", "read", "starred", "unstarred")
_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“"}
_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400}
_RELATIVE = re.compile(r"^(\d{1,6})\s*(h|hours?|d|days?|w|weeks?|m|months?|y|years?)$", re.I)
_FILTER_NAME = re.compile(r"^(-?)([a-z]+):(.*)$", re.I | re.S)


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase: its tokens in the exact and folded forms."""

    text: str
    exact: tuple[str, ...]
    folded: tuple[str, ...]
    prefix: bool = False

    @property
    def accented(self) -> bool:
        """Typed with diacritics (or đ): exact matches rank first."""
        return self.exact != self.folded

    @property
    def exact_text(self) -> str:
        """What FTS5 is given to tokenise: the typed text in the exact form (so FTS5 splits it exactly as it
        split the indexed text, even in scripts whose marks Python's `\\w` does not count as letters)."""
        return exact_form(self.text)

    def _phrase(self, text: str) -> str:
        return f'"{text.replace(chr(34), chr(34) * 2)}"' + ("*" if self.prefix else "")

    def positive(self) -> str:
        """Matches the folded form. No column filter is needed: a folded word is in the folded columns, or
        in the exact ones where folding changed nothing."""
        return self._phrase(folded_form(self.exact_text))

    def exact_match(self) -> str:
        """Matches the exact form (an accented word only ever appears in the exact columns)."""
        return self._phrase(self.exact_text)

    def negative(self) -> str:
        """-đảng leaves out "Đảng" but keeps "đang"; -dang leaves out both."""
        return self.exact_match() if self.accented else self.positive()


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    value: str
    negated: bool = False
    since: int | None = None
    """For since: the unix time from which articles are kept."""


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    clauses: tuple[tuple[Term, ...], ...] = ()
    """All clauses must match; a clause matches when any of its terms does (OR)."""
    exclusions: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.clauses or self.exclusions or self.filters)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for clause in self.clauses for t in clause)

    @property
    def accented(self) -> bool:
        return any(t.accented for t in self.terms)

    def match(self, *, exact: bool = False) -> str | None:
        """The FTS5 MATCH expression of the positive terms (None when there are none).

        `exact`: words typed with diacritics must match in their exact form."""
        if not self.clauses:
            return None
        parts = []
        for clause in self.clauses:
            alts = [t.exact_match() if exact and t.accented else t.positive() for t in clause]
            parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        expr = " AND ".join(parts)
        if self.exclusions:
            expr = f"({expr}) NOT ({self.exclusion_match()})"
        return expr

    def exclusion_match(self) -> str | None:
        """A MATCH expression matching any excluded term."""
        if not self.exclusions:
            return None
        return " OR ".join(t.negative() for t in self.exclusions)


# ------------------------------------------------------------------ lexing
@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    negated: bool = False
    quoted: bool = False
    prefix: bool = False
    filter: str | None = None


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """`text[i]` is an opening quote: the quoted string and the index after the closing quote."""
    close = _QUOTES[text[i]]
    j = i + 1
    while j < len(text) and text[j] != close and not (close == '"' and text[j] in "”"):
        j += 1
    if j >= len(text):
        raise SearchQueryError(f"unbalanced quote in {text!r}: close the phrase with another {close}")
    return text[i + 1:j], j + 1


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        if text[i] in _QUOTES:
            value, i = _read_quoted(text, i)
            prefix = i < n and text[i] == "*"
            i += prefix
            tokens.append(_Token(value, negated, quoted=True, prefix=prefix))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _QUOTES:
            j += 1
        word = text[i:j]
        i = j
        m = _FILTER_NAME.match(word)
        if m and m.group(2).lower() in FILTERS:
            name, value = m.group(2).lower(), m.group(3)
            if not value and i < n and text[i] in _QUOTES:
                value, i = _read_quoted(text, i)
            tokens.append(_Token(value, negated, filter=name))
            continue
        prefix = word.endswith("*")
        tokens.append(_Token(word.rstrip("*"), negated, prefix=prefix))
    return tokens


# ----------------------------------------------------------------- parsing
def _term(text: str, prefix: bool) -> Term | None:
    exact = tuple(m.group() for m in TOKEN.finditer(exact_form(text)))
    if not exact:
        return None
    return Term(text, exact, tuple(folded_form(t) for t in exact), prefix)


def _since(value: str, now: datetime) -> int:
    value = value.strip()
    m = _RELATIVE.match(value)
    if m:
        return int(now.timestamp()) - int(m.group(1)) * _UNITS[m.group(2)[0].lower()]
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SearchQueryError(
            f"since:{value} is not a date or an age: use e.g. since:7d, since:12h, since:2w, since:2026-01-01"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _filter(token: _Token, now: datetime) -> Filter:
    name, value = token.filter or "", token.text.strip()
    if not value:
        raise SearchQueryError(f"{name}: needs a value, e.g. {name}:{_EXAMPLES[name]}")
    if name == "is":
        value = value.lower()
        if value not in IS_VALUES:
            choices = ", ".join(f"is:{v}" for v in IS_VALUES)
            raise SearchQueryError(f"unknown is:{value}; use one of {choices}")
        return Filter(name, value, token.negated)
    if name == "since":
        return Filter(name, value, token.negated, since=_since(value, now))
    return Filter(name, value, token.negated)


_EXAMPLES = {"feed": "vnexpress", "tag": "news", "is": "unread", "since": "7d", "person": '"Trương Thị Mai"',
             "resolution": "57-NQ/TW"}


def parse_query(text: str, *, now: datetime | None = None) -> Query:
    """Parse what the user typed. Raises SearchQueryError with a readable message when it is malformed."""
    now = now or datetime.now(UTC)
    text = blank_controls(nfc(text)).strip()
    clauses: list[list[Term]] = []
    exclusions: list[Term] = []
    filters: list[Filter] = []
    pending_or = False
    last_was_term = False
    for token in _lex(text):
        if token.filter is not None:
            if pending_or:
                raise SearchQueryError("OR must stand between two words, not before a filter")
            filters.append(_filter(token, now))
            last_was_term = False
            continue
        if token.text == "OR" and not token.quoted and not token.negated and not token.prefix:
            if not last_was_term or pending_or:
                raise SearchQueryError("OR must stand between two words, e.g. 'flood OR storm'")
            pending_or = True
            continue
        term = _term(token.text, token.prefix)
        if token.negated:
            if pending_or:
                raise SearchQueryError("OR cannot be followed by an excluded word")
            if term is not None:
                exclusions.append(term)
            last_was_term = False
            continue
        if term is None:  # punctuation only: nothing to look for
            continue
        if pending_or:
            clauses[-1].append(term)
            pending_or = False
        else:
            clauses.append([term])
        last_was_term = True
    if pending_or:
        raise SearchQueryError("OR must stand between two words, e.g. 'flood OR storm'")
    if exclusions and not clauses and not filters:
        raise SearchQueryError("a query of only excluded words matches everything: add a word to look for")
    return Query(text, tuple(tuple(c) for c in clauses), tuple(exclusions), tuple(filters))
