"""Person names and resolutions in Vietnamese and English news text.

`extract(text)` returns sorted, non-overlapping `Span`s whose offsets index the text as given (it may be NFD
or hold odd spaces: the work is done on an NFC copy with spaces folded, and offsets are mapped back). Kinds
are "PERSON" and "RESOLUTION"; what counts follows ../shared/seed/README.md.

Keys (`Span.key`), which the search filters `person:"..."` and `resolution:...` match:

- PERSON: the name as written with blanks collapsed, e.g. "Trương Thị Mai", "Ban Ki-moon", "Bác Hồ".
- RESOLUTION: the canonical document word, a blank and the identifier as written without "số"/"No.", e.g.
  "Nghị quyết 57-NQ/TW" (for "Nghị quyết số 57-NQ/TW" and "NQ 57-NQ/TW"), "Nghị định 168/2024/NĐ-CP",
  "Nghị quyết Trung ương 5 khóa X", "Luật Đất đai năm 2024", "Resolution 2334" (for "resolution 2334 (2016)"
  and "S/RES/2334 (2016)"), "H.Res. 24", "Laken Riley Act". A short number ("Nghị quyết 57") takes the key of
  the one full code of the same document word in the article that starts with that number ("57-NQ/TW"), when
  there is exactly one. A span naming several documents ("Nghị quyết 66 và 68") has their keys joined with
  " | ".

`normalise_key(kind, user_text)` turns what a user types into this form; `key_matches(kind, key, user_text)`
compares case- and diacritic-insensitively; `fold_key(key)` is the folded form to store in an index column
(a typed filter matches when `fold_key(normalise_key(kind, typed)) == fold_key(stored_key)`).
"""

from __future__ import annotations

import bisect
import re

from tui_news.entities import persons, resolutions
from tui_news.entities.textnorm import detect_language
from tui_news.models import Span
from tui_news.text import OffsetText
from tui_news.text import fold_words as fold

__all__ = [
    "ENTITIES_VERSION",
    "PERSON",
    "RESOLUTION",
    "extract",
    "detect_language",
    "normalise_key",
    "key_matches",
    "fold_key",
]

fold_key = fold
"""Case- and diacritic-free form of a key for an index column ("Trương Thị Mai" -> "truong thi mai")."""

ENTITIES_VERSION = 13
"""Bumped whenever `extract` would give different output, or the rendered text its offsets point into changes
(10: nesting deeper than eight levels no longer indents; 11: issue 13 rules and per-paragraph language); the cache
recomputes stored spans on a change."""

PERSON = "PERSON"
RESOLUTION = "RESOLUTION"


def extract(text: str, lang: str | None = None) -> list[Span]:
    """PERSON and RESOLUTION spans of `text`, sorted and non-overlapping."""
    if not text:
        return []
    prepared = OffsetText(text)
    work = prepared.text
    lang = lang or detect_language(work)
    other = _other_language_paragraphs(work, lang)
    found = _find(work, lang, 0)
    if other:
        # Mixed text: paragraphs clearly in the other language are read by that language's rules.
        other_lang = "en" if lang == "vi" else "vi"
        found = [f for f in found if not any(a <= f[0] < b for a, b in other)]
        for a, b in other:
            found.extend(_find(work[a:b], other_lang, a))
    spans = _resolve(found)
    spans = _share_resolution_keys(spans)
    out: list[Span] = []
    for start, end, kind, key in spans:
        ostart, oend = prepared.original_span(start, end)
        out.append(Span(ostart, oend, kind, key))
    return out


_PARAGRAPH_RE = re.compile(r"[^\n]+")


def _other_language_paragraphs(text: str, lang: str) -> list[tuple[int, int]]:
    """Runs of lines of at least 100 characters in the language other than `lang` (a Vietnamese article with an
    English part, or the reverse), as (start, end); consecutive such lines form one run."""
    out: list[tuple[int, int]] = []
    for m in _PARAGRAPH_RE.finditer(text):
        if m.end() - m.start() < 100 or detect_language(m.group()) == lang:
            continue
        if out and not text[out[-1][1] : m.start()].strip():
            out[-1] = (out[-1][0], m.end())
        else:
            out.append((m.start(), m.end()))
    return out


def _find(work: str, lang: str, offset: int) -> list[tuple[int, int, str, str]]:
    found: list[tuple[int, int, str, str]] = []
    res_finder = resolutions.find_vi if lang == "vi" else resolutions.find_en
    for start, end, key in res_finder(work):
        found.append((start + offset, end + offset, RESOLUTION, key))
    blocked = [(start - offset, end - offset) for start, end, _, _ in found]
    for start, end in persons.find(work, lang, blocked):
        found.append((start + offset, end + offset, PERSON, _person_key(work[start:end])))
    return found


def _person_key(name: str) -> str:
    words = name.split()
    if name.isupper() and all(len(w) > 1 for w in words):
        words = [w[0] + w[1:].lower() for w in words]
    return " ".join(words)


def _resolve(found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Drop overlaps: resolutions win over persons (a name inside a law's title), then the longer span."""
    found.sort(key=lambda s: (0 if s[2] == RESOLUTION else 1, -(s[1] - s[0]), s[0]))
    starts: list[int] = []
    taken: list[tuple[int, int, str, str]] = []
    for span in found:
        i = bisect.bisect_right(starts, span[0])
        if i > 0 and taken[i - 1][1] > span[0]:
            continue
        if i < len(taken) and taken[i][0] < span[1]:
            continue
        starts.insert(i, span[0])
        taken.insert(i, span)
    return taken


_SHORT_KEY = re.compile(r"^(?P<word>.+?) (?P<num>\d+)$")


def _share_resolution_keys(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    full: dict[tuple[str, str], set[str]] = {}
    for _, _, kind, key in spans:
        if kind != RESOLUTION:
            continue
        for part in key.split(" | "):
            m = re.match(r"^(?P<word>.+?) (?P<num>\d+)[/\-]", part)
            if m:
                full.setdefault((m.group("word"), m.group("num")), set()).add(part)
    if not full:
        return spans
    out = []
    for start, end, kind, key in spans:
        if kind == RESOLUTION:
            parts = []
            for part in key.split(" | "):
                m = _SHORT_KEY.match(part)
                if m and len(full.get((m.group("word"), m.group("num")), ())) == 1:
                    part = next(iter(full[(m.group("word"), m.group("num"))]))
                parts.append(part)
            key = " | ".join(parts)
        out.append((start, end, kind, key))
    return out


def normalise_key(kind: str, user_text: str) -> str:
    """The stored key form of what a user typed: `resolution:57-NQ/TW` -> "Nghị quyết 57-NQ/TW"."""
    text = " ".join(OffsetText(user_text).text.split()).strip("\"'“”")
    if kind.upper() == RESOLUTION:
        finder = resolutions.find_vi if detect_language(text) == "vi" or "/" in text else resolutions.find_en
        for _start, _end, key in finder(text):
            return key
        m = re.match(r"^(?:NQ\s+)?(\d+)-NQ/(\S+)$", text, re.IGNORECASE)
        if m:
            return f"Nghị quyết {m.group(1)}-NQ/{m.group(2).upper()}"
        m = re.match(r"^(\d+)-([A-ZĐ]+)/(\S+)$", text, re.IGNORECASE)
        if m:
            word = {"NQ": "Nghị quyết", "QĐ": "Quy định", "CT": "Chỉ thị", "KL": "Kết luận"}.get(
                m.group(2).upper()
            )
            if word:
                return f"{word} {text.upper()}"
        if re.fullmatch(r"\d+(?:\s*\(\d{4}\))?", text):
            return f"Resolution {text.split()[0].split('(')[0]}"
        return text
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def key_matches(kind: str, key: str, user_text: str) -> bool:
    """Whether a stored key (possibly "A | B") matches what a user typed, ignoring case and diacritics."""
    wanted = fold(normalise_key(kind, user_text))
    raw = fold(user_text)
    for part in key.split(" | "):
        folded = fold(part)
        if folded == wanted or folded == raw:
            return True
        if kind.upper() == RESOLUTION and (folded.endswith(" " + raw) or folded.endswith(" " + wanted)):
            return True
    return False
