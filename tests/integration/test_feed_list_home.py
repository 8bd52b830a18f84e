"""One home for the feed list (issue 12, item 1): the file read at start is the file every import writes.

Each restart is a new process (`python -m tui_news feeds --json`), started from another working directory than
the import, and in the repository itself, whose top-level feeds.toml is the bundled default: there the old lookup
read ./feeds.toml while imports wrote ~/.config/tui-news/feeds.toml, and imported feeds vanished on restart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_news.config import bundled_config_path, load_config, user_config_path
from tui_news.service import Service

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Mine"><outline text="One" xmlUrl="https://one.example/rss"/>
<outline text="Two" xmlUrl="https://two.example/atom"/></outline></body></opml>"""
IMPORTED = {"https://one.example/rss", "https://two.example/atom"}


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A new process, as a user's shell or cron runs it (the environment is the test's isolated one)."""
    full = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run([sys.executable, "-m", "tui_news", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=full)


def listed(cwd: Path, db: Path) -> set[str]:
    proc = cli("feeds", "--json", "--db", str(db), cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return {feed["url"] for feed in json.loads(proc.stdout)}


@pytest.fixture
def opml(tmp_path: Path) -> Path:
    path = tmp_path / "subs.opml"
    path.write_bytes(OPML)
    return path


@pytest.fixture
def folder_with_feeds_toml(tmp_path: Path) -> Path:
    """A folder that holds a feeds.toml (not the one the app reads unless it is named)."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "feeds.toml").write_text('[[feeds]]\nurl = "https://local.example/rss"\n', "utf-8")
    return folder


@pytest.mark.parametrize("where", ["repository", "folder with a feeds.toml", "home"])
def test_cli_import_then_restart_anywhere_lists_the_imported_feeds(where: str, tmp_path: Path, opml: Path,
                                                                   folder_with_feeds_toml: Path,
                                                                   isolated_env: Path) -> None:
    cwd = {"repository": ROOT, "folder with a feeds.toml": folder_with_feeds_toml, "home": isolated_env}[where]
    repo_list = (ROOT / "feeds.toml").read_bytes()
    db = tmp_path / "c.db"
    proc = cli("import-opml", str(opml), "--db", str(db), cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    for restart_in in (cwd, ROOT, folder_with_feeds_toml, tmp_path):
        assert IMPORTED <= listed(restart_in, db), restart_in
    # The home is the user's list, made from the bundled one; neither the package's list nor ./feeds.toml changed.
    assert user_config_path().is_file()
    assert f"added to {user_config_path()}" in proc.stdout
    assert (ROOT / "feeds.toml").read_bytes() == repo_list
    assert "local.example" not in user_config_path().read_text("utf-8")


def test_palette_import_through_the_service_survives_a_restart(tmp_path: Path, opml: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The palette's Import OPML… calls Service.import_opml on the service the CLI opened at start (cli._open):
    started in the repository, the import lands in the file the next start reads."""
    from tui_news.cli import _open

    monkeypatch.chdir(ROOT)
    db = tmp_path / "c.db"
    service = _open(argparse.Namespace(config=None, db=str(db)))
    try:
        service.import_opml(opml)
        read_at_start = service.config.path
    finally:
        service.close()
    assert IMPORTED <= listed(ROOT, db)
    assert IMPORTED <= listed(tmp_path, db)
    assert read_at_start == user_config_path()
    assert IMPORTED <= {f.url for f in load_config(user_config_path()).feeds}


def test_an_explicit_config_is_read_and_written(folder_with_feeds_toml: Path, opml: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    proc = cli("import-opml", str(opml), "--config", "feeds.toml", "--db", str(db), cwd=folder_with_feeds_toml)
    assert proc.returncode == 0, proc.stderr
    proc = cli("feeds", "--json", "--config", "feeds.toml", "--db", str(db), cwd=folder_with_feeds_toml)
    assert {f["url"] for f in json.loads(proc.stdout)} == IMPORTED | {"https://local.example/rss"}
    env_proc = cli("feeds", "--json", "--db", str(db), cwd=tmp_path,
                   env={"TUI_NEWS_CONFIG": str(folder_with_feeds_toml / "feeds.toml")})
    assert {f["url"] for f in json.loads(env_proc.stdout)} == IMPORTED | {"https://local.example/rss"}
    assert not user_config_path().exists()  # a named list is the home: nothing was made elsewhere


def test_the_first_run_copies_the_bundled_list_and_every_command_names_the_file(tmp_path: Path) -> None:
    assert not user_config_path().exists()
    help_text = cli("--help", cwd=tmp_path).stdout
    assert f"feed list: {user_config_path()} (not made yet" in " ".join(help_text.split())
    proc = cli("feeds", "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"feed list: {user_config_path()}"
    assert user_config_path().read_bytes() == bundled_config_path().read_bytes()
    assert f"feed list: {user_config_path()}\n" in cli("--help", cwd=tmp_path).stdout


def test_a_home_that_cannot_be_written_reads_the_bundled_list_and_an_import_says_why(tmp_path: Path,
                                                                                     opml: Path) -> None:
    """/proc refuses new folders even to root: the first-run copy cannot be made."""
    env = {"XDG_CONFIG_HOME": "/proc/self/nonexistent-config"}
    proc = cli("feeds", "--db", str(tmp_path / "c.db"), cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "the bundled default, read-only" in proc.stdout.splitlines()[0]
    proc = cli("import-opml", str(opml), "--db", str(tmp_path / "c.db"), cwd=tmp_path, env=env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui-news: error: cannot write the feed list /proc/"), lines
    assert "Traceback" not in proc.stderr


def test_importing_the_same_opml_twice_says_what_happened(tmp_path: Path, opml: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nurl = "https://one.example/rss"\n', "utf-8")
    first = cli("import-opml", str(opml), "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert first.stdout.strip() == f"1 feed added to {config}, 1 already present"
    again = cli("import-opml", str(opml), "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout.strip() == f"0 feeds added to {config}, 2 already present"


def test_an_import_follows_a_symlinked_list_and_keeps_its_permissions(tmp_path: Path, opml: Path) -> None:
    """Dotfiles kept in git are often symlinks: the rewrite goes to the target, the link stays a link."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "feeds.toml"
    real.write_text("# mine\n[[feeds]]\nurl = \"https://a.example/rss\"  # keep this comment\n", "utf-8")
    real.chmod(0o640)
    link = user_config_path()
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    proc = cli("import-opml", str(opml), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == real
    text = real.read_text("utf-8")
    assert text.startswith("# mine\n[[feeds]]\nurl = \"https://a.example/rss\"  # keep this comment\n")
    assert {f.url for f in load_config(real).feeds} == IMPORTED | {"https://a.example/rss"}
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in dotfiles.iterdir()) == ["feeds.toml"]  # no temporary file left behind


def test_service_says_where_its_list_lives(tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text("", "utf-8")
    service = Service.open(load_config(config), tmp_path / "c.db")
    try:
        assert service.config_path == config
        assert service.config_note() == str(config)
    finally:
        service.close()
    service = Service.open(load_config(bundled_config_path()), tmp_path / "c.db")
    try:
        assert "the bundled default, read-only" in service.config_note()
    finally:
        service.close()
