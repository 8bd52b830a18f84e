"""tui_news.text.render_html: what the article pane shows, and what entities and snippets index into."""

from __future__ import annotations

import pytest

from tui_news.text import MAX_NESTING, render_html


def test_lists_quotes_links_and_images_render_as_text() -> None:
    doc = render_html("<h2>Tiêu đề</h2><p>Đoạn <a href='https://e.org/x'>một</a>.</p>"
                      "<ul><li>A<ul><li>B</li></ul></li></ul><blockquote>Q</blockquote><img alt='ảnh' src='x.png'>")
    lines = doc.text.splitlines()
    assert "Tiêu đề" in lines
    assert any(line.strip().endswith("A") and line.lstrip().startswith("•") for line in lines)
    assert any(line.startswith("  ") and line.strip() == "• B" for line in lines)
    assert any(line.startswith("│ Q") for line in lines)
    assert "[image: ảnh]" in doc.text
    assert doc.links == ("https://e.org/x",)


@pytest.mark.parametrize("opening", ["<ul><li>", "<ol><li>", "<blockquote>"])
def test_deep_nesting_indents_a_bounded_number_of_levels(opening: str) -> None:
    """A 64 KB body of 8,000 nested lists once rendered to 64 MB of indentation (and the entity finder then
    spent minutes on it). Past MAX_NESTING levels, deeper items line up with the deepest shown."""
    depth = 8_000
    html = "".join(f"{opening}item {i} " for i in range(depth))
    text = render_html(html).text
    assert len(text) < 40 * depth, len(text)
    widest = max(len(line) - len(line.lstrip(" │")) for line in text.splitlines())
    assert widest <= 2 * MAX_NESTING + 2
    assert f"item {depth - 1}" in text
