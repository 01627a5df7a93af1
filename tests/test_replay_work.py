"""The replay's work grows linearly: nested loops and fanned-out calls are summarised,
not replayed once per path, and the summaries change no finding.

The findings below were checked against the replay before summaries existed (each
loop and call replayed in full); the work bounds count the replay's own passes, so
they do not depend on the machine's speed.
"""

from __future__ import annotations

import pytest
from conftest import findings, first_failure

from nbscope.analyze import check_notebook
from nbscope.dataflow.replay import Replay
from nbscope.model import Cell, Notebook

_DEEP_LOOPS = "\n".join(
    ["    " * k + f"for i{k} in range(3):" for k in range(12)]
    + ["    " * 12 + "late = i0 + undefined_x"])

CASES = [
    # A summary is keyed on the globals the body reads: ``g`` changed, so it runs again.
    ("rerun-when-a-read-global-changes", ["def f():\n    return g\n", "f()", "g = 1", "f()"],
     [(2, 1, 1, "g", "defined-later")], (2, "g", "NameError")),
    ("one-verdict-per-call-site",
     ["def f():\n    return missing\n", "f()", "y = 1", "f()", "f()"],
     [(1, 2, 12, "missing", "never-defined")], (2, "missing", "NameError")),
    # The second ``setg()`` in ``twice`` starts from what the first wrote: a summary
    # must replay its writes, and ``del n`` must make the next call run again.
    ("global-writes-are-replayed",
     ["def setg():\n    global n\n    n = 1\n", "def twice():\n    setg()\n    setg()\n",
      "print(n)", "twice()", "print(n)", "del n", "twice()\nprint(n)"],
     [(3, 1, 7, "n", "function-local")], (3, "n", "NameError")),
    ("a-chain-of-calls-follows-the-globals",
     ["def a():\n    return b()\n", "def b():\n    return c\n", "a()", "c = 1", "a()",
      "del c", "a()"],
     [(3, 1, 1, "c", "defined-later"), (7, 1, 1, "c", "deleted")], (3, "c", "NameError")),
    ("a-local-bound-under-a-condition",
     ["def f():\n    if flag:\n        v = 1\n    return v\n", "flag = 0", "f()", "f()"],
     [(1, 4, 12, "v", "conditional")], None),
    ("loops-nested-twelve-deep", [_DEEP_LOOPS, "print(late)"],
     [(1, 13, 61, "undefined_x", "never-defined")], (1, "undefined_x", "NameError")),
    # A ``return`` leaves the loops: such a loop is never summarised.
    ("return-from-nested-loops",
     ["def f(xs):\n    for x in xs:\n        for y in xs:\n            if y:\n"
      "                return z\n    return w\n", "z = 1", "f([1])", "w = 2", "f([1])"],
     [(3, 1, 1, "w", "defined-later")], None),
]


@pytest.mark.parametrize("cells, expected, run_all", [
    pytest.param(cells, expected, run_all, id=name) for name, cells, expected, run_all in CASES])
def test_summaries_change_no_finding(cells: list[str], expected: list[tuple],
                                     run_all: tuple | None) -> None:
    assert findings(*cells) == expected
    found = first_failure(*cells)
    assert (None if found is None else (found.cell, found.name, found.error)) == run_all


def _notebook(sources: list[str]) -> Notebook:
    cells = tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate(sources, 1))
    return Notebook(path="generated.ipynb", cells=cells, language="python")


def _passes(monkeypatch: pytest.MonkeyPatch, method: str, sources: list[str]) -> int:
    """How many times the replay ran ``method`` while checking ``sources``."""
    original = getattr(Replay, method)
    count = 0

    def counted(self, *args):
        nonlocal count
        count += 1
        return original(self, *args)

    monkeypatch.setattr(Replay, method, counted)
    check_notebook(_notebook(sources))
    monkeypatch.setattr(Replay, method, original)
    return count


def _nested_loops(depth: int) -> list[str]:
    body = [f"{'    ' * level}for i{level} in range(3):" for level in range(depth)]
    body.append(f"{'    ' * depth}total = total + i0")
    return ["total = 0", "\n".join(body), "print(total)"]


def test_loop_passes_grow_linearly_with_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    # Replayed in full, each level ran its body about 3 times per pass of the level
    # around it: 3**depth passes. Summaries leave a few per level.
    passes = {depth: _passes(monkeypatch, "_iteration", _nested_loops(depth))
              for depth in (2, 8, 16)}
    assert passes[16] <= 5 * 16
    assert passes[16] - passes[8] <= 5 * 8


def _fanout(depth: int, callers: int = 10) -> list[str]:
    defs = [f"def f{level}():\n    print(g{level})\n"
            + ("" if level == depth else f"    f{level + 1}()\n    f{level + 1}()\n")
            for level in range(1, depth + 1)]
    values = "\n".join(f"g{level} = {level}" for level in range(1, depth + 1))
    return [*defs, values, *[f"f1()\nr{i} = {i}" for i in range(callers)]]


def test_function_bodies_run_once_per_entry_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two calls a level, six levels followed: 2**6 paths per caller when replayed in
    # full. Summarised, each body runs once (the callers' globals differ only in
    # names the bodies do not touch), plus once more each on its own.
    runs = _passes(monkeypatch, "_run_function_body", _fanout(6, callers=10))
    assert runs <= 2 * 6


def test_a_changed_global_runs_the_body_again(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = ["def f():\n    return g\n", "f()", "g = 1", "f()", "f()"]
    # Once on its own, once with ``g`` unbound, once with ``g`` bound (the last call
    # is summarised).
    assert _passes(monkeypatch, "_run_function_body", sources) == 3
