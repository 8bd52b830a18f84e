"""The reader: feeds | article list | article + entities, a search box, a status bar and the footer.

This screen owns the state and the workers. Every SQLite call (the `Service` read and write methods) runs
in a thread worker that only posts a message; the handlers below change the widgets. The refresh runs in an
async worker (the service keeps its own SQLite work on its writer thread). Siblings never call each other:
messages come up here and attributes go down.
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from tui_news.errors import SearchQueryError, TuiNewsError
from tui_news.models import ArticleFilter, FeedOutcome
from tui_news.ui.messages import (
    ArticleLoaded,
    FeedsLoaded,
    JumpTo,
    ListLoaded,
    PageLoaded,
    RefreshDone,
    RefreshProgress,
    RefreshStarted,
    SearchResults,
    StatusMessage,
)
from tui_news.ui.screens.confirm import ConfirmScreen
from tui_news.ui.widgets.article_list import PAGE_SIZE, ArticleList, relative_date
from tui_news.ui.widgets.article_view import ArticleView, EntityList
from tui_news.ui.widgets.feed_tree import ALL, FeedNode, FeedTree
from tui_news.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui_news.service import Service
    from tui_news.ui.app import NewsApp

SEARCH_DEBOUNCE = 0.15
"""Seconds of quiet typing before a search runs."""
SEARCH_LIMIT = 200


class SearchInput(Input):
    """The `/` box. Up and down move the result cursor without leaving the box."""

    BINDINGS = [
        Binding("down", "result_down", "Next result", show=False, id="search-down"),
        Binding("up", "result_up", "Previous result", show=False, id="search-up"),
    ]

    def action_result_down(self) -> None:
        self.screen.query_one(ArticleList).action_cursor_down()

    def action_result_up(self) -> None:
        self.screen.query_one(ArticleList).action_cursor_up()


def safe_link(url: str | None) -> str | None:
    """The link if it is http or https (the only schemes handed to a browser), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "next_unread", "Next unread", id="next-unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous-unread"),
        Binding("space", "page_article", "Page/next", show=False, id="page-article"),
        Binding("m", "toggle_read", "Read", id="toggle-read"),
        Binding("s", "toggle_star", "Star", id="toggle-star"),
        Binding("A", "mark_feed_read", "All read", id="mark-feed-read"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("R", "refresh_all", "Refresh all", show=False, id="refresh-all"),
        Binding("o", "open_link", "Browser", id="open-link"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy-link"),
        Binding("slash", "search", "Search", id="search"),
        Binding("escape", "leave_search", "Leave search", show=False, id="leave-search"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="focus-previous"),
    ]

    app: NewsApp

    def __init__(self) -> None:
        super().__init__()
        self.flt = ArticleFilter()
        self.list_title = "All"
        self.generation = 0
        self.node = ALL
        self.opened_id: int | None = None
        self.opened_link: str | None = None
        self.last_open_ms: float | None = None
        """Time the last article took in its worker (read, render, entities, mark read)."""
        self.last_paint_ms: float | None = None
        """Time from the open request to the article pane painted, for the last article."""
        self._open_started = 0.0
        self.refreshing = False
        self.counts_dirty = False
        self.refresh_done = 0
        self.refresh_pending = False
        self.refresh_failed = 0
        self.refresh_total = 0

    # ------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="feeds-pane"):
                yield FeedTree(id="feeds")
                yield Static(Text(""), id="feed-detail")
            with Vertical(id="list-pane"):
                yield SearchInput(placeholder="Search: words, \"phrases\"; escape leaves", id="search")
                yield ArticleList(id="articles", clock=self.app.clock)
            with Vertical(id="article-pane"):
                yield ArticleView(id="article")
                yield EntityList(id="entities")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def service(self) -> Service:
        return self.app.service

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def feed_tree(self) -> FeedTree:
        return self.query_one(FeedTree)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        self.query_one("#feeds-pane").border_title = Text("Feeds")
        self.query_one("#article-pane").border_title = Text("Article")
        self._set_list_title()
        self.article_list.focus()
        # Cache first: show what is stored now; the refresh (if due) comes after, in the background.
        self.load_list(self.flt, self._next_generation())
        self.load_feeds()
        self.set_interval(1.0, self._flush_counts)
        # The background refresh starts once the cached list is on screen (on_list_loaded): opening the
        # network client and checking the cache would otherwise compete with the first paint.
        self.refresh_pending = self.app.refresh_on_start

    def _next_generation(self) -> int:
        self.generation += 1
        return self.generation

    def _set_list_title(self, total: int | None = None) -> None:
        title = Text(self.list_title)
        if total is not None:
            title.append(f" · {total:,}")
        self.query_one("#list-pane").border_title = title

    # ------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def load_feeds(self) -> None:
        service = self.service
        feeds = service.feeds()
        starred = service.count_articles(ArticleFilter(starred=True))
        self.post_message(FeedsLoaded(feeds, service.tags(), sum(f.unread for f in feeds), starred,
                                      sum(f.total for f in feeds)))

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def backfill_entities(self) -> None:
        """Compute the entities of new articles in the background, a batch at a time, so `person:` search
        and the entity lists see them without the reader opening each article first."""
        worker = get_current_worker()
        while not worker.is_cancelled and self.service.index_entities(50):
            pass

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load_list(self, flt: ArticleFilter, generation: int, keep_cursor: bool = False) -> None:
        total = self.service.count_articles(flt)
        rows = self.service.articles(flt, offset=0, limit=PAGE_SIZE)
        self.post_message(ListLoaded(generation, flt, total, rows, keep_cursor))

    @work(thread=True, group="pages", exit_on_error=False)
    def load_page(self, flt: ArticleFilter, generation: int, page: int) -> None:
        if generation != self.generation:
            return
        rows = self.service.articles(flt, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        self.post_message(PageLoaded(generation, page, rows))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: int) -> None:
        started = time.perf_counter()
        view = self.service.view(article_id)
        if view is None:
            self.post_message(StatusMessage("That article is no longer in the cache", "warning"))
            return
        if not view.article.read:
            self.service.set_read([article_id], True)
        self.post_message(ArticleLoaded(view, time.perf_counter() - started))

    @work(thread=True, group="writes", exit_on_error=False)
    def write_flags(self, article_ids: list[int], *, read: bool | None = None,
                    starred: bool | None = None) -> None:
        if read is not None:
            self.service.set_read(article_ids, read)
        if starred is not None:
            self.service.set_starred(article_ids, starred)
        self.app.call_from_thread(self.load_feeds)

    @work(thread=True, group="writes", exit_on_error=False)
    def mark_read_worker(self, flt: ArticleFilter, title: str) -> None:
        count = self.service.mark_all_read(flt)
        self.post_message(StatusMessage(f"{count:,} articles in {title} marked read"))
        self.app.call_from_thread(self.load_feeds)
        self.app.call_from_thread(self._reload_list, True)

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def find_unread(self, flt: ArticleFilter, generation: int, start: int, step: int, total: int) -> None:
        worker = get_current_worker()
        if step > 0:
            offset = start + 1
            while offset < total and not worker.is_cancelled:
                rows = self.service.articles(flt, offset=offset, limit=PAGE_SIZE)
                if not rows:
                    break
                for i, row in enumerate(rows):
                    if not row.read:
                        self.post_message(JumpTo(generation, offset + i, row.id))
                        return
                offset += len(rows)
        else:
            end = start  # exclusive
            while end > 0 and not worker.is_cancelled:
                offset = max(0, end - PAGE_SIZE)
                rows = self.service.articles(flt, offset=offset, limit=end - offset)
                for i in range(len(rows) - 1, -1, -1):
                    if not rows[i].read:
                        self.post_message(JumpTo(generation, offset + i, rows[i].id))
                        return
                end = offset
        self.post_message(StatusMessage("No more unread articles"))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        worker = get_current_worker()
        time.sleep(SEARCH_DEBOUNCE)  # typing on: exclusive=True cancels this worker before it queries
        if worker.is_cancelled:
            return
        try:
            hits = self.service.search(query, limit=SEARCH_LIMIT)
        except SearchQueryError as exc:
            self.post_message(SearchResults(query, [], str(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(SearchResults(query, hits, note=self.service.search_note()))

    @work(thread=True, group="browser", exit_on_error=False)
    def open_in_browser(self, url: str) -> None:
        if not webbrowser.open(url):  # a list of argv, never a shell
            self.post_message(StatusMessage("No browser found", "warning"))

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def start_refresh(self, feed_ids: list[int] | None, due_only: bool = False) -> None:
        self.refreshing = True
        failed = 0
        done = 0
        total = 0

        def on_start(count: int) -> None:
            nonlocal total
            total = count
            self.post_message(RefreshStarted(count))

        def on_result(outcome: FeedOutcome) -> None:
            nonlocal done, failed
            done += 1
            failed += outcome.failed
            self.counts_dirty = True
            self.post_message(RefreshProgress(done, total, failed, outcome.title))

        try:
            outcomes = await self.service.refresh(feed_ids, due_only=due_only, on_start=on_start,
                                                  on_result=on_result)
        except TuiNewsError as exc:
            self.post_message(RefreshDone([], str(exc)))
        else:
            self.post_message(RefreshDone(outcomes))
        finally:
            self.refreshing = False

    # ------------------------------------------------------ worker results
    def on_feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feed_tree.populate(message.feeds, message.tags, message.unread_total, message.starred_total,
                                message.total)
        self._show_detail(self.feed_tree.cursor_node.data if self.feed_tree.cursor_node else None)

    def on_list_loaded(self, message: ListLoaded) -> None:
        if message.generation != self.generation:
            return
        self.article_list.reset(message.flt, message.total, message.rows, generation=message.generation,
                                keep_cursor=message.keep_cursor)
        self._set_list_title(message.total)
        if self.refresh_pending:
            self.refresh_pending = False
            self.call_after_refresh(self.start_refresh, None, True)

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.article_list.add_page(message.generation, message.page, message.rows)

    @on(ArticleList.PageWanted)
    def page_wanted(self, message: ArticleList.PageWanted) -> None:
        self.load_page(message.flt, message.generation, message.page)

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        view = message.view
        self.last_open_ms = message.elapsed * 1000
        self.opened_id = view.article.id
        self.opened_link = view.article.link
        now = self.app.clock()
        if 0 <= (now - view.article.published).days < 7:
            when = relative_date(view.article.published, now) + " ago"
        else:
            when = view.article.published.strftime("%Y-%m-%d %H:%M UTC")
        self.article_view.show(view, when)
        started = self._open_started

        def painted() -> None:
            self.last_paint_ms = (time.perf_counter() - started) * 1000 if started else None

        self.article_view.call_after_refresh(painted)
        self.query_one(EntityList).show(view)
        if not view.article.read:
            self.article_list.update_row(view.article.id, read=True)
            self.load_feeds()

    def on_search_results(self, message: SearchResults) -> None:
        search = self.query_one(SearchInput)
        if not search.display or search.value.strip() != message.query:
            return  # left search, or typed on since
        if message.error:
            self.status.show(f"Search: {message.error}", error=True)
            search.add_class("-error")
            return
        search.remove_class("-error")
        if message.note:
            self.status.show(f"Search: {message.note}", error=True)
        self.article_list.show_hits(message.hits)
        self.article_list.empty_text = f"Nothing matches {message.query}"
        self._set_list_title_search(message.query, len(message.hits))

    def _set_list_title_search(self, query: str, count: int) -> None:
        title = Text("Search: ")
        title.append(query)
        title.append(f" · {count:,}")
        self.query_one("#list-pane").border_title = title

    def on_jump_to(self, message: JumpTo) -> None:
        if message.generation != self.generation:
            return
        self.article_list.move_cursor(message.index)
        self.load_article(message.article_id)

    def on_status_message(self, message: StatusMessage) -> None:
        self.status.show(message.text, error=message.severity == "error")

    def on_refresh_started(self, message: RefreshStarted) -> None:
        if message.total:
            self.status.progress(0, message.total, 0, "starting")
        else:
            self.status.show("Nothing due for a refresh")

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.status.progress(message.done, message.total, message.failed, message.title)

    def on_refresh_done(self, message: RefreshDone) -> None:
        self.status.refreshing = False
        if message.error:
            self.status.show(f"Refresh failed: {message.error}", error=True)
            return
        outcomes = message.outcomes
        if outcomes:
            failed = [o for o in outcomes if o.failed]
            new = sum(o.new for o in outcomes)
            line = f"Refreshed {len(outcomes)} feeds: {new} new"
            if failed:
                line += f", {len(failed)} failed ({failed[0].title}: {failed[0].error}"
                line += ", …)" if len(failed) > 1 else ")"
            self.status.show(line, error=bool(failed))
            self.counts_dirty = False
            self.load_feeds()
            if any(o.new or o.updated for o in outcomes):
                self.backfill_entities()
                if not self.article_list.searching:
                    self._reload_list(keep_cursor=True)

    def _flush_counts(self) -> None:
        """Counts changed (reads, a refresh in progress): re-read them at most once a second."""
        if self.counts_dirty:
            self.counts_dirty = False
            self.load_feeds()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised: say so in the status bar (workers run with exit_on_error=False)."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            name = event.worker.name or "worker"
            self.status.show(f"{name} failed: {type(error).__name__}: {error}", error=True)
            self.log.error(f"worker {event.worker.name} failed", error)

    # ----------------------------------------------------- widget messages
    @on(Tree.NodeHighlighted, "#feeds")
    def feed_highlighted(self, event: Tree.NodeHighlighted[FeedNode]) -> None:
        data = event.node.data
        self._show_detail(data)
        if data is None or data == self.node:
            return
        self.node = data
        self._choose(data.filter, data.title)

    @on(Tree.NodeSelected, "#feeds")
    def feed_selected(self, event: Tree.NodeSelected[FeedNode]) -> None:
        if event.node.data is not None and event.node.data.kind != "tag":
            self.article_list.focus()

    def _show_detail(self, data: FeedNode | None) -> None:
        detail = self.query_one("#feed-detail", Static)
        text = Text()
        if data is not None and data.kind == "feed" and data.feed_id in self.feed_tree.feeds:
            feed = self.feed_tree.feeds[data.feed_id]
            text.append(feed.fetch_url, "dim")
            if feed.last_error:
                text.append("\n")
                text.append("⚠ ", "bold")
                text.append(feed.last_error)
                detail.add_class("-error")
            else:
                detail.remove_class("-error")
                when = feed.last_refresh.strftime("%Y-%m-%d %H:%M") if feed.last_refresh else "never"
                text.append(f"\n{feed.total:,} articles · refreshed {when}")
        else:
            detail.remove_class("-error")
            if data is not None and data.kind == "tag":
                count = sum(1 for f in self.feed_tree.feeds.values() if data.tag in f.tags)
                text.append(f"{count} feeds tagged ")
                text.append(data.tag or "")
        detail.update(text)

    def _choose(self, flt: ArticleFilter, title: str) -> None:
        """Show a new list (leaves search)."""
        self._leave_search(reload=False)
        self.flt = flt
        self.list_title = title
        self._set_list_title()
        self.load_list(flt, self._next_generation())

    def _reload_list(self, keep_cursor: bool = True) -> None:
        self.load_list(self.flt, self._next_generation(), keep_cursor)

    @on(ArticleList.Selected)
    def article_selected(self, event: ArticleList.Selected) -> None:
        self._open_started = time.perf_counter()
        self.load_article(event.article_id)

    @on(EntityList.Chosen)
    def entity_chosen(self, event: EntityList.Chosen) -> None:
        label = "Person" if event.kind == "PERSON" else "Resolution"
        self._choose(ArticleFilter(entity_key=event.key), f"{label}: {event.text}")
        self.node = FeedNode("entity", tag=event.key)
        self.article_list.focus()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if not query:
            self.workers.cancel_group(self, "search")
            self._restore_list()
            return
        self.run_search(query)

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        hit = self.article_list.current_hit
        if hit is not None:
            self.load_article(hit.article.id)
            self.article_list.focus()

    # ------------------------------------------------------------ actions
    def _current_summary_id(self) -> int | None:
        row = self.article_list.current
        if self.focused is self.article_view or self.focused is self.query_one(EntityList) or row is None:
            return self.opened_id if self.opened_id is not None else (row.id if row else None)
        return row.id

    def action_next_unread(self) -> None:
        self._jump(+1)

    def action_previous_unread(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        lst = self.article_list
        if lst.searching:
            rows = lst.loaded_rows()
            order = rows[lst.cursor + 1:] if step > 0 else list(reversed(rows[:lst.cursor]))
            for index, row in order:
                if not row.read:
                    lst.move_cursor(index)
                    self.load_article(row.id)
                    return
            self.status.show("No more unread articles")
            return
        start = lst.cursor if lst.total else -1
        self.find_unread(lst.flt, lst.generation, start, step, lst.total)

    def action_page_article(self) -> None:
        view = self.article_view
        lst = self.article_list
        if view.data is None:
            lst.action_open()
        elif not view.at_bottom:
            view.scroll_page_down(animate=False)
        elif lst.cursor + 1 < lst.total:
            lst.move_cursor(lst.cursor + 1)
            lst.action_open()
        else:
            self.status.show("Last article")

    def action_toggle_read(self) -> None:
        self._toggle("read")

    def action_toggle_star(self) -> None:
        self._toggle("starred")

    def _toggle(self, flag: str) -> None:
        article_id = self._current_summary_id()
        if article_id is None:
            return
        current = None
        for _index, row in self.article_list.loaded_rows():
            if row.id == article_id:
                current = getattr(row, flag)
                break
        shown = self.article_view.data
        if current is None and shown is not None and shown.article.id == article_id:
            current = getattr(shown.article, flag)
        if current is None:
            return
        value = not current
        self.article_list.update_row(article_id, **{flag: value})
        if flag == "read":
            self.write_flags([article_id], read=value)
            self.status.show("Marked read" if value else "Marked unread")
        else:
            self.write_flags([article_id], starred=value)
            self.status.show("Starred" if value else "Unstarred")

    def action_mark_feed_read(self) -> None:
        if self.article_list.searching:
            return
        flt, title = self.flt, self.list_title

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_read_worker(flt, title)

        self.app.push_screen(ConfirmScreen(f"Mark every article in “{title}” as read?"), answered)

    def _feed_ids_for(self, data: FeedNode) -> list[int] | None:
        if data.kind == "feed" and data.feed_id is not None:
            return [data.feed_id]
        if data.kind == "tag":
            return [f.id for f in self.feed_tree.feeds.values() if data.tag in f.tags]
        return None

    def action_refresh(self) -> None:
        data = self.feed_tree.cursor_node.data if self.feed_tree.cursor_node else None
        self.start_refresh(self._feed_ids_for(data) if data else None)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def after_import(self) -> None:
        """Feeds were added (OPML import): show them, and fetch what is due (the new ones)."""
        self.load_feeds()
        self.start_refresh(None, due_only=True)

    def refresh_feeds(self, feed_ids: Iterable[int] | None) -> None:
        self.start_refresh(list(feed_ids) if feed_ids is not None else None)

    def _link(self) -> str | None:
        if self.opened_id is not None and (self.focused is not self.article_list or
                                           (self.article_list.current and
                                            self.article_list.current.id == self.opened_id)):
            return self.opened_link
        hit = self.article_list.current_hit
        if hit is not None:
            return hit.link
        return self.opened_link

    def action_open_link(self) -> None:
        link = self._link()
        url = safe_link(link)
        if url is None:
            why = "Only http and https links are opened" if link else "No http(s) link to open"
            self.status.show(why, error=bool(link))
            return
        self.open_in_browser(url)
        self.status.show(f"Opening {url}")

    def action_copy_link(self) -> None:
        link = self._link()
        if not link:
            self.status.show("No link to copy")
            return
        self.app.copy_to_clipboard(link)
        self.status.show(f"Copied {link}")

    def action_search(self) -> None:
        search = self.query_one(SearchInput)
        search.display = True
        search.focus()
        if search.value.strip():
            self.run_search(search.value.strip())

    def action_leave_search(self) -> None:
        search = self.query_one(SearchInput)
        if search.display or self.article_list.searching:
            self._leave_search(reload=True)
            self.article_list.focus()

    def _leave_search(self, *, reload: bool) -> None:
        search = self.query_one(SearchInput)
        was_searching = self.article_list.searching
        self.workers.cancel_group(self, "search")
        search.display = False
        search.remove_class("-error")
        with search.prevent(Input.Changed):
            search.value = ""
        if reload and was_searching:
            self._restore_list()

    def _restore_list(self) -> None:
        if self.article_list.searching:
            self.article_list.empty_text = "No articles"
            self._set_list_title()
            self._reload_list(keep_cursor=False)

    def go_to(self, data: FeedNode) -> None:
        """Show a feed, tag or virtual list (from the command palette)."""
        self.feed_tree.select_node_for(data)
        if data != self.node:
            self.node = data
            self._choose(data.filter, data.title)
        self.article_list.focus()
