"""tui_news.entities: the seed article, the gold-set floor, tricky rules, the JSON-lines CLI, highlighting."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from tui_news.entities import (
    detect_language,
    extract,
    fold_key,
    key_matches,
    normalise_key,
)
from tui_news.entities.evaluate import load, score
from tui_news.entities.jsonl import run

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval" / "entities"
SHARED_SEED = ROOT.parent / "shared" / "seed"


def _seed() -> tuple[str, list[dict[str, object]]]:
    if (SHARED_SEED / "article.txt").exists():
        text = (SHARED_SEED / "article.txt").read_text(encoding="utf-8")
        gold = json.loads((SHARED_SEED / "gold.json").read_text(encoding="utf-8"))
    else:
        text = (EVAL / "seed_article.txt").read_text(encoding="utf-8")
        gold = json.loads((EVAL / "seed_gold.json").read_text(encoding="utf-8"))
    return text, gold["entities"]


def spans(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in extract(text)]


def test_seed_article_exact() -> None:
    text, gold = _seed()
    got = [(s.start, s.end, s.kind, text[s.start : s.end]) for s in extract(text)]
    assert got == [(e["start"], e["end"], e["type"], e["text"]) for e in gold]


def test_seed_article_nfd_offsets_map_back() -> None:
    text, gold = _seed()
    nfd = unicodedata.normalize("NFD", text)
    got = [unicodedata.normalize("NFC", nfd[s.start : s.end]) for s in extract(nfd)]
    assert got == [e["text"] for e in gold]


# Floors: just under what the gold sets score now; raise them as the rules improve.
FLOORS = {
    ("vi", "PERSON"): 0.98,
    ("vi", "RESOLUTION"): 0.98,
    ("en", "PERSON"): 0.95,
    ("en", "RESOLUTION"): 0.98,
}


@pytest.mark.parametrize("name", ["gold.jsonl", "heldout.jsonl"])
def test_gold_set_floor(name: str) -> None:
    items = load(EVAL / name)
    if name == "gold.jsonl":
        langs = [item["lang"] for item in items]
        assert langs.count("vi") >= 30 and langs.count("en") >= 10
    report = score(items)
    for key, floor in FLOORS.items():
        assert report.get(*key).f1 >= floor, (key, report.get(*key))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hội nghị có các đồng chí: Nguyễn Văn Lợi, Ủy viên Trung ương Đảng; Trần Tuệ Hiền, Phó Bí thư.",
            [("PERSON", "Nguyễn Văn Lợi"), ("PERSON", "Trần Tuệ Hiền")],
        ),
        ("Ông Tuấn cho biết dự án chậm tiến độ.", [("PERSON", "Tuấn")]),
        ("Học sinh Trường THPT chuyên Lê Quý Đôn đi qua đường Nguyễn Thái Học.", []),
        ("Thành phố Hồ Chí Minh và Học viện Chính trị quốc gia Hồ Chí Minh.", []),
        ("Học tập và làm theo tư tưởng Hồ Chí Minh.", [("PERSON", "Hồ Chí Minh")]),
        ("Đoàn đại biểu vào Lăng viếng Chủ tịch Hồ Chí Minh.", [("PERSON", "Hồ Chí Minh")]),
        ("Toàn cảnh hội nghị. (Ảnh: Phạm Thắng)", [("PERSON", "Phạm Thắng")]),
        ("Tổng Bí thư phát biểu. Ảnh: TTXVN", []),
        ("Đoàn đại biểu dâng hương. Ảnh: Getty Images", []),
        ("Đại biểu dâng hương. Thu Hà - TTXVN", [("PERSON", "Thu Hà")]),
        (
            "Thủ tướng Chính phủ nước Cộng hòa Dân chủ Nhân dân Lào Phankham Viphavanh hội đàm.",
            [("PERSON", "Phankham Viphavanh")],
        ),
        ("Thủ tướng phát biểu. Ảnh: Nhan Sáng/TTXVN", [("PERSON", "Nhan Sáng")]),
        ("Triển khai Nghị quyết 66 và 68 của Bộ Chính trị.", [("RESOLUTION", "Nghị quyết 66 và 68")]),
        (
            "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 và NQ 57-NQ/TW.",
            [("RESOLUTION", "Nghị quyết số 57-NQ/TW"), ("RESOLUTION", "NQ 57-NQ/TW")],
        ),
        (
            "Theo Nghị định 168/2024/NĐ-CP và Quyết định số 1234/QĐ-TTg.",
            [("RESOLUTION", "Nghị định 168/2024/NĐ-CP"), ("RESOLUTION", "Quyết định số 1234/QĐ-TTg")],
        ),
        ("Luật Đất đai năm 2024 có hiệu lực.", [("RESOLUTION", "Luật Đất đai năm 2024")]),
        ("Luật sửa đổi, bổ sung một số điều của Luật Công đoàn.", [("RESOLUTION", "Luật Công đoàn")]),
        (
            "Tiếp tục thực hiện Nghị quyết theo hướng mới; Đề án Trung ương 6; Hội nghị Trung ương 6 khóa XIII.",
            [],
        ),
        (
            "Quán triệt Nghị quyết Trung ương 4 (khóa XII) và Nghị quyết Đại hội XIII.",
            [("RESOLUTION", "Nghị quyết Trung ương 4 (khóa XII)"), ("RESOLUTION", "Nghị quyết Đại hội XIII")],
        ),
        ("Bác Hồ kính yêu.", [("PERSON", "Bác Hồ")]),
        ("Giải thưởng Hồ Chí Minh và Lăng Chủ tịch Hồ Chí Minh.", []),
        ("Cửa hàng ở quận Hai Bà Trưng, phố Bà Triệu.", []),
        ("Chủ tịch UBND tỉnh Quảng Ninh Nguyễn Văn A dự.", [("PERSON", "Nguyễn Văn A")]),
        ("Tổng thống Nga V.Putin điện mừng ông N.Huệ.", [("PERSON", "V.Putin"), ("PERSON", "N.Huệ")]),
        (
            "Quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.",
            [("RESOLUTION", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII")],
        ),
        ("Kế hoạch số 25-KH/TU, Công văn số 100/CV-UBND, Hướng dẫn số 05-HD/TW, Hiến pháp năm 2013.", []),
        (
            "Luật Phòng, chống tham nhũng năm 2018 được thông qua.",
            [("RESOLUTION", "Luật Phòng, chống tham nhũng năm 2018")],
        ),
        ("Nội dung bài viết.\nNGUYỄN HOÀNG", [("PERSON", "NGUYỄN HOÀNG")]),
        (
            "Thái Gia Nghi lái xe. Sau va chạm, Nghi bỏ chạy về hướng đường Hòa Bình.",
            [("PERSON", "Thái Gia Nghi"), ("PERSON", "Nghi")],
        ),
        (
            "Chủ nhiệm Ủy ban Xã hội Nguyễn Thúy Anh chủ trì; Trần Anh Thư, Tỉnh ủy viên; ông Nguyễn Chiến Thắng.",
            [("PERSON", "Nguyễn Thúy Anh"), ("PERSON", "Trần Anh Thư"), ("PERSON", "Nguyễn Chiến Thắng")],
        ),
        (
            "Các nhân sự: Trần Đức Quận, Nguyễn Văn Vịnh, Doãn Văn Hưởng.",
            [("PERSON", "Trần Đức Quận"), ("PERSON", "Nguyễn Văn Vịnh"), ("PERSON", "Doãn Văn Hưởng")],
        ),
        ("Thi hành kỷ luật Ban Thường vụ Huyện ủy Cô Tô; ông Quang, Ủy viên T.Ư Đảng.", [("PERSON", "Quang")]),
        ("Cử tri phát biểu ý kiến. Ảnh: H.Thảo", [("PERSON", "H.Thảo")]),
        ("Chủ tịch Liên đoàn Lao động tỉnh và Giám đốc Quỹ Dân số dự.", []),
        (
            "Theo Nghị quyết số 68- NQ/TW, Luật Tổ chức Quốc hội số 57/2014/QH13 và Luật sửa đổi, bổ sung một số "
            "điều của Bộ luật hình sự số 100/2015/QH13; kỷ luật cảnh cáo.",
            [
                ("RESOLUTION", "Nghị quyết số 68- NQ/TW"),
                ("RESOLUTION", "Luật Tổ chức Quốc hội số 57/2014/QH13"),
                ("RESOLUTION", "Bộ luật hình sự số 100/2015/QH13"),
            ],
        ),
        (
            "Bí thư Thành ủy TP.HCM Nguyễn Văn Nên; Chủ tịch UBND TP HCM Nguyễn Văn Được; Thành ủy TPHCM "
            "Đặng Quốc Toàn; Tổng thống Hy Lạp Katerina Sakellaropoulou.",
            [
                ("PERSON", "Nguyễn Văn Nên"),
                ("PERSON", "Nguyễn Văn Được"),
                ("PERSON", "Đặng Quốc Toàn"),
                ("PERSON", "Katerina Sakellaropoulou"),
            ],
        ),
        (
            "Bị cáo Võ Trường Giang; Hoàng Kiến An (Giám đốc Công ty Luật Hoàng Xuân Thiết), Công ty TNHH "
            "Bất động sản Hoàng Hà. Ảnh: PHAN ANH",
            [("PERSON", "Võ Trường Giang"), ("PERSON", "Hoàng Kiến An"), ("PERSON", "PHAN ANH")],
        ),
        (
            "V.I.Lênin đã nhắc nhở. Học viện Chính trị - Hành chính quốc gia Hồ Chí Minh nghiên cứu.",
            [("PERSON", "V.I.Lênin")],
        ),
        (
            "Thủ tướng Anh Keir Starmer điện đàm; ông Anh cho biết.",
            [("PERSON", "Keir Starmer"), ("PERSON", "Anh")],
        ),
        (
            "Các đồng chí: Chẩu Văn Lâm, Bí thư Tỉnh ủy; vụ án của Phan Văn Anh Vũ. Ra quyết định khởi tố.",
            [("PERSON", "Chẩu Văn Lâm"), ("PERSON", "Phan Văn Anh Vũ")],
        ),
        # issue 13, round 2: an organisation between title and name; credits of initials, "Hình:", dated bylines
        (
            "Chủ tịch Vingroup Phạm Nhật Vượng phát biểu. (ảnh: P.L)\nẢnh: TTXVN\n– Hình: THI CA",
            [("PERSON", "Phạm Nhật Vượng"), ("PERSON", "P.L"), ("PERSON", "THI CA")],
        ),
        (
            "Tiểu Vy - 20/03/2025 11:00 (GMT+7)\n\nDoanh nghiệp tăng trưởng mạnh trong năm.\nA.SÁNG",
            [("PERSON", "Tiểu Vy"), ("PERSON", "A.SÁNG")],
        ),
    ],
)
def test_vietnamese_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Council recalled resolutions 242 and 338 and its resolution 2334.",
            [("RESOLUTION", "resolutions 242 and 338"), ("RESOLUTION", "resolution 2334")],
        ),
        ("Security Council resolution 1325 on women.", [("RESOLUTION", "Security Council resolution 1325")]),
        ("It cited the Council's resolution 1325 again.", [("RESOLUTION", "resolution 1325")]),
        (
            "See S/RES/2334 (2016) and H.Res. 24 and the Laken Riley Act.",
            [
                ("RESOLUTION", "S/RES/2334 (2016)"),
                ("RESOLUTION", "H.Res. 24"),
                ("RESOLUTION", "Laken Riley Act"),
            ],
        ),
        (
            "Rep. Michael T. McCaul said Secretary-General Ban Ki-moon's plan works.",
            [("PERSON", "Michael T. McCaul"), ("PERSON", "Ban Ki-moon")],
        ),
        (
            "General Secretary To Lam met President Joe Biden. Lam said ties were strong.",
            [("PERSON", "To Lam"), ("PERSON", "Joe Biden"), ("PERSON", "Lam")],
        ),
        ("The House passed a resolution condemning the attack.", []),
        (
            "Vice President JD Vance voted; Sens. Thom Tillis of North Carolina and John Thune of South Dakota.",
            [("PERSON", "JD Vance"), ("PERSON", "Thom Tillis"), ("PERSON", "John Thune")],
        ),
        (
            "Bedfordshire MP Alistair Burt quit; Theresa May and Mrs May spoke on May 5.",
            [("PERSON", "Alistair Burt"), ("PERSON", "Theresa May"), ("PERSON", "May")],
        ),
        (
            "UNITED NATIONS, June 8 (Xinhua) -- Vote.\nSVEN JÜRGENSON (Estonia), President of the Council, spoke.",
            [("PERSON", "SVEN JÜRGENSON")],
        ),
        ("The police newspaper Capital Security on Tuesday reported it.", []),
        (
            "He met Sheikh Mohammad al-Abdullah al-Mubarak al-Sabah, the Minister of State for Cabinet Affairs, "
            "and Omar Abdi, the Deputy Executive Director of UNICEF.",
            [("PERSON", "Mohammad al-Abdullah al-Mubarak al-Sabah"), ("PERSON", "Omar Abdi")],
        ),
        (
            "Reuters Editor-in-Chief Stephen Adler met Interior Minister General Magdi Abdel Ghaffar.",
            [("PERSON", "Stephen Adler"), ("PERSON", "Magdi Abdel Ghaffar")],
        ),
        (
            "Mr. NADLER. Mr. Speaker, pursuant to House Resolution\n491, I call up H. Res. 489 of the Centers for "
            "Disease Control and Prevention.",
            [("PERSON", "NADLER"), ("RESOLUTION", "House Resolution\n491"), ("RESOLUTION", "H. Res. 489")],
        ),
        ("The Council adopted the resolution\n1. Calls upon all parties.", []),
        # issue 13, round 2: title boundaries (role words, "<role> of <portfolio>"), suffixes, credits in capitals
        (
            "Secretary of Energy Chris Wright and Secretary of the Treasury Scott Bessent met Minister of "
            "Agriculture and Rural Development Le Minh Hoan.",
            [("PERSON", "Chris Wright"), ("PERSON", "Scott Bessent"), ("PERSON", "Le Minh Hoan")],
        ),
        (
            "House Majority Whip Tom Emmer, Deputy Whip Jane Smith and Under-Secretary-General Tom Fletcher spoke.",
            [("PERSON", "Tom Emmer"), ("PERSON", "Jane Smith"), ("PERSON", "Tom Fletcher")],
        ),
        (
            "Microsoft President and Chief Legal Officer Brad Smith told Congress; Product Manager Brian Shih left.",
            [("PERSON", "Brad Smith"), ("PERSON", "Brian Shih")],
        ),
        ("Was Pew’s question fair? It was not, and Pew said so.", []),
        ("The Leader of the Opposition and the Director of the Centers for Disease Control spoke.", []),
        (
            "Founders John Bruno and Gerard Williams III raised $53M.",
            [("PERSON", "John Bruno"), ("PERSON", "Gerard Williams III")],
        ),
        (
            "Hubs are growing. BY ATE HOEKSTRA\nGraeme Sloane | Bloomberg | Getty Images\nChelsea Jia Feng/BI",
            [("PERSON", "ATE HOEKSTRA"), ("PERSON", "Graeme Sloane"), ("PERSON", "Chelsea Jia Feng")],
        ),
    ],
)
def test_english_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


def test_keys_shared_and_normalised() -> None:
    text = "Nghị quyết số 57-NQ/TW được ban hành. NQ 57-NQ/TW và Nghị quyết 57 là một."
    keys = {s.key for s in extract(text) if s.kind == "RESOLUTION"}
    assert keys == {"Nghị quyết 57-NQ/TW"}
    assert normalise_key("RESOLUTION", "57-NQ/TW") == "Nghị quyết 57-NQ/TW"
    assert key_matches("RESOLUTION", "Nghị quyết 57-NQ/TW", "57-nq/tw")
    assert key_matches("PERSON", "Trương Thị Mai", "truong thi mai")
    assert key_matches("PERSON", "Trương Thị Mai", "TRƯƠNG THỊ MAI")
    assert fold_key(normalise_key("PERSON", "trương thị mai")) == fold_key("Trương Thị Mai")
    assert key_matches("RESOLUTION", "Nghị quyết 66 | Nghị quyết 68", "Nghị quyết 68")
    assert normalise_key("RESOLUTION", "resolution 2334") == "Resolution 2334"


def test_detect_language() -> None:
    assert detect_language("Đồng chí Trương Thị Mai phát biểu tại hội nghị.") == "vi"
    assert detect_language("The Security Council adopted resolution 2334.") == "en"


def test_spans_sorted_non_overlapping() -> None:
    for item in load(EVAL / "gold.jsonl"):
        got = extract(str(item["text"]))
        assert all(a.end <= b.start for a, b in zip(got, got[1:], strict=False))


def test_jsonl_run() -> None:
    stdin = io.StringIO(
        '{"id": 1, "text": "Đồng chí Trương Thị Mai dự họp."}\nnot json\n'
        '{"id": "x", "text": 5}\n{"id": 2, "text": ""}\n'
    )
    stdout = io.StringIO()
    assert run(stdin, stdout) == 1
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert lines[0] == {
        "id": 1,
        "entities": [{"start": 9, "end": 23, "type": "PERSON", "text": "Trương Thị Mai"}],
    }
    assert lines[1]["id"] is None and "error" in lines[1]
    assert lines[2]["id"] == "x" and "error" in lines[2]
    assert lines[3] == {"id": 2, "entities": []}
    assert "Trương" in stdout.getvalue()  # ensure_ascii=False


def test_jsonl_all_good_returns_zero() -> None:
    stdout = io.StringIO()
    assert run(io.StringIO('{"id": 1, "text": "x"}\n'), stdout) == 0


def test_highlight_styles_and_literal_markup() -> None:
    from rich.console import Console

    from tui_news.ui.highlight import highlight_text

    text = "[bold red]x[/] Trương Thị Mai và Nghị quyết số 57-NQ/TW"
    rendered = highlight_text(text, extract(text))
    assert rendered.plain == text
    styles = {str(span.style) for span in rendered.spans}
    assert len(styles) == 2
    console = Console(record=True, width=200)
    console.print(rendered)
    assert "[bold red]x[/]" in console.export_text()


def test_print_highlighted(tmp_path: Path) -> None:
    from rich.console import Console

    from tui_news.ui.highlight import print_highlighted

    path = tmp_path / "a.txt"
    path.write_text("Đồng chí Trương Thị Mai nói về Nghị quyết số 57-NQ/TW.", encoding="utf-8")
    console = Console(record=True, width=120)
    assert print_highlighted(path, console) == 0
    out = console.export_text()
    assert "PERSON" in out and "RESOLUTION" in out
    assert print_highlighted(tmp_path / "missing.txt", console) == 1


@pytest.mark.parametrize("unit", ["Nguyễn ", "Trần Văn Nam ", "John Smith "])
def test_a_run_without_full_stops_is_read_in_linear_work(monkeypatch: pytest.MonkeyPatch, unit: str) -> None:
    """A hostile description of a million characters of names with no full stop once took minutes: each
    surname looked ahead to the end of its sentence. The work per token is now bounded, counted here (not timed)."""
    from tui_news.entities import persons

    calls = 0
    original = persons._Finder._sentence_break

    def counting(self: object, tok: object) -> bool:
        nonlocal calls
        calls += 1
        return original(self, tok)  # type: ignore[arg-type]

    monkeypatch.setattr(persons._Finder, "_sentence_break", counting)
    text = unit * 3_000
    spans = extract(text)
    tokens = len(text.split())
    assert spans  # the names are still found
    assert calls <= 20 * tokens, f"{calls} sentence checks for {tokens} tokens"


# --- issue 13: mixed-language text and precision on non-news English -------------------------------------------

_EVAL = Path(__file__).resolve().parents[2] / "eval" / "entities"
_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds" / "real"


def _item(name: str, ident: str) -> dict[str, object]:
    return next(item for item in load(_EVAL / name) if item["id"] == ident)


def test_mixed_article_finds_the_english_names_of_its_english_part() -> None:
    # Real paragraphs: the seed article (Vietnamese) followed by a UN noon briefing (English, held-out batch 9).
    vi = str(_item("gold.jsonl", "vi-seed-noichinh")["text"])
    en_item = _item("heldout.jsonl", "h9-en-unpress-db170628")
    text = vi + "\n\n" + str(en_item["text"])
    got = {text[s.start : s.end] for s in extract(text) if s.start > len(vi)}
    wanted = {str(e["text"]) for e in en_item["entities"]}  # type: ignore[attr-defined]
    assert wanted <= got
    # and the Vietnamese part keeps its own names
    assert {"Trương Thị Mai", "Nguyễn Thái Học"} <= {text[s.start : s.end] for s in extract(text)}


# (feed file, entry index, names that are real people in it). Twenty tech, business and sport articles from the
# real feeds of ../shared/corpus (Daring Fireball, TechCrunch, The Guardian); any other highlight is a false one.
_PRECISION_SET: list[tuple[str, int, set[str]]] = [
    ("rsparser/DaringFireball.rss", 0, {"Kara Swisher", "Tim Cook", "Swisher", "John Paczkowski", "Jim Dalrymple"}),
    ("rsparser/DaringFireball.rss", 3, {"Jose Pagliery"}),
    ("rsparser/DaringFireball.rss", 6, {"Deepa Seetharaman", "Jack Nicas", "Brad Smith"}),
    ("rsparser/DaringFireball.rss", 13, {"Matt Apuzzo", "Katie Benner", "Timothy D. Cook"}),
    (
        "rsparser/DaringFireball.rss",
        17,
        {
            "David Ortiz",
            "Kevin Kernan",
            "Big Papi",
            "Derek Jeter",
            "Mariano Rivera",
            "Jorge Posada",
            "Joe Torre",
            "Ortiz",
        },
    ),
    ("rsparser/DaringFireball.rss", 19, {"Mike Masnick"}),
    ("rsparser/DaringFireball.rss", 24, {"Serenity Caldwell", "Myke Hurley"}),
    ("rsparser/DaringFireball.rss", 25, {"Bill Gates", "Stephen Foley", "Tim Bradshaw", "Gates", "Sundar Pichai"}),
    ("rsparser/DaringFireball.rss", 36, {"John Paczkowski", "David Wert", "Syed Farook", "Farook"}),
    ("feedjira/TechCrunch.xml", 0, set()),
    ("feedjira/TechCrunch.xml", 1, {"Robert Scoble", "Paul Buchheit"}),
    ("feedjira/TechCrunch.xml", 3, {"Brian Shih", "Shih", "Kevin Fox", "Francis Cleary", "Cleary"}),
    ("feedjira/TechCrunch.xml", 7, {"Brandt Squires", "Toby Scammell", "Dave McClure"}),
    ("feedjira/TechCrunch.xml", 8, {"Eric Schmidt", "Christophe Bisciglia", "Mike Olson", "Bisciglia"}),
    ("feedjira/TechCrunch.xml", 9, set()),
    ("feedjira/TechCrunch.xml", 12, {"Megan Quinn", "Quinn", "Jim McKelvey", "Jack Dorsey"}),
    ("feedjira/TechCrunch.xml", 17, {"Dustin Moskovitz", "Moskovitz", "Justin Rosenstein", "Kenny Van Zant"}),
    ("rss-parser/guardian.rss", 23, {"Rasual Butler", "Butler", "Leah LaBelle"}),
    (
        "rss-parser/guardian.rss",
        24,
        {
            "David Rudovsky",
            "Malcolm Jenkins",
            "Chris Long",
            "Torrey Smith",
            "Rodney McLeod",
            "Rudovsky",
            "Roger Goodell",
            "Colin Kaepernick",
        },
    ),
    (
        "rss-parser/guardian.rss",
        26,
        {"LeBron James", "Kevin Durant", "Russell Westbrook", "Giannis Antetokuonmpo", "Westbrook"},
    ),
]


def _feed_article(path: str, index: int) -> str:
    import html

    import feedparser

    if not _CORPUS.is_dir():
        pytest.skip(f"{_CORPUS} not found: the precision guard reads real feeds of ../shared/corpus")
    entry = feedparser.parse(str(_CORPUS / path)).entries[index]
    body = entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")
    body = re.sub(r"<(p|br|div|blockquote|li|h\d)[^>]*>", "\n\n", body)
    body = html.unescape(re.sub(r"<[^>]+>", "", body))
    body = re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t]+", " ", body)).strip()
    return str(entry.get("title", "")) + "\n\n" + body


def _false_highlights() -> tuple[int, list[str]]:
    words = 0
    false: list[str] = []
    for path, index, people in _PRECISION_SET:
        text = _feed_article(path, index)
        words += len(text.split())
        for span in extract(text):
            if span.kind == "PERSON" and text[span.start : span.end] not in people:
                false.append(f"{path}#{index}: {text[span.start : span.end]!r}")
    return words, false


def test_english_precision_on_tech_business_and_sport_does_not_regress() -> None:
    """Ratchet: 19 false highlights in 7,678 words (2.5 per 1,000) after issue 13's second round (22 after the
    first round's teams, place-head, headline and propagation rules; 40 before them; 57 before any change). Lower
    the bound as rules improve."""
    words, false = _false_highlights()
    assert words > 5000
    assert len(false) <= 19, f"{len(false)} false highlights in {words} words:\n" + "\n".join(false)


@pytest.mark.xfail(strict=True, reason="issue 13 target not reached: 2.5 false highlights per 1,000 words, goal 1")
def test_english_precision_on_tech_business_and_sport() -> None:
    """Issue 13's guard: at most one false highlight per 1,000 words on 20 non-news English articles."""
    words, false = _false_highlights()
    assert len(false) <= words / 1000, f"{len(false)} false highlights in {words} words:\n" + "\n".join(false)
