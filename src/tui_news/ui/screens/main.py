"""The reader: feeds | article list | article + entities, a search box, a status bar and the footer.

This screen is wiring. Service calls are `jobs` run in worker threads; their messages come back here and the
handlers hand the results down (`article` is bound to the article pane and the entity list). Siblings never
call each other. The reactive state says which actions apply: `check_action` greys out the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from tui_news.models import ArticleFilter, Feed
from tui_news.ui import jobs
from tui_news.ui import messages as msg
from tui_news.ui.screens.confirm import ConfirmScreen
from tui_news.ui.screens.main_parts import LayoutActions, ReadingActions, RefreshHandlers
from tui_news.ui.widgets.article_list import ArticleList
from tui_news.ui.widgets.article_view import ArticleView, EntityList
from tui_news.ui.widgets.feed_detail import FeedDetail
from tui_news.ui.widgets.feed_tree import ALL, FeedNode, FeedTree
from tui_news.ui.widgets.list_pane import ListPane
from tui_news.ui.widgets.search_box import SearchInput
from tui_news.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui_news.service import ArticleDetail as ArticleData
    from tui_news.ui.app import NewsApp


class MainScreen(LayoutActions, ReadingActions, RefreshHandlers, Screen[None]):
    BINDINGS = [
        Binding("n", "jump(1)", "Next unread", id="next-unread"),
        Binding("p", "jump(-1)", "Prev unread", show=False, id="previous-unread"),
        Binding("space", "page_article", "Page/next", show=False, id="page-article"),
        Binding("m", "flip('read')", "Read", id="toggle-read"),
        Binding("s", "flip('starred')", "Star", id="toggle-star"),
        Binding("A", "mark_feed_read", "All read", id="mark-feed-read"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("R", "refresh_all", "Refresh all", show=False, id="refresh-all"),
        Binding("o", "open_link", "Browser", id="open-link"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy-link"),
        Binding("f", "fetch_full_text", "Fetch full article", show=False, id="fetch-full-text"),
        Binding("slash", "search", "Search", id="search"),
        Binding("escape", "leave_search", "Leave search", show=False, id="leave-search"),
        Binding("b", "toggle_feeds", "Feeds pane", show=False, id="toggle-feeds"),
        Binding("z", "reading_mode", "Reading mode", show=False, id="reading-mode"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="focus-previous"),
    ]

    article: var[ArticleData | None] = var(None, always_update=True, init=False)
    """The article open in the article pane (bound to it and to the entity list)."""
    in_hand: var[int | None] = var(None)
    """The article m, s and n act on: the open one when the article pane has focus, else the list's row."""
    link: var[str | None] = var(None)
    """The link o and y act on: the open article's, unless the list cursor is on another search hit."""
    actionable: var[tuple[bool, bool]] = var((False, False), bindings=True)
    """(an article in hand, a link in hand): changes only when those do, not on every cursor move."""
    searching: var[bool] = var(False, bindings=True, init=False)  # the search box is open
    refreshing: var[bool] = var(False, bindings=True)

    app: NewsApp

    def __init__(self) -> None:
        super().__init__()
        self.flt = ArticleFilter()
        self.generation = 0  # bumped for every new list: results for an older one are dropped
        self.node = ALL
        self.feeds: dict[int, Feed] = {}
        self.counts_dirty = False
        self.refresh_pending = False
        self.version: Literal["best", "feed"] = "best"  # the open article's version: "feed" when asked for

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="feeds-pane"):
                yield FeedTree(id="feeds")
                yield FeedDetail(id="feed-detail")
            with Container(id="reading"):
                yield ListPane(id="list-pane", clock=self.app.clock).data_bind(searching=MainScreen.searching)
                with Vertical(id="article-pane"):
                    yield ArticleView(id="article", clock=self.app.clock).data_bind(data=MainScreen.article)
                    yield EntityList(id="entities").data_bind(data=MainScreen.article)
        yield StatusBar(id="status")
        yield Footer()

    @property
    def list_pane(self) -> ListPane:
        return self.query_one(ListPane)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        self.query_one("#feeds-pane").border_title = Text("Feeds")
        self.query_one("#article-pane").border_title = Text("Article")
        self.article_list.focus()
        # Cache first: show what is stored now. The refresh (if due) starts once that list is on screen
        # (on_list_loaded): opening the network client would otherwise compete with the first paint.
        self.load_list()
        self.load_feeds()
        self.set_interval(1.0, self._flush_counts)
        self.refresh_pending = self.app.refresh_on_start

    # ------------------------------------------------------------ layout
    STACKED_BELOW = 160
    """Narrower than this, the list goes above the article (side by side neither would have room)."""
    FEEDS_FROM = 100
    """Narrower than this, the feeds pane is hidden unless the user shows it (b)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """True: the action applies; None: it does not now (shown greyed out); False: hidden and passed on."""
        if action == "leave_search":
            return self.searching
        has_row, has_link = self.actionable
        applies = {
            "flip": has_row, "jump": has_row, "page_article": has_row,
            "mark_feed_read": has_row and not self.searching,
            "open_link": has_link, "copy_link": has_link,
            "refresh": not self.refreshing, "refresh_all": not self.refreshing,
            "fetch_full_text": self.article is not None and bool(self.article.article.link),
            "show_version": self._other_version() == (parameters[0] if parameters else None),
        }.get(action, True)
        return True if applies else None

    @on(ArticleList.Highlighted)
    def _update_state(self) -> None:
        """Recompute `in_hand` and `link` (the list cursor, the open article or the focus moved)."""
        if not self.is_mounted:
            return
        row, hit = self.article_list.current, self.article_list.current_hit
        opened = self.article.article if self.article is not None else None
        on_article = self.focused in (self.query_one(ArticleView), self.query_one(EntityList))
        self.in_hand = opened.id if opened and (on_article or row is None) else (row.id if row else None)
        if opened is not None and (self.focused is not self.article_list or (row and row.id == opened.id)):
            self.link = opened.link
        else:
            self.link = hit.link if hit is not None else (opened.link if opened else None)
        self.actionable = (self.in_hand is not None, bool(self.link))

    watch_article = watch_focused = _update_state  # the open article or the focus moved

    # ------------------------------------------------------------ workers
    def _job(self, job: Callable[..., Message | None], *args: object, group: str, exclusive: bool = True) -> None:
        """Run `job(service, *args)` (see `jobs`) in a thread worker and post the message it returns."""
        def run() -> None:
            message = job(self.app.service, *args)
            if message is not None and not get_current_worker().is_cancelled:
                self.post_message(message)

        self.run_worker(run, name=job.__name__, group=group, exclusive=exclusive, thread=True, exit_on_error=False)

    def load_feeds(self) -> None:
        self._job(jobs.feeds, group="feeds")

    def load_list(self, keep_cursor: bool = False) -> None:
        self.generation += 1
        self._job(jobs.article_list, self.flt, self.generation, keep_cursor, group="list")

    def load_article(self, article_id: int) -> None:
        self.version = "best"
        self._job(jobs.article, article_id, group="article")

    def reload_article(self) -> None:
        """The open article again (its full text arrived, or the other version was asked for)."""
        if self.article is not None:
            self._job(jobs.article_version, self.article.article.id, self.version, group="article")

    def start_refresh(self, feed_ids: list[int] | None, due_only: bool = False) -> None:
        self.refreshing = True  # until the worker's state says otherwise (on_worker_state_changed)

        async def run() -> None:
            self.post_message(await jobs.refresh(self.app.service, self.post_message, feed_ids, due_only))

        self.run_worker(run(), name="refresh", group="refresh", exclusive=True, exit_on_error=False)

    # ------------------------------------------------------ worker results
    def on_feeds_loaded(self, message: msg.FeedsLoaded) -> None:
        self.feeds = {f.id: f for f in message.feeds}
        self.query_one(FeedTree).populate(message.feeds, message.tags, message.unread_total,
                                          message.starred_total, message.total)
        self.query_one(FeedDetail).feeds = self.feeds

    def on_list_loaded(self, message: msg.ListLoaded) -> None:
        if message.generation != self.generation:
            return
        self.list_pane.show_list(message.flt, message.total, message.rows, generation=message.generation,
                                 keep_cursor=message.keep_cursor)
        if self.refresh_pending:
            self.refresh_pending = False
            self.call_after_refresh(self.start_refresh, None, True)

    def on_page_loaded(self, message: msg.PageLoaded) -> None:
        self.article_list.add_page(message.generation, message.page, message.rows)

    @on(ArticleList.PageWanted)
    def page_wanted(self, message: ArticleList.PageWanted) -> None:
        if message.generation == self.generation:
            self._job(jobs.page, message.flt, message.generation, message.page, group="pages", exclusive=False)

    def on_article_loaded(self, message: msg.ArticleLoaded) -> None:
        self.article = message.view
        if not message.view.article.read:
            self.article_list.update_row(message.view.article.id, read=True)
            self.load_feeds()

    def on_search_results(self, message: msg.SearchResults) -> None:
        if not self.searching or self.query_one(SearchInput).value.strip() != message.query:
            return  # left search, or typed on since
        if message.error or message.note:
            self.status.show(f"Search: {message.error or message.note}", error=True)
        self.list_pane.show_hits(message.query, message.hits, error=bool(message.error))

    def on_jump_to(self, message: msg.JumpTo) -> None:
        if message.generation == self.generation:
            self.article_list.move_cursor(self.article_list.index_of(message.article_id, message.index))
            self.load_article(message.article_id)

    def on_status_message(self, message: msg.StatusMessage) -> None:
        self.status.show(message.text, error=message.severity == "error")

    def on_articles_gone(self, message: msg.ArticlesGone) -> None:
        """A flag met deleted rows: never leave a ★ or "Starred" for them; say so and show the cache as it is."""
        self.status.show(message.text, error=True)
        self.notify(message.text, severity="warning")  # in full: the status line may be cut
        if self.article is not None and self.article.article.id in message.ids:
            self.article = None
        self.load_feeds()
        if self.article_list.searching:
            self._job(jobs.search, self.query_one(SearchInput).value.strip(), group="search")
        else:
            self.load_list(keep_cursor=True)

    def on_marked_read(self, message: msg.MarkedRead) -> None:
        self.status.show(f"{message.count:,} articles in {message.title} marked read")
        self.load_feeds()
        self.load_list(keep_cursor=True)

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
        self.flt = flt
        self.list_pane.name_list(title)
        self.load_list()

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
        self.workers.cancel_group(self, "search")
        if event.query:
            self._job(jobs.search, event.query, group="search")
        else:
            self._restore_list()

    # ------------------------------------------------------------ actions
    def action_jump(self, step: int) -> None:
        """To the next (1) or previous (-1) unread article of the list."""
        lst = self.article_list
        if not lst.searching:
            current = lst.current
            self._job(jobs.next_unread, lst.flt, lst.generation, current.id if current else None, step < 0,
                      group="jump")
        elif (article_id := lst.to_unread_hit(step)) is not None:
            self.load_article(article_id)
        else:
            self.status.show("No more unread articles")

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

    def action_flip(self, flag: str) -> None:
        """Flip the read or starred flag of the article in hand."""
        article_id = self.in_hand
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
        self.status.show({("read", False): "Marked read", ("read", True): "Marked unread",
                          ("starred", False): "Starred", ("starred", True): "Unstarred"}[flag, current])

    def action_mark_feed_read(self) -> None:
        flt, title = self.flt, self.list_pane.title

        def answered(yes: bool | None) -> None:
            if yes:
                self._job(jobs.mark_read, flt, title, group="writes", exclusive=False)

        self.app.push_screen(ConfirmScreen(f"Mark every article in “{title}” as read?"), answered)

    def action_refresh(self) -> None:
        node = self.query_one(FeedTree).cursor_node
        self.start_refresh(node.data.feed_ids(self.feeds.values()) if node and node.data else None)

    def action_refresh_all(self) -> None:  # R, and "Refresh all feeds" in the palette
        self.start_refresh(None)

    def after_import(self) -> None:
        """Feeds were added (OPML import): show them, and fetch what is due (the new ones)."""
        self.load_feeds()
        self.start_refresh(None, due_only=True)

    def action_search(self) -> None:
        self.searching = True
        self.query_one(SearchInput).focus()

    def action_leave_search(self) -> None:
        self._leave_search(reload=True)
        self.article_list.focus()

    def _leave_search(self, *, reload: bool) -> None:
        self.workers.cancel_group(self, "search")
        self.searching = False
        if reload:
            self._restore_list()

    def _restore_list(self) -> None:
        if self.article_list.searching:
            self.list_pane.name_list(self.list_pane.title)
            self.load_list()

    def go_to(self, data: FeedNode) -> None:
        """Show a feed, tag or virtual list (from the command palette)."""
        self.query_one(FeedTree).select_node_for(data)
        if data != self.node:
            self.node = data
            self._choose(data.filter, data.title)
        self.article_list.focus()
