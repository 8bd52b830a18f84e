"""RESOLUTION spans: a document word with an identifier attached (see the package docstring for the rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui_news.entities import lexicon

_S = r"[ \u00a0]+"  # one or more blanks inside a reference
_UP = "A-ZÀ-ÝĂĐĨŨƠƯẠ-Ỹ"

# Identifier codes: "57", "18-NQ/TW", "168/2024/NĐ-CP", "1234/QĐ-TTg", "01/2024/TT-BLĐTBXH".
_CODE = r"\d+[a-z]?(?:[ ]?-[ ]?[A-ZĐ]{2,}(?=/))?(?:[/\-][^\W_]+)*(?<![/\-])"
_STRONG_CODE = r"\d+[a-z]?(?:[/\-][^\W_]+)+"
_ROMAN = r"[IVXLC]+\b"
_ORDINAL_VI = r"(?:\d+|nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười(?:[ ](?:một|hai|ba|bốn|lăm|năm))?)"
_KHOA = rf"(?:,?{_S}\(?(?:khóa|khoá|Khóa|Khoá){_S}{_ROMAN}\)?|{_S}\((?:khóa|khoá|Khóa|Khoá){_S}{_ROMAN}\))"
_PLENUM = (
    rf"(?:Hội nghị{_S})?(?:lần thứ{_S}{_ORDINAL_VI}{_S})?(?:(?:Ban Chấp hành|BCH){_S})?"
    rf"(?:Trung ương|TƯ|T\.Ư|TW|T\.W)(?:{_S}Đảng)?"
    rf"(?:{_S}(?:lần thứ{_S}{_ORDINAL_VI}|\d+\b|{_ROMAN}))?(?:{_KHOA})?"
)
_CONGRESS = (
    rf"Đại hội(?:{_S}(?:đại biểu{_S})?(?:toàn quốc|Đảng(?:{_S}bộ(?:{_S}(?:tỉnh|thành phố|huyện|quận|TP\.?|"
    rf"thị xã))?)?"
    rf"(?:{_S}(?!lần\b)[{_UP}][^\W\d_]*){{0,4}}(?:{_S}toàn quốc)?))?"
    rf"{_S}(?:lần thứ{_S})?(?:{_ROMAN}|\d+\b|{_ORDINAL_VI}\b)"
    rf"(?:{_S}Đảng bộ(?:{_S}(?:tỉnh|thành phố|huyện|quận|TP\.?|thị xã))?(?:{_S}[{_UP}][^\W\d_]*){{1,3}})?"
)
_VI_WORDS = (
    "Nghị quyết liên tịch|Thông tư liên tịch|Nghị quyết|Nghị định|Chỉ thị|Quyết định|Kết luận|Quy định|"
    "Thông tư|Bộ luật|Luật|Pháp lệnh"
)
_VI_ABBR = "NQ|NĐ|QĐ|CT|KL|TT|TTLT|NQLT"
_NUM = rf"(?:(?:số|Số){_S})?(?:\((?:{_VI_ABBR})\){_S})?"
_IDS_VI = rf"{_CODE}(?:(?:,{_S}|{_S}và{_S}|,{_S}và{_S})(?!\d+{_S}(?:năm|tháng|ngày)){_CODE})*"
_YEAR_Q = rf"(?:{_S}(?:năm{_S})?\d{{4}}\b)?(?:{_S}?\((?:sửa đổi(?:, bổ sung)?|\d{{4}})\))?"

_VI_RE = re.compile(
    rf"(?P<word>(?i:{_VI_WORDS}))(?:{_S}(?P<num>{_NUM}(?P<ids>{_IDS_VI}))|{_S}(?P<plenum>{_PLENUM})"
    rf"|{_S}(?P<congress>{_CONGRESS}))(?![\w/])"
)
_VI_ABBR_RE = re.compile(rf"(?<![\w/-])(?P<word>{_VI_ABBR}){_S}(?P<num>{_NUM}(?P<ids>{_IDS_VI}))(?![\w/])")
_FIRM_BEFORE_RE = re.compile(r"(?:[Cc]ông ty|[Hh]ãng|[Vv]ăn phòng|Đoàn)[ ]$")
_KY_LUAT_RE = re.compile(r"(?<![\w])(?:kỷ|kỉ|Kỷ|Kỉ)[ ]$")
_LAW_RE = re.compile(rf"(?<![\w])(?P<word>Bộ luật|Luật|luật|Pháp lệnh){_S}(?=[{_UP}])")
_LAW_WORD = re.compile(r"[^\W\d_]+")
_LAW_QUAL = re.compile(rf"(?:{_S}(?:số|Số){_S}{_STRONG_CODE})?{_YEAR_Q}")
# A law named in lower case but identified by its number: "Bộ luật hình sự số 100/2015/QH13".
_LAW_LOWER_CODE_RE = re.compile(
    rf"(?<![\w])(?P<word>Bộ luật|Luật|luật)(?P<title>(?:{_S}[^\W\d_]+){{1,6}}?){_S}(?:số|Số){_S}"
    rf"(?P<code>{_STRONG_CODE})(?![\w/])"
)

# English.
_EN_BODY = (
    r"(?:(?:(?:United Nations|UN|U\.N\.)[ ]+)?(?:Security Council|General Assembly|Human Rights Council|UNSC|"
    r"UNGA)|House|Senate)"
    r"(?:[ ]+\(UNSC\))?[ ]+"
)
_EN_ID = (
    r"(?:[A-Z]{1,2}/(?:RES/)?[\dA-Z][\dA-Z./\-]*\d|ES-\d+/\d+|No\.[ ]?\d+(?:[/\-][^\W_]+)*|"
    r"\d+(?:[/\-][^\W_]+)*)"
)
_EN_ID_Q = rf"{_EN_ID}(?:[ ]?\((?:\d{{4}}|[IVXLC]+)\))?"
_EN_RES_RE = re.compile(
    rf"(?<![\w])(?P<word>[Rr]esolutions?)(?:[ ]+|[ ]*\n[ ]*)(?:(?:No\.|number|Number)[ ]?)?"
    rf"(?P<ids>{_EN_ID_Q}(?:(?:,[ ]+|[ ]+and[ ]+|,[ ]+and[ ]+){_EN_ID_Q})*)(?![\w/])"
)
_EN_BODY_END_RE = re.compile(rf"(?<![\w'’]){_EN_BODY}$")
_EN_DOC_RE = re.compile(
    r"(?<![\w])(?P<word>Public Law|Pub\. L\.|Decree|Directive|Decision|Conclusion|Regulation|Circular|"
    r"Ordinance|Resolution|Law|Code|"
    r"decree|directive|circular)[ ]+(?:No\.[ ]?|number[ ]+)?(?P<ids>\d+[a-z]?(?:[/\-][^\W_]+)+|"
    r"\d+\b(?![.,]\d))"
)
_EN_SYMBOL_RE = re.compile(r"(?<![\w/])(?:[SA]/RES/[\dA-Z\-/]+\d(?:[ ]?\(\d{4}\))?)")
_EN_BILL_RE = re.compile(
    r"(?<![\w.])(?:H\.[ ]?(?i:Res)\.?|S\.[ ]?(?i:Res)\.?|H\.[ ]?(?i:Con)\.[ ]?(?i:Res)\.?|"
    r"S\.[ ]?(?i:Con)\.[ ]?(?i:Res)\.?|"
    r"H\.[ ]?J\.[ ]?(?i:Res)\.?|S\.[ ]?J\.[ ]?(?i:Res)\.?|H[ ]Res|S[ ]Res|H\.R\.|HRes|SRes|HR|"
    r"S\.)[ ]?\d+\b|(?<=\()S[ ]\d+(?=\))|"
    r"\b\d{3}-(?:HRES|SRES|HR|S|HJRES|SJRES|HCONRES)-\d+\b"
)
_EN_ACT_RE = re.compile(
    r"(?<![\w])(?P<title>(?:(?:(?<=^)|(?<=\n))\d+[ ]+)?[A-Z][\w'’\-]*(?:[ ]+(?:(?:of|and|for|the|on|to|in|"
    r"Against|&)[ ]+)*[A-Z][\w'’\-]*){0,9})"
    r"[ ]+(?P<act>Act)\b(?P<year>[ ]+of[ ]+\d{4})?"
)
_ACT_WORD_RE = re.compile(r"(?<=[ ])Act\b")
_EN_LAW_TITLE_RE = re.compile(
    r"(?<![\w])(?P<title>(?:[A-Z][a-z]+[ ]+){1,3})Law(?:[ ]+(?:of[ ]+)?\d{4})?\b|"
    r"(?<![\w])Law[ ]+on[ ]+[A-Z][a-z]+(?:[ ]+(?:and[ ]+)?[A-Za-z][a-z]+){0,4}?(?:[ ]+\d{4})?(?=[\s,.;:)]|$)"
)
# Word lists (see each file's header for what it holds and where it comes from).
_EN_ACT_SKIP = lexicon.phrases("act_skip_en.txt")
_EN_LAW_SKIP = lexicon.phrases("law_skip_en.txt")
_DOC_FIRST = lexicon.phrases("doc_first_vi.txt")


def _law_stops() -> frozenset[str]:
    return lexicon.phrases("law_stop_vi.txt")


def _canon_vi_word(word: str) -> str:
    word = word[0].upper() + word[1:].lower()
    return {
        "Bộ luật": "Bộ luật",
        "Nq": "Nghị quyết",
        "Nđ": "Nghị định",
        "Qđ": "Quyết định",
        "Ct": "Chỉ thị",
        "Kl": "Kết luận",
        "Tt": "Thông tư",
        "Ttlt": "Thông tư liên tịch",
        "Nqlt": "Nghị quyết liên tịch",
    }.get(word, word)


def _spaces(text: str) -> str:
    return " ".join(text.split())


def find_vi(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) for Vietnamese references."""
    for match in _VI_RE.finditer(text):
        word = match.group("word")
        if word == "Luật" and match.group("congress"):
            continue
        if word == "luật" and _KY_LUAT_RE.search(text, max(0, match.start() - 4), match.start()):
            continue  # "kỷ luật": discipline
        lower = word[0].islower()
        key_word = _canon_vi_word(word)
        if match.group("ids") is not None:
            ids = match.group("ids")
            if lower and not (match.group("num").strip() or re.match(_STRONG_CODE, ids)):
                continue
            if word.lower() in ("luật", "bộ luật") and not re.match(_STRONG_CODE, ids):
                continue
            key = _ids_key(key_word, ids)
            yield match.start(), match.end(), key
        elif lower and not (match.group("plenum") and re.search(r"\d|lần thứ", match.group("plenum"))):
            continue
        elif match.group("plenum") is not None:
            plenum = match.group("plenum")
            if not re.search(r"\d|lần thứ|khóa|khoá|Khóa|Khoá|[IVX]\b", plenum) or word.lower().endswith(
                "luật"
            ):
                continue
            yield match.start(), match.end(), _spaces(f"{key_word} {plenum}")
        else:
            if word.lower().endswith("luật"):
                continue
            yield match.start(), match.end(), _spaces(f"{key_word} {match.group('congress')}")
    for match in _VI_ABBR_RE.finditer(text):
        key_word = _canon_vi_word(match.group("word"))
        yield match.start(), match.end(), _ids_key(key_word, match.group("ids"))
    stops = _law_stops()
    for match in _LAW_RE.finditer(text):
        if match.group("word") == "luật" and _KY_LUAT_RE.search(text, max(0, match.start() - 4), match.start()):
            continue  # "kỷ luật Ban Thường vụ ...": discipline, not a law
        if match.group("word") == "Luật" and _FIRM_BEFORE_RE.search(text, max(0, match.start() - 12), match.start()):
            continue  # "Công ty Luật Hoàng Xuân Thiết": a law firm
        end = _law_title_end(text, match.end(), stops)
        if end is None:
            continue
        qual = _LAW_QUAL.match(text, end)
        if qual:
            end = qual.end()
        word = match.group("word")
        key = _spaces(f"{word[0].upper()}{word[1:]} {text[match.end() : end]}")
        yield match.start(), end, key
    for match in _LAW_LOWER_CODE_RE.finditer(text):
        title_words = match.group("title").split()
        if not all(w.islower() and w not in ("của", "luật", "số", "và") for w in title_words):
            continue
        if match.group("word") == "luật" and _KY_LUAT_RE.search(text, max(0, match.start() - 4), match.start()):
            continue
        key = _spaces(f"{match.group('word').capitalize()} {match.group('title')} số {match.group('code')}")
        yield match.start(), match.end(), key


def _law_title_end(text: str, pos: int, stops: frozenset[str]) -> int | None:
    """End of a law's title starting at `pos` (a capital letter), or None when it is not a title."""
    first = _LAW_WORD.match(text, pos)
    if first is None:
        return None
    if first.group() in ("Nghị", "Quyết", "Chỉ", "Kết", "Quy", "Thông", "Sửa", "Về", "Này", "Số", "Luật"):
        return None
    end = first.end()
    count = 1
    while count < 12:
        m = re.match(r"(,)?[ ]+([^\W\d_]+)", text[end : end + 40])
        if m is None:
            break
        comma, nxt = m.group(1), m.group(2)
        if comma and nxt != "chống":
            break
        if nxt == "và":
            after = re.match(r"[ ]+và[ ]+([^\W\d_]+)", text[end : end + 40])
            if after is None or after.group(1) in stops or after.group(1).lower() in _DOC_FIRST:
                break
            end += after.end()
            count += 2
            continue
        if (
            nxt in stops
            or nxt in ("sửa", "quy")
            or (nxt[0].isupper() and nxt in ("Nghị", "Luật", "Quyết", "Kết"))
        ):
            break
        end += m.end()
        count += 1
    return end


def _ids_key(word: str, ids: str) -> str:
    parts = re.split(r",\s*và\s+|,\s*|\s+và\s+", ids)
    return " | ".join(f"{word} {part}" for part in parts)


def find_en(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) for English references."""
    for match in _EN_RES_RE.finditer(text):
        start = match.start()
        if "\n" in text[match.end("word") : match.start("ids")] and text[match.end() : match.end() + 1] in ".)":
            continue  # "... the resolution\n1. Calls upon": a numbered paragraph, not an identifier
        body = _EN_BODY_END_RE.search(text, max(0, start - 60), start)
        if body is not None:
            start = body.start()
        ids = match.group("ids")
        key = " | ".join(_en_res_key(part) for part in re.split(r",\s*and\s+|,\s*|\s+and\s+", ids))
        yield start, match.end(), key
    for match in _EN_DOC_RE.finditer(text):
        word = match.group("word")
        if (
            word in ("Resolution", "Law", "Code")
            and not re.search(r"[/\-]", match.group("ids"))
            and word != ("Resolution")
        ):
            continue
        yield match.start(), match.end(), _spaces(f"{word.capitalize()} {match.group('ids')}")
    for match in _EN_SYMBOL_RE.finditer(text):
        yield match.start(), match.end(), _en_res_key(match.group())
    for match in _EN_BILL_RE.finditer(text):
        yield match.start(), match.end(), _bill_key(match.group())
    if "Act" in text:
        for act in _ACT_WORD_RE.finditer(text):
            lo = max(0, act.start() - 120)
            found: re.Match[str] | None = _EN_ACT_RE.search(text, lo, act.end() + 10)
            while found is not None and found.end("act") != act.end():
                found = _EN_ACT_RE.search(text, found.start() + 1, act.end() + 10)
            if found is None:
                continue
            title = found.group("title")
            words = title.split()
            while words and words[0] in _EN_ACT_SKIP:
                words.pop(0)
            if not words:
                continue
            start = found.start("title") + _offset_of_word(title, len(title.split()) - len(words))
            yield start, found.end(), _spaces(text[start : found.end()])
    if "Law" in text:
        for match in _EN_LAW_TITLE_RE.finditer(text):
            title = match.group("title")
            start = match.start()
            if title is not None:
                words = title.split()
                while words and (words[0] in _EN_LAW_SKIP or words[0] in _EN_ACT_SKIP):
                    words.pop(0)
                if not words:
                    continue
                start = match.start("title") + _offset_of_word(title, len(title.split()) - len(words))
            yield start, match.end(), _spaces(text[start : match.end()])


def _offset_of_word(text: str, index: int) -> int:
    pos = 0
    for _ in range(index):
        m = re.match(r"\S+\s+", text[pos:])
        if m is None:
            break
        pos += m.end()
    return pos


def _en_res_key(ident: str) -> str:
    ident = _spaces(ident)
    m = re.match(r"S/RES/(\d+)", ident)
    if m:
        return f"Resolution {m.group(1)}"
    m = re.match(r"(?:No\.\s?)?(\d+)(?:\s?\(\d{4}\))?$", ident)
    if m:
        return f"Resolution {m.group(1)}"
    return f"Resolution {ident}"


def _bill_key(bill: str) -> str:
    compact = re.sub(r"[\s.]", "", bill).upper()
    m = re.match(r"\d{3}-([A-Z]+)-(\d+)", compact)
    if m:
        compact = m.group(1) + m.group(2)
    m = re.match(r"([A-Z]+?)(\d+)$", compact)
    if not m:
        return bill
    kind = {
        "HRES": "H.Res.",
        "SRES": "S.Res.",
        "HR": "H.R.",
        "HCONRES": "H.Con.Res.",
        "SCONRES": "S.Con.Res.",
        "HJRES": "H.J.Res.",
        "SJRES": "S.J.Res.",
        "S": "S.",
    }.get(m.group(1), m.group(1))
    return f"{kind} {m.group(2)}"
