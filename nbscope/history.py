"""What the saved execution counts and timestamps say about the author's session.

Jupyter keeps only the *last* run of each cell, numbered per kernel session. So
a count shared by two cells proves a restart between their runs; a count
missing between two visible ones proves runs the notebook no longer shows (a
re-run, edited or deleted cell); no count means the cell did not run (or its
outputs were cleared). Colab and JupyterLab also save when each run started,
which orders runs across restarts: a count that does not grow from one run to
the next in time starts a new session. A count of 0 is written by export tools,
never by a kernel: it means the cell did not run.

Without run times, which kernel session each run belongs to is a story to be
chosen: the one that explains all the saved evidence at once (``Evidence``: a
cell that ran without error had the names it reads bound in its session, a cell
that saved a NameError did not), with the fewest runs the notebook no longer
shows and the fewest jumps up the page within a session.

Pure: reads only the ``Notebook`` model and the ``Evidence`` given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from operator import attrgetter

from .model import Cell, Notebook


class Order(Enum):
    """When cell ``a`` last ran compared with cell ``b``'s last run."""

    BEFORE = "before"  # earlier in the same kernel session
    AFTER = "after"  # later (same session, or the counts cannot tell sessions apart)
    EARLIER_SESSION = "earlier-session"  # in a session that a restart ended before b ran
    LATER_SESSION = "later-session"
    NEVER_RAN = "never-ran"
    UNKNOWN = "unknown"  # b never ran, or the saved traces cannot order them


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the saved outputs say each run needed or lacked, per cell index.

    ``reads``: names a cell that ran without error read before binding them itself
    (each was bound in its session when it ran); ``binds``: names a cell's last run
    bound (a cell that failed before binding binds none); ``name_errors``: names a
    cell's saved NameError says were unbound when it ran.
    """

    reads: dict[int, frozenset[str]] = field(default_factory=dict)
    binds: dict[int, frozenset[str]] = field(default_factory=dict)
    name_errors: dict[int, frozenset[str]] = field(default_factory=dict)


def ran(cell: Cell) -> bool:
    """Whether the saved count says the cell ran (None or 0: it did not)."""
    return cell.execution_count is not None and cell.execution_count > 0


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
    # Cells whose run the evidence could put in more than one session.
    floating: frozenset[int] = frozenset()

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
            if (run_a.cell in self.floating or run_b.cell in self.floating) \
                    and run_a.count > run_b.count:
                # Nothing places the run in one session rather than another: a higher
                # count is more simply a later run of the same session.
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


def reconstruct(notebook: Notebook,
                evidence: Callable[[], Evidence] | None = None) -> History:
    """The runs of the saved session, ordered, with restarts and gaps. ``evidence`` is
    asked for only when the counts repeat and no run times order the runs."""
    executed = [cell for cell in notebook.code_cells if ran(cell)]
    never = tuple(cell.index for cell in notebook.code_cells if not ran(cell))
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
        floating: frozenset[int] = frozenset()
        evidence_text = (f"the saved run times show the counts starting again {restarts} time"
                         f"{'s' if restarts > 1 else ''}" if restarts else "")
    else:
        runs, floating, evidence_text = _sessions_from_counts(executed, evidence or Evidence)
    return History(tuple(runs), never, timed, evidence_text, tuple(_gaps(runs)), floating)


def _sessions_from_counts(executed: list[Cell],
                         evidence: Callable[[], Evidence],
                         ) -> tuple[list[Run], frozenset[int], str]:
    """Without times: one session unless counts repeat. A repeated count proves a
    restart; the copy of a count in the cell further down the notebook is taken
    as the later session's (notebooks are mostly run top to bottom). Which session
    each other run belongs to is the story that best explains the evidence."""
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
        return runs, frozenset(), ""
    runs = _bracketed_into_session(runs, anchored={run.cell for run in runs
                                                   if counts[run.count] > 1})
    runs, floating = _best_story(runs, {run.cell for run in runs if counts[run.count] == 1},
                                 evidence())
    runs.sort(key=lambda run: (run.session, run.count))
    shown = ", ".join(f"[{count}]" for count in repeated[:3])
    return runs, floating, (f"more than one cell has the count"
                            f"{'s' if len(repeated) > 1 else ''} {shown}, which only a "
                            f"restart explains")


# A story that contradicts a saved output costs more than the hidden runs or jumps up
# the page that moving one run between sessions adds: a session looks sparse (many
# missing counts) when the runs it holds have counts seen once, which stay where they
# first fell, and a late count moved into it seems to hide several runs.
_CONTRADICTION = 10
_MOST_RUNS_SEARCHED = 400  # beyond this, the first story stands (the search is quadratic)


def _best_story(runs: list[Run], movable: set[int],
                evidence: Evidence) -> tuple[list[Run], frozenset[int]]:
    """Move runs whose count is seen once between sessions while that explains the
    evidence better (``_session_cost``); a run whose count repeats stays where the
    document order put it. Also returns the runs the evidence cannot place: those
    another session would explain as well."""
    if len(runs) > _MOST_RUNS_SEARCHED:
        return runs, frozenset(movable)
    story = _Story(runs, evidence)
    for _ in range(3):  # passes: a move can make another one worth it
        if not any([story.improve(cell) for cell in sorted(movable)]):
            break
    floating = frozenset(cell for cell in movable if story.could_move(cell))
    return [run for members in story.sessions.values() for run in members], floating


class _Story:
    """Runs split into sessions, with each session's cost kept up to date."""

    def __init__(self, runs: list[Run], evidence: Evidence) -> None:
        self.evidence = evidence
        self.sessions: dict[int, list[Run]] = {}
        for run in runs:
            self.sessions.setdefault(run.session, []).append(run)
        self.where = {run.cell: run.session for run in runs}
        self._known: dict[tuple[frozenset[tuple[int, int]], frozenset[str]], int] = {}
        # By a session's list of runs (kept alive here, so its id is not reused): the
        # runs as a set of (cell, count), and the names their cells bind (None until
        # asked: the lowest session a move touches never needs them).
        self._of_members: dict[int, list] = {}
        self.later = _later_binds(self.sessions, evidence)
        self.cost = {s: self._cost_of(members, self.later[s])
                     for s, members in self.sessions.items()}

    def _costs(self, sessions: dict[int, list[Run]], which: list[int]) -> dict[int, int]:
        """The cost of each session in ``which``, the runs split as in ``sessions``: the
        story's split but for the sessions from the lowest to the highest in ``which``
        (so the names bound after each of them are worked out from the highest down, not
        over every session again)."""
        later: dict[int, frozenset[str]] = {}
        names = self.later[max(which)]  # what the sessions above bind: unchanged
        for session in sorted(which, reverse=True):
            later[session] = names
            names = names | self._binds(sessions[session])
        return {s: self._cost_of(sessions[s], later[s]) for s in which}

    def _record(self, members: list[Run]) -> list:
        """``[members, run set, binds or None]``, kept once per list: a move leaves every
        session but two as they were, and those two are derived from the lists before."""
        found = self._of_members.get(id(members))
        if found is None or found[0] is not members:
            found = [members, frozenset((run.cell, run.count) for run in members), None]
            self._of_members[id(members)] = found
        return found

    def _binds(self, members: list[Run]) -> frozenset[str]:
        record = self._record(members)
        if record[2] is None:
            binds = self.evidence.binds
            record[2] = frozenset().union(*[binds[run.cell] for run in members
                                            if run.cell in binds])
        return record[2]

    def _cost_of(self, members: list[Run], later: frozenset[str]) -> int:
        # The same sessions come back again and again while moves are weighed (every
        # target against the same source, pass after pass): each is costed once.
        key = (self._record(members)[1], later)
        cost = self._known.get(key)
        if cost is None:
            cost = self._known[key] = _session_cost(members, self.evidence, later)
        return cost

    def _moves(self, cell: int) -> Iterator[tuple[int, dict[int, list[Run]], dict[int, int],
                                                  int]]:
        """For each session ``cell``'s run could move to: the session, the runs split
        after the move, the new costs of the sessions the move changes, and how much the
        total cost changes. Moving a run changes its two sessions, and the sessions
        between them, whose later sessions' cells now bind other names."""
        here = self.where[cell]
        run = next(r for r in self.sessions[here] if r.cell == cell)
        source = self._record(self.sessions[here])
        left = [r for r in self.sessions[here] if r.cell != cell]  # the same for every target
        self._of_members[id(left)] = [left, source[1] - {(cell, run.count)}, None]
        made = self.evidence.binds.get(cell, frozenset())
        for target, members in self.sessions.items():
            if target == here or any(r.count == run.count for r in members):
                continue
            moved = dict(self.sessions)
            moved[here] = left
            joined = moved[target] = members + [Run(cell, run.count, target, run.executed_at)]
            _, runs, binds = self._record(members)  # the target's sets, grown by one run
            self._of_members[id(joined)] = [joined, runs | {(cell, run.count)},
                                            None if binds is None else binds | made]
            low, high = min(here, target), max(here, target)
            touched = [s for s in moved if low <= s <= high]
            costs = self._costs(moved, touched)
            yield target, moved, costs, sum(costs.values()) - sum(self.cost[s] for s in touched)

    def improve(self, cell: int) -> bool:
        """Move ``cell``'s run to the session that lowers the cost most, if any does."""
        best = min(self._moves(cell), key=lambda move: move[3], default=None)
        if best is None or best[3] >= 0:
            return False
        target, moved, costs, _ = best
        self.sessions = moved
        self.later = _later_binds(moved, self.evidence)
        self.cost.update(costs)
        self.where[cell] = target
        return True

    def could_move(self, cell: int) -> bool:
        return any(change == 0 for *_, change in self._moves(cell))


def _later_binds(sessions: dict[int, list[Run]],
                 evidence: Evidence) -> dict[int, frozenset[str]]:
    """For each session, the names bound by the cells whose last run came in a later
    session."""
    later: dict[int, frozenset[str]] = {}
    names: frozenset[str] = frozenset()
    for session in sorted(sessions, reverse=True):
        later[session] = names
        names = names.union(*(evidence.binds.get(run.cell, frozenset())
                              for run in sessions[session]))
    return later


_by_count = attrgetter("count")


def _session_cost(members: list[Run], evidence: Evidence,
                  later: frozenset[str] = frozenset()) -> int:
    """How badly one session's runs explain the saved evidence, lower is better:
    saved outputs contradicted, runs the notebook no longer shows (missing counts),
    and jumps up the page from one run to the next. ``later``: names bound by cells
    whose last run came in a later session."""
    ordered = sorted(members, key=_by_count)
    binds, reads, name_errors = evidence.binds, evidence.reads, evidence.name_errors
    contradictions = hidden = jumps = 0
    bound: set[str] = set()
    # A run the notebook no longer shows may have bound a name, but only an earlier run
    # of a cell of this session or of a later one (its last run is the one saved), or a
    # deleted cell, could have; a cell whose last run came before this session did not
    # run in it.
    anywhere = later.union(*[binds[run.cell] for run in ordered if run.cell in binds])
    previous = -1  # the cell of the run before: cell indices start at 0
    # Called for every session of every move weighed: a cell's missing evidence (most
    # cells read, bind or lack nothing) costs no set operation.
    for position, run in enumerate(ordered):
        cell = run.cell
        unseen_before = run.count - 1 - position  # runs before this one that left no trace
        if unseen_before > hidden:
            hidden = unseen_before
        if cell < previous:
            jumps += 1
        lacked = name_errors.get(cell)
        if lacked and bound:
            contradictions += len(lacked & bound)
        needed = reads.get(cell)
        if needed:
            unbound = needed - bound
            if unbound:
                contradictions += len(unbound if unseen_before == 0 else unbound - anywhere)
        made = binds.get(cell)
        if made:
            bound |= made
        previous = cell
    return _CONTRADICTION * contradictions + hidden + jumps


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
