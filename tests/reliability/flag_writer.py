"""Run as a script: the app's side of the two-process test.

Marks articles read/unread and starred/unstarred in a loop through its own `Repository` (own connection, own
process), reading lists and counts in between the way the app does, until `STOP_FILE` appears; `READY_FILE` is
created once the first write is committed, so the test starts the refreshes against a writer that is going.
Prints one JSON
object: {"writes": n, "flags": {article id: [read, starred]}} with the last value it set for each article.
Any exception is printed on stderr and the exit status is 1.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path


def main(db: str, stop_file: str, ready_file: str, seed: int) -> int:
    from tui_news.store.repo import Repository

    rng = random.Random(seed)
    repo = Repository.open(db)
    try:
        ids = [a.id for a in repo.articles(limit=100_000)]
        if not ids:
            print("no articles to mark", file=sys.stderr)
            return 1
        flags: dict[int, list[bool]] = {}
        current = {a.id: [a.read, a.starred] for a in repo.articles(limit=100_000)}
        writes = 0
        stop = Path(stop_file)
        while not stop.exists() or writes < 50:
            batch = rng.sample(ids, k=min(len(ids), rng.randint(1, 5)))
            value = rng.random() < 0.5
            if rng.random() < 0.6:
                repo.set_read(batch, value)
                for i in batch:
                    current[i][0] = value
            else:
                repo.set_starred(batch, value)
                for i in batch:
                    current[i][1] = value
            for i in batch:
                flags[i] = list(current[i])
            writes += 1
            if writes == 1:
                Path(ready_file).touch()
            if writes % 5 == 0:  # the app re-reads its list and the unread counts now and then
                repo.articles(limit=200)
                repo.unread_counts()
            time.sleep(rng.uniform(0, 0.01))
        print(json.dumps({"writes": writes, "flags": flags}))
        return 0
    finally:
        repo.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
