"""PERSON spans: runs of capitalised words read with lexicons of surnames, titles and non-name phrases."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from tui_news.entities import lexicon
from tui_news.entities.textnorm import fold

_UPPER = "".join(
    sorted({ch for cp in range(0x41, 0x2000) if (ch := chr(cp)).isupper() and ch.isalpha()} | set("ĐƠƯ"))
).replace("-", "")
_U = f"[{re.escape(_UPPER)}]"
_TOKEN = rf"{_U}[^\W\d_]*(?:['’](?!s\b)[^\W\d_]+)*(?:-[^\W\d_]+)*"
_PARTICLE = lexicon.alternation(lexicon.phrases("particles.txt"))
# A run of capitalised words: separated by blanks, or glued by the dot of an initial ("V.Putin").
_RUN_RE = re.compile(
    rf"(?<![\w\-/@#])(?:{_TOKEN})(?:(?:\.?[ ]|\.)(?:{_PARTICLE}[ ])?(?:(?:al|el)-)?(?:{_TOKEN}))*\.?"
)
_TOKEN_RE = re.compile(_TOKEN)
_WORD_BEFORE_RE = re.compile(r"[^\s]+")
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]\n.!?\"“”–—|]")
_TITLE_BREAK_RE = re.compile(r"[,;:()\[\].!?\"“”–—|]")
_CREDIT_RE = re.compile(
    rf"(?:(?<![\w]){lexicon.alternation(lexicon.phrases('credit_words.txt'))}[ ]*[:]?[ ]*)"
    r"(?P<body>[^\n)|]{1,80})"
)
# "Nhan Sáng/TTXVN", "John Smith - Reuters": a name, then an outlet tagged after-name in agencies.txt.
_AGENCY_TAIL_RE = re.compile(
    rf"(?<![\w\-])(?P<name>{_TOKEN}(?:[ ]{_TOKEN}){{1,3}})[ ]?(?:/|[-–|][ ]?)[ ]?(?:[^\W\d_]+[ ]?\|[ ]?)?"
    rf"{lexicon.alternation(lexicon.tagged('agencies.txt')['after-name'])}\b"
)
_LINE_RE = re.compile(r"(?m)^[ ]*(?P<line>[^\n]{3,60}?)[ ]*$")
_SIGNATURE_RE = re.compile(rf"^(?P<name>{_TOKEN}(?:[ ]{_TOKEN}){{1,3}})(?:[ ]?[(\-–/][ ]?[A-ZĐ+ ]+\)?)?\.?$")
_CAPS_LINE_RE = re.compile(rf"(?m)^[ ]*(?P<name>{_U}{{2,}}(?:[ ]{_U}{{2,}}){{1,3}})[ ]*$")
# UN press-release speaker lines: "SVEN JÜRGENSON (Estonia), President of ...", "ANTÓNIO GUTERRES, Secretary-General".
_CAPS_WORD = rf"{_U}(?:{_U}|[-'’.])+"
_SPEAKER_CAPS_RE = re.compile(
    rf"(?m)^[ ]*(?P<name>{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{1,3}})"
    r"(?:[ ]\((?P<paren>[A-Z][a-z][^()\n]{1,40})\)|,[ ](?P<title>[A-Z][\w-]+(?:[ ][A-Z][\w-]+)?))"
)
_BAC_HO_RE = re.compile(r"(?<![\w])Bác Hồ(?![\w])")
_SAID_RE = re.compile(
    rf"[ ]?(?:,[ ]who\b|[ ]{lexicon.alternation(lexicon.phrases('said_en.txt'))}\b|’s|'s)"
)
_ORG_TAIL_EN = lexicon.phrases("org_tail_en.txt")
_ROLE_TAILS_EN = lexicon.words("role_tails_en.txt")
# "Gerard Williams III", "Teodoro Locsin Jr.": a generational suffix belongs to the name.
_SUFFIX_EN_RE = re.compile(r"[ ,]{1,2}(?:II|III|IV|Jr\.?|Sr\.?)(?![\w])")
# An end-of-article byline of initials and a name ("A.SÁNG", "T.Nga", "M. A. Smith") on a line of its own.
_INITIALS_LINE_RE = re.compile(rf"(?m)^[ ]*(?P<name>(?:{_U}\.[ ]?){{1,2}}{_TOKEN}(?:[ ]{_TOKEN})?)[ ]*$")
# A byline followed by the date of publication ("Tiểu Vy - 20/03/2025 11:00 (GMT+7)").
_DATED_BYLINE_RE = re.compile(
    rf"(?m)^[ ]*(?P<name>{_TOKEN}(?:[ ]{_TOKEN}){{1,3}})[ ]?[-–|][ ]?\d{{1,2}}/\d{{1,2}}/\d{{4}}\b[^\n]{{0,30}}$"
)


@dataclass(frozen=True, slots=True)
class _Lexicons:
    """The word lists one language needs, loaded once."""

    titles: frozenset[str]
    """Titles before a name (lower-cased for Vietnamese, where they are matched case-insensitively)."""
    title_last: frozenset[str]
    index: lexicon.PhraseIndex
    surnames: frozenset[str]
    nonname: frozenset[str]
    given_en: frozenset[str]
    places: frozenset[str]
    agencies: frozenset[str]
    intro_place: frozenset[str]
    intro_org: frozenset[str]


@cache
def _lex(lang: str) -> _Lexicons:
    titles_vi = lexicon.phrases("titles_vi.txt")
    titles_en = lexicon.phrases("titles_en.txt")
    places = lexicon.phrases("places_vi.txt")
    nonname_vi = lexicon.phrases("nonname_vi.txt")
    nonname_en = lexicon.phrases("nonname_en.txt")
    intro = lexicon.tagged("introducers_vi.txt")
    surnames_vi = lexicon.phrases("surnames_vi.txt")
    entries: dict[str, str] = {}
    if lang == "vi":
        for phrase in nonname_vi:
            entries[phrase] = "org"
        for phrase in places:
            entries[phrase] = "place"
        for phrase in titles_vi:
            entries[phrase[0].upper() + phrase[1:]] = "title"
    else:
        for phrase in nonname_en | lexicon.phrases("teams_en.txt"):
            entries[phrase] = "org"
        for phrase in places:
            folded = " ".join(w[:1].upper() + w[1:] for w in fold(phrase).split())
            if len(folded.split()) >= 2:
                entries[folded] = "place"
        for phrase in titles_en:
            entries[phrase] = "title"
    for phrase in lexicon.phrases("known_names.txt"):
        entries[phrase] = "known"
    vi = lang == "vi"
    return _Lexicons(
        titles=frozenset(t.lower() for t in titles_vi) if vi else titles_en,
        title_last=frozenset(t.split()[-1].lower() for t in titles_vi)
        if vi
        else frozenset(t.split()[-1] for t in titles_en),
        index=lexicon.PhraseIndex(entries),
        surnames=surnames_vi if vi else lexicon.words("surnames_ascii.txt") | surnames_vi,
        nonname=nonname_vi if vi else nonname_en,
        given_en=lexicon.words("given_en.txt") | lexicon.words("given_en_added.txt"),
        places=places,
        agencies=lexicon.tagged("agencies.txt")["agency"],
        intro_place=intro.get("place", frozenset()),
        intro_org=intro.get("org", frozenset()),
    )


# Word lists of the rules below; each file's header says what it is for, where it comes from and what checks it.
_ORG_INNER = lexicon.words("org_inner_vi.txt")
_ADMIN = lexicon.tagged("admin_vi.txt")
_ADMIN_UNITS = _ADMIN["unit"]
_ADMIN_BODIES = _ADMIN["body"]
_ADMIN_ABBR = _ADMIN["abbr"]
_TITLE_INNER = lexicon.words("title_inner_vi.txt")
_KINSHIP = lexicon.words("kinship_vi.txt")
_VI_SHORT_ABBR = lexicon.words("short_abbr_vi.txt")
_THING_WORDS_EN = lexicon.words("thing_words_en.txt")
_ABBR_TITLES_EN = lexicon.words("abbr_titles_en.txt")
_ORG_HEAD_EN = lexicon.words("org_head_en.txt")
_NAME_LINKS_EN = lexicon.words("name_links_en.txt")
_MONTH_NAMES_EN = lexicon.words("month_surnames_en.txt")
_PLACE_HEADS_EN = lexicon.words("place_heads_en.txt")
@cache
def _title_heads_vi() -> frozenset[str]:
    """First words of the Vietnamese titles ("phó", "bí", "chủ"), lower case."""
    return frozenset(t.split()[0] for t in _lex("vi").titles if len(t.split()) >= 2)


# A list of streets after "đường", "phố", "tuyến phố như:": items are capitalised words joined by ",", "và", "-", "–".
_STREET_CUE_VI = frozenset({"đường", "phố", "đường:", "phố:", "như:", "ngã"})
_LIST_SEP_VI = frozenset({",", "và", "-", "–"})
# Characters after which a capitalised word starts a sentence (so a kinship word there is a title).
_SENTENCE_START = frozenset(".!?:;\n\"“”'‘’([-–—…|")


@dataclass(slots=True)
class _RunState:
    """What reading one run of capitalised words has seen so far."""

    titled: bool
    """A title stands right before the token being read."""
    seen_lexicon: bool = False
    """An organisation or place phrase, or an acronym, came earlier in the run."""
    after_place: bool = False
    """The last thing read was a place name."""


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    word: str
    dot: bool


class _Finder:
    def __init__(self, text: str, lang: str, blocked: list[tuple[int, int]] | None = None) -> None:
        self.blocked = sorted(blocked or [])
        self.blocked_starts = [b[0] for b in self.blocked]
        self.text = text
        self.lang = lang
        self.lex = _lex(lang)
        self.index = self.lex.index
        self.spans: list[tuple[int, int]] = []
        self.weak: set[int] = set()
        self.lower_words: frozenset[str] = frozenset()

    # --- context -----------------------------------------------------------------------------------------
    def _mid_sentence_kinship(self, pos: int, word: str) -> bool:
        """A capitalised one-word kinship title at `pos` that does not start a sentence (so not a title)."""
        if word.lower() not in _KINSHIP or not word[:1].isupper():
            return False
        before = self.text[max(0, pos - 3) : pos].rstrip(" \u00a0\t")
        return bool(before) and before[-1] not in _SENTENCE_START

    def _words_before(
        self, pos: int, limit: int = 8, breaks: re.Pattern[str] = _CLAUSE_BREAK_RE
    ) -> list[str]:
        window = self.text[max(0, pos - 90) : pos]
        cut = 0
        for m in breaks.finditer(window):
            # keep the dot of abbreviations such as "TP." or "GS.TS." or "Mr."
            if m.group() == "." and m.start() > 0 and window[m.start() - 1].isalpha():
                before = window[: m.start()].split()
                last = before[-1] if before else ""
                if len(last) <= 4 or last.endswith((".TS", ".TSKH")):
                    continue
            cut = m.end()
        words = [w.strip("‘’'\"“”([") for w in window[cut:].split()]
        return [w for w in words if w][-limit:]

    def _title_before(self, pos: int) -> bool:
        prev = self.text[max(0, pos - 24) : pos].split()
        if not prev:
            return False
        last = prev[-1].lstrip("‘’'\"“”([")
        if self.lang == "vi" and self._mid_sentence_kinship(pos - len(prev[-1]) - 1, last):
            return False
        last = last.lower() if self.lang == "vi" else last
        if last not in self.lex.title_last:
            return False
        words = self._words_before(pos, 5, _TITLE_BREAK_RE)
        if not words:
            return False
        if self.lang == "vi":
            titles = self.lex.titles
            for n in range(min(5, len(words)), 0, -1):
                if " ".join(words[-n:]).lower() in titles:
                    return True
            return False
        titles_en = self.lex.titles
        for n in range(min(4, len(words)), 0, -1):
            if " ".join(words[-n:]) in titles_en:
                return True
        return False

    def _role_of_before(self, pos: int) -> bool:
        """English: "Secretary of Energy Chris Wright", "Secretary of the Treasury Scott Bessent", "Minister of
        Agriculture and Rural Development Le Minh Hoan": a role word, "of", then the portfolio."""
        words = self._words_before(pos, 8, _TITLE_BREAK_RE)
        for k in range(len(words) - 1, 0, -1):
            w = words[k]
            if w == "of" and words[k - 1] in _ROLE_TAILS_EN:
                return True
            if not (w[:1].isupper() or w in ("the", "and", "&")):
                return False
        return False

    def _title_in_clause(self, pos: int) -> bool:
        """A title a few words back in the clause ("Thủ tướng ... nước Cộng hòa ... Lào Phankham V.")."""
        words = self._words_before(pos, 10, _TITLE_BREAK_RE)
        titles = self.lex.titles
        for i in range(len(words) - 1, -1, -1):
            w = words[i]
            for n in (3, 2, 1):
                phrase = " ".join(words[max(0, i - n + 1) : i + 1])
                if (
                    len(phrase) > 3
                    and phrase[0].isupper()
                    and (phrase.lower() if self.lang == "vi" else phrase) in titles
                ):
                    return True
            if not (w[0].isupper() or w in _TITLE_INNER):
                return False
        return False

    def _place_at(self, pos: int) -> bool:
        m = _TOKEN_RE.match(self.text, pos)
        if m is None:
            return False
        hit = self.index.match(self.text, pos, m.group())
        return hit is not None and hit[1] == "place"

    def _inside_name_of_thing(self, pos: int) -> bool:
        """True when the name at `pos` belongs to a street, school, organisation, award or place name."""
        if self.lang == "vi" and self._in_street_list(pos):
            return True
        words = self._words_before(pos, 11)
        if not words:
            return False
        intro_place = self.lex.intro_place
        intro_org = self.lex.intro_org
        # "quận Hai Bà Trưng", "phố Bà Triệu": a place word, then capitalised words that are not a known place
        k = len(words)
        while k > 0 and len(words) - k <= 3:
            for n in (3, 2, 1):
                if k >= n and " ".join(words[k - n : k]) in intro_place:
                    chain = " ".join(words[k:])
                    if (
                        k - n > 0
                        and words[k - n] in _ADMIN_UNITS
                        and words[k - n - 1] in _ADMIN_BODIES
                        and not chain
                        and not self._place_at(pos)
                    ):
                        return False  # "Chủ tịch UBND thành phố Lê Trung Chinh": the city is left out
                    return not (chain and chain in self.lex.places)
            if not words[k - 1][:1].isupper():
                break
            k -= 1
        i = len(words)
        while i > 0:
            for n in (3, 2, 1):
                if i - n >= 0 and " ".join(words[i - n : i]) in intro_org:
                    return True
            w = words[i - 1]
            if not (w[0].isupper() or w in _ORG_INNER or w == "-"):
                return False
            i -= 1
        return False

    def _in_street_list(self, pos: int) -> bool:
        """Vietnamese: the name at `pos` is an item of a list of streets ("các tuyến đường: Đại La, Minh Khai,
        Nguyễn Trãi", "phố Ngọc Hà và Hoàng Hoa Thám", "tuyến đường Bái Đính - Ba Sao"): walking back over
        capitalised words and list separators reaches a street word. Looks at most 1,000 characters back."""
        window = self.text[max(0, pos - 1000) : pos].replace(",", " , ").split()
        seen_sep = False
        for k in range(len(window) - 1, -1, -1):
            w = window[k]
            if w in _LIST_SEP_VI:
                seen_sep = True
                continue
            if w[:1].isupper():
                continue
            if w in _STREET_CUE_VI or (w == "như" and k > 0 and window[k - 1] in ("phố", "đường")):
                return seen_sep or w.endswith(":")
            if w.endswith(":") and k > 0 and window[k - 1] in ("như", "đường", "phố"):
                return True
            return False
        return False

    # --- runs --------------------------------------------------------------------------------------------
    def run(self) -> list[tuple[int, int]]:
        text = self.text
        for m in _BAC_HO_RE.finditer(text):
            self.spans.append((m.start(), m.end()))
        if self.lang == "en":
            self.lower_words = frozenset(re.findall(r"(?<![\w.])[a-z]+(?:['’][a-z]+)?(?![\w])", text))
        for run in _RUN_RE.finditer(text):
            toks = self._tokens(run.start(), run.end())
            if toks:
                self._read_run(toks)
        self._credits()
        if self.lang == "en":
            self._speaker_lines()
        if self.blocked:
            self.spans = [sp for sp in self.spans if not self._is_blocked(sp[0], sp[1])]
        self._propagate()
        return self.spans

    def _is_blocked(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.blocked_starts, start)
        if i > 0 and self.blocked[i - 1][1] > start:
            return True
        return i < len(self.blocked) and self.blocked[i][0] < end

    def _tokens(self, start: int, end: int) -> list[_Tok]:
        text = self.text
        out: list[_Tok] = []
        for m in _TOKEN_RE.finditer(text, start, end):
            dot = m.end() < len(text) and text[m.end()] == "."
            out.append(_Tok(m.start(), m.end(), m.group(), dot))
        return out

    def _phrase_at(self, toks: list[_Tok], i: int) -> tuple[int, str] | None:
        """Index after the lexicon phrase starting at token i, and its category."""
        tok = toks[i]
        hit = self.index.match(self.text, tok.start, tok.word)
        if hit is None and tok.dot:
            hit = self.index.match(self.text, tok.start, tok.word + ".")
        if hit is None and i + 1 < len(toks):
            hit = self.index.match_folded(self.text, tok.start, tok.word)
        if hit is None:
            return None
        phrase, category = hit
        if category == "title" and self.lang == "vi" and self._mid_sentence_kinship(tok.start, tok.word):
            prev = self.text[max(0, tok.start - 8) : tok.start].split()
            if tok.word in self.lex.places and not (prev and prev[-1].lower() in _KINSHIP):
                return i + 1, "place"  # "Thủ tướng Anh Keir Starmer": the country; "ông Anh": a name
            return None
        end = tok.start + len(phrase)
        j = i
        while j < len(toks) and toks[j].start < end:
            j += 1
        return j, category

    def _folded_hit(self, toks: list[_Tok], j: int) -> bool:
        """Whether the phrase at token j matched only with its case ignored ("Chiến Thắng" for "Chiến thắng")."""
        return self.index.match(self.text, toks[j].start, toks[j].word) is None

    def _is_acronym(self, tok: _Tok) -> bool:
        return len(tok.word) > 1 and tok.word.isupper()

    def _sentence_break(self, tok: _Tok) -> bool:
        """A token followed by a dot that ends a sentence (not an initial or an abbreviated title)."""
        if self.lang == "vi" and tok.dot and len(tok.word) == 2 and tok.word[1:].islower():
            return tok.word not in _VI_SHORT_ABBR  # "... Phan Văn Anh Vũ. Ra quyết định": "Vũ" ends the sentence
        return (
            tok.dot
            and len(tok.word) > 2
            and tok.word not in _ABBR_TITLES_EN
        )

    def _read_run(self, toks: list[_Tok]) -> None:
        """Read one run of capitalised words: drop what opens it but cannot start a name, then walk it token by
        token, taking lexicon phrases, acronyms and names (each name is appended to `self.spans`)."""
        toks = self._lead_in(toks)
        if not toks:
            return
        state = _RunState(titled=self._title_before(toks[0].start))
        if self.lang == "en" and not state.titled and self._role_of_before(toks[0].start):
            names = self.lex.given_en | self.lex.surnames
            k = next((m for m, t in enumerate(toks) if t.word in names and m + 1 < len(toks)), -1)
            if k >= 0:
                state.titled = True
                toks = toks[k:]  # the portfolio ("Energy", "the Treasury", "Rural Development") is part of the title
        if len(toks) == 1 and not state.titled and not (self.lang == "vi" and toks[0].word in ("Ban", "Bác")):
            return  # one capitalised word on its own is a name only after a title
        i = 0
        while i < len(toks):
            if i > 0 and self._sentence_break(toks[i - 1]):
                state.titled = self._title_before(toks[i].start)
            hit = self._run_phrase_at(toks, i, state)
            if hit is not None:
                i = self._take_phrase(toks, i, hit, state)
                continue
            after_acronym = self._take_acronym(toks, i, state)
            i = after_acronym if after_acronym is not None else self._take_name(toks, i, state)

    # --- steps of _read_run ------------------------------------------------------------------------------
    def _lead_in(self, toks: list[_Tok]) -> list[_Tok]:
        """The tokens of a run left to read after what opens it: an address abbreviation ("Q.Ninh Kiều"),
        "T.Ư", glued initials ("V.I.Lênin", taken as a name here) in Vietnamese; nothing at all after an English
        word that introduces a thing or after "Committee on"."""
        if self.lang == "vi":
            toks = self._after_address_abbr(toks)
            if toks and self.text.startswith(("T.Ư", "T.W"), toks[0].start):
                toks = toks[2:]  # "Ủy viên T.Ư Đảng": the abbreviation of "Trung ương"
            return self._take_glued_initials(toks) if toks else toks
        if self._names_a_thing_en(toks[0].start):
            return []
        while (
            len(toks) > 1
            and self._sentence_initial(toks[0].start)
            and toks[0].word.lower() in self.lower_words
            and toks[0].word not in self.lex.given_en
            and toks[0].word not in self.lex.surnames
        ):
            toks = toks[1:]  # "Although Womply", "Was Pew’s poll", "Don’t Know": a common word opens the sentence
        return toks

    def _after_address_abbr(self, toks: list[_Tok]) -> list[_Tok]:
        """Vietnamese: nothing left for an address glued to its abbreviation ("Q.Ninh Kiều", "TP.Cần Thơ"); the rest
        after a city in capitals ("Thành ủy TP.HCM Nguyễn Văn Nên"); the run unchanged otherwise."""
        if not (toks[0].dot and toks[0].word in _ADMIN_ABBR and len(toks) > 1 and toks[1].start == toks[0].end + 1):
            return toks
        if not (self._is_acronym(toks[1]) and len(toks) > 2):
            return []
        return toks[2:]

    def _names_a_thing_en(self, pos: int) -> bool:
        """English: the run at `pos` names a thing ("the police newspaper Capital Security", "the vessel Grace
        Adrian") or is the rest of an organisation's name ("Centers for Disease Control", "Committee on Foreign
        Affairs")."""
        before = self.text[max(0, pos - 30) : pos].split()
        if before and before[-1] in _THING_WORDS_EN:
            return True
        return len(before) >= 2 and before[-1] in ("for", "of", "on") and before[-2] in _ORG_HEAD_EN

    def _take_glued_initials(self, toks: list[_Tok]) -> list[_Tok]:
        """Vietnamese: a name written as initials glued by dots to the last word ("V.I.Lênin", "N.T.Hà") is taken
        whole; the tokens after it are returned."""
        if not (
            len(toks) >= 3
            and all(len(t.word) == 1 and t.dot for t in toks[:2])
            and toks[1].start == toks[0].end + 1
            and toks[2].start == toks[1].end + 1
            and not self._inside_name_of_thing(toks[0].start)
        ):
            return toks
        k = 2
        while k < len(toks) - 1 and len(toks[k].word) == 1 and toks[k].dot:
            k += 1
        self.spans.append((toks[0].start, toks[k].end))
        return toks[k + 1 :]

    def _run_phrase_at(self, toks: list[_Tok], i: int, state: _RunState) -> tuple[int, str] | None:
        """The lexicon phrase at token i as `_phrase_at` finds it, unless the word there is really part of a name:
        a surname that is also a one-word phrase ("Đoàn Văn Sáng", "To Lam"), "May" after a title ("Mrs May"),
        "Hồ" of "Hồ Chí Minh" the person (not the city)."""
        hit = self._phrase_at(toks, i)
        if hit is None or hit[1] == "known":
            return hit
        tok = toks[i]
        vi = self.lang == "vi"
        if (
            (tok.word in self.lex.surnames or (not vi and tok.word in self.lex.given_en))
            and i + 1 < len(toks)
            and (hit[0] - i == 1 and hit[1] != "title")
        ):
            nxt = self._phrase_at(toks, i + 1)
            if nxt is None and not self._is_acronym(toks[i + 1]):
                return None  # "Đoàn Văn Sáng", "To Lam": a surname, not the one-word phrase
        if not vi and state.titled and hit[0] - i == 1 and self._month_surname(tok):
            return None  # "Mrs May"
        if tok.word in ("Hồ", "Ho") and hit[1] == "place" and i + 1 < len(toks):
            if not self._inside_name_of_thing(tok.start):
                return None  # "Hồ Chí Minh" the person, unless "TP Hồ Chí Minh", "Học viện ... Hồ Chí Minh"
        return hit

    def _take_phrase(self, toks: list[_Tok], i: int, hit: tuple[int, str], state: _RunState) -> int:
        """Step over the lexicon phrase at token i (a known name is taken as a person); returns the next index.
        A title makes the next name titled; a place keeps the title ("Thủ tướng Anh Keir Starmer"), and so does an
        English organisation ("Reuters Editor-in-Chief")."""
        j, category = hit
        if category == "known":
            self.spans.append((toks[i].start, toks[j - 1].end))
            state.titled = False
            return j
        if category == "title":
            state.titled = True
        elif not (category == "place" or (category == "org" and self.lang != "vi")):
            state.titled = False
        if category == "place" or j - i > 1 or toks[i].word in _ORG_TAIL_EN:
            state.seen_lexicon = True
        state.after_place = category == "place"
        return j

    def _take_acronym(self, toks: list[_Tok], i: int, state: _RunState) -> int | None:
        """Step over a word in capitals at token i and return the next index; None when the token is to be read as
        the start of a name: two-letter initials after a title ("Vice President JD Vance"), or not in capitals.
        A Congressional Record speaker in capitals ("Mr. NADLER.") is taken as a person."""
        tok = toks[i]
        vi = self.lang == "vi"
        if (
            not vi
            and state.titled
            and len(tok.word) == 2
            and tok.word.isupper()
            and i + 1 < len(toks)
            and not self._is_acronym(toks[i + 1])
            and self._phrase_at(toks, i + 1) is None
        ):
            return None  # "Vice President JD Vance": initials written without dots
        if (
            not vi
            and state.titled
            and self._is_acronym(tok)
            and len(tok.word) >= 3
            and self._honorific_before(tok.start)
        ):
            self.spans.append((tok.start, tok.end))  # "Mr. NADLER. Mr. Speaker"
            state.titled = False
            return i + 1
        if self._is_acronym(tok) and not (tok.dot and len(tok.word) <= 2):
            state.seen_lexicon = True
            return i + 1
        return None

    def _take_name(self, toks: list[_Tok], i: int, state: _RunState) -> int:
        """Read the longest possible name from token i (`_extend`) and take it when the rules of the language
        accept it and it is not part of the name of a street, school or award; returns the next index."""
        j = self._extend(toks, i)
        cut = self._after_role(toks, i, j, state)
        if cut != i:
            i, j = cut, self._extend(toks, cut)
        if (
            self.lang == "en"
            and not state.titled
            and j - i > 2
            and toks[i].word in self.lex.given_en
            and not any(t.dot and len(t.word) == 1 for t in toks[i:j])
            and self._in_headline(toks[i].start)
        ):
            j = i + 2  # "Bill Gates Breaks Ranks", "David Ortiz Makes a Final Plea": a Title Case headline
        was_after_place, state.after_place = state.after_place, False
        if self.lang == "vi":
            accept = self._accept_vi(toks, i, j, state, was_after_place)
        else:
            accept = self._accept_en(toks, i, j, state)
        if accept and self._title_then_given_name(toks, i, j, state):
            return i + 1  # the name starts at the given name; the title still stands
        state_titled = state.titled
        state.titled = False
        if not accept:
            if self.lang == "en" and toks[i].word in _PLACE_HEADS_EN:
                return j  # "San Bernardino County": the whole run is the place
            return i + 1
        if self._inside_name_of_thing(toks[i].start):
            return j  # the whole name belongs to the street, school or award
        end = toks[j - 1].end
        if toks[j - 1].dot and len(toks[j - 1].word) == 1:
            end += 1
        if self.lang == "en" and j - i >= 2:
            suffix = _SUFFIX_EN_RE.match(self.text, end)
            if suffix is not None and not suffix.group().startswith(","):
                end = suffix.end()
                if j < len(toks) and toks[j].start < end:
                    j += 1
        if (
            self.lang == "en"
            and not state_titled
            and toks[i].word not in self.lex.given_en
            and toks[i].word not in self.lex.surnames
            and self._sentence_initial(toks[i].start)
        ):
            self.weak.add(toks[i].start)  # "Although Womply": kept, but its last word is not spread further
        if self.lang == "vi" and "-" in toks[j - 1].word:
            head, _, tail = toks[j - 1].word.rpartition("-")
            if tail.lower() in _title_heads_vi():
                end = toks[j - 1].start + len(head)  # "Phạm Anh Tuấn-Phó Bí thư": the title is glued by a hyphen
        self.spans.append((toks[i].start, end))
        return j

    def _after_role(self, toks: list[_Tok], i: int, j: int, state: _RunState) -> int:
        """Where the name in tokens i..j-1 really starts. English: after the last role word inside the run ("Chief
        Legal Officer Brad Smith", "Product Manager Brian Shih", "Deputy Whip Jane Doe"), the name is titled.
        Vietnamese, after a title: an organisation written before the name ("Chủ tịch Vingroup Phạm Nhật Vượng")
        stays out when a surname starts a name of at least two words further on."""
        if self.lang == "en":
            k = max((m for m in range(i, j - 1) if toks[m].word in _ROLE_TAILS_EN), default=-1)
            if k < 0:
                return i
            state.titled = True
            return k + 1
        if not state.titled or toks[i].word in self.lex.surnames or j - i < 3:
            return i
        if not toks[i].word.isascii():
            return i
        if toks[i + 1].word in self.lex.surnames:
            return i + 1
        return i

    def _accept_vi(self, toks: list[_Tok], i: int, j: int, state: _RunState, was_after_place: bool) -> bool:
        """Vietnamese: tokens i..j-1 are a name when they start with a surname, follow a title (here or a few words
        back in the clause after an organisation), or are a foreign name (ASCII words) after a country or starting
        with an English given name ("Tòa án tối cao Philippines Antonio Carpio")."""
        count = j - i
        first = toks[i].word
        ascii_only = all(t.word.isascii() for t in toks[i:j])
        return (
            (first in self.lex.surnames and count >= 2)
            or state.titled
            or (state.seen_lexicon and count >= 2 and self._title_in_clause(toks[0].start))
            or (was_after_place and count >= 2 and ascii_only)
            or (count >= 2 and first in self.lex.given_en and ascii_only)
        )

    def _accept_en(self, toks: list[_Tok], i: int, j: int, state: _RunState) -> bool:
        """English: tokens i..j-1 are a name after a title (unless they end like an organisation), when they start
        with a known given name or surname, when "said" and the like follow, or when they look like a plain name
        (two or three words, none an organisation word or an acronym, none written in lower case elsewhere in the
        text, not in a Title Case headline)."""
        count = j - i
        first = toks[i].word
        last = toks[j - 1]
        if state.titled and not (count >= 2 and last.word in _ORG_TAIL_EN):
            return True
        if count < 2:
            return False
        if first in _PLACE_HEADS_EN or (toks[i].dot and first + "." in _PLACE_HEADS_EN):
            return False
        return (
            first in self.lex.given_en
            or first in self.lex.surnames
            or (last.word not in _ORG_TAIL_EN and self._said_after(last.end))
            or (
                not state.seen_lexicon
                and self._plain_name(toks[i:j])
                and not (j < len(toks) and self._phrase_at(toks, j))
                and not self._in_headline(toks[i].start)
            )
        )

    def _title_then_given_name(self, toks: list[_Tok], i: int, j: int, state: _RunState) -> bool:
        """English, after a title: the first word is not a given name, initials or a name link and the second is a
        given name, so the first belongs to the title and the name starts one word later."""
        first = toks[i].word
        return (
            state.titled
            and self.lang != "vi"
            and j - i >= 2
            and first not in self.lex.given_en
            and not (len(first) == 2 and first.isupper())
            and toks[i + 1].word not in _NAME_LINKS_EN
            and not self.text.endswith(("al-", "el-", "Al-", "El-"), 0, toks[i + 1].start)
            and toks[i + 1].word in self.lex.given_en
        )

    def _extend(self, toks: list[_Tok], i: int) -> int:
        """Index after the name starting at token i: up to 5 tokens, stopping at a lexicon phrase."""
        j = i + 1
        limit = min(len(toks), i + 5)
        while j < limit:
            if self._sentence_break(toks[j - 1]):
                break
            tok = toks[j]
            if self._is_acronym(tok):
                break
            hit = self._phrase_at(toks, j)
            if (
                hit is not None
                and hit[1] == "title"
                and self.lang == "en"
                and hit[0] == len(toks)
                and j - i == 1
            ):
                hit = None  # "Rep. Dan Bishop": a surname that is also a title word, at the end of the name
            if (
                hit is not None
                and self.lang == "en"
                and hit[1] == "org"
                and hit[0] - j == 1
                and toks[i].word in self.lex.surnames
                and toks[i].word not in self.lex.given_en
            ):
                hit = None  # "Truong My Lan": a Vietnamese syllable that is also an English word
            if (
                hit is not None
                and self.lang == "vi"
                and hit[1] == "org"
                and j == i + 1
                and hit[0] == j + 1
                and j + 1 < len(toks)
                and toks[i].word in self.lex.surnames
                and not self._sentence_break(tok)
                and self._phrase_at(toks, j + 1) is None
                and not self._is_acronym(toks[j + 1])
            ):
                hit = None  # "Võ Trường Giang", "Nguyễn Trường Sơn": an organisation word as a middle name
            if (
                hit is not None
                and self.lang == "vi"
                and hit[1] in ("org", "place")
                and hit[0] == len(toks)
                and 1 <= j - i <= 2
                and toks[i].word in self.lex.surnames
                and (hit[0] - j == 1 or not toks[j + 1].word[:1].isupper() or self._folded_hit(toks, j))
            ):
                return len(toks)  # "Trần Đức Quận", "Nguyễn Văn Vịnh", "Nguyễn Chiến Thắng": the name ends the run
            if (
                hit is not None
                and self.lang == "en"
                and hit[0] - j == 1
                and toks[i].word in self.lex.given_en
                and self._month_surname(tok)
            ):
                hit = None
            if hit is not None and hit[1] != "place":
                break
            if j - i >= 3 and tok.word in self.lex.surnames and self._left_in_sentence(toks, j, 2) >= 2:
                break
            j += 1
        return j

    def _honorific_before(self, pos: int) -> bool:
        prev = self.text[max(0, pos - 6) : pos].split()
        return bool(prev) and prev[-1] in ("Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms")

    def _left_in_sentence(self, toks: list[_Tok], j: int, enough: int) -> int:
        """How many tokens from j on belong to the same sentence, counting no further than `enough` (a run of
        thousands of names with no full stop would otherwise make this quadratic)."""
        k = j
        while k < len(toks) and k - j < enough:
            k += 1
            if self._sentence_break(toks[k - 1]):
                break
        return k - j

    def _month_surname(self, tok: _Tok) -> bool:
        """"May" in "Theresa May", "Mrs May": a month word not followed by a day number."""
        return tok.word in _MONTH_NAMES_EN and re.match(r"[ ,]*\d", self.text[tok.end : tok.end + 4]) is None

    def _in_headline(self, pos: int) -> bool:
        """Whether `pos` is on a short line written in Title Case (a headline)."""
        longest = 200  # looked for within this many characters either side: linear on a text with no newline
        text = self.text
        start = text.rfind("\n", max(0, pos - longest - 1), pos) + 1
        if start == 0 and pos > longest:
            return False
        end = text.find("\n", pos, pos + longest + 1)
        if end < 0:
            end = len(text) if len(text) - pos <= longest else -1
        if end < 0 or end - start > longest:
            return False
        line = text[start:end]
        words = [w for w in line.split() if w[:1].isalpha()]
        if len(words) < 4:
            return False
        return sum(1 for w in words if w[0].isupper()) / len(words) >= 0.6

    def _sentence_initial(self, pos: int) -> bool:
        """Whether the word at `pos` opens a sentence or line ("Although Womply ..."): a capital there says nothing,
        so a plain two-word run needs other evidence (a known given name, a title, "said")."""
        before = self.text[max(0, pos - 3) : pos].rstrip(" ")
        return not before or before[-1] in ".!?\n"

    def _said_after(self, pos: int) -> bool:
        return _SAID_RE.match(self.text, pos) is not None

    def _plain_name(self, toks: list[_Tok]) -> bool:
        if len(toks) > 3 or (toks[-1].dot and len(toks[-1].word) == 1):
            return False
        if any(tok.word.lower() in self.lower_words for tok in toks):
            return False
        for tok in toks:
            if tok.word in _ORG_TAIL_EN or self._is_acronym(tok) or len(tok.word) < 2:
                if not (tok.dot and len(tok.word) == 1):
                    return False
        return True

    # --- bylines and credits ------------------------------------------------------------------------------
    def _credits(self) -> None:
        text = self.text
        agencies = self.lex.agencies
        nonname = self.lex.nonname
        places = self.lex.places

        def good(name: str, credit: bool = False) -> bool:
            words = name.split()
            if len(words) == 1 and re.fullmatch(rf"(?:{_U}\.)+{_U}\.?", name):
                return name not in agencies  # initials ("Ảnh: H.C", "(ảnh: P.L)")
            if (
                2 <= len(words) <= 4
                and all(w.isupper() and len(w) > 1 for w in words)
                and (credit or words[0][0] + words[0][1:].lower() in self.lex.surnames)
            ):
                words = [w[0] + w[1:].lower() for w in words]  # "Ảnh: PHAN ANH"
                name = " ".join(words)
            return (
                1 <= len(words) <= 4
                and name not in agencies
                and name not in places
                and not any(w in agencies or (w.isupper() and len(w) > 1) for w in words)
                and words[0] not in nonname
            )

        for m in _CREDIT_RE.finditer(text):
            body_start = m.start("body")
            for part in re.finditer(r"[^/,;–\-]+", m.group("body")):
                chunk = part.group()
                name_m = re.match(rf"[ ]*(?P<n>(?:{_U}\.)?{_TOKEN}(?:[ ]{_TOKEN}){{0,3}})[ ]*$", chunk)
                if name_m is None:
                    # "Ảnh: Phạm Thắng. Ông..." ends at the first sentence break
                    name_m = re.match(rf"[ ]*(?P<n>{_TOKEN}(?:[ ]{_TOKEN}){{1,3}})(?=[.|]|$)", chunk)
                    if name_m is None:
                        break
                name = name_m.group("n")
                if good(name, True) and (
                    len(name.split()) >= 2 or m.group().lstrip("(").startswith(("Ảnh", "ảnh", "Photo", "Hình"))
                ):
                    start = body_start + part.start() + name_m.start("n")
                    self.spans.append((start, start + len(name)))
        for m in _AGENCY_TAIL_RE.finditer(text):
            name = m.group("name")
            if good(name):
                self.spans.append((m.start("name"), m.end("name")))
        tail = max(0, len(text) - 400)
        for m in _INITIALS_LINE_RE.finditer(text, tail):
            name = m.group("name")
            last = name.replace(".", ". ").split()[-1]
            if last not in nonname and last not in places and last.title() not in places and name not in agencies:
                self.spans.append((m.start("name"), m.end("name")))
        for m in _DATED_BYLINE_RE.finditer(text):
            name = m.group("name")
            if good(name) and not any(w in nonname for w in name.split()) and self._phrase_free(name):
                self.spans.append((m.start("name"), m.end("name")))
        for m in _LINE_RE.finditer(text):
            line = m.group("line")
            s = _SIGNATURE_RE.match(line)
            if s is None:
                continue
            name = s.group("name")
            if good(name) and not any(w in nonname for w in name.split()) and self._phrase_free(name):
                start = m.start("line")
                self.spans.append((start, start + len(name)))
        # signatures in capitals ("NGUYỄN HOÀNG", "HỒNG HẠNH") on a line of their own near the end
        for m in _CAPS_LINE_RE.finditer(text):
            words = m.group("name").split()
            titled = [w[0] + w[1:].lower() for w in words]
            name = " ".join(titled)
            if (
                (titled[0] in self.lex.surnames or m.start() >= tail)
                and good(name)
                and not any(w in nonname or w in places for w in titled)
                and self._phrase_free(name)
                and all(len(w) > 1 for w in words)
            ):
                self.spans.append((m.start("name"), m.end("name")))

    def _speaker_lines(self) -> None:
        """Names in capitals opening a paragraph of a UN press release, followed by a country or a title."""
        titles = self.lex.titles
        for m in _SPEAKER_CAPS_RE.finditer(self.text):
            name = m.group("name")
            words = [w[0] + w[1:].lower() for w in name.split()]
            if any(w in self.lex.nonname or w in self.lex.agencies for w in words):
                continue
            if " ".join(words) in self.lex.nonname:
                continue
            title = m.group("title")
            if title is not None and not (title in titles or title.split()[0] in titles):
                continue
            paren = m.group("paren")
            if paren is not None and paren in self.lex.agencies:
                continue
            start, end = m.span("name")
            if not any(s < end and start < e for s, e in self.spans):
                self.spans.append((start, end))

    def _phrase_free(self, name: str) -> bool:
        pos = 0
        for word in name.split():
            if self.index.match(name, pos, word) is not None:
                return False
            pos += len(word) + 1
        return True

    # --- later mentions by the given name (Vietnamese) or the surname (English) ---------------------------
    def _propagate(self) -> None:
        vi = self.lang == "vi"
        surnames = self.lex.surnames
        nonname = self.lex.nonname
        places = self.lex.places
        known: set[str] = set()
        for start, end in self.spans:
            if start in self.weak:
                continue
            words = self.text[start:end].split()
            if len(words) >= 2 and (not vi or words[0] in surnames):
                last = words[-1].rstrip(".")
                if len(last) > 1 and last not in nonname and last not in places:
                    known.add(last)
        if not known:
            return
        taken = sorted(self.spans)
        starts = [s for s, _ in taken]
        pattern = re.compile(
            r"(?<![\w\-.])(?:" + "|".join(re.escape(k) for k in sorted(known)) + r")(?![\w\-])"
        )
        for m in pattern.finditer(self.text):
            i = bisect.bisect_right(starts, m.start())
            if i > 0 and taken[i - 1][1] > m.start():
                continue
            hit = self.index.match(self.text, m.start(), m.group())
            if hit is not None and len(hit[0]) > len(m.group()):
                continue  # "Chính phủ", not the "Chính" of Phạm Minh Chính
            if not self._standalone(m.start(), m.end()):
                continue
            self.spans.append((m.start(), m.end()))

    def _standalone(self, start: int, end: int) -> bool:
        """A Vietnamese given name on its own: no capitalised word glued before or after, not an address."""
        before = self.text[max(0, start - 30) : start]
        after = self.text[end : end + 3]
        if re.search(r"[^\W\d_][ ]$", before):
            prev = before.split()[-1]
            if prev[0].isupper():
                return False
        if re.match(r"[ ]\w", after) and after[1].isupper():
            return False
        return not self._inside_name_of_thing(start)


def find(text: str, lang: str, blocked: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of person names; `blocked` ranges (resolutions already found) hold no names."""
    yield from _Finder(text, lang, blocked).run()
