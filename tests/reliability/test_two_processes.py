"""The app marking articles while `tui-news refresh` runs from cron on the same cache, in two processes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .conftest import HERE, cli_env, run_cli, write_config
from .faultserver import feed_xml

FEEDS = 6
ITEMS = 120
REFRESHES = 3


def write_feeds(folder: Path, generation: int) -> list[Path]:
    paths = []
    for f in range(FEEDS):
        path = folder / f"feed{f}.xml"
        # Each generation changes every title (an UPDATE of each article) and adds 10 new items.
        body = feed_xml(f"Feed {f} v{generation}", ITEMS + 10 * generation, prefix=f"f{f}")
        path.write_bytes(body)
        paths.append(path)
    return paths


def test_app_marks_flags_while_cron_refreshes(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    paths = write_feeds(folder, 0)
    config = write_config(tmp_path / "feeds.toml", [p.as_uri() for p in paths])
    db = tmp_path / "cache.db"
    common = ["--config", str(config), "--db", str(db)]
    first = run_cli("refresh", *common, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    stop, ready = tmp_path / "stop", tmp_path / "ready"
    writer = subprocess.Popen([sys.executable, str(HERE / "flag_writer.py"), str(db), str(stop), str(ready), "7"],
                              cwd=tmp_path, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    outputs: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():  # the writer has committed its first flag change
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the flag writer never wrote"
            time.sleep(0.01)
        for generation in range(1, REFRESHES + 1):
            write_feeds(folder, generation)
            proc = run_cli("refresh", *common, cwd=tmp_path, timeout=60)
            outputs.append(proc.stdout + proc.stderr)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert f"{FEEDS} feeds: {FEEDS} ok, 0 failed" in proc.stdout
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    for text in [*outputs, out, err]:
        assert "locked" not in text.lower() and "busy" not in text.lower(), text
        assert "Traceback" not in text, text
    result = json.loads(out)
    assert result["writes"] >= 50, result["writes"]
    with sqlite3.connect(db) as conn:
        stored = {row[0]: [bool(row[1]), bool(row[2])]
                  for row in conn.execute("SELECT id, read, starred FROM articles")}
        titles = {row[0] for row in conn.execute("SELECT DISTINCT title FROM articles")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(stored) == FEEDS * (ITEMS + 10 * REFRESHES)
    assert any(f" v{REFRESHES} " in t for t in titles)  # the cron refreshes did update the articles
    lost = {i: (want, stored.get(int(i))) for i, want in result["flags"].items() if stored.get(int(i)) != want}
    assert not lost, f"{len(lost)} flag changes lost, e.g. {list(lost.items())[:5]}"
