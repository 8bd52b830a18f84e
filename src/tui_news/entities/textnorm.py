"""Normalisation with offset mapping, diacritic folding and a cheap language guess."""

from __future__ import annotations

import re
import unicodedata

# Spaces that are not "\n": folded to " " one for one, so offsets do not move.
_SPACE_TABLE = {
    cp: " "
    for cp in (0x09, 0x0B, 0x0C, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0x200B, 0xFEFF, *range(0x2000, 0x200B))
}
_SPACE_TABLE[0x0D] = "\n"
_SPACE_TABLE[0x2028] = "\n"
_SPACE_TABLE[0x2029] = "\n"
_CLUSTER = re.compile(r"(?s).[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")

# Letters found in Vietnamese and in no common Latin-script language of the news.
_VI_LETTERS = re.compile(
    "[ăắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữựảạẻẽẹỉĩịỏọủũụỳỷỹỵ"
    "ĂẮẰẲẴẶÂẤẦẨẪẬĐÊẾỀỂỄỆÔỐỒỔỖỘƠỚỜỞỠỢƯỨỪỬỮỰẢẠẺẼẸỈĨỊỎỌỦŨỤỲỶỸỴ]"
)


_LETTER = re.compile(r"[^\W\d_]")


class Prepared:
    """`text` as NFC with odd spaces folded, and a way back to offsets of the original."""

    __slots__ = ("text", "_starts", "_ends")

    def __init__(self, original: str) -> None:
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if unicodedata.is_normalized("NFC", original):
            self.text = original.translate(_SPACE_TABLE)
            return
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for match in _CLUSTER.finditer(original):
            piece = unicodedata.normalize("NFC", match.group())
            parts.append(piece)
            starts.extend([match.start()] * len(piece))
            ends.extend([match.end()] * len(piece))
        self.text = "".join(parts).translate(_SPACE_TABLE)
        self._starts = starts
        self._ends = ends

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form: "Trương Thị Mai" -> "truong thi mai"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def detect_language(text: str) -> str:
    """ "vi" when Vietnamese-only letters are frequent in the first 3,000 characters, else "en"."""
    sample = unicodedata.normalize("NFC", text[:3000])
    letters = len(_LETTER.findall(sample))
    if not letters:
        return "en"
    vi = len(_VI_LETTERS.findall(sample))
    return "vi" if vi / letters > 0.03 else "en"
