"""Which cells certainly show an output when they run to their end."""

from __future__ import annotations

import pytest

from nbscope.rules.saved_outputs import shows_output


@pytest.mark.parametrize("source", [
    "print(total)",
    "x = 1\nprint(x, sep='')",
    "df",  # a last expression is displayed
    "x = 1\nx + 1",
    "%%time\nx = 1",  # the times are printed
    "%time x = 1",
])
def test_cells_that_always_show_something(source: str) -> None:
    assert shows_output(source)


@pytest.mark.parametrize("source", [
    "x = 1",
    "df;",  # a trailing semicolon hides the value
    "model.compile()",  # a call may return None, which is not displayed
    "print(1, file=log)",
    "if ready:\n    print(1)",  # only when the branch is taken
    "None",
    "%%capture out\nprint(1)",
    "def f(:\n",  # not Python: nothing is certain
])
def test_cells_that_may_show_nothing(source: str) -> None:
    assert not shows_output(source)
