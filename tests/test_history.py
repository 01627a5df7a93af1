"""The saved session as counts and timestamps tell it, one pattern per test."""

from __future__ import annotations

from nbscope.history import Order, reconstruct
from nbscope.model import Cell, Notebook


def notebook(*runs: tuple[int | None, float | None]) -> Notebook:
    """Code cells with (execution count, start time) each, numbered from 1."""
    cells = tuple(Cell(index=i, cell_type="code", source=f"x{i} = {i}", execution_count=count,
                       executed_at=at)
                  for i, (count, at) in enumerate(runs, start=1))
    return Notebook(path="t.ipynb", cells=cells)


def test_increasing_counts_are_one_session_in_count_order() -> None:
    history = reconstruct(notebook((2, None), (1, None), (3, None)))
    assert [run.cell for run in history.runs] == [2, 1, 3]
    assert {run.session for run in history.runs} == {0}
    assert history.restart_evidence == "" and history.gaps == ()
    assert history.order(2, 1) is Order.BEFORE and history.order(1, 2) is Order.AFTER


def test_a_missing_count_is_a_gap_of_runs_the_notebook_no_longer_shows() -> None:
    history = reconstruct(notebook((1, None), (4, None), (5, None)))
    assert history.gaps == ((0, 2, 3),)
    assert history.gap_before(2) == (2, 3)
    assert history.gap_before(1) is None


def test_no_count_means_never_ran() -> None:
    history = reconstruct(notebook((1, None), (None, None)))
    assert history.never_ran == (2,)
    assert history.order(2, 1) is Order.NEVER_RAN
    assert history.order(1, 2) is Order.UNKNOWN


def test_a_repeated_count_proves_a_restart() -> None:
    history = reconstruct(notebook((1, None), (2, None), (1, None)))
    assert "[1]" in history.restart_evidence
    # The copy further down is taken as the later session's run.
    assert history.order(1, 3) is Order.EARLIER_SESSION
    assert history.order(3, 1) is Order.LATER_SESSION
    # Without times, a higher count is more simply a later run than one before a restart.
    assert history.order(2, 3) is Order.AFTER


def test_timestamps_order_runs_across_restarts() -> None:
    # Cell 3 ran first ([1]), then the kernel restarted and cells 1-2 ran ([1], [2]).
    history = reconstruct(notebook((1, 200.0), (2, 300.0), (1, 100.0)))
    assert history.timed
    assert [(run.cell, run.session) for run in history.runs] == [(3, 0), (1, 1), (2, 1)]
    assert "run times" in history.restart_evidence
    assert history.order(3, 1) is Order.EARLIER_SESSION
    assert history.order(1, 2) is Order.BEFORE


def test_timestamps_without_a_count_drop_are_one_session() -> None:
    history = reconstruct(notebook((3, 300.0), (1, 100.0), (2, 200.0)))
    assert {run.session for run in history.runs} == {0}
    assert history.restart_evidence == ""
    assert history.order(2, 3) is Order.BEFORE


def test_partial_timestamps_fall_back_to_counts() -> None:
    history = reconstruct(notebook((1, 100.0), (2, None)))
    assert not history.timed
    assert history.order(1, 2) is Order.BEFORE


def test_an_empty_notebook_has_no_history() -> None:
    history = reconstruct(Notebook(path="t.ipynb", cells=()))
    assert history.runs == () and history.never_ran == () and not history.timed


def test_a_count_seen_once_between_runs_of_a_later_session_joins_that_session() -> None:
    # Cells 1-3 ran as [1] [4] [5]; after a restart cells 4-6 ran as [1] [3] [5]:
    # cell 5's [3] is seen once, but it sits between two runs of the later session.
    history = reconstruct(notebook((1, None), (4, None), (5, None),
                                   (1, None), (3, None), (5, None)))
    assert history.run_of(5).session == 1
    assert history.order(5, 2) is Order.LATER_SESSION
    assert history.order(1, 5) is Order.EARLIER_SESSION


def test_a_count_seen_once_with_the_later_session_only_above_keeps_the_first() -> None:
    # Session 1 re-ran cells 2-3 only ([1] [2]); cells 4-5 ([8] [9]) follow them in
    # the notebook but are the first session's last runs.
    history = reconstruct(notebook((1, None), (1, None), (2, None), (8, None), (9, None),
                                   (2, None)))
    assert history.run_of(4).session == 0
    assert history.order(4, 3) is Order.AFTER
