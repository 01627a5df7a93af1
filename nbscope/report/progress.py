"""A progress bar on stderr for long runs, drawn only for a person watching a terminal.

Never when stderr is not a terminal (piped, redirected, CI logs), never when
``CI`` is set or ``TERM`` is ``dumb``, never with ``--quiet``. It redraws one
line in place at most ten times a second and erases itself when done, so the
report on stdout is the same with or without it.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

WIDTH = 30
_INTERVAL = 0.1  # seconds between redraws


def wanted(stream: TextIO, quiet: bool, total: int) -> bool:
    if quiet or total < 2 or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """Draws ``[#####.....] done/total notebooks`` on ``stream`` while enabled."""

    def __init__(self, stream: TextIO, total: int, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.done = 0
        self._drawn_at = 0.0

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn_at < _INTERVAL and self.done < self.total:
            return
        self._drawn_at = now
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} notebooks")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._drawn_at:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
