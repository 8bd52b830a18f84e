"""Lint, types and the architecture rule, run as part of the suite so CI checks them."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "tui_news"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed in this environment (uv sync installs the dev group)")
    return found


def test_ruff() -> None:
    proc = subprocess.run([tool("ruff"), "check", "src", "tests", "bench"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy() -> None:
    """mypy over the whole package: the domain with every def typed, ui/ as it is typed."""
    proc = subprocess.run([tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


CONTRACTS = {
    "layers": "Layers, top to bottom, every module placed",
    "independent": "Store, entities, fetch, OPML and parse are independent",
    "ui": "The UI uses only service, models and errors",
    "cli": "The CLI runs every command through the service",
    "search": "Search reads through the Repository only, no SQL",
    "sql": "Only the store talks to SQLite",
    "domain": "The domain never imports the UI, textual or rich",
}


def lint_imports(root: Path, pythonpath: Path | None = None) -> tuple[int, dict[str, str], str]:
    """Run lint-imports with `root`'s pyproject.toml; (exit status, contract name -> KEPT/BROKEN, output)."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    proc = subprocess.run([tool("lint-imports"), "--no-cache", str(root / "pyproject.toml")],
                          cwd=root, capture_output=True, text=True, env=env)
    out = proc.stdout + proc.stderr
    status = {name: verdict for name in CONTRACTS.values()
              for verdict in ("KEPT", "BROKEN") if re.search(rf"^{re.escape(name)} {verdict}$", out, re.M)}
    return proc.returncode, status, out


def test_import_linter_contracts() -> None:
    """Every contract of pyproject.toml is checked, and kept."""
    code, status, out = lint_imports(ROOT)
    assert code == 0, out
    assert status == dict.fromkeys(CONTRACTS.values(), "KEPT"), out


# (contract that must break, file to change, line to add). Each line breaks that one contract and no other.
BREAKS = [
    ("layers", "store/repo.py", "import tui_news.search.query"),
    ("layers", "models.py", "import tui_news.text"),
    ("layers", "text.py", "import tui_news.config"),
    ("layers", "newmodule.py", "X = 1"),  # a module no layer names (exhaustive)
    ("independent", "entities/__init__.py", "import tui_news.store.repo"),
    ("ui", "ui/messages.py", "from tui_news.store.repo import Repository"),
    ("ui", "ui/widgets/feed_tree.py", "import tui_news.entities"),
    ("ui", "ui/highlight.py", "from tui_news.search import search"),
    ("cli", "cli.py", "from tui_news.search import search"),
    ("search", "search/query.py", "from tui_news.store.db import Database"),
    ("search", "search/snippet.py", "from tui_news.store import fts"),
    ("sql", "service.py", "import sqlite3"),
    ("domain", "models.py", "import rich"),
]


@pytest.mark.parametrize(("contract", "path", "line"), BREAKS, ids=[f"{c}-{p}" for c, p, _ in BREAKS])
def test_each_contract_fails_on_a_forbidden_import(tmp_path: Path, contract: str, path: str, line: str) -> None:
    """A copy of the package with one forbidden import added: lint-imports really runs on it and fails, naming
    that contract (and only that one) as broken."""
    shutil.copytree(SRC, tmp_path / "src" / "tui_news", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "tui_news" / path
    target.write_text((target.read_text("utf-8") if target.exists() else "") + f"\n{line}\n", "utf-8")
    code, status, out = lint_imports(tmp_path, tmp_path / "src")
    assert code != 0, out
    expected = dict.fromkeys(CONTRACTS.values(), "KEPT")
    expected[CONTRACTS[contract]] = "BROKEN"
    assert status == expected, out


def test_no_domain_module_imports_textual_or_rich() -> None:
    """The same rule, read straight from the source (also catches imports inside functions)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "ui" or rel.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("textual", "rich") or name.startswith("tui_news.ui"):
                    offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_importing_the_domain_loads_no_ui() -> None:
    code = ("import sys, tui_news.service, tui_news.search, tui_news.entities; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
