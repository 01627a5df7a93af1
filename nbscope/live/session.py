"""The kernel session's own record: which code ran, under which cell id and count, and which
runs raised.

Recording is the extension's hot path, paid by every cell: ``record_run`` only appends a
tuple (no parsing, no copying, no file access). Everything else here runs only when a
NameError is being explained or ``%nbscope`` is asked for. Pure Python: the IPython
front end (``extension.py``) feeds it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Run:
    """One execution in this kernel session.

    ``cell_id`` is the front end's id for the cell (None when it sent none, or the run
    happened before nbscope was loaded); ``started`` is seconds since the epoch (0 when
    unknown).
    """

    count: int
    cell_id: str | None
    source: str
    started: float


@dataclass(frozen=True, slots=True)
class RunError:
    """The exception a run raised: its type name, message, and the cell line it was raised
    at (the first line of the cell's own code in the traceback), when known."""

    count: int
    ename: str
    evalue: str
    line: int | None


class SessionRecord:
    """Every run of this kernel session, in the order they happened."""

    __slots__ = ("_raw", "errors")

    def __init__(self) -> None:
        self._raw: list[tuple[int, str | None, str, float]] = []
        self.errors: dict[int, RunError] = {}

    def record_run(self, count: int, cell_id: str | None, source: str,
                   _now=time.time) -> None:
        """Note that ``source`` is about to run as ``count`` (the hot path)."""
        self._raw.append((count, cell_id, source, _now()))

    def record_error(self, error: RunError) -> None:
        self.errors[error.count] = error

    def seed(self, inputs: Iterable[tuple[int, str]]) -> None:
        """Add runs that happened before nbscope was loaded (``In``: count and source,
        no cell id), without duplicating counts already recorded."""
        known = {entry[0] for entry in self._raw}
        earlier = [(count, None, source, 0.0) for count, source in inputs
                   if count not in known and source.strip()]
        if earlier:
            self._raw = sorted(earlier + self._raw, key=lambda entry: entry[0])

    def runs(self) -> list[Run]:
        """The runs, oldest first (a count recorded twice keeps its last recording)."""
        by_count: dict[int, Run] = {}
        for count, cell_id, source, started in self._raw:
            by_count[count] = Run(count, cell_id, source, started)
        return [by_count[count] for count in sorted(by_count)]

    def __len__(self) -> int:
        return len(self._raw)
