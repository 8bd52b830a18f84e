"""The reader: feeds | article list | article + entities, a search box, a status bar and the footer.

This screen is wiring. Every `Service` call runs in a thread worker that only posts a message (the refresh
runs in an async worker; the service keeps its SQLite work on its writer thread); the handlers below hand the
results down to the widgets. Siblings never call each other: messages come up here and attributes go down
(`article` is bound to the article pane and the entity list). The reactive flags below say which actions
apply; `check_action` greys out the rest in the footer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from tui_news.models import ArticleFilter, Feed
from tui_news.ui import jobs
from tui_news.ui.format import progress_line, refresh_summary, safe_link
from tui_news.ui.messages import (
    ArticleLoaded,
    FeedsLoaded,
    JumpTo,
    ListLoaded,
    MarkedRead,
    PageLoaded,
    RefreshDone,
    RefreshProgress,
    RefreshStarted,
    SearchResults,
    StatusMessage,
)
from tui_news.ui.screens.confirm import ConfirmScreen
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView, EntityList
from tui_news.ui.widgets.feed_detail import FeedDetail
from tui_news.ui.widgets.feed_tree import ALL, FeedNode, FeedTree
from tui_news.ui.widgets.search_box import SearchInput
from tui_news.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui_news.service import ArticleDetail as ArticleData
    from tui_news.service import Service
    from tui_news.ui.app import NewsApp


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

    article: reactive[ArticleData | None] = reactive(None, always_update=True, bindings=True, init=False)
    """The article open in the article pane (bound to it and to the entity list)."""
    has_row: reactive[bool] = reactive(False, bindings=True)
    """An article to act on: a loaded row under the list cursor, or an open article."""
    has_link: reactive[bool] = reactive(False, bindings=True)
    searching: reactive[bool] = reactive(False, bindings=True, init=False)
    """The search box is open."""
    refreshing: reactive[bool] = reactive(False, bindings=True)

    app: NewsApp

    def __init__(self) -> None:
        super().__init__()
        self.flt = ArticleFilter()
        self.list_title = "All"
        self.generation = 0
        """Bumped for every new list: results for an older one are dropped."""
        self.node = ALL
        self.feeds: dict[int, Feed] = {}
        self.counts_dirty = False
        self.refresh_pending = False

    # ------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="feeds-pane"):
                yield FeedTree(id="feeds")
                yield FeedDetail(id="feed-detail")
            with Vertical(id="list-pane"):
                yield SearchInput(placeholder="Search: words, \"phrases\"; escape leaves", id="search")
                yield ArticleList(id="articles", clock=self.app.clock)
            with Vertical(id="article-pane"):
                yield ArticleView(id="article", clock=self.app.clock).data_bind(data=MainScreen.article)
                yield EntityList(id="entities").data_bind(data=MainScreen.article)
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
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        self.query_one("#feeds-pane").border_title = Text("Feeds")
        self.query_one("#article-pane").border_title = Text("Article")
        self._set_list_title()
        self.article_list.focus()
        # Cache first: show what is stored now. The refresh (if due) starts once that list is on screen
        # (on_list_loaded): opening the network client would otherwise compete with the first paint.
        self.load_list()
        self.load_feeds()
        self.set_interval(1.0, self._flush_counts)
        self.refresh_pending = self.app.refresh_on_start

    def _next_generation(self) -> int:
        self.generation += 1
        return self.generation

    def _set_list_title(self, total: int | None = None, search: str | None = None) -> None:
        title = Text(self.list_title) if search is None else Text.assemble("Search: ", search)
        if total is not None:
            title.append(f" · {total:,}")
        self.query_one("#list-pane").border_title = title

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """True: the action applies; None: it does not now (shown greyed out); False: hidden and passed on."""
        if action == "leave_search":
            return self.searching
        applies = {
            "toggle_read": self.has_row, "toggle_star": self.has_row, "page_article": self.has_row,
            "next_unread": self.has_row, "previous_unread": self.has_row,
            "mark_feed_read": self.has_row and not self.searching,
            "open_link": self.has_link, "copy_link": self.has_link,
            "refresh": not self.refreshing, "refresh_all": not self.refreshing,
        }.get(action, True)
        return True if applies else None

    def _update_state(self) -> None:
        self.has_row = self.article_list.current is not None or self.article is not None
        self.has_link = self._link() is not None

    # ------------------------------------------------------------ workers
    def _job(self, job: Callable[..., Message | None], *args: object, group: str, exclusive: bool = True) -> None:
        """Run `job(service, *args)` (see `jobs`) in a thread worker and post the message it returns."""

        def run() -> None:
            message = job(self.service, *args)
            if message is not None and not get_current_worker().is_cancelled:
                self.post_message(message)

        self.run_worker(run, name=job.__name__, group=group, exclusive=exclusive, thread=True, exit_on_error=False)

    def load_feeds(self) -> None:
        self._job(jobs.feeds, group="feeds")

    def load_list(self, keep_cursor: bool = False) -> None:
        self._job(jobs.article_list, self.flt, self._next_generation(), keep_cursor, group="list")

    def load_article(self, article_id: int) -> None:
        self._job(jobs.article, article_id, group="article")

    def start_refresh(self, feed_ids: list[int] | None, due_only: bool = False) -> None:
        async def run() -> None:
            self.post_message(await jobs.refresh(self.service, self.post_message, feed_ids, due_only))

        self.run_worker(run, name="refresh", group="refresh", exclusive=True, exit_on_error=False)

    # ------------------------------------------------------ worker results
    def on_feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds = {f.id: f for f in message.feeds}
        self.feed_tree.populate(message.feeds, message.tags, message.unread_total, message.starred_total,
                                message.total)
        self.query_one(FeedDetail).feeds = self.feeds

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
        if message.generation == self.generation:
            self._job(jobs.page, message.flt, message.generation, message.page, group="pages", exclusive=False)

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        self.article = message.view
        if not message.view.article.read:
            self.article_list.update_row(message.view.article.id, read=True)
            self.load_feeds()

    def watch_article(self) -> None:
        self._update_state()

    def on_search_results(self, message: SearchResults) -> None:
        search = self.query_one(SearchInput)
        if not self.searching or search.value.strip() != message.query:
            return  # left search, or typed on since
        search.set_class(bool(message.error), "-error")
        if message.error or message.note:
            self.status.show(f"Search: {message.error or message.note}", error=True)
        if message.error:
            return
        self.article_list.show_hits(message.hits)
        self.article_list.empty_text = f"Nothing matches {message.query}"
        self._set_list_title(len(message.hits), search=message.query)

    def on_jump_to(self, message: JumpTo) -> None:
        if message.generation == self.generation:
            self.article_list.move_cursor(self.article_list.index_of(message.article_id, message.index))
            self.load_article(message.article_id)

    def on_status_message(self, message: StatusMessage) -> None:
        self.status.show(message.text, error=message.severity == "error")

    def on_flags_written(self) -> None:
        self.load_feeds()

    def on_marked_read(self, message: MarkedRead) -> None:
        self.status.show(f"{message.count:,} articles in {message.title} marked read")
        self.load_feeds()
        self.load_list(keep_cursor=True)

    def on_refresh_started(self, message: RefreshStarted) -> None:
        if message.total:
            self.status.show(progress_line(0, message.total, 0, "starting"), busy=True)
        else:
            self.status.show("Nothing due for a refresh")

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.counts_dirty = True
        self.status.show(progress_line(message.done, message.total, message.failed, message.title), busy=True)

    def on_refresh_done(self, message: RefreshDone) -> None:
        if message.error:
            self.status.show(f"Refresh failed: {message.error}", error=True)
            return
        if not message.outcomes:
            return
        line, failed = refresh_summary(message.outcomes)
        self.status.show(line, error=failed)
        self.counts_dirty = False
        self.load_feeds()
        if any(o.new or o.updated for o in message.outcomes):
            self._job(jobs.backfill_entities, group="entities")
            if not self.article_list.searching:
                self.load_list(keep_cursor=True)

    def _flush_counts(self) -> None:
        """Counts changed (reads, a refresh in progress): re-read them at most once a second."""
        if self.counts_dirty:
            self.counts_dirty = False
            self.load_feeds()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Track the refresh; a worker that raised: say so in the status bar (workers run with exit_on_error=False)."""
        if event.worker.group == "refresh":
            self.refreshing = any(w.group == "refresh" and not w.is_finished for w in self.workers)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.status.show(f"{event.worker.name or 'worker'} failed: {type(error).__name__}: {error}", error=True)
            self.log.error(f"worker {event.worker.name} failed", error)

    # ----------------------------------------------------- widget messages
    @on(Tree.NodeHighlighted, "#feeds")
    def feed_highlighted(self, event: Tree.NodeHighlighted[FeedNode]) -> None:
        data = event.node.data
        self.query_one(FeedDetail).node = data
        if data is not None and data != self.node:
            self.node = data
            self._choose(data.filter, data.title)

    @on(Tree.NodeSelected, "#feeds")
    def feed_selected(self, event: Tree.NodeSelected[FeedNode]) -> None:
        if event.node.data is not None and event.node.data.kind != "tag":
            self.article_list.focus()

    def _choose(self, flt: ArticleFilter, title: str) -> None:
        """Show a new list (leaves search)."""
        self._leave_search(reload=False)
        self.flt, self.list_title = flt, title
        self._set_list_title()
        self.load_list()

    @on(ArticleList.Highlighted)
    def row_highlighted(self) -> None:
        self._update_state()

    @on(ArticleList.Selected)
    def article_selected(self, event: ArticleList.Selected) -> None:
        self.load_article(event.article_id)

    @on(EntityList.Chosen)
    def entity_chosen(self, event: EntityList.Chosen) -> None:
        label = "Person" if event.kind == "PERSON" else "Resolution"
        self._choose(ArticleFilter(entity_key=event.key), f"{label}: {event.text}")
        self.node = FeedNode("entity", tag=event.key)
        self.article_list.focus()

    @on(SearchInput.Query)
    def search_query(self, event: SearchInput.Query) -> None:
        if event.query:
            self._job(jobs.search, event.query, group="search")
        else:
            self.workers.cancel_group(self, "search")
            self._restore_list()

    @on(SearchInput.Step)
    def search_step(self, event: SearchInput.Step) -> None:
        self.article_list.move_cursor(self.article_list.cursor + event.step)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        hit = self.article_list.current_hit
        if hit is not None:
            self.load_article(hit.article.id)
            self.article_list.focus()

    # ------------------------------------------------------------ actions
    def _current_summary_id(self) -> int | None:
        row = self.article_list.current
        opened = self.article.article.id if self.article is not None else None
        if self.focused in (self.query_one(ArticleView), self.query_one(EntityList)) or row is None:
            return opened if opened is not None else (row.id if row else None)
        return row.id

    def action_next_unread(self) -> None:
        self._jump(+1)

    def action_previous_unread(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        lst = self.article_list
        if not lst.searching:
            current = lst.current
            self._job(jobs.next_unread, lst.flt, lst.generation, current.id if current else None, step < 0,
                      group="jump")
            return
        index = lst.next_unread_hit(step)
        if index is None:
            self.status.show("No more unread articles")
            return
        lst.move_cursor(index)
        if lst.current is not None:
            self.load_article(lst.current.id)

    def action_page_article(self) -> None:
        view, lst = self.query_one(ArticleView), self.article_list
        if self.article is None:
            lst.action_open()
        elif not view.at_bottom:
            view.scroll_page_down(animate=False)
        elif lst.cursor + 1 < lst.total:
            lst.move_cursor(lst.cursor + 1)
            lst.action_open()
        else:
            self.status.show("Last article")

    def action_toggle_read(self) -> None:
        self._toggle("read", "Marked read", "Marked unread")

    def action_toggle_star(self) -> None:
        self._toggle("starred", "Starred", "Unstarred")

    def _toggle(self, flag: str, on_text: str, off_text: str) -> None:
        article_id = self._current_summary_id()
        if article_id is None:
            return
        current = self.article_list.flag(article_id, flag)
        if current is None and self.article is not None and self.article.article.id == article_id:
            current = getattr(self.article.article, flag)
        if current is None:
            return
        self.article_list.update_row(article_id, **{flag: not current})
        flags = (not current, None) if flag == "read" else (None, not current)
        self._job(jobs.write_flags, [article_id], *flags, group="writes", exclusive=False)
        self.status.show(off_text if current else on_text)

    def action_mark_feed_read(self) -> None:
        flt, title = self.flt, self.list_title

        def answered(yes: bool | None) -> None:
            if yes:
                self._job(jobs.mark_read, flt, title, group="writes", exclusive=False)

        self.app.push_screen(ConfirmScreen(f"Mark every article in “{title}” as read?"), answered)

    def _feed_ids_for(self, data: FeedNode) -> list[int] | None:
        if data.kind == "feed" and data.feed_id is not None:
            return [data.feed_id]
        if data.kind == "tag":
            return [f.id for f in self.feeds.values() if data.tag in f.tags]
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
        """The open article's link, unless the search cursor is on another hit: then that hit's."""
        opened = self.article.article if self.article is not None else None
        current = self.article_list.current
        if opened is not None and (self.focused is not self.article_list or (current and current.id == opened.id)):
            return opened.link
        hit = self.article_list.current_hit
        return hit.link if hit is not None else (opened.link if opened else None)

    def action_open_link(self) -> None:
        link = self._link()
        url = safe_link(link)
        if url is None:
            why = "Only http and https links are opened" if link else "No http(s) link to open"
            self.status.show(why, error=bool(link))
            return
        self._job(jobs.open_in_browser, url, group="browser", exclusive=False)
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
        self.searching = True
        search.focus()
        if search.value.strip():
            search.post_query()

    def watch_searching(self, searching: bool) -> None:
        search = self.query_one(SearchInput)
        search.display = searching
        if not searching:
            search.remove_class("-error")
            search.clear_quietly()

    def action_leave_search(self) -> None:
        self._leave_search(reload=True)
        self.article_list.focus()

    def _leave_search(self, *, reload: bool) -> None:
        was_searching = self.article_list.searching
        self.workers.cancel_group(self, "search")
        self.searching = False
        if reload and was_searching:
            self._restore_list()

    def _restore_list(self) -> None:
        if self.article_list.searching:
            self.article_list.empty_text = "No articles"
            self._set_list_title()
            self.load_list()

    def go_to(self, data: FeedNode) -> None:
        """Show a feed, tag or virtual list (from the command palette)."""
        self.feed_tree.select_node_for(data)
        if data != self.node:
            self.node = data
            self._choose(data.filter, data.title)
        self.article_list.focus()
