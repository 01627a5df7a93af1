"""The saved session as counts and timestamps tell it, one pattern per test."""

from __future__ import annotations

from nbscope.dataflow.ipython import build_cell
from nbscope.environment import NoEnvironment
from nbscope.history import History, Order, reconstruct
from nbscope.model import Cell, Notebook, SavedError
from nbscope.rules.base import Facts
from nbscope.rules.saved_story import session_evidence


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
    # Cells 1 and 2 ran top to bottom as [1], [2], then the kernel restarted and cell 3
    # ran as [1]: the story with no jump up the page puts cell 2 before the restart.
    assert history.order(2, 3) is Order.EARLIER_SESSION


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


def story(*cells: tuple[str, int | None, frozenset[str]]) -> Notebook:
    """Code cells of (source, count, names its saved NameError names), from 1."""
    made = []
    for i, (source, count, missing) in enumerate(cells, start=1):
        errors = tuple(SavedError("NameError", f"name '{n}' is not defined") for n in missing)
        made.append(Cell(index=i, cell_type="code", source=source, execution_count=count,
                         errors=errors, output_count=1))
    return Notebook(path="t.ipynb", cells=tuple(made))


def with_traceback(cells: tuple[tuple[str, int], ...], failing: int,
                   error: SavedError) -> Notebook:
    """Code cells of (source, count), from 1; cell ``failing`` saved ``error``."""
    return Notebook(path="t.ipynb", cells=tuple(
        Cell(index=i, cell_type="code", source=source, execution_count=count,
             errors=(error,) if i == failing else (), output_count=1)
        for i, (source, count) in enumerate(cells, start=1)))


def history_of(notebook: Notebook) -> History:
    """The history with the evidence of the saved outputs, as ``check_notebook`` builds it."""
    lowered = [build_cell(cell.index, cell.source, NoEnvironment())
               for cell in notebook.code_cells]
    facts = Facts(notebook, [ir for ir, _ in lowered], [found for _, found in lowered],
                  NoEnvironment())
    return reconstruct(notebook, lambda: session_evidence(facts))


def test_a_count_seen_once_goes_to_the_session_that_keeps_the_page_in_order() -> None:
    # import [1], define [2], use [3], then the last cell ran as [1] and failed on df.
    nb = story(("import pandas as pd", 1, frozenset()), ("df = pd.DataFrame()", 2, frozenset()),
               ("df.head()", 3, frozenset()), ("df.describe()", 1, frozenset({"df"})))
    history = history_of(nb)
    assert [(run.cell, run.session) for run in history.runs] == [(1, 0), (2, 0), (3, 0), (4, 1)]
    assert history.order(2, 4) is Order.EARLIER_SESSION


def test_the_saved_outputs_decide_when_the_page_order_cannot() -> None:
    # Cell 3 ([2]) read `a` without error: only cell 1's run binds it, so cell 3 ran in
    # cell 1's session, not after cell 2's [1] (which would also keep the page in order).
    nb = story(("a = 1", 1, frozenset()), ("b = 2", 1, frozenset()),
               ("print(a)", 2, frozenset()))
    history = history_of(nb)
    assert history.order(3, 2) is Order.EARLIER_SESSION
    # Without that evidence the count seen once is taken as the last session's.
    assert reconstruct(nb).order(3, 2) is Order.AFTER


def test_a_count_of_zero_means_the_cell_never_ran() -> None:
    history = reconstruct(notebook((1, None), (0, None)))
    assert history.never_ran == (2,)
    assert history.order(2, 1) is Order.NEVER_RAN


def test_a_gap_is_no_excuse_for_a_read_nothing_in_the_session_could_bind() -> None:
    # Cell 4 reads `data`, which only cell 4 itself binds: no story explains it, so it
    # must not pull cell 2 out of the first session to leave a gap that would.
    nb = story(("import os", 1, frozenset()), ("def prep(): pass", 2, frozenset()),
               ("def other(): pass", 3, frozenset()), ("data = data + 1", 4, frozenset()),
               ("prep()", 1, frozenset({"prep"})))
    history = history_of(nb)
    assert history.order(2, 5) is Order.EARLIER_SESSION


def test_an_earlier_session_may_use_what_a_later_sessions_cell_bound_in_a_hidden_run() -> None:
    # Session 1: cells 1-5 ran as [1]-[5]. After a restart: cell 1 [1], cell 3 [2], and
    # cell 4 [3], which raised NameError on `b` (cell 2 has not run since). Cell 5 [5]
    # read `b` (so it ran in the first session) and `e`, which only cell 4 binds: cell
    # 4's first-session run [4] is hidden by its later one, so cell 5 does not pull
    # cell 4 back into the first session.
    error = SavedError("NameError", "name 'b' is not defined",
                       ("Cell In[3], line 2\n----> 2 print(b)",))
    cells = (("a = 1", 1), ("b = 2", 2), ("c = 3", 2), ("e = 5\nprint(b)", 3),
             ("print(e, b)", 5))
    nb = with_traceback(cells, 4, error)
    history = history_of(nb)
    assert history.order(2, 4) is Order.EARLIER_SESSION
    assert history.order(5, 4) is Order.EARLIER_SESSION
    assert history.restart_evidence


def test_a_saved_name_error_from_inside_a_loop_is_evidence_too() -> None:
    # The read of `b` under a loop raised: `b` was unbound in cell 3's session, so
    # cell 3 ([2]) ran after the restart that the repeated [1] proves, with cell 2, not
    # in cell 1's session, where cell 1 had bound `b`.
    error = SavedError("NameError", "name 'b' is not defined",
                       ("Cell In[2], line 2\n----> 2     print(b)",))
    cells = (("b = 1", 1), ("x = 2", 1), ("for i in range(2):\n    print(b)", 2))
    nb = with_traceback(cells, 3, error)
    history = history_of(nb)
    assert history.order(1, 3) is Order.EARLIER_SESSION


def test_a_saved_name_error_for_a_name_the_cell_binds_itself_is_no_evidence() -> None:
    # Cell 3 binds `b` (a class) before reading it: its saved NameError on `b` is from
    # before an edit, and tells nothing about which session cell 3 ran in.
    error = SavedError("NameError", "name 'b' is not defined",
                       ("Cell In[2], line 4\n----> 4     print(b)",))
    cells = (("b = 1", 1), ("x = 2", 1),
             ("class b:\n    pass\nfor i in range(2):\n    print(b)", 2))
    nb = with_traceback(cells, 3, error)
    assert history_of(nb).order(1, 3) is Order.BEFORE
