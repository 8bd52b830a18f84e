"""Command line: `tui-news` opens the reader; subcommands work headless (cron, scripts).

Exit codes: 0 success, 1 some feeds failed (or a runtime error), 2 usage or configuration errors.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_news import __version__

if TYPE_CHECKING:
    from tui_news.models import Config, FeedOutcome
    from tui_news.models import FullText as FullTextState
    from tui_news.service import Service

PROG = "tui-news"


class UsageError(Exception):
    """Bad arguments: exit 2."""


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--config", metavar="PATH", default=default,
                        help="the feed list to read and to import into (default: $TUI_NEWS_CONFIG, else "
                             "~/.config/tui-news/feeds.toml, made from the bundled list on the first run)")
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="SQLite cache (default: $TUI_NEWS_DB, settings.cache_path, "
                             "~/.local/share/tui-news/cache.sqlite3)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="A terminal news reader.", epilog=_epilog(),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the reader on bundled demo feeds served from 127.0.0.1 into a temporary cache")
    parser.add_argument("--no-refresh", action="store_true", help="open the reader without refreshing feeds")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, suppress=True)
        return p

    p = command("refresh", "refresh every enabled feed and print a summary per feed, then fetch the article "
                           "pages that are due (full_text in feeds.toml)")
    p.add_argument("--no-full-text", action="store_true", help="do not fetch article pages this time")
    p = command("show", "print one article (its id from `search --json`) as the reader shows it")
    p.add_argument("id", metavar="ID", type=int)
    p.add_argument("--json", action="store_true", help="print a JSON object with the text and its entities")
    p = command("extract", "extract the article from a page (a file or a URL), as `refresh` does with full_text")
    p.add_argument("source", metavar="URL_OR_FILE")
    p.add_argument("--url", metavar="URL", help="where the file came from (picks the site rule)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p = command("reextract", "extract the kept article pages again (after a site rule changed), without "
                             "downloading them")
    p.add_argument("--feed", metavar="NAME", help="only this feed's articles (its title or URL)")
    p = command("feeds", "list feeds with unread and total counts, last status and error")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p = command("import-opml", "add the feeds of an OPML file to feeds.toml")
    p.add_argument("file", metavar="FILE")
    p = command("export-opml", "write the feeds as OPML 2.0 (to FILE or standard output)")
    p.add_argument("file", metavar="FILE", nargs="?")
    p = command("search", "search every cached article")
    p.add_argument("query", metavar="QUERY", nargs="+")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    p.add_argument("--json", action="store_true", help="print a JSON list, best first")
    command("reindex", "rebuild the search index and the stored entities from the cached articles")
    p = command("sync", "sync with the [sync] server: send queued read/starred changes, pull feeds and articles")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p = command("mark", "set read/starred on articles by id (queued for the [sync] server like a change in the app)")
    p.add_argument("ids", metavar="ID", nargs="+", type=int)
    flag = p.add_mutually_exclusive_group(required=True)
    for name in ("read", "unread", "star", "unstar"):
        flag.add_argument(f"--{name}", dest="flag", action="store_const", const=name)
    p = command("entities", "find person names and resolutions: JSON lines on stdin, or --file PATH")
    p.add_argument("--file", metavar="PATH", help="print PATH with its entities highlighted")
    return parser


def _epilog() -> str:
    from tui_news.config import describe_config, find_config, is_bundled, user_config_path

    user = user_config_path()
    current = find_config()
    if is_bundled(current) and not user.exists():
        shown = f"{user} (not made yet: the first run copies the bundled list there)"
    else:
        shown = describe_config(current)
    return ("feed list: " + shown + "\n"
            "  One file is read at start and written by every import (import-opml, the app's Import OPML…):\n"
            "  --config PATH, else $TUI_NEWS_CONFIG, else " + str(user) + ",\n"
            "  which the first run makes as a copy of the bundled list. ./feeds.toml is read only when named.")


def _err(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _load(args: argparse.Namespace) -> tuple[Config, Path]:
    from tui_news.config import load_config, prepare_config, resolve_db_path

    config = load_config(prepare_config(args.config))
    return config, resolve_db_path(args.db, config)


def _open(args: argparse.Namespace) -> Service:
    from tui_news.service import Service

    config, db = _load(args)
    return Service.open(config, db)


def cmd_refresh(args: argparse.Namespace) -> int:
    service = _open(args)
    pages: dict[str, int] = {}

    def counted(_article_id: int, state: FullTextState) -> None:
        key = "ok" if state.status == "ok" else "failed"
        pages[key] = pages.get(key, 0) + 1

    try:
        outcomes = asyncio.run(_refresh_with_progress(service, full_text=not args.no_full_text,
                                                      on_full_text=counted))
    finally:
        service.close()
    failed = 0
    for o in outcomes:
        if o.error is not None:
            failed += 1
            line = f"FAILED  {o.title}: {o.error}"
        elif o.not_modified:
            line = f"304     {o.title}: not modified"
        elif o.unchanged:
            line = f"same    {o.title}: unchanged"
        else:
            line = f"ok      {o.title}: {o.new} new, {o.updated} updated"
        print(line)
    if pages:  # a page that failed is the article's state, not the feed's: the exit status stays
        print(f"{sum(pages.values())} full texts: {pages.get('ok', 0)} fetched, {pages.get('failed', 0)} failed")
    print(f"{len(outcomes)} feeds: {len(outcomes) - failed} ok, {failed} failed")  # the last line, as before
    return 1 if failed else 0


async def _refresh_with_progress(service: Service, *, full_text: bool = True,
                                 on_full_text: Callable[[int, FullTextState], None] | None = None
                                 ) -> list[FeedOutcome]:
    if not sys.stderr.isatty():
        return await service.refresh(full_text=full_text, on_full_text=on_full_text)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("refreshing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}", markup=False),  # feed titles are data, not markup
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("", total=None)

        def started(total: int) -> None:
            progress.update(task, total=total)

        def done(outcome: FeedOutcome) -> None:
            progress.update(task, advance=1, description=outcome.title[:40])

        return await service.refresh(on_start=started, on_result=done, full_text=full_text,
                                     on_full_text=on_full_text)


def cmd_sync(args: argparse.Namespace) -> int:
    from tui_news.errors import SyncError

    config, db = _load(args)
    if config.sync is None:
        raise UsageError(f"no [sync] table in {config.path}; see README, section Sync")
    from tui_news.service import Service

    service = Service.open(config, db)
    try:
        try:
            report = asyncio.run(service.sync())
        except SyncError as exc:
            status = service.sync_status()
            if args.json:
                print(json.dumps({"ok": False, "error": str(exc), "status": status}, ensure_ascii=False))
            _err(f"sync failed: {exc}")
            return 1
    finally:
        service.close()
    if args.json:
        print(json.dumps({"ok": True, "feeds": report.feeds, "received": report.received, "new": report.new,
                          "updated": report.updated,
                          "flags_from_server": report.flags_from_server, "pushed": report.pushed,
                          "queued": report.queued, "server_unread": report.server_unread}, ensure_ascii=False))
    else:
        print(f"synced: {report.feeds} feeds, {report.new} new, {report.updated} updated articles, "
              f"{report.flags_from_server} flags from the server, {report.pushed} changes sent, "
              f"{report.queued} queued")
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    from tui_news.errors import ArticlesGoneError

    service = _open(args)
    try:
        if args.flag in ("read", "unread"):
            service.set_read(args.ids, args.flag == "read")
        else:
            service.set_starred(args.ids, args.flag == "star")
    except ArticlesGoneError as exc:  # the others were written
        _err(f"error: no article with id {', '.join(map(str, exc.ids))} in the cache "
             "(ids: `tui-news search --json`); the other ids were marked")
        return 1
    finally:
        service.close()
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    service = _open(args)
    try:
        feeds = service.feeds()
    finally:
        service.close()
    if args.json:
        data = [
            {"url": f.url, "fetch_url": f.fetch_url, "title": f.display_title, "tags": list(f.tags),
             "enabled": f.enabled, "unread": f.unread, "total": f.total, "last_status": f.last_status,
             "last_error": f.last_error, "error_count": f.error_count,
             "last_refresh": f.last_refresh.isoformat() if f.last_refresh else None}
            for f in feeds
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"feed list: {service.config_note()}")
    for f in feeds:
        status = f"ERROR {f.last_error}" if f.last_error else (f.last_status or "never refreshed")
        tags = f" [{', '.join(f.tags)}]" if f.tags else ""
        print(f"{f.unread:>6}/{f.total:<6} {f.display_title}{tags}\n              {f.url}  {status}")
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    from tui_news.config import prepare_config
    from tui_news.service import import_opml

    result = import_opml(Path(args.file), prepare_config(args.config))
    for line in result.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    print(result.summary)
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    from tui_news.service import export_opml

    config, _db = _load(args)
    data = export_opml(config)
    if args.file:
        Path(args.file).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    service = _open(args)
    try:
        hits = service.search(" ".join(args.query), limit=args.limit)
        note = service.search_note()
    finally:
        service.close()
    if note:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        data = [
            {"id": h.article.id, "title": h.article.title, "feed": h.article.feed_title, "link": h.link,
             "published": h.article.published.isoformat(), "snippet": h.snippet,
             "highlights": [[s.start, s.end] for s in h.highlights],
             "read": h.article.read, "starred": h.article.starred}
            for h in hits
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for h in hits:
        print(f"{h.article.published:%Y-%m-%d} {h.article.feed_title}: {h.article.title}")
        if h.snippet:
            print(f"    {h.snippet}")
    if not hits:
        print("no matches", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    service = _open(args)
    try:
        detail = service.view(args.id)
    finally:
        service.close()
    if detail is None:
        _err(f"error: no article with id {args.id}")
        return 1
    a, text = detail.article, detail.document.text
    if args.json:
        from datetime import UTC

        data = {
            "id": a.id, "feed": a.feed_title, "title": a.title, "link": a.link, "author": a.author,
            "published": a.published.astimezone(UTC).isoformat(), "full_text_status": detail.full_text.label,
            "version": detail.version, "text": text,
            "entities": [{"start": e.start, "end": e.end, "type": e.kind, "text": text[e.start:e.end], "key": e.key}
                         for e in detail.entities],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(a.title)
    print(f"{a.feed_title} · {a.published.astimezone():%Y-%m-%d %H:%M} · {detail.header()}")
    if a.link:
        print(a.link)
    print()
    print(text)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from tui_news.config import find_config, load_config
    from tui_news.service import extract_source

    try:
        config = load_config(find_config(args.config))
    except Exception:  # no usable feeds.toml: extract without the user's rules
        config = None
    try:
        got = extract_source(args.source, url=args.url, config=config)
    except OSError as exc:
        _err(f"error: cannot read {args.source}: {exc.strerror or exc}")
        return 1
    if args.json:
        data = {"title": got.title, "authors": list(got.authors),
                "published": got.published.isoformat() if got.published else None,
                "extractor": got.extractor, "text": _shown_text(got.html)}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(got.title)
    print(f"extractor: {got.extractor}; authors: {', '.join(got.authors) or '-'}")
    print()
    print(_shown_text(got.html))
    return 0


def _shown_text(html: str) -> str:
    from tui_news.service import shown_text

    return shown_text(html)


def cmd_reextract(args: argparse.Namespace) -> int:
    service = _open(args)
    try:
        try:
            ok, failed = service.reextract(args.feed)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    finally:
        service.close()
    print(f"{ok + failed} kept pages extracted again: {ok} ok, {failed} failed")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    service = _open(args)
    try:
        count, entities = service.reindex()
    finally:
        service.close()
    print(f"search index rebuilt: {count} articles; entities computed for {entities} articles")
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    if args.file:
        from rich.console import Console

        from tui_news.ui.highlight import print_highlighted

        path = Path(args.file)
        try:  # one line with the usual prefix, exit 2 (the argument is wrong), not a red line on stdout and 1
            path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise UsageError(f"--file: cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"--file: {path} is not UTF-8 text (byte {exc.start})") from None
        return print_highlighted(path, Console())
    from tui_news.service import entities_jsonl

    return entities_jsonl(sys.stdin, sys.stdout)


def cmd_app(args: argparse.Namespace) -> int:
    from tui_news.service import Service
    from tui_news.ui.app import run_app

    if args.demo:
        from tui_news.demo import demo_environment

        with demo_environment() as (config, db):
            service = Service.open(config, db)
            try:
                return run_app(service, refresh_on_start=True)
            finally:
                service.close()
    service = _open(args)
    try:
        return run_app(service, refresh_on_start=not args.no_refresh)
    finally:
        service.close()


COMMANDS = {
    "refresh": cmd_refresh, "feeds": cmd_feeds, "import-opml": cmd_import_opml, "export-opml": cmd_export_opml,
    "search": cmd_search, "reindex": cmd_reindex, "entities": cmd_entities, "sync": cmd_sync, "mark": cmd_mark,
    "show": cmd_show, "extract": cmd_extract, "reextract": cmd_reextract,
}


_SEARCH_OPTIONS = {"--limit": 1, "--json": 0, "--config": 1, "--db": 1, "-h": 0, "--help": 0}


def _protect_query(argv: list[str]) -> list[str]:
    """`tui-news search security -climate`: a query word may start with "-" (an exclusion).

    argparse would take it for an option, so the words of a search are passed after "--", with the
    command's own options (--limit N, --json, --config P, --db P) picked out wherever they stand."""
    if "search" not in argv:
        return argv
    at = argv.index("search")
    head, rest = argv[: at + 1], argv[at + 1 :]
    options: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(rest):
        token = rest[i]
        name = token.split("=", 1)[0]
        if token == "--":
            words.extend(rest[i + 1 :])
            break
        if name in _SEARCH_OPTIONS:
            takes = _SEARCH_OPTIONS[name] if "=" not in token else 0
            options.extend(rest[i : i + 1 + takes])
            i += 1 + takes
            continue
        words.append(token)
        i += 1
    return [*head, *options, "--", *words] if words else [*head, *options]


def main(argv: Sequence[str] | None = None) -> int:
    from tui_news.errors import ConfigError, OpmlError, SearchQueryError, TuiNewsError

    parser = build_parser()
    args = parser.parse_args(_protect_query(list(sys.argv[1:] if argv is None else argv)))
    for name in ("config", "db"):
        if not hasattr(args, name):
            setattr(args, name, None)
    handler = COMMANDS.get(args.command or "", cmd_app)
    try:
        return handler(args)
    except (ConfigError, SearchQueryError, UsageError) as exc:
        _err(f"error: {exc}")
        return 2
    except OpmlError as exc:
        _err(f"error: {exc}")
        return 2
    except TuiNewsError as exc:
        _err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        # `tui-news feeds | head`: stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
