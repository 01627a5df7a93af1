"""Saved NameErrors the cell's text cannot explain alone: read from their traceback frames."""

from __future__ import annotations

from nbscope.analyze import check_notebook
from nbscope.findings import Evidence, Severity
from nbscope.model import Cell, Notebook, SavedError
from nbscope.saved_traceback import frames, raised_in

ESC = "\x1b[0;32m"


def name_error(name: str, *frame_texts: str) -> SavedError:
    return SavedError("NameError", f"name '{name}' is not defined",
                      ("\x1b[0;31m-----\x1b[0m", "NameError    Traceback (most recent call last)",
                       *frame_texts, f"NameError: name '{name}' is not defined"))


def cell(index: int, source: str, count: int | None, *errors: SavedError) -> Cell:
    return Cell(index=index, cell_type="code", source=source, execution_count=count,
                errors=errors, output_count=max(len(errors), 1))


def test_frames_of_every_ipython_format() -> None:
    modern = name_error("valu", f"Cell {ESC}In[2], line 1\x1b[0m\n----> 1 total([1])\n",
                        "Cell In[1], line 2, in total(values)\n      1 def total(values):\n"
                        "----> 2     return sum(valu)\n")
    [outer, inner] = frames(modern)
    assert (outer.kind, outer.count, outer.function, outer.line) == ("cell", 2, None, 1)
    assert (inner.count, inner.function, inner.line) == (1, "total", 2)
    assert inner.quoted_line(2) == "    return sum(valu)"
    old = name_error("x", "<ipython-input-5-3f2a> in <module>()\n----> 1 f()\n",
                     "<ipython-input-4-9b1c> in f(a)\n      1 def f(a):\n----> 2   return x\n")
    assert [(f.count, f.function, f.line) for f in frames(old)] == [(5, None, 1), (4, "f", 2)]
    middle = name_error("x", "Input In [7], in <cell line: 1>()\n----> 1 print(x)\n")
    assert [(f.count, f.function, f.line) for f in frames(middle)] == [(7, None, 1)]
    evaluated = name_error("apple", "Cell In[3], line 1\n----> 1 eval(input())\n",
                           "File <string>:1\n")
    assert raised_in(evaluated).kind == "string"
    vscode = name_error("s", "c:\\x\\day3.ipynb Cell 22 in <cell line: 2>()\n      "
                        "<a href='vscode-notebook-cell:/c%3A/x.ipynb#X30?line=0'>1</a> del(s)\n"
                        "----> <a href='vscode-notebook-cell:/c%3A/x.ipynb#X30?line=1'>2</a> "
                        "print(s)\n")
    [frame] = frames(vscode)
    assert (frame.kind, frame.count, frame.line, frame.quoted_line(2)) == (
        "cell", None, 2, "print(s)")
    assert frames(SavedError("NameError", "name 'x' is not defined")) == []


def test_an_error_inside_a_function_is_explained_at_the_call_with_the_function_place() -> None:
    error = name_error("valu", "Cell In[2], line 1\n----> 1 print(total([1, 2]))\n",
                       "Cell In[1], line 2, in total(values)\n      1 def total(values):\n"
                       "----> 2     return sum(valu)\n")
    nb = Notebook("t.ipynb", (cell(1, "def total(values):\n    return sum(valu)", 1),
                              cell(2, "print(total([1, 2]))", 2, error)))
    at_call = [f for f in check_notebook(nb).findings if f.cell == 2]
    [found] = at_call
    assert (found.code, found.cause.value, found.name, found.suggestion) == (
        "NS003", "typo", "valu", "values")
    assert (found.span.line, found.span.column, found.span.end_column) == (1, 7, 12)
    assert "raised inside `total` (cell 1, line 2), which this cell calls on line 1" \
        in found.message
    assert ("error", 1, 2) in [(r.role, r.cell, r.line) for r in found.related]
    assert found.evidence is Evidence.SAVED_SESSION
    # The function's own read is reported where it is, with the same suggestion.
    [there] = [f for f in check_notebook(nb).findings if f.cell == 1]
    assert (there.cause.value, there.suggestion, there.severity) == (
        "typo", "values", Severity.ERROR)


def test_a_function_reading_a_name_assigned_after_the_call_ran_is_out_of_order() -> None:
    error = name_error("rate", "Cell In[3], line 1\n----> 1 report()\n",
                       "Cell In[1], line 2, in report()\n      1 def report():\n"
                       "----> 2     print(rate)\n")
    nb = Notebook("t.ipynb", (cell(1, "def report():\n    print(rate)", 1),
                              cell(2, "rate = 0.1", 4), cell(3, "report()", 3, error)))
    [found] = [f for f in check_notebook(nb).findings if f.cell == 3]
    assert (found.code, found.cause.value) == ("NS009", "out-of-order")
    assert "raised inside `report` (cell 1, line 2)" in found.message
    assert "`rate` is assigned in cell 2 (above this one), which ran at [4]" in found.message


def test_a_function_reading_a_name_assigned_only_below_the_call_is_defined_later() -> None:
    error = name_error("rate", "Cell In[2], line 1\n----> 1 report()\n",
                       "Cell In[1], line 2, in report()\n      1 def report():\n"
                       "----> 2     print(rate)\n")
    nb = Notebook("t.ipynb", (cell(1, "def report():\n    print(rate)", 1),
                              cell(2, "report()", 2, error), cell(3, "rate = 0.1", 3)))
    [found] = [f for f in check_notebook(nb).findings if f.cell == 2]
    assert (found.code, found.cause.value) == ("NS001", "defined-later")
    assert "`report` reads `rate` (cell 1, line 2), which is first assigned in cell 3" \
        in found.message


def test_a_name_error_from_evaluated_text_is_said_to_come_from_that_text() -> None:
    error = name_error("apple", "Cell In[3], line 1\n----> 1 x = eval(input('number? '))\n",
                       "File <string>:1\n")
    nb = Notebook("t.ipynb", (cell(1, "x = eval(input('number? '))\nprint(x * 2)", 3, error),))
    [found] = check_notebook(nb).findings
    assert (found.code, found.name, found.severity) == ("NS008", "apple", Severity.WARNING)
    assert found.message_key == "never-defined/evaluated-text"
    assert "`eval(input())` runs what was typed" in found.message
    assert (found.span.line, found.span.column) == (1, 5)  # at `eval`
    assert "ast.literal_eval(input())" in found.fix


def test_a_traceback_quoting_code_the_cell_no_longer_has_is_stale() -> None:
    error = name_error("totl", "Cell In[2], line 1\n----> 1 print(totl)\n")
    nb = Notebook("t.ipynb", (cell(1, "total = 3", 1), cell(2, "print(total)", 2, error)))
    [found] = check_notebook(nb).findings
    assert (found.code, found.cause.value, found.severity) == (
        "NS011", "hidden-state", Severity.INFO)
    assert "raised by `print(totl)` (line 1), code this cell no longer contains" \
        in found.message
    assert "does not fail on `totl` here" in found.message


def test_a_stale_error_on_code_that_still_fails_keeps_the_code_finding_and_says_so() -> None:
    error = name_error("score", "Cell In[2], line 1\n----> 1 print(score)\n")
    nb = Notebook("t.ipynb", (cell(1, "score = 3", 3), cell(2, "print(scores)", 2, error)))
    found = {f.name: f for f in check_notebook(nb).findings if f.cell == 2}
    assert found["score"].message.startswith("The saved `NameError: name 'score' is not "
                                             "defined` is stale")
    assert (found["scores"].cause.value, found["scores"].suggestion) == ("typo", "score")


def test_lines_moved_by_an_edit_or_a_dropped_blank_line_are_not_stale() -> None:
    # IPython drops leading blank lines: the traceback's line 1 is the cell's line 2.
    error = name_error("girdi", "Input In [6], in <cell line: 1>()\n----> 1 a=int(girdi('a'))\n")
    nb = Notebook("t.ipynb", (cell(1, "\na=int(girdi('a'))", 6, error),))
    [found] = check_notebook(nb).findings
    assert (found.cause.value, found.span.line) == ("never-defined", 2)
    assert "stale" not in found.message


def test_a_call_the_cell_no_longer_makes_is_stale_not_a_story_about_the_function() -> None:
    error = name_error("df", "Cell In[13], line 2\n      1 stu = Calc()\n----> 2 stu.add()\n",
                       "Cell In[12], line 2, in add(self)\n      1 def add(self):\n"
                       "----> 2     return df\n")
    nb = Notebook("t.ipynb", (cell(1, "class Calc:\n    def add(self):\n        return df\n"
                                      "df = 1", 14),
                              cell(2, "", 13, error)))
    [found] = [f for f in check_notebook(nb).findings if f.cell == 2]
    assert (found.code, found.severity) == ("NS011", Severity.INFO)
    assert "raised by `stu.add()` (line 2), code this cell no longer contains" in found.message
