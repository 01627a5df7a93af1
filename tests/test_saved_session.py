"""Saved NameErrors and hidden state, explained from counts, times and outputs."""

from __future__ import annotations

import json
from pathlib import Path

from nbscope.analyze import check_notebook
from nbscope.findings import Evidence, Severity
from nbscope.loader import parse_notebook
from nbscope.model import Cell, Notebook, SavedError
from nbscope.workspace import Workspace

NAME_ERROR = "NameError"


def name_error(name: str) -> SavedError:
    return SavedError(NAME_ERROR, f"name '{name}' is not defined",
                      ("\x1b[0;31mNameError\x1b[0m: name '" + name + "' is not defined",))


def cell(index: int, source: str, count: int | None, *errors: SavedError,
         at: float | None = None, outputs: int | None = None) -> Cell:
    return Cell(index=index, cell_type="code", source=source, execution_count=count,
                errors=errors, output_count=len(errors) if outputs is None else outputs,
                executed_at=at)


def findings_at(notebook: Notebook, index: int) -> list[tuple]:
    return [(f.code, f.cause.value if f.cause else None, f.name, f.severity.value)
            for f in check_notebook(notebook).findings if f.cell == index]


def test_out_of_order_the_defining_cell_ran_later() -> None:
    nb = Notebook("t.ipynb", (cell(1, "df = 1\n", 2), cell(2, "df.head()", 1, name_error("df"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell, found.name) == (
        "NS009", "out-of-order", 2, "df")
    assert found.severity is Severity.WARNING  # Restart & Run All works: the output is stale
    assert found.evidence is Evidence.SAVED_SESSION
    assert "ran at [2], after this cell's run" in found.message
    assert (found.span.line, found.span.column) == (1, 1)
    assert [(r.role, r.cell, r.execution_count) for r in found.related] == [
        ("definition", 1, 2)]


def test_out_of_order_the_defining_cell_never_ran() -> None:
    nb = Notebook("t.ipynb", (cell(1, "df = 1\n", None),
                              cell(2, "print(df)", 1, name_error("df"))))
    assert findings_at(nb, 2) == [("NS009", "out-of-order", "df", "warning")]
    assert "never run" in check_notebook(nb).findings[0].message


def test_a_definition_that_ran_before_the_error_was_edited_since() -> None:
    # Cell 2 assigns `x` and ran at [2], yet `x` was undefined at [3]: the version that
    # ran did not assign it. Run All works: the saved output is stale.
    nb = Notebook("t.ipynb", (cell(1, "a = 5\na", 1, outputs=1),
                              cell(2, "x = 1\nprint(x)", 2, outputs=1),
                              cell(3, "print(x)", 3, name_error("x"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell, found.severity) == (
        "NS011", "hidden-state", 3, Severity.WARNING)
    assert found.message_key == "hidden-state/edited-definition"
    assert "cell 2 was edited after it ran" in found.message
    assert "Restart & Run All does not fail on `x` here" in found.message
    assert found.fix == "Run cell 2 again, then this cell."
    # Runs the notebook no longer shows came between: they may have removed it instead.
    gap = Notebook("t.ipynb", (cell(1, "a = 5\na", 1, outputs=1),
                               cell(2, "x = 1\nprint(x)", 2, outputs=1),
                               cell(3, "print(x)", 6, name_error("x"))))
    [found] = check_notebook(gap).findings
    assert ("or a run the notebook no longer shows (the counts 3-5 missing) deleted it or "
            "restarted the kernel") in found.message
    # Without counts nothing orders the two runs: no story.
    uncounted = Notebook("t.ipynb", (cell(1, "x = 1\nprint(x)", None, outputs=1),
                                     cell(2, "print(x)", None, name_error("x"))))
    assert findings_at(uncounted, 2) == []


def test_an_unparsable_definition_whose_run_showed_output_was_edited_since() -> None:
    # Run as it is now, cell 2 would have saved a SyntaxError; it saved output instead.
    edited = Notebook("t.ipynb", (cell(1, "a = 5\na", 1, outputs=1),
                                  cell(2, "x = = 1\nprint(3)", 2, outputs=1),
                                  cell(3, "print(x)", 3, name_error("x"))))
    found = [f for f in check_notebook(edited).findings if f.cell == 3]
    assert [(f.code, f.cause.value) for f in found] == [("NS011", "hidden-state")]
    assert "not valid Python now" in found[0].message
    assert "Until cell 2 is fixed, Restart & Run All cannot get past it" in found[0].message
    # With no output saved, nothing shows the run succeeded: it could not run at all.
    failed = Notebook("t.ipynb", (cell(1, "a = 5\na", 1, outputs=1),
                                  cell(2, "x = = 1\nprint(3)", 2, outputs=0),
                                  cell(3, "print(x)", 3, name_error("x"))))
    assert findings_at(failed, 3) == [("NS012", "failed-definition", "x", "warning")]


def test_a_definition_below_that_ran_later_and_raised_is_still_defined_later() -> None:
    # The reader ran first, in the page's order: the page's order is the cause, whatever
    # cell 2 did when it ran later.
    failure = SavedError("ImportError", "cannot import name 'x' from 'pkg'", ())
    nb = Notebook("t.ipynb", (cell(1, "print(x)", 1, name_error("x")),
                              cell(2, "from pkg import x", 2, failure)))
    found = [f for f in check_notebook(nb).findings if f.cell == 1]
    assert [(f.code, f.cause.value) for f in found] == [("NS001", "defined-later")]


def test_a_saved_error_on_a_name_defined_below_that_ran_after_is_defined_later() -> None:
    # The cells ran in the page's order: the order of the page is the cause, not the
    # order they were run in.
    nb = Notebook("t.ipynb", (cell(1, "print(df)", 1, name_error("df")),
                              cell(2, "df = 1\n", 2)))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell, found.severity) == (
        "NS001", "defined-later", 1, Severity.ERROR)
    # Defined above and run after (or never): the order the cells were run in.
    nb = Notebook("t.ipynb", (cell(1, "df = 1\n", 2),
                              cell(2, "print(df)", 1, name_error("df"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value) == ("NS009", "out-of-order")


def test_restart_proven_by_a_repeated_count() -> None:
    nb = Notebook("t.ipynb", (cell(1, "model = 1\n", 1), cell(2, "y = 2\n", 2),
                              cell(3, "model.fit()", 1, name_error("model"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell) == ("NS010", "restart", 3)
    assert "cell 1 also ran as [1]" in found.message
    assert {r.role for r in found.related} == {"definition", "restart"}


def test_restart_when_the_first_session_used_what_the_failing_cell_bound_before() -> None:
    # Cells 1-5 ran as [1]-[5]; after a restart cells 1, 3 and 4 ran again as [1]-[3],
    # and cell 4 failed on `b` (cell 2 has not run since). Cell 5 ([5], first session)
    # read `e`, bound by cell 4's first-session run, which its later run hides.
    failure = SavedError("NameError", "name 'b' is not defined",
                         ("Cell In[3], line 2\n----> 2 print(b)",))
    nb = Notebook("t.ipynb", (cell(1, "a = 1", 1, outputs=0), cell(2, "b = 2", 2, outputs=0),
                              cell(3, "c = 3", 2, outputs=0),
                              cell(4, "e = 5\nprint(b)", 3, failure),
                              cell(5, "print(e, b)", 5, outputs=1)))
    assert findings_at(nb, 4) == [("NS010", "restart", "b", "warning")]


def test_restart_though_the_cells_run_again_after_it_look_like_first_session_runs() -> None:
    # Cells 1-7 ran as [1]-[7]; after a restart cells 1 and 3-6 ran again as [1]-[5],
    # and cell 6 failed on `b`: cell 2 has not run since. Counts [3] and [4] are seen
    # once, so nothing places cells 4 and 5 in the second session, which looks sparse;
    # the saved NameError still outweighs the runs that putting cell 6 there hides.
    nb = Notebook("t.ipynb", (cell(1, "a = 1", 1, outputs=0), cell(2, "b = 2", 2, outputs=0),
                              cell(3, "c = 3", 2, outputs=0), cell(4, "d = 4", 3, outputs=0),
                              cell(5, "e = 5", 4, outputs=0),
                              cell(6, "print(b)", 5, name_error("b")),
                              cell(7, "print(a)", 7, outputs=1)))
    assert findings_at(nb, 6) == [("NS010", "restart", "b", "warning")]


def test_a_saved_error_defined_only_below_is_defined_later_with_the_counts() -> None:
    # No code finding here (cell 1 stops Run All): the saved story tells it, and every
    # definition is below, so the cause is the page's order.
    failure = SavedError("ImportError", "cannot import name 'X'", ("Cell In[3], line 1",))
    nb = Notebook("t.ipynb", (cell(1, "if X==1\n", 1, SavedError("SyntaxError", "x")),
                              cell(2, "print(X)", 2, name_error("X")),
                              cell(3, "from pkg import X", 3, failure)))
    found = [f for f in check_notebook(nb).findings if f.cell == 2]
    assert [(f.code, f.cause.value, f.name) for f in found] == [("NS001", "defined-later", "X")]
    assert found[0].message_key == "defined-later/saved-ran-later"
    assert "`X` is assigned only below this cell, in cell 3, which ran at [3], after this " \
           "cell's run, and then raised ImportError before assigning `X`" in found[0].message
    assert "Restart & Run All fails here too: no cell above" in found[0].message
    assert found[0].fix == "Move the definition in cell 3 above cell 2, and fix its ImportError."


def test_restart_proven_by_run_times() -> None:
    nb = Notebook("t.ipynb", (cell(1, "model = 1\n", 5, at=100.0),
                              cell(2, "model.fit()", 1, name_error("model"), at=200.0)))
    assert findings_at(nb, 2) == [("NS010", "restart", "model", "warning")]


def test_a_missing_module_explains_only_the_names_imported_from_it() -> None:
    # ``xgboost`` is missing; ``train_test_split`` comes from sklearn, on a line the
    # error stopped before: a failed definition, not a missing module of its own.
    missing = SavedError("ModuleNotFoundError", "No module named 'xgboost'",
                         ("Cell In[1], line 1",))
    source = "import xgboost as xgb\nfrom sklearn.model_selection import train_test_split"
    nb = Notebook("t.ipynb", (cell(1, source, 1, missing),
                              cell(2, "xgb.XGBRegressor()\ntrain_test_split([1])", 2,
                                   name_error("train_test_split"))))
    assert ("NS012", "failed-definition", "train_test_split", "warning") in findings_at(nb, 2)
    nb = Notebook("t.ipynb", (cell(1, source, 1, missing),
                              cell(2, "xgb.XGBRegressor()", 2, name_error("xgb"))))
    assert findings_at(nb, 2)[0][:2] == ("NS005", "missing-module")


def test_failed_definition_the_defining_cell_raised_before_binding() -> None:
    failure = SavedError("FileNotFoundError", "x.csv",
                         ("Cell In[1], line 2", "FileNotFoundError: x.csv"))
    nb = Notebook("t.ipynb", (cell(1, "import pandas as pd\ndata = pd.read_csv('x.csv')\n", 1,
                                   failure),
                              cell(2, "data.describe()", 2, name_error("data"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value) == ("NS012", "failed-definition")
    assert "raised FileNotFoundError before reaching the assignment" in found.message
    assert [(r.role, r.cell, r.line) for r in found.related] == [
        ("definition", 1, 2), ("error", 1, 2)]


def test_an_error_inside_the_assigned_expression_is_a_failed_definition() -> None:
    failure = SavedError("NameError", "name 'num_pipeline' is not defined",
                         ("Cell In[1], line 3", "NameError: name 'num_pipeline' is not defined"))
    nb = Notebook("t.ipynb", (cell(1, "full = make([\n  ('num',\n   num_pipeline)])\n", 1,
                                   failure),
                              cell(2, "full.fit()", 2, name_error("full"))))
    assert ("NS012", "failed-definition", "full", "warning") in findings_at(nb, 2)


def test_a_commented_out_cell_shows_a_stale_output() -> None:
    nb = Notebook("t.ipynb", (cell(1, "# print(results)", 3, name_error("results")),))
    assert findings_at(nb, 1) == [("NS011", "hidden-state", "results", "info")]


def test_names_of_an_import_that_failed_are_explained_by_the_missing_module() -> None:
    failure = SavedError("ModuleNotFoundError", "No module named 'my_helpers'",
                         ("Cell In[1], line 1",))
    nb = Notebook("t.ipynb", (cell(1, "from my_helpers import clean", 1, failure),
                              cell(2, "clean('x')", 2, name_error("clean"))), is_colab=True)
    found = [f for f in check_notebook(nb).findings if f.cell == 2]
    assert [(f.code, f.cause.value, f.name) for f in found] == [
        ("NS005", "missing-module", "clean")]
    assert "upload `my_helpers.py` again after every runtime restart" in found[0].fix


def test_names_of_a_package_that_failed_to_import_say_what_to_install() -> None:
    failure = SavedError("ModuleNotFoundError", "No module named 'win32com'",
                         ("Cell In[1], line 1",))
    nb = Notebook("t.ipynb", (cell(1, "from win32com.client import Dispatch", 1, failure),
                              cell(2, "Dispatch('x')", 2, name_error("Dispatch"))))
    found = [f for f in check_notebook(nb).findings if f.cell == 2]
    assert [(f.code, f.name) for f in found] == [("NS005", "Dispatch")]
    assert "`%pip install pywin32`" in found[0].fix


def test_an_error_after_the_binding_line_is_no_failed_definition() -> None:
    failure = SavedError("ValueError", "bad", ("Cell In[1], line 2", "ValueError: bad"))
    nb = Notebook("t.ipynb", (cell(1, "data = 1\nint('x')\n", 1, failure),
                              cell(2, "print(data)", 2, name_error("data"))))
    # Bound before the error, and no run between the two: the version that ran was
    # another, edited since.
    assert findings_at(nb, 2) == [("NS011", "hidden-state", "data", "warning")]
    assert "cell 1 was edited after it ran" in check_notebook(nb).findings[0].message


def test_a_syntax_error_cell_binds_nothing() -> None:
    nb = Notebook("t.ipynb", (cell(1, "bolean=int(1))", 41, SavedError("SyntaxError", "x")),
                              cell(2, "int=bolean(1)", 42, name_error("bolean"))))
    assert ("NS012", "failed-definition", "bolean", "warning") in findings_at(nb, 2)
    [found] = [f for f in check_notebook(nb).findings if f.cell == 2 and f.name == "bolean"]
    # A SyntaxError stops the whole cell, not the lines after the one it points at.
    assert "could not run at all (Python rejected its code with SyntaxError)" in found.message


def test_a_syntax_error_cell_that_only_reads_the_name_is_no_definition() -> None:
    nb = Notebook("t.ipynb", (cell(1, "if a==10\n    print(a)", 2, SavedError("SyntaxError", "x")),
                              cell(2, "print(a)", 3, name_error("a")), cell(3, "a = 100", 17)))
    # Cell 1 is no definition: the only one is below (and Run All stops at cell 1 first).
    assert ("NS001", "defined-later", "a", "warning") in findings_at(nb, 2)


def test_a_failed_definition_explains_the_error_even_across_a_restart() -> None:
    nb = Notebook("t.ipynb", (cell(1, "x = 1", 1), cell(2, "lb = f'oops", 2,
                                                         SavedError("SyntaxError", "x")),
                              cell(3, "y = 2", 1), cell(4, "print(lb)", 2, name_error("lb"))))
    assert findings_at(nb, 4) == [("NS012", "failed-definition", "lb", "warning")]


def test_counts_cleared_but_outputs_kept_use_document_order() -> None:
    failure = SavedError("HTTPError", "404", ())
    nb = Notebook("t.ipynb", (cell(1, "data = fetch()\n", None, failure),
                              cell(2, "print(data)", None, name_error("data"))))
    assert findings_at(nb, 2) == [("NS012", "failed-definition", "data", "warning")]


def test_hidden_state_a_cell_ran_fine_on_a_name_nothing_visible_bound() -> None:
    nb = Notebook("t.ipynb", (cell(1, "a = 1\n", 1), cell(2, "print(total)", 4, outputs=1)))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.severity) == (
        "NS011", "hidden-state", Severity.ERROR)
    assert "the counts 2-3 missing before this run fit such a cell" in found.message


def test_hidden_state_a_loop_read_a_name_nothing_visible_bound() -> None:
    # The read runs whenever the loop runs an iteration: a run without error shows the
    # name was bound, unless the loop ran none; the message says both.
    source = "epochs = 3\nfor i in range(epochs):\n    loss = loss_fn(i)\nprint(loss)"
    nb = Notebook("t.ipynb", (cell(1, "a = 1\n", 1), cell(2, source, 3, outputs=1)))
    [found] = [f for f in check_notebook(nb).findings if f.name == "loss_fn"]
    assert (found.code, found.cause.value, found.cell, found.severity) == (
        "NS011", "hidden-state", 2, Severity.ERROR)
    assert found.message_key == "hidden-state/deleted-or-edited-cell-loop"
    assert "a loop in it reads `loss_fn`" in found.message
    assert "unless the loop ran no iteration" in found.message
    assert "the missing count [2] before this run fits such a cell" in found.message


def test_no_hidden_state_from_a_read_under_an_if() -> None:
    # An ``if`` that was false skipped the read: that is no evidence of a binding.
    source = "if a > 1:\n    print(debug_value)\n"
    nb = Notebook("t.ipynb", (cell(1, "a = 1\n", 1), cell(2, source, 3, outputs=1)))
    assert findings_at(nb, 2) == [("NS008", "never-defined", "debug_value", "error")]


def test_no_hidden_state_when_a_cell_below_binds_the_name() -> None:
    # Cell 2 may have run before cell 1 too: only each cell's last run is saved.
    nb = Notebook("t.ipynb", (cell(1, "print(total)", 4, outputs=1), cell(2, "total = 1", 9)))
    assert findings_at(nb, 1) == [("NS001", "defined-later", "total", "error")]


def test_python2_builtins_are_no_hidden_state() -> None:
    nb = Notebook("t.ipynb", (cell(1, "for i in xrange(3):\n    pass\n", 1, outputs=1),))
    assert [f.code for f in check_notebook(nb).findings] == ["NS003"]  # typo of range


def test_the_saved_traceback_line_places_the_finding() -> None:
    error = SavedError(NAME_ERROR, "name 'a' is not defined",
                       ("Cell In[2], line 3", "NameError: name 'a' is not defined"))
    nb = Notebook("t.ipynb", (cell(1, "a = 1", 3),
                              cell(2, "def f(a):\n    return a\nprint(a)", 2, error)))
    [found] = check_notebook(nb).findings
    assert (found.code, found.span.line, found.span.column) == ("NS009", 3, 7)


def test_no_hidden_state_without_evidence_of_a_successful_run() -> None:
    never_ran = Notebook("t.ipynb", (cell(1, "print(total)", None),))
    no_output = Notebook("t.ipynb", (cell(1, "print(total)", 3,
                                          outputs=0),))
    assert findings_at(never_ran, 1) == [("NS008", "never-defined", "total", "error")]
    assert findings_at(no_output, 1) == [("NS008", "never-defined", "total", "error")]


def test_hidden_state_a_cell_with_a_count_and_no_output_ran_to_its_end() -> None:
    # An error is saved as an output: a cell with a count and no output did not raise,
    # in a notebook that kept its outputs (cell 1's).
    nb = Notebook("t.ipynb", (cell(1, "a = 1\nprint(a)", 1, outputs=1),
                              cell(2, "b = total + 1", 4, outputs=0)))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell, found.name) == (
        "NS011", "hidden-state", 2, "total")
    assert "the counts 2-3 missing before this run fit such a cell" in found.message


def test_no_hidden_state_from_a_silent_cell_when_no_cell_kept_an_output() -> None:
    # Counts kept, every output dropped (``nbstripout --keep-count``): the silent cell
    # may have raised, its error dropped with the rest.
    nb = Notebook("t.ipynb", (cell(1, "a = 1", 1, outputs=0),
                              cell(2, "b = total + 1", 4, outputs=0)))
    assert findings_at(nb, 2) == [("NS008", "never-defined", "total", "error")]


def test_no_hidden_state_from_a_silent_cell_when_a_printing_cell_lost_its_output() -> None:
    # Cell 2 prints whenever it runs, yet was saved with a count and no output: this
    # notebook's outputs were not all saved, so silence proves nothing.
    nb = Notebook("t.ipynb", (cell(1, "a = 1\na", 1, outputs=1),
                              cell(2, "print(a)", 2, outputs=0),
                              cell(3, "b = total + 1", 5, outputs=0)))
    assert findings_at(nb, 3) == [("NS008", "never-defined", "total", "error")]
    # The same cell with its output saved: the silent cell is proof.
    kept = Notebook("t.ipynb", (cell(1, "a = 1\na", 1, outputs=1),
                                cell(2, "print(a)", 2, outputs=1),
                                cell(3, "b = total + 1", 5, outputs=0)))
    assert findings_at(kept, 3) == [("NS011", "hidden-state", "total", "error")]


def test_hidden_state_after_a_typo_finding_cites_no_definition_of_the_close_name() -> None:
    # `s2` is one letter from `s1`, but the cell ran fine on `s2`: hidden state, and
    # cell 1's `s1` is no part of that story.
    nb = Notebook("t.ipynb", (cell(1, "s1 = [1, 2]", 1, outputs=0),
                              cell(2, "print(s1, s2)", 5, outputs=1)))
    [found] = check_notebook(nb).findings
    assert (found.code, found.name, found.suggestion) == ("NS011", "s2", None)
    assert found.related == ()


def test_no_hidden_state_after_a_star_import_of_a_package(tmp_path: Path) -> None:
    # An older SciPy's `from scipy import *` bound `cos`; the version found now may not.
    (tmp_path / "oldpkg.py").write_text("__all__ = ['sin']\nsin = 1\n", encoding="utf-8")
    workspace = Workspace(str(tmp_path))
    reads = (cell(2, "print(sin, cos)", 4, outputs=1),)
    with_star = Notebook("t.ipynb", (cell(1, "from oldpkg import *", 1), *reads))
    without = Notebook("t.ipynb", (cell(1, "import oldpkg", 1), *reads))
    assert [f.code for f in check_notebook(with_star, workspace).findings] == ["NS008"]
    # `sin` is oldpkg's own name: Run All needs `oldpkg.sin`, whatever the saved run saw.
    assert [(f.code, f.name) for f in check_notebook(without, workspace).findings] == [
        ("NS004", "sin"), ("NS011", "cos")]


def test_deleted_in_the_saved_session_before_this_cell_ran() -> None:
    nb = Notebook("t.ipynb", (cell(1, "d2 = {}\n", 1), cell(2, "del d2\n", 2),
                              cell(3, "d2 = {}\n", None),
                              cell(4, "d2.clear()", 3, name_error("d2"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell, found.evidence) == (
        "NS007", "deleted", 4, Evidence.SAVED_SESSION)
    assert "cell 2 deleted `d2` (`del d2`, run [2])" in found.message
    assert "cell 3, which assigns it again, never ran" in found.message


def test_a_stale_output_of_an_edited_cell() -> None:
    nb = Notebook("t.ipynb", (cell(1, "print(li2)", 1, name_error("li"), outputs=1),
                              cell(2, "li2 = 1", 2)))
    found = [f for f in check_notebook(nb).findings if f.name == "li"]
    assert [(f.code, f.cause.value, f.severity) for f in found] == [
        ("NS011", "hidden-state", Severity.INFO)]
    assert "no longer reads `li`" in found[0].message
    typed = Notebook("t.ipynb", (cell(1, "v = eval(input())", 1, name_error("apple")),))
    assert check_notebook(typed).findings == ()  # the name came from what was typed


def test_a_saved_name_error_with_no_definition_anywhere_keeps_its_code_cause() -> None:
    nb = Notebook("t.ipynb", (cell(1, "print(nowhere)", 1, name_error("nowhere")),))
    assert findings_at(nb, 1) == [("NS008", "never-defined", "nowhere", "error")]


def test_a_placeholder_evalue_is_read_from_the_traceback() -> None:
    loaded = parse_notebook(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "source": "print(ax)", "metadata": {},
                   "execution_count": 1,
                   "outputs": [{"output_type": "error", "ename": "NameError",
                                "evalue": "ignored",
                                "traceback": ["\x1b[0;31mNameError\x1b[0m: name 'ax' is not "
                                              "defined"]}]}]}), "t.ipynb")
    assert loaded.cells[0].errors[0].evalue == "name 'ax' is not defined"


def test_out_of_order_cites_the_later_session_and_a_definition_that_works() -> None:
    # Cells 1-2 ran as [1] [5]; after a restart cells 3-5 ran as [1] [3] [5]. Cell 3
    # fails before binding `name`; cell 4 binds it, but only in the later session.
    nb = Notebook("t.ipynb", (cell(1, "a = 1\n", 1),
                              cell(2, "print(name)", 5, name_error("name")),
                              cell(3, "b = 1\nname = 'x'\nif name\n", 1,
                                   SavedError("SyntaxError", "invalid syntax")),
                              cell(4, "name = 'y'\n", 3),
                              cell(5, "c = 1\n", 5)))
    found = [f for f in check_notebook(nb).findings if f.cell == 2]
    # Every definition is below: the page's order is the cause.
    assert [(f.code, f.name) for f in found] == [("NS001", "name")]
    # Moved above the reader, cell 4's later session is what the saved story cites.
    nb = Notebook("t.ipynb", (cell(1, "a = 1\n", 1),
                              cell(2, "b = 1\nname = 'x'\nif name\n", 1,
                                   SavedError("SyntaxError", "invalid syntax")),
                              cell(3, "name = 'y'\n", 3),
                              cell(4, "print(name)", 5, name_error("name")),
                              cell(5, "c = 1\n", 5)))
    found = [f for f in check_notebook(nb).findings if f.cell == 4]
    assert [(f.code, f.name) for f in found] == [("NS009", "name")]
    assert "assigned in cell 3 (above this one), which ran at [3] in a later kernel " \
           "session, after this cell's run (more than one cell has the counts" in found[0].message
    assert [(r.role, r.cell) for r in found[0].related] == [("definition", 3)]


def test_out_of_order_above_that_failed_says_it_fails_until_fixed() -> None:
    # At [3] cell 1 had not run: out of order; it then raised, which the message says.
    failure = SavedError("ValueError", "bad", ("Cell In[5], line 1", "ValueError: bad"))
    nb = Notebook("t.ipynb", (cell(1, "arr = scale(2)\n", 5, failure),
                              cell(2, "print(arr)", 3, name_error("arr")),
                              cell(3, "def scale(x):\n    return x\n", 1)))
    found = [f for f in check_notebook(nb).findings if f.cell == 2]
    assert [(f.code, f.severity.value) for f in found] == [("NS009", "warning")]
    assert "ran at [5], after this cell's run, and then raised ValueError" in found[0].message
    assert "Until cell 1 runs without the ValueError, this cell fails the same way" \
        in found[0].message


def test_a_del_inside_an_except_handler_explains_the_saved_error_as_at_top_level() -> None:
    """Every walker of a cell's operations sees inside ``except`` handlers too."""
    handler = "try:\n    1/0\nexcept ZeroDivisionError:\n    del d2\n"
    class_body = "class Cleanup:\n    global d2\n    del d2\n"  # runs when the class is defined
    for deleting in ("del d2\n", handler, class_body):
        nb = Notebook("t.ipynb", (cell(1, "d2 = {}\n", 1), cell(2, deleting, 2),
                                  cell(3, "print(d2)", 3, name_error("d2"))))
        [found] = check_notebook(nb).findings
        assert (found.code, found.cause.value, found.cell, found.evidence) == (
            "NS007", "deleted", 3, Evidence.SAVED_SESSION), deleting
        assert "cell 2 deleted `d2` (`del d2`, run [2])" in found.message


def test_python_unbinding_an_except_name_is_not_a_del_in_the_saved_session() -> None:
    nb = Notebook("t.ipynb", (cell(1, "e = 1\n", 1),
                              cell(2, "try:\n    1/0\nexcept ZeroDivisionError as e:\n    pass\n",
                                   2),
                              cell(3, "print(e)", 3, name_error("e"))))
    # The code finding stays: cell 2 bound `e` before Python removed it, no `del` ran.
    assert [(f.code, f.evidence) for f in check_notebook(nb).findings if f.cell == 3] == [
        ("NS006", Evidence.CODE)]


def test_a_name_only_inside_a_string_is_not_read_so_the_saved_error_is_stale() -> None:
    """The cell's code is asked which names it reads, not its text: `'sort.table'` is a
    string, so the saved NameError for `sort` comes from an earlier version of the cell."""
    nb = Notebook("t.ipynb", (cell(1, "tbl = soup.find_all('table', class_='sort.table')", 6,
                                   name_error("sort")),))
    found = [f for f in check_notebook(nb).findings if f.name == "sort"]
    assert [(f.code, f.severity, f.message_key) for f in found] == [
        ("NS011", Severity.INFO, "hidden-state/stale-output")]


def test_a_saved_error_for_a_name_eval_reads_from_text_is_not_explained() -> None:
    nb = Notebook("t.ipynb", (cell(1, "value = eval(input())", 3, name_error("total")),))
    assert [f for f in check_notebook(nb).findings if f.name == "total"] == []


def test_a_saved_error_is_placed_at_the_read_on_its_traceback_line_not_a_string() -> None:
    """The traceback names line 2; the name appears there first inside a string key."""
    error = SavedError(NAME_ERROR, "name 'y_pred' is not defined",
                       ("Cell In[2], line 2", "NameError: name 'y_pred' is not defined"))
    nb = Notebook("t.ipynb", (cell(1, "y_pred = model()", None),
                              cell(2, "frame = dict(a=1,\n           b={'y_pred': y_pred})", 2,
                                   error)))
    [found] = [f for f in check_notebook(nb).findings if f.name == "y_pred"]
    assert (found.cell, found.span.line, found.span.column) == (2, 2, 25)  # not 16


def test_restart_when_the_definition_ran_before_the_count_started_again() -> None:
    """Import [1], define [2], use [3], then the last cell ran as [1] and failed: the
    kernel restarted and the defining cell has not run since (not: it ran later)."""
    nb = Notebook("t.ipynb", (cell(1, "import statistics", 1),
                              cell(2, "df = statistics.mean([1, 2])", 2),
                              cell(3, "print(df)", 3, outputs=1),
                              cell(4, "df + 1", 1, name_error("df"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.cell, found.severity) == (
        "NS010", "restart", 4, Severity.WARNING)
    assert "cell 1 also ran as [1]" in found.message
    assert "cell 2, which last ran as [2] before the restart and has not run since" \
        in found.message
    assert [(r.role, r.cell, r.execution_count) for r in found.related] == [
        ("definition", 2, 2), ("restart", 4, 1)]


def test_the_saved_outputs_decide_between_a_later_run_and_a_run_before_the_restart() -> None:
    # Cell 1 [1], restart, cell 2 [1] fails on `y`; cell 3 [2] assigns it, below. Page
    # order fits cell 3 in either session: a higher count is most simply a later run, and
    # a definition below that ran later leaves the code's cause (defined-later).
    nb = Notebook("t.ipynb", (cell(1, "x = 1", 1), cell(2, "print(y)", 1, name_error("y")),
                              cell(3, "y = 2", 2)))
    assert findings_at(nb, 2)[0][:2] == ("NS001", "defined-later")
    # But cell 3 read `x` without error, and only cell 1's run (before the restart) bound
    # it: cell 3 ran before the restart too.
    reads_x = Notebook("t.ipynb", (cell(1, "x = 1", 1),
                                   cell(2, "print(y)", 1, name_error("y")),
                                   cell(3, "y = x + 1", 2)))
    assert findings_at(reads_x, 2)[0][:2] == ("NS010", "restart")


def test_the_saved_outputs_put_a_run_in_the_session_where_its_names_were_bound() -> None:
    # Counts [1] twice prove a restart. Cell 4 ([2]) read `a` without error: only cell 1
    # binds `a`, so cell 4 ran in cell 1's session, before the restart that cell 3's [1]
    # followed; cell 3's NameError for `b` is then a restart, not "cell 4 ran later".
    nb = Notebook("t.ipynb", (cell(1, "a = 1", 1), cell(2, "c = 3", 3),
                              cell(3, "print(b)", 1, name_error("b")),
                              cell(4, "b = a * 2", 2, outputs=0)))
    assert findings_at(nb, 3)[0][:2] == ("NS010", "restart")


def test_a_count_of_zero_is_a_cell_that_never_ran() -> None:
    nb = Notebook("t.ipynb", (cell(1, "df = 1\n", 0), cell(2, "print(df)", 1, name_error("df"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value) == ("NS009", "out-of-order")
    assert "never run" in found.message


def test_a_del_in_the_same_cell_above_the_failing_line_explains_the_saved_error() -> None:
    error = SavedError(NAME_ERROR, "name 'd2' is not defined",
                       ("Cell In[8], line 3", "NameError: name 'd2' is not defined"))
    nb = Notebook("t.ipynb", (cell(1, "d2 = {1: 'A'}", 3), cell(2, "x = 1", 3),
                              cell(3, "d2 = {1: 'A'}\ndel d2\nprint(d2)", 8, error)))
    [found] = [f for f in check_notebook(nb).findings if f.cell == 3]
    assert (found.code, found.cause.value) == ("NS007", "deleted")


def test_a_del_that_raised_is_not_its_own_explanation() -> None:
    error = SavedError(NAME_ERROR, "name 'shop' is not defined",
                       ("Cell In[2], line 1", "NameError: name 'shop' is not defined"))
    nb = Notebook("t.ipynb", (cell(1, "shop = 1", 1), cell(2, "y = 2", 2),
                              cell(3, "del shop\nprint(shop)", 1, error)))
    [found] = [f for f in check_notebook(nb).findings if f.cell == 3]
    assert (found.code, found.cause.value) == ("NS010", "restart")


def test_a_cell_with_neither_count_nor_output_never_ran_when_others_kept_theirs() -> None:
    nb = Notebook("t.ipynb", (cell(1, "import math", 4),
                              cell(2, "total = 3", None, outputs=0),
                              cell(3, "print(total)", None, name_error("total"))))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value) == ("NS009", "out-of-order")
    assert "cell 2 (above this one), which was never run" in found.message


def test_a_saved_error_in_a_cell_that_is_not_valid_python_is_still_explained() -> None:
    nb = Notebook("t.ipynb", (cell(1, "items = [hllo, 2]\nif len(items) > 1\n    print(1)", 29,
                                   name_error("hllo")),))
    found = [f for f in check_notebook(nb).findings if f.name == "hllo"]
    assert [(f.code, f.cause.value) for f in found] == [("NS008", "never-defined")]
    assert "not valid Python now, but its code still reads `hllo`" in found[0].message


def test_a_saved_error_on_the_cells_own_function_variable_stays_function_local() -> None:
    # The lesson ``def f(): x = 10`` then ``print(x)``: cell 2's global `x`, run later, is
    # another variable; running it first is not the fix.
    nb = Notebook("t.ipynb", (cell(1, "def f():\n    x = 10\n    return x\nprint(x)", 1,
                                   name_error("x")),
                              cell(2, "x = 1\nprint(x)", 2, outputs=1)))
    assert findings_at(nb, 1) == [("NS002", "function-local", "x", "error")]
