"""Process pools whose workers die with the process that made them.

`ProcessPoolExecutor` workers block reading their call queue, and each holds both ends of that pipe, so a
parent killed with SIGKILL (OOM killer, `kill -9`, a crashed terminal) never closes it: the workers, the
forkserver they were forked from, and the resource tracker (kept alive by the workers' handles on it) lived on.
Every worker made by `process_pool` therefore, in its initializer:

- asks the kernel to SIGKILL it when its parent dies (`prctl(PR_SET_PDEATHSIG)`, Linux). With the forkserver
  start method the parent is the forkserver, so this covers the forkserver going away;
- watches the pool's owner: a daemon thread waits on a pidfd of the owner (Linux >= 5.3; polling the pid once a
  second elsewhere) and ends the worker as soon as the owner is gone.

Once the workers are gone nothing holds the forkserver's or the resource tracker's pipes, and both exit.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import select
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

__all__ = ["process_pool"]

_PR_SET_PDEATHSIG = 1


def process_pool(max_workers: int, *, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool on the forkserver start method (spawn where there is none) whose workers die with this process.

    Raises what ProcessPoolExecutor raises (OSError, ValueError...) when processes cannot be started."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    if preload and method == "forkserver":
        context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=max_workers, mp_context=context, initializer=die_with_owner,
                               initargs=(os.getpid(),))


def die_with_owner(owner: int) -> None:
    """Worker initializer: end this process when `owner` (the pool's creator) or this process's parent dies."""
    if os.getppid() != owner:
        _set_parent_death_signal()
    _watch(owner)


def _set_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died before prctl: then nobody would send the signal.
    if os.getppid() == 1:
        os._exit(1)


def _watch(owner: int) -> None:
    try:
        fd = os.pidfd_open(owner)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):  # not Linux, an old kernel, or the owner is already gone
        fd = -1
    if fd < 0 and not _alive(owner):
        os._exit(1)
    threading.Thread(target=_wait_for_exit, args=(owner, fd), name="tui-news-owner-watch", daemon=True).start()


def _wait_for_exit(owner: int, fd: int) -> None:
    if fd >= 0:
        while True:
            readable, _, _ = select.select([fd], [], [])  # a pidfd turns readable when the process exits
            if readable:
                os._exit(1)
    while _alive(owner):
        threading.Event().wait(1.0)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
