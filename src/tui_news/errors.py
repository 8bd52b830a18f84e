"""One exception tree for the whole domain; each boundary translates into it."""

from __future__ import annotations


class TuiNewsError(Exception):
    """Root of every error tui-news raises on purpose."""


class ConfigError(TuiNewsError, ValueError):
    """A bad feeds.toml: carries the file, line (when known) and key."""

    def __init__(self, path: object, message: str, *, line: int | None = None, key: str | None = None):
        self.path = str(path)
        self.line = line
        self.key = key
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class FetchError(TuiNewsError):
    """A feed could not be fetched; the message is meant for the user.

    Raised inside the fetch modules (`fetch`, `localfile`) and turned into `FetchResult.error` by `Fetcher.fetch`,
    which never raises for network, server or file problems. `status` and `headers` are the response's, when
    there was one.
    """

    def __init__(self, message: str, *, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


class ParseError(TuiNewsError):
    """A body could not be read as a feed."""


class StoreError(TuiNewsError):
    """The cache could not be read or written (sqlite3 errors are translated into this)."""


class CacheCorruptError(StoreError):
    """The cache file is not a usable SQLite database. It is never overwritten."""

    def __init__(self, path: object, detail: str):
        self.path = str(path)
        super().__init__(
            f"the cache {self.path} is damaged ({detail}); it was left untouched. "
            f"Move it aside (e.g. mv '{self.path}' '{self.path}.broken') and run again to start a new cache."
        )


class ArticlesGoneError(StoreError):
    """A write (read/starred flag) met articles that are no longer in the cache: retention in another process
    (a `tui-news refresh` from cron) deleted them after the list was loaded. The other ids were written."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        n = len(ids)
        super().__init__(
            f"{n} article{'s' if n != 1 else ''} had been removed from the cache by a refresh in another process "
            f"(retention); nothing was changed for {'them' if n != 1 else 'it'}"
        )


class SearchQueryError(TuiNewsError, ValueError):
    """A malformed search query; the message says what is wrong."""


class OpmlError(TuiNewsError):
    """A malformed OPML file."""


class SyncError(TuiNewsError):
    """A sync with a server failed (unreachable, TLS, wrong password, API disabled, not a sync server...):
    one line that says what to do. Nothing local is lost: queued changes stay queued."""
