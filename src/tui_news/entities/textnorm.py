"""A cheap language guess; the text normalisation entities use, from its one home (tui_news.text)."""

from __future__ import annotations

import re

from tui_news.text import OffsetText as Prepared
from tui_news.text import fold_words as fold
from tui_news.text import nfc

__all__ = ["Prepared", "detect_language", "fold"]

# Letters found in Vietnamese and in no common Latin-script language of the news.
_VI_LETTERS = re.compile(
    "[ăắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữựảạẻẽẹỉĩịỏọủũụỳỷỹỵ"
    "ĂẮẰẲẴẶÂẤẦẨẪẬĐÊẾỀỂỄỆÔỐỒỔỖỘƠỚỜỞỠỢƯỨỪỬỮỰẢẠẺẼẸỈĨỊỎỌỦŨỤỲỶỸỴ]"
)


_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str:
    """ "vi" when Vietnamese-only letters are frequent in the first 3,000 characters, else "en"."""
    sample = nfc(text[:3000])
    letters = len(_LETTER.findall(sample))
    if not letters:
        return "en"
    vi = len(_VI_LETTERS.findall(sample))
    return "vi" if vi / letters > 0.03 else "en"
