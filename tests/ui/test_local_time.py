"""Issue 12 item 3: the reader shows times in the local time zone. With TZ=Asia/Ho_Chi_Minh an item dated
`00:03 +0700` shows as 00:03 (+07) in the article header, and the list's relative dates count local days."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.service import Service
from tui_news.ui.app import NewsApp
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView

from .conftest import settle

NOW = datetime(2026, 9, 12, 20, 3, tzinfo=UTC)  # 2026-09-13 03:03 in Ho Chi Minh City
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Giờ địa phương</title>
<item><guid>a</guid><title>Published just after midnight</title><link>https://example.org/a</link>
<pubDate>Sun, 13 Sep 2026 00:03:00 +0700</pubDate><description>After midnight.</description></item>
<item><guid>b</guid><title>Published late the evening before</title><link>https://example.org/b</link>
<pubDate>Sat, 12 Sep 2026 23:50:00 +0700</pubDate><description>Before midnight.</description></item>
</channel></rss>"""


@pytest.fixture
def ho_chi_minh() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def lines(widget: object) -> str:
    return "\n".join("".join(seg.text for seg in widget.render_line(y))  # type: ignore[attr-defined]
                     for y in range(widget.size.height))  # type: ignore[attr-defined]


@pytest.mark.parametrize("date_format", [None, "%d/%m/%Y %H:%M"])
async def test_local_time_in_list_and_article_header(tmp_path: Path, ho_chi_minh: None,
                                                     date_format: str | None) -> None:
    feed = tmp_path / "local.xml"
    feed.write_text(FEED, "utf-8")
    config = tmp_path / "feeds.toml"
    settings = f'[settings]\ndate_format = "{date_format}"\n' if date_format else ""
    config.write_text(f'{settings}[[feeds]]\nurl = "{feed}"\n', "utf-8")
    service = Service.open(load_config(config), tmp_path / "cache.sqlite3", clock=lambda: NOW, processes=1)
    try:
        await service.refresh()
        app = NewsApp(service, refresh_on_start=False, clock=lambda: NOW)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            lst = app.query_one(ArticleList)
            shown = lines(lst)
            midnight = next(line for line in shown.splitlines() if "just after midnight" in line)
            evening = next(line for line in shown.splitlines() if "late the evening" in line)
            assert midnight.rstrip().endswith(" 3 h"), midnight
            # 16:50 UTC is "3 h" ago in UTC's day, but the evening before in Ho Chi Minh City.
            assert evening.rstrip().endswith(" yesterday"), evening
            lst.move_cursor(next(i for i, row in lst.loaded_rows() if row.title.endswith("midnight")))
            await pilot.press("enter")
            await settle(pilot)
            header = app.query_one(ArticleView).plain_text()
            expected = "13/09/2026 00:03" if date_format else "2026-09-13 00:03 +07"
            assert f"{expected} · 3 h ago" in " ".join(header.split()), header  # the pane may wrap it
    finally:
        service.close()


@pytest.mark.parametrize("value", ["5", '""', '"\\u001b[2J%H"'])
def test_bad_date_format_is_refused_with_its_key(tmp_path: Path, value: str) -> None:
    from tui_news.errors import ConfigError

    config = tmp_path / "feeds.toml"
    config.write_text(f"[settings]\ndate_format = {value}\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.key == "settings.date_format" and caught.value.line == 2, str(caught.value)
