"""A real terminal for the escape tests: run the CLI under a pty, the reader in tmux, and check the bytes.

`terminal_faults(raw, allowed)` lists everything in what a program wrote to its terminal that data could have
put there: OSC sequences (title, hyperlink, clipboard...) other than Textual's own pointer-shape OSC 22, BEL,
C1 and stray C0 controls, bidi controls, escape sequences other than CSI, any CSI the program does not write
itself (`allowed`), SGR blink/conceal/strike (never used by tui-news, so only data could ask for them), and the
payload's marker words, which live only inside escape sequences and so show only if one got through.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

MARKER = "PWNED"
PAYLOAD = (
    "\x00\x01\x07\x08\x7f"  # C0, BEL, DEL
    f"\x1b]0;{MARKER}-osc-title\x07"  # OSC 0: window title
    "\x1b]8;;file:///etc/passwd\x1b\\lnk\x1b]8;;\x1b\\"  # OSC 8 hyperlink around "lnk"
    f"\x1b]52;c;{MARKER}\x07"  # OSC 52: clipboard
    f"\x1bP{MARKER}-dcs\x1b\\"  # DCS string
    "\x1b[5;8;9m\x1b[?5h\x1b[2J\x1bc"  # blink/conceal/strike, reverse screen, clear, full reset
    f"\x9b?5h\x9b2J\x9d0;{MARKER}-c1\x9c\x85"  # the same as C1 controls; NEL
    "\u202e\u2066\u200f\u061c"  # bidi override, isolate, marks
    "[link=file:///etc/passwd]lk[/link][@click=app.quit]ck[/]"  # Rich / Textual markup
)
"""Every kind of terminal control a feed, a server or a file could carry, then markup."""
SHOWN = "[b]X[/b]"
"""Markup that must be shown as written: each hostile string starts with a label and this."""


def hostile(label: str) -> str:
    """A string whose visible part (once cleaned) starts with `label` + SHOWN."""
    return f"{label}{SHOWN}{PAYLOAD}"


_OSC_POINTER = re.compile(rb"\x1b\]22;[\w-]*(?:\x07|\x1b\\)")
"""Textual sets the mouse pointer shape with OSC 22; the only OSC either program writes itself."""
_CSI = re.compile(r"\x1b\[([0-?]*)([ -/]*)([@-~])")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DATA_ONLY_SGR = {5, 6, 8, 9}
CLI_CSI = re.compile(r"\x1b\[(?:\d*[AK]|\?25[lh])")
"""What Rich's progress bar writes besides SGR: erase line, cursor up, hide/show the cursor."""
TEXTUAL_CSI = re.compile(r"\x1b\[(?:\d+;\d+H|\?(?!5[hl])\d+[hl]|\?\d+\$p|[<>]\d*u)")
"""What Textual writes besides SGR: cursor moves, private modes (not ?5, reverse screen), mode queries, kitty
keyboard."""


def sgr_attributes(params: str) -> set[int]:
    """The plain attributes an SGR sequence sets (the arguments of 38/48/58 colours skipped)."""
    codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
    out: set[int] = set()
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in (38, 48, 58) and i + 1 < len(codes):
            i += 5 if codes[i + 1] == 2 else 3
            continue
        out.add(code)
        i += 1
    return out


def terminal_faults(raw: bytes, allowed_csi: re.Pattern[str]) -> list[str]:
    """What in `raw` (bytes written to a terminal) could only have come from data. Empty when clean."""
    faults: list[str] = []
    raw = _OSC_POINTER.sub(b"", raw)
    text = raw.decode("utf-8", "replace")
    if "\x1b]" in text:
        faults.append(f"OSC sequence: {text[text.index(chr(27) + ']'):][:40]!r}")
    for char in sorted({c for c in text if (ord(c) < 32 and c not in "\r\n\t\x1b") or 0x7f <= ord(c) <= 0x9f}):
        faults.append(f"control character U+{ord(char):04X}")
    for char in sorted(set(_BIDI.findall(text))):
        faults.append(f"bidi control U+{ord(char):04X}")
    if MARKER in text:
        faults.append(f"marker {MARKER!r} from inside an escape sequence is in the output")
    pos = 0
    while (at := text.find("\x1b", pos)) >= 0:
        match = _CSI.match(text, at)
        if match is None:
            faults.append(f"escape sequence {text[at:at + 6]!r}")
            pos = at + 1
            continue
        whole = match.group()
        if match.group(3) == "m" and not match.group(2) and not match.group(1).startswith(("<", "=", ">", "?")):
            bad = sgr_attributes(match.group(1)) & _DATA_ONLY_SGR
            if bad:
                faults.append(f"SGR {sorted(bad)} (blink/conceal/strike) in {whole!r}")
        elif not allowed_csi.fullmatch(whole):
            faults.append(f"CSI {whole!r}")
        pos = match.end()
    return sorted(set(faults))


def run_pty(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 60, cols: int = 160,
            rows: int = 50) -> tuple[int, bytes]:
    """Run `args` with a pty as stdin, stdout and stderr (so isatty() is true); (exit code, every byte written)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {**env, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True)
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"{args[2:]} did not finish within {timeout} s; it wrote {bytes(out[-500:])!r}")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child side is closed
                break
            if not chunk:
                break
            out += chunk
        return proc.wait(timeout=max(1.0, deadline - time.monotonic())), bytes(out)
    finally:
        os.close(master)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


class Tmux:
    """A private tmux server (`-L`) running one program in a fixed-size window, its output recorded raw."""

    def __init__(self, socket: str, record: Path) -> None:
        self.socket = socket
        self.record = record

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True,
                              timeout=30).stdout

    def start(self, command: list[str], *, cwd: Path, width: int = 200, height: int = 50) -> None:
        """Start `command` with every byte it writes to the terminal appended to `self.record`.

        The window's shell waits for a go file, so the recording (pipe-pane) is in place before the first byte."""
        go = self.record.with_suffix(".go")
        # COLUMNS/LINES from the test runner would override the window's size (the app ran at 80x24): drop them.
        command = ["env", "-u", "COLUMNS", "-u", "LINES", *command]
        script = f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.02; done; exec {shlex.join(command)}"
        self.run("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), "-c", str(cwd), script)
        self.run("set-option", "-t", "t", "remain-on-exit", "on")
        self.run("pipe-pane", "-o", "-t", "t", f"cat >> {shlex.quote(str(self.record))}")
        go.touch()

    def screen(self, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "t")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def pane(self, field: str) -> str:
        return self.run("display-message", "-p", "-t", "t", "#{" + field + "}").strip()


@pytest.fixture
def tmux(tmp_path: Path):  # type: ignore[no-untyped-def]
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = Tmux(f"tui-news-esc-{os.getpid()}-{time.monotonic_ns()}", tmp_path / "terminal.raw")
    yield session
    subprocess.run(["tmux", "-L", session.socket, "kill-server"], capture_output=True, timeout=30)
