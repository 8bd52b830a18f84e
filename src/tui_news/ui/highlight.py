"""Entity spans as styled Rich text (used by `tui-news entities --file PATH`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui_news.models import Span
from tui_news.service import find_entities

DEFAULT_STYLES: dict[str, str] = {
    "PERSON": "bold cyan",
    "RESOLUTION": "bold magenta underline",
    "ORGANIZATION": "green",
    "PLACE": "yellow",
}


def highlight_text(text: str, spans: Iterable[Span], styles: Mapping[str, str | Style] | None = None) -> Text:
    """`text` as a Rich Text with each span styled by its kind; the text is never parsed as markup."""
    styles = DEFAULT_STYLES if styles is None else styles
    out = Text(text)
    for span in spans:
        style = styles.get(span.kind)
        if style:
            out.stylize(style, span.start, span.end)
    return out


def print_highlighted(path: Path, console: Console) -> int:
    """Print the file's text with entities highlighted, then the list of entities. Returns an exit status."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        console.print(Text(f"cannot read {path}: {exc}", style="bold red"))
        return 1
    text, spans = find_entities(raw)
    console.print(highlight_text(text, spans))
    console.rule("entities")
    for span in spans:
        line = Text(f"{span.start:>6}-{span.end:<6} {span.kind:<11} ")
        line.append(text[span.start : span.end], style=DEFAULT_STYLES.get(span.kind, ""))
        if span.key and span.key != text[span.start : span.end]:
            line.append(f"  [{span.key}]", style="dim")
        console.print(line)
    return 0
