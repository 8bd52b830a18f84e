"""Tiny Tiny RSS JSON API (https://tt-rss.org/ApiReference), the endpoints tui-news uses, on httpx.AsyncClient.

Every failure is a SyncError whose message is one line that says what to do: wrong password, API disabled
for the user, server down, TLS, not a tt-rss server."""

from __future__ import annotations

import json
import ssl
from typing import Any

import httpx

from tui_news.errors import SyncError
from tui_news.sync.models import Headline, ServerFeed
from tui_news.text import clean_line

PAGE = 200
"""getHeadlines returns at most 200 per call (tt-rss caps `limit` there)."""
FIELD = {"starred": 0, "read": 2}
"""updateArticle's `field`: 0 starred (marked), 2 unread."""


def api_url(url: str) -> str:
    """The API endpoint for a tt-rss address given with or without its /api/ part."""
    base = url.rstrip("/")
    return base + "/" if base.endswith("/api") else base + "/api/"


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class TtrssClient:
    def __init__(self, url: str, user: str, password: str, *, verify: bool = True, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.url = api_url(url)
        self.user = user
        self._password = password
        self._sid: str | None = None
        self._http = httpx.AsyncClient(verify=verify, timeout=timeout, transport=transport,
                                       headers={"User-Agent": "tui-news sync"})

    async def __aenter__(self) -> TtrssClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------ transport
    async def call(self, op: str, **params: Any) -> Any:
        body: dict[str, Any] = {"op": op, **params}
        if self._sid is not None:
            body["sid"] = self._sid
        where = self.url
        try:
            response = await self._http.post(self.url, content=json.dumps(body),
                                             headers={"Content-Type": "application/json"})
        except httpx.ConnectError as exc:
            cause = exc.__cause__ or exc.__context__
            text = str(exc)
            if isinstance(cause, ssl.SSLError) or "SSL" in text or "CERTIFICATE" in text.upper():
                raise SyncError(f"TLS error talking to the sync server {where}: {clean_line(text, 200)} "
                                "(a self-signed certificate? set verify = false in [sync])") from None
            raise SyncError(f"cannot reach the sync server {where}: {clean_line(text, 200) or 'connection failed'}"
                            ) from None
        except httpx.TimeoutException:
            raise SyncError(f"the sync server {where} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SyncError(f"talking to the sync server {where} failed: {clean_line(str(exc), 200)}") from None
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or "status" not in data:
            raise SyncError(f"{where} is not a Tiny Tiny RSS API (HTTP {response.status_code}); check url in "
                            "[sync]: the address of tt-rss, e.g. https://host/tt-rss")
        content = data.get("content")
        if data["status"] != 0:
            error = content.get("error") if isinstance(content, dict) else None
            raise self._refused(op, str(error or "unknown error"))
        return content

    def _refused(self, op: str, error: str) -> SyncError:
        if error == "LOGIN_ERROR":
            return SyncError(f"the sync server refused the login of '{self.user}': wrong user or password")
        if error == "API_DISABLED":
            return SyncError(f"the API is disabled for '{self.user}' on the sync server: enable it in tt-rss "
                             "Preferences → Preferences → Enable API")
        if error == "NOT_LOGGED_IN":
            return SyncError("the sync server ended the session (NOT_LOGGED_IN); sync again")
        return SyncError(f"the sync server refused {op}: {clean_line(error, 200)}")

    # ----------------------------------------------------------- endpoints
    async def login(self) -> None:
        content = await self.call("login", user=self.user, password=self._password)
        sid = content.get("session_id") if isinstance(content, dict) else None
        if not isinstance(sid, str) or not sid:
            raise SyncError(f"{self.url} answered login without a session id; is it Tiny Tiny RSS?")
        self._sid = sid

    async def logout(self) -> None:
        if self._sid is not None:
            try:
                await self.call("logout")
            except SyncError:
                pass  # the session expires on its own
            self._sid = None

    async def categories(self) -> dict[int, str]:
        content = await self.call("getCategories", include_empty=True)
        return {_int(c.get("id")): clean_line(str(c.get("title") or "")) for c in content or []
                if isinstance(c, dict)}

    async def feeds(self) -> list[ServerFeed]:
        content = await self.call("getFeeds", cat_id=-3)  # every real feed, categorised or not
        return [ServerFeed(id=_int(f.get("id")), title=str(f.get("title") or ""), feed_url=str(f.get("feed_url") or ""),
                           category_id=_int(f.get("cat_id")) if f.get("cat_id") is not None else None)
                for f in content or [] if isinstance(f, dict) and _int(f.get("id")) > 0]

    async def headlines(self, *, since_id: int, skip: int, limit: int = PAGE, content: bool = True,
                        view_mode: str = "all_articles", feed_id: int = -4) -> list[Headline]:
        rows = await self.call("getHeadlines", feed_id=feed_id, since_id=since_id, skip=skip, limit=limit,
                               show_content=content, view_mode=view_mode, order_by="date_reverse",
                               include_attachments=False, sanitize=True)
        out = []
        for h in rows or []:
            if not isinstance(h, dict):
                continue
            out.append(Headline(
                id=_int(h.get("id")), feed_id=_int(h.get("feed_id")), guid=str(h.get("guid") or ""),
                title=str(h.get("title") or ""), link=str(h.get("link") or ""), author=str(h.get("author") or ""),
                updated=_int(h.get("updated")) or None, content=str(h.get("content") or ""),
                unread=bool(h.get("unread")), marked=bool(h.get("marked"))))
        return out

    async def ids(self, *, view_mode: str, feed_id: int) -> set[int]:
        """Ids of every article in a view (unread ones: view_mode unread, feed -4; starred: feed -1)."""
        found: set[int] = set()
        skip = 0
        while True:
            page = await self.call("getHeadlines", feed_id=feed_id, skip=skip, limit=PAGE, show_content=False,
                                   view_mode=view_mode, order_by="date_reverse", include_attachments=False,
                                   show_excerpt=False)
            found.update(_int(h.get("id")) for h in page or [] if isinstance(h, dict))
            if not page or len(page) < PAGE:
                return found
            skip += len(page)

    async def set_flag(self, ids: list[int], field: str, value: bool) -> None:
        mode = int(not value) if field == "read" else int(value)  # read=True is unread=0
        await self.call("updateArticle", article_ids=",".join(map(str, ids)), mode=mode, field=FIELD[field])

    async def unread_total(self) -> int | None:
        content = await self.call("getCounters", output_mode="f")
        for c in content or []:
            if isinstance(c, dict) and c.get("id") == "global-unread":
                return _int(c.get("counter"))
        return None
