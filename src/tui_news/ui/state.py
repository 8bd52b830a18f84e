"""The reader's own state between runs: which panes show and the theme. A small JSON file in the XDG state dir
(`$XDG_STATE_HOME/tui-news/state.json`), never feeds.toml. A missing or unreadable file means the defaults;
a write that fails is dropped (the state is a convenience, not data)."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class UiState:
    feeds_pane: str = "auto"
    """'auto' (shown when the window is 100 columns or wider), 'shown' or 'hidden'."""
    theme: str | None = None


def state_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tui-news" / "state.json"


def load_state(path: Path | None = None) -> UiState:
    path = path or state_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(raw, dict):
        return UiState()
    pane = raw.get("feeds_pane")
    theme = raw.get("theme")
    return UiState(feeds_pane=pane if pane in ("auto", "shown", "hidden") else "auto",
                   theme=theme if isinstance(theme, str) and theme.isprintable() and len(theme) < 100 else None)


def save_state(state: UiState, path: Path | None = None) -> None:
    """Write atomically (a temporary file renamed over the old one). Called from a worker thread."""
    path = path or state_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state)), "utf-8")
        os.replace(tmp, path)
