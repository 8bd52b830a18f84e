"""What each word list in src/tui_news/entities/data/ does on the gold sets: its "Checked by" figure.

For every data file (and every tag of a tagged file) the package is copied to a temporary folder with that list
replaced by one entry that matches nothing, and the gold and held-out sets are scored with the copy. A list whose
removal changes nothing is not checked by the evaluation; its header has to say what else checks it.

    uv run python eval/entities/ablate.py [name.txt ...]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "tui_news"
DATA = PACKAGE / "entities" / "data"
NEVER = "\u0000never\u0000"

_SCORE = """
import json, sys
from tui_news.entities import extract
from tui_news.entities.evaluate import load, score
out = {}
for name in ("gold.jsonl", "heldout.jsonl"):
    items = load(__import__("pathlib").Path(sys.argv[1]) / name)
    report = score(items)
    out[name] = {
        "f1": {f"{lang} {kind}": round(c.f1, 3) for (lang, kind), c in sorted(report.counts.items())},
        "spans": {item["id"]: [[s.start, s.end, s.kind] for s in extract(item["text"])] for item in items},
    }
print(json.dumps(out))
"""


def _ablated(text: str, tag: str | None) -> str:
    """`text` with its entries (or those of one tag) replaced by one entry that matches nothing."""
    lines = text.splitlines()
    keep = [line for line in lines if line.startswith("#")]
    if tag is not None:
        entries = [line for line in lines if line and not line.startswith("#")]
        keep += [line for line in entries if tag not in line.partition(":")[0].split(",")]
    return "\n".join([*keep, f"{tag}:{NEVER}" if tag else NEVER]) + "\n"


def _failing_tests(package: Path) -> int:
    """How many rule tests (tests/entities/test_entities.py) fail with `package` imported instead of the real one
    (test_data.py is left out: its fingerprint fails on any change of a list, by design)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "tests/entities/test_entities.py"), "-q", "-n", "0"]
        + ["-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(package.parent)},
        cwd=ROOT,
    )
    found = re.search(r"(\d+) failed", proc.stdout)
    return int(found.group(1)) if found else 0


def _run(package: Path) -> dict[str, dict[str, Any]]:
    env_path = str(package.parent)
    proc = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r});" + _SCORE, str(ROOT / "eval/entities")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def _targets(names: list[str]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for path in sorted(DATA.glob("*.txt")):
        if names and path.name not in names:
            continue
        entries = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        tags = sorted({t for line in entries if ":" in line for t in line.partition(":")[0].split(",")})
        if tags and all(":" in line for line in entries):
            out.extend((path.name, tag) for tag in tags)
        else:
            out.append((path.name, None))
    return out


def _compare(gold_set: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """"gold.jsonl: 3/50 items changed (en PERSON 0.977->0.960)": how the ablated run differs from the real one."""
    changed = sum(1 for key, spans in before["spans"].items() if after["spans"][key] != spans)
    f1_before, f1_after = before["f1"], after["f1"]
    drops = [f"{k} {f1_before[k]:.3f}->{f1_after[k]:.3f}" for k in f1_before if f1_before[k] != f1_after[k]]
    line = f"{gold_set}: {changed}/{len(before['spans'])} items changed"
    return line + (f" ({', '.join(drops)})" if drops else "")


def main() -> int:
    base = _run(PACKAGE)
    for name, tag in _targets(sys.argv[1:]):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "tui_news"
            shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
            target = copy / "entities" / "data" / name
            target.write_text(_ablated(target.read_text(encoding="utf-8"), tag), encoding="utf-8")
            got = _run(copy)
            failed = _failing_tests(copy)
        parts = [_compare(name, base[name], got[name]) for name in ("gold.jsonl", "heldout.jsonl")]
        parts.append(f"test_entities.py: {failed} failed")
        print(f"{name}{'[' + tag + ']' if tag else ''}: " + "; ".join(parts), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
