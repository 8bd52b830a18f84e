"""Entity spans are offsets into the text the article pane shows (`rendered_text`), on every path that computes
them: opening an article, `reindex`, and the backfill a `person:` search does. The body below renders very
differently from the index text (list markers, link numbers, blank lines, a skipped script), so computing
entities on the wrong one of the two HTML-to-text functions moves every span."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_news.entities import ENTITIES_VERSION, PERSON, RESOLUTION
from tui_news.models import CachingInfo, Config, FeedConfig, ParsedArticle, ParsedFeed
from tui_news.service import Service
from tui_news.store.repo import Repository
from tui_news.text import index_text, rendered_text

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
URL = "https://vi.example/rss"
BODY = (
    "<script>var x = 1;</script><h2>Tin   nổi bật</h2>"
    "<ul><li><a href='https://a.example/1'>Hội nghị</a> lần thứ nhất</li><li>Phiên &amp; bế mạc</li></ul>"
    "<blockquote><p>Trích dẫn <a href='https://a.example/2'>nguồn</a></p></blockquote>"
    "<p>Đồng chí <b>Trương Thị Mai</b> phát biểu về <i>Nghị quyết số 57-NQ/TW</i> tại hội nghị.</p>"
)
WANTED = {(PERSON, "Trương Thị Mai"), (RESOLUTION, "Nghị quyết số 57-NQ/TW")}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    config = Config(path=None, feeds=(FeedConfig(url=URL, name="Báo"),))
    repo = Repository.open(tmp_path / "c.db")
    repo.sync_feeds(config.feeds)
    feed = repo.feed_by_url(URL)
    assert feed is not None
    article = ParsedArticle(guid="g", title="Tiêu đề", author=None, link=None, published=NOW, updated=None,
                            summary_html=None, content_html=BODY)
    repo.store_feed(feed.id, ParsedFeed("Báo", None, (article,), "rss20"), caching=CachingInfo(), status="200",
                    now=NOW, next_refresh=None)
    svc = Service(config, repo, clock=lambda: NOW)
    yield svc
    svc.close()


def only_id(service: Service) -> int:
    (summary,) = service.articles()
    return summary.id


def shown(text: str, spans: object) -> set[tuple[str, str]]:
    return {(s.kind, text[s.start:s.end]) for s in spans}  # type: ignore[attr-defined]


def test_the_two_texts_differ_before_the_names() -> None:
    """The premise: the same name sits at different offsets in the two texts."""
    name = "Trương Thị Mai"
    assert rendered_text(BODY).index(name) != index_text(BODY).index(name)


def test_opening_an_article(service: Service) -> None:
    detail = service.view(only_id(service))
    assert detail is not None
    assert shown(detail.document.text, detail.entities) >= WANTED


def test_reindex(service: Service) -> None:
    service.reindex()
    spans = service.repo.entities(only_id(service), ENTITIES_VERSION)
    assert spans is not None
    assert shown(rendered_text(BODY), spans) >= WANTED
    detail = service.view(only_id(service))  # read back from the cache, not recomputed
    assert detail is not None and shown(detail.document.text, detail.entities) >= WANTED


def test_person_search_backfill(service: Service) -> None:
    assert service.repo.entities(only_id(service), ENTITIES_VERSION) is None
    assert [h.article.id for h in service.search('person:"truong thi mai"')] == [only_id(service)]
    spans = service.repo.entities(only_id(service), ENTITIES_VERSION)
    assert spans is not None  # stored by the search, then shown by the pane as they are
    detail = service.view(only_id(service))
    assert detail is not None and shown(detail.document.text, detail.entities) >= WANTED
