"""Whether a cell's code certainly shows something when it runs to its end.

A cell saved with an execution count and no output ran to its end without raising
(an error is saved as an output), unless its outputs were dropped: a cell that
prints, times itself or ends with an expression that displays a value shows
something whenever it runs, so saved without any output it proves nothing.
Pure: parses the cell's text only.
"""

from __future__ import annotations

import ast

from ..transform import SyntaxProblem, parse_python, split_cell_magic

# Cell magics that print whatever their body does (``%%time``: the times).
_PRINTING_CELL_MAGICS = frozenset({"time", "timeit", "prun"})


def shows_output(source: str) -> bool:
    """Whether running ``source`` to its end certainly shows an output: a top-level
    ``print(...)``, a timing magic, or a last statement that displays a value (an
    expression other than a call, whose value may be None, not ended by ``;``)."""
    magic = split_cell_magic(source)
    if magic is not None:
        return magic.name in _PRINTING_CELL_MAGICS
    parsed = parse_python(source)
    if isinstance(parsed, SyntaxProblem):
        return False
    body = parsed.tree.body
    if any(_prints(statement) for statement in body):
        return True
    if not body or not isinstance(body[-1], ast.Expr) or source.rstrip().endswith(";"):
        return False
    return _displays(body[-1].value)


def _prints(statement: ast.stmt) -> bool:
    """``print(...)`` without ``file=``, or a line magic that prints (``%time``)."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return False
    call = statement.value
    if isinstance(call.func, ast.Name) and call.func.id == "print":
        return not any(keyword.arg == "file" for keyword in call.keywords)
    return _line_magic(call) in _PRINTING_CELL_MAGICS


def _line_magic(call: ast.Call) -> str | None:
    """The magic ``get_ipython().run_line_magic('name', ...)`` runs, as IPython writes it."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "run_line_magic" and call.args \
            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _displays(value: ast.expr) -> bool:
    """A value IPython displays: anything but a call (which may return None), a
    ``None`` literal, an ``await`` or a ``yield``."""
    if isinstance(value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
        return False
    return not (isinstance(value, ast.Constant) and value.value is None)
