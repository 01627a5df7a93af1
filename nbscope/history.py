"""What the saved execution counts and timestamps say about the author's session.

Jupyter keeps only the *last* run of each cell, numbered per kernel session. So
a count shared by two cells proves a restart between their runs; a count
missing between two visible ones proves runs the notebook no longer shows (a
re-run, edited or deleted cell); no count means the cell did not run (or its
outputs were cleared). Colab and JupyterLab also save when each run started,
which orders runs across restarts: a count that does not grow from one run to
the next in time starts a new session.

Pure: reads only the ``Notebook`` model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum

from .model import Notebook


class Order(Enum):
    """When cell ``a`` last ran compared with cell ``b``'s last run."""

    BEFORE = "before"  # earlier in the same kernel session
    AFTER = "after"  # later (same session, or the counts cannot tell sessions apart)
    EARLIER_SESSION = "earlier-session"  # in a session that a restart ended before b ran
    LATER_SESSION = "later-session"
    NEVER_RAN = "never-ran"
    UNKNOWN = "unknown"  # b never ran, or the saved traces cannot order them


@dataclass(frozen=True, slots=True)
class Run:
    """A cell's last run: its count, its kernel session (0 = first seen), when it started."""

    cell: int
    count: int
    session: int
    executed_at: float | None


@dataclass(frozen=True, slots=True)
class History:
    """The visible runs in the order they happened, as far as the traces tell.

    ``timed``: the order comes from timestamps (sessions are then certain);
    otherwise from counts, where sessions are told apart only by duplicated counts.
    ``restart_evidence`` says, in words, what proves a restart (empty: none proven).
    ``gaps`` lists, per session, counts missing between visible runs.
    """

    runs: tuple[Run, ...]
    never_ran: tuple[int, ...]
    timed: bool
    restart_evidence: str
    gaps: tuple[tuple[int, int, int], ...]  # (session, first missing, last missing)

    def run_of(self, cell: int) -> Run | None:
        return next((run for run in self.runs if run.cell == cell), None)

    def order(self, a: int, b: int) -> Order:
        """When cell ``a`` last ran, relative to cell ``b``'s last run."""
        run_a, run_b = self.run_of(a), self.run_of(b)
        if run_b is None:
            return Order.UNKNOWN
        if run_a is None:
            return Order.NEVER_RAN
        if run_a.session != run_b.session:
            if not self.timed and not self.restart_evidence:
                return Order.UNKNOWN
            if not self.timed and run_a.count > run_b.count:
                # Sessions guessed from counts alone: a higher count is more simply a
                # later run of the same session than a run before a restart.
                return Order.AFTER
            return Order.EARLIER_SESSION if run_a.session < run_b.session \
                else Order.LATER_SESSION
        return Order.BEFORE if run_a.count < run_b.count else Order.AFTER

    def gap_before(self, cell: int) -> tuple[int, int] | None:
        """The counts missing just before ``cell``'s run in its session, if any."""
        run = self.run_of(cell)
        if run is None:
            return None
        fits = [(first, last) for session, first, last in self.gaps
                if session == run.session and last < run.count]
        return fits[-1] if fits else None


def reconstruct(notebook: Notebook) -> History:
    """The runs of the saved session, ordered, with restarts and gaps."""
    executed = [cell for cell in notebook.code_cells if cell.execution_count is not None]
    never = tuple(cell.index for cell in notebook.code_cells if cell.execution_count is None)
    timed = bool(executed) and all(cell.executed_at is not None for cell in executed)
    if timed:
        ordered = sorted(executed, key=lambda c: (c.executed_at, c.execution_count))
        runs: list[Run] = []
        session = 0
        restarts = 0
        for cell in ordered:
            assert cell.execution_count is not None
            if runs and cell.execution_count <= runs[-1].count:
                session += 1  # counts start again: the kernel restarted
                restarts += 1
            runs.append(Run(cell.index, cell.execution_count, session, cell.executed_at))
        evidence = (f"the saved run times show the counts starting again {restarts} time"
                    f"{'s' if restarts > 1 else ''}" if restarts else "")
    else:
        runs, evidence = _sessions_from_counts(notebook)
    return History(tuple(runs), never, timed, evidence, tuple(_gaps(runs)))


def _sessions_from_counts(notebook: Notebook) -> tuple[list[Run], str]:
    """Without times: one session unless counts repeat. A repeated count proves a
    restart; the copy of a count in the cell further down the notebook is taken
    as the later session's (notebooks are mostly run top to bottom)."""
    executed = [cell for cell in notebook.code_cells if cell.execution_count is not None]
    counts = Counter(cell.execution_count for cell in executed)
    repeated = sorted(count for count, times in counts.items() if times > 1)
    seen: Counter[int] = Counter()
    runs = []
    for cell in executed:
        count = cell.execution_count
        assert count is not None
        runs.append(Run(cell.index, count, seen[count], cell.executed_at))
        seen[count] += 1
    if not repeated:
        runs.sort(key=lambda run: run.count)
        return runs, ""
    runs = _bracketed_into_session(runs, anchored={run.cell for run in runs
                                                   if counts[run.count] > 1})
    runs.sort(key=lambda run: (run.session, run.count))
    shown = ", ".join(f"[{count}]" for count in repeated[:3])
    return runs, (f"more than one cell has the count{'s' if len(repeated) > 1 else ''} "
                  f"{shown}, which only a restart explains")


def _bracketed_into_session(runs: list[Run], anchored: set[int]) -> list[Run]:
    """A count seen once could belong to any session. When the nearest repeated-count
    runs above and below it in the notebook are of the same session and their counts
    bracket it, it was most simply run in that session too (a block of cells run
    again after a restart). ``runs`` are in document order."""
    above: list[Run | None] = []
    nearest = None
    for run in runs:
        above.append(nearest)
        if run.cell in anchored:
            nearest = run
    result = list(runs)
    below = None
    for position in range(len(runs) - 1, -1, -1):
        run, up = runs[position], above[position]
        if run.cell in anchored:
            below = run
        elif (up is not None and below is not None and up.session == below.session
              and up.count < run.count < below.count):
            result[position] = Run(run.cell, run.count, up.session, run.executed_at)
    return result


def _gaps(runs: list[Run]) -> list[tuple[int, int, int]]:
    gaps = []
    by_session: dict[int, list[int]] = {}
    for run in runs:
        by_session.setdefault(run.session, []).append(run.count)
    for session, counts in sorted(by_session.items()):
        previous = 0
        for count in sorted(counts):
            if count > previous + 1:
                gaps.append((session, previous + 1, count - 1))
            previous = count
    return gaps
