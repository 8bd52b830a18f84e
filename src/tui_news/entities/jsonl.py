"""`tui-news entities`: JSON lines in, JSON lines of entities out."""

from __future__ import annotations

import json
from typing import TextIO

from tui_news.entities import extract


def run(stdin: TextIO, stdout: TextIO) -> int:
    """Read `{"id", "text"}` lines, write `{"id", "entities": [...]}` lines; 0 if all were good, else 1."""
    status = 0
    for line in stdin:
        if not line.strip():
            continue
        item: object = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object with a string "text"')
            text: str = item["text"]
            ident = item.get("id")
            entities = [
                {"start": s.start, "end": s.end, "type": s.kind, "text": text[s.start : s.end]}
                for s in extract(text)
            ]
            out: dict[str, object] = {"id": ident, "entities": entities}
        except (ValueError, TypeError) as exc:
            status = 1
            out = {"id": item.get("id") if isinstance(item, dict) else None, "error": str(exc)}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return status
