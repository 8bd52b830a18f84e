"""The entity word lists in src/tui_news/entities/data/ and ENTITIES_VERSION.

Stored spans are recomputed only when ENTITIES_VERSION changes, so a change to the lists or to what `extract`
returns must come with a bump. The fingerprints below are recorded per version: changing a list (or the output on
the gold sets) without bumping the version fails here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tui_news.entities import ENTITIES_VERSION, extract, lexicon
from tui_news.entities.evaluate import load
from tui_news.entities.textnorm import fold

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "tui_news" / "entities" / "data"
EVAL = ROOT / "eval" / "entities"
CODE = [ROOT / "src" / "tui_news" / "entities" / name for name in ("persons.py", "resolutions.py")]

# ENTITIES_VERSION -> (fingerprint of the lists' entries, fingerprint of extract() on gold.jsonl + heldout.jsonl).
# When this test fails: if `extract` can now give different output on any text, bump ENTITIES_VERSION and add its
# fingerprints here (keep the old lines); if it cannot (a reordered list, a refactor shown to give identical
# output), replace the current version's fingerprint and say in the commit how that was checked.
RECORDED = {
    10: (
        "9588115819ba9e5b5e58b4c6a746b951976a3d4d1d70f2cdbe3c1fbfae969ad7",
        "6730fef4e26fbcdb7d3710c520521481a095f2bbf4cc33f1fc091917620c561a",
    ),
    # 11 (issue 13): new lists teams_en.txt, place_heads_en.txt and org tails; output changes on other texts
    # (street lists, headlines, mixed-language paragraphs), not on gold.jsonl + heldout.jsonl.
    11: (
        "71ffb3f9e26acb5f12e4cdb68b2f474263c4b084a26f33530ac3dd8b7e25f078",
        "6730fef4e26fbcdb7d3710c520521481a095f2bbf4cc33f1fc091917620c561a",
    ),
    # 12 (issue 13, round 2): role_tails_en.txt, credit words "ảnh:", "Hình:", "BY", agency "BI"; title boundaries,
    # suffixes, initials and dated bylines; output changes on other texts, not on gold.jsonl + heldout.jsonl.
    12: (
        "e6459c54bdc36b81b157adc47d282a4487188c5099ebee87287c6a01d2f6d361",
        "6730fef4e26fbcdb7d3710c520521481a095f2bbf4cc33f1fc091917620c561a",
    ),
    # 13: a common word opening an English sentence is not the start of a name ("Was Pew's poll"); lists unchanged.
    13: (
        "e6459c54bdc36b81b157adc47d282a4487188c5099ebee87287c6a01d2f6d361",
        "6730fef4e26fbcdb7d3710c520521481a095f2bbf4cc33f1fc091917620c561a",
    ),
}


def data_fingerprint() -> str:
    """sha256 over every list file's name and entries (comment lines left out, so headers can be edited)."""
    digest = hashlib.sha256()
    for path in sorted(DATA.glob("*.txt")):
        entries = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        digest.update(path.name.encode() + b"\0")
        digest.update("\n".join(e for e in entries if e and not e.startswith("#")).encode() + b"\0")
    return digest.hexdigest()


def output_fingerprint() -> str:
    """sha256 over the spans and keys `extract` gives on every text of the gold and held-out sets."""
    digest = hashlib.sha256()
    for name in ("gold.jsonl", "heldout.jsonl"):
        for item in load(EVAL / name):
            spans = [(s.start, s.end, s.kind, s.key) for s in extract(str(item["text"]))]
            digest.update(json.dumps([item["id"], spans], ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def test_entities_version_records_the_lists_and_the_output() -> None:
    assert ENTITIES_VERSION in RECORDED, f"ENTITIES_VERSION {ENTITIES_VERSION} has no recorded fingerprints"
    assert max(RECORDED) == ENTITIES_VERSION
    got = (data_fingerprint(), output_fingerprint())
    assert got == RECORDED[ENTITIES_VERSION], (
        f"the entity lists or extract()'s output changed under ENTITIES_VERSION {ENTITIES_VERSION}: bump it "
        f"(stored spans are then recomputed) and record {got}; see the comment on RECORDED"
    )


def _header(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines[: next(i for i, x in enumerate(lines) if not x.startswith("#"))])


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_each_list_says_its_source_and_what_checks_it(path: Path) -> None:
    header = _header(path)
    assert "# Source: " in header, f"{path.name}: no 'Source:' line"
    assert "# Checked by: " in header, f"{path.name}: no 'Checked by:' line"
    assert "from memory" not in header, f"{path.name}: 'from memory' is not a source"
    code = "".join(p.read_text(encoding="utf-8") for p in CODE)
    assert f'"{path.name}"' in code or f"'{path.name}'" in code, f"{path.name} is not read by the rules"


def test_kinship_words_are_titles() -> None:
    assert lexicon.words("kinship_vi.txt") <= lexicon.phrases("titles_vi.txt")


def test_ascii_surnames_are_the_vietnamese_ones_without_diacritics() -> None:
    folded = {fold(name).title() for name in lexicon.phrases("surnames_vi.txt")}
    # The two named in the file's header as the only ones surnames_vi.txt leaves out.
    assert lexicon.words("surnames_ascii.txt") - folded == {"Phuong", "Bach"}


def test_given_names_from_the_census_and_added_ones_do_not_overlap() -> None:
    census, added = lexicon.words("given_en.txt"), lexicon.words("given_en_added.txt")
    assert census and added and not census & added
