"""docs/RELIABILITY.md stays true: every test its tables name exists, and every reliability test is named."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "RELIABILITY.md"
REF = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")}


def table_refs() -> set[tuple[str, str]]:
    refs = set()
    for line in DOC.read_text("utf-8").splitlines():
        if line.startswith("|"):
            refs.update(REF.findall(line))
    return refs


def test_every_test_named_in_the_table_exists() -> None:
    refs = table_refs()
    assert len(refs) >= 15
    missing = [f"{path}::{name}" for path, name in sorted(refs)
               if not (ROOT / path).is_file() or name not in defined_tests(ROOT / path)]
    assert not missing, f"docs/RELIABILITY.md names tests that do not exist: {missing}"


def test_every_reliability_test_is_in_the_table() -> None:
    named = {(path, name) for path, name in table_refs()}
    here = Path(__file__).resolve().parent
    absent = []
    for path in sorted(here.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        rel = path.relative_to(ROOT).as_posix()
        absent += [f"{rel}::{name}" for name in sorted(defined_tests(path)) if (rel, name) not in named]
    assert not absent, f"add these to a table in docs/RELIABILITY.md: {absent}"
