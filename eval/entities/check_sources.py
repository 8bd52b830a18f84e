"""Check the entity word lists that claim an outside source against a copy of that source.

given_en.txt claims that every name in it is in the US Census Bureau's 1990 first-name files, as shipped in the
PyPI package names 0.3.0. Get them and run:

    pip download --no-deps names==0.3.0 -d /tmp/names && tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    uv run python eval/entities/check_sources.py /tmp/names/names-0.3.0/names

Prints the entries not found and exits 1 if there are any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui_news.entities import lexicon


def census_first_names(folder: Path) -> set[str]:
    names: set[str] = set()
    for name in ("dist.male.first", "dist.female.first"):
        for line in (folder / name).read_text(encoding="ascii").splitlines():
            if line.strip():
                names.add(line.split()[0].lower())
    return names


def main() -> int:
    census = census_first_names(Path(sys.argv[1]))
    missing = sorted(name for name in lexicon.words("given_en.txt") if name.lower() not in census)
    for name in missing:
        print(f"given_en.txt: {name} is not in the Census first-name files")
    overlap = sorted(lexicon.words("given_en.txt") & lexicon.words("given_en_added.txt"))
    for name in overlap:
        print(f"given_en_added.txt: {name} is also in given_en.txt")
    print(f"{len(lexicon.words('given_en.txt'))} names checked, {len(missing) + len(overlap)} problems")
    return 1 if missing or overlap else 0


if __name__ == "__main__":
    raise SystemExit(main())
