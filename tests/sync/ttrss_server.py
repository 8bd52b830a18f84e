"""A real Tiny Tiny RSS (Debian's tt-rss 21, PHP built-in server) on PostgreSQL 15, on 127.0.0.1, for tests.

PostgreSQL runs as the `postgres` user (initdb refuses root) in a private data dir with its own port and socket
dir; tt-rss runs from a private copy of /usr/share/tt-rss/www whose config.php points at that database (the
packaged one reads /etc/tt-rss). Articles are inserted through SQL: tt-rss refuses to fetch feeds on loopback
addresses. Everything is stopped by pid."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TTRSS = Path("/usr/share/tt-rss")
PHP = shutil.which("php") or "/usr/bin/php"
USER, PASSWORD = "reader", "s3cret-pass"


def why_not() -> str | None:
    """None when the server can be started here, else the reason."""
    if os.geteuid() != 0:
        return "the tt-rss server fixture needs root (it runs PostgreSQL as the postgres user)"
    for need in (PG_BIN / "initdb", PG_BIN / "pg_ctl", TTRSS / "www" / "api" / "index.php", Path(PHP)):
        if not need.exists():
            return f"{need} missing: apt-get install tt-rss php8.2-pgsql php-cli postgresql"
    if subprocess.run([PHP, "-m"], capture_output=True, text=True).stdout.find("pgsql") < 0:
        return "PHP has no pgsql module: apt-get install php8.2-pgsql"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


CONFIG = """<?php
define('DB_TYPE', 'pgsql'); define('DB_HOST', '{sock}'); define('DB_PORT', '{pg_port}');
define('DB_USER', 'postgres'); define('DB_NAME', 'ttrss'); define('DB_PASS', '');
define('MYSQL_CHARSET', 'UTF8');
define('SELF_URL_PATH', 'http://127.0.0.1:{port}/');
define('SINGLE_USER_MODE', false); define('SIMPLE_UPDATE_MODE', false);
define('PHP_EXECUTABLE', '{php}'); define('LOCK_DIRECTORY', '{root}/lock'); define('CACHE_DIR', '{root}/cache');
define('ICONS_DIR', 'feed-icons'); define('ICONS_URL', 'feed-icons');
define('AUTH_AUTO_CREATE', true); define('AUTH_AUTO_LOGIN', true); define('FORCE_ARTICLE_PURGE', 0);
define('ENABLE_REGISTRATION', false); define('REG_NOTIFY_ADDRESS', 'x@example.org'); define('REG_MAX_USERS', 10);
define('SESSION_COOKIE_LIFETIME', 86400); define('SMTP_FROM_NAME', 'tt'); define('SMTP_FROM_ADDRESS', 'x@example.org');
define('DIGEST_SUBJECT', 'x'); define('CHECK_FOR_UPDATES', false); define('ENABLE_GZIP_OUTPUT', false);
define('PLUGINS', 'auth_internal'); define('LOG_DESTINATION', ''); define('CONFIG_VERSION', 26);
"""


class TtrssServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tui-news-ttrss-"))
        self.pg_port = free_port()
        self.port = free_port()
        self.php: subprocess.Popen[bytes] | None = None
        self.uid = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    # ----------------------------------------------------------- lifecycle
    def start(self) -> None:
        root = self.root
        os.chmod(root, 0o755)
        for d in ("pg", "sock", "lock", "cache"):
            (root / d).mkdir()
        for d in ("images", "upload", "export", "feeds", "js", "feed-icons"):
            (root / "cache" / d).mkdir()
        shutil.chown(root / "pg", "postgres")
        shutil.chown(root / "sock", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*as_pg, str(PG_BIN / "initdb"), "-D", str(root / "pg"), "-A", "trust",
                        "-U", "postgres", "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(root / "pg"), "-w",
                        "-l", str(root / "sock" / "pg.log"),
                        "-o", f"-p {self.pg_port} -k {root / 'sock'} -c listen_addresses='' -c fsync=off",
                        "start"], check=True, capture_output=True)
        self.psql("CREATE DATABASE ttrss", db="postgres")
        subprocess.run(self._psql_cmd("ttrss") + ["-f", str(TTRSS / "schema" / "ttrss_schema_pgsql.sql")],
                       check=True, capture_output=True)
        self.uid = int(self.psql(
            f"INSERT INTO ttrss_users (login, pwd_hash, access_level) VALUES "
            f"('{USER}', 'SHA1:{hashlib.sha1(PASSWORD.encode()).hexdigest()}', 0) RETURNING id").split()[0])
        self.set_api(True)
        www = root / "www"
        # The package's links are relative (lib/gettext -> ../../php/...): make them absolute in the copy.
        shutil.copytree(TTRSS / "www", www, symlinks=True)
        for link in [p for p in www.rglob("*") if p.is_symlink()]:
            target = os.path.realpath(TTRSS / "www" / link.relative_to(www))
            link.unlink()
            link.symlink_to(target)
        (www / "config.php").unlink()
        (www / "config.php").write_text(CONFIG.format(sock=root / "sock", pg_port=self.pg_port, port=self.port,
                                                      php=PHP, root=root))
        self.start_php()

    def start_php(self) -> None:
        log = open(self.root / "php.log", "ab")  # noqa: SIM115 (the child owns it)
        self.php = subprocess.Popen([PHP, "-S", f"127.0.0.1:{self.port}", "-t", str(self.root / "www")],
                                    stdout=log, stderr=log, cwd=self.root / "www", start_new_session=True)
        wait_for(self._answers, 20, "tt-rss to answer")

    def stop_php(self) -> None:
        if self.php is not None:
            self.php.send_signal(signal.SIGKILL)
            self.php.wait()
            self.php = None

    def _answers(self) -> bool:
        try:
            return httpx.post(self.url + "api/", json={"op": "getApiLevel"}, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        self.stop_php()
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.root / "pg"),
                        "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # -------------------------------------------------------------- SQL
    def _psql_cmd(self, db: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", str(PG_BIN.parent / "bin" / "psql"), "-h", str(self.root / "sock"),
                "-p", str(self.pg_port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t"]

    def psql(self, sql: str, db: str = "ttrss") -> str:
        psql = Path("/usr/lib/postgresql/15/bin/psql")
        cmd = self._psql_cmd(db)
        cmd[cmd.index(str(PG_BIN.parent / "bin" / "psql"))] = str(psql)
        return subprocess.run(cmd, input=sql, check=True, capture_output=True, text=True).stdout

    def set_api(self, enabled: bool) -> None:
        self.psql(f"DELETE FROM ttrss_user_prefs WHERE owner_uid = {self.uid} AND pref_name = 'ENABLE_API_ACCESS';"
                  f"INSERT INTO ttrss_user_prefs (owner_uid, pref_name, value) VALUES "
                  f"({self.uid}, 'ENABLE_API_ACCESS', '{'true' if enabled else 'false'}')")

    def reset(self) -> None:
        """No feeds, categories or articles (between tests)."""
        self.psql(f"DELETE FROM ttrss_user_entries WHERE owner_uid = {self.uid}; DELETE FROM ttrss_entries;"
                  f"DELETE FROM ttrss_feeds WHERE owner_uid = {self.uid};"
                  f"DELETE FROM ttrss_feed_categories WHERE owner_uid = {self.uid};")
        self.set_api(True)

    def add_category(self, title: str) -> int:
        return int(self.psql(f"INSERT INTO ttrss_feed_categories (owner_uid, title) VALUES ({self.uid}, "
                             f"$t${title}$t$) RETURNING id").split()[0])

    def add_feed(self, title: str, url: str, category: int | None = None) -> int:
        cat = "NULL" if category is None else str(category)
        return int(self.psql(f"INSERT INTO ttrss_feeds (owner_uid, title, feed_url, cat_id) VALUES ({self.uid}, "
                             f"$t${title}$t$, $t${url}$t$, {cat}) RETURNING id").split()[0])

    def add_articles(self, feed_id: int, items: list[tuple[str, str]], *, start: int = 0) -> list[int]:
        """(title, content HTML) each, stored as tt-rss stores them; returns the entry ids."""
        rows = ",".join(
            f"($t${title}$t$, $t${feed_id}-{start + i}-{time.time_ns()}$t$, "
            f"'https://example.org/{feed_id}/{start + i}',"
            f" now() - interval '{len(items) - i} minutes', $t${content}$t$, md5($t${content}$t$), now(), now())"
            for i, (title, content) in enumerate(items))
        ids = [int(x) for x in self.psql(
            "INSERT INTO ttrss_entries (title, guid, link, updated, content, content_hash, date_entered, "
            f"date_updated) VALUES {rows} RETURNING id").split()]
        self.psql("INSERT INTO ttrss_user_entries (ref_id, uuid, feed_id, owner_uid, tag_cache, label_cache) "
                  f"SELECT id, '', {feed_id}, {self.uid}, '', '' FROM ttrss_entries WHERE id >= {min(ids)} "
                  f"AND id <= {max(ids)}")
        return ids

    def flags(self) -> dict[int, tuple[bool, bool]]:
        """entry id -> (read, starred) as the server holds them."""
        out = {}
        for line in self.psql(f"SELECT ref_id, unread, marked FROM ttrss_user_entries WHERE owner_uid = {self.uid}"
                              ).split():
            ref, unread, marked = line.split("|")
            out[int(ref)] = (unread == "f", marked == "t")
        return out
