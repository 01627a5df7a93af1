"""The replay's work grows linearly: nested loops and fanned-out calls are summarised,
not replayed once per path, and the summaries change no finding.

A loop whose body only binds, deletes and reads names is read in closed form (one
pass reads what an iteration does, ``dataflow/transfer.py``); every other loop is
iterated to its fixed point. The two must agree on every report: the closed form is
checked against the iteration on the oracle's generated programs and on loops
written to reach each way out of an iteration.

The findings below were checked against the replay before summaries existed (each
loop and call replayed in full); the work bounds count the replay's own passes, so
they do not depend on the machine's speed.
"""

from __future__ import annotations

import pytest
from conftest import findings, first_failure
from oracle import analyse, generate, program_seeds

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

    def counted(self, *args, **keywords):
        nonlocal count
        count += 1
        return original(self, *args, **keywords)

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
    # around it: 3**depth passes. In closed form each loop runs its body twice: once
    # from the marked state, once to record verdicts on its fixed point.
    passes = {depth: _passes(monkeypatch, "_iteration", _nested_loops(depth))
              for depth in (2, 8, 16)}
    assert passes == {2: 4, 8: 16, 16: 32}


def test_loops_the_closed_form_cannot_read_are_iterated(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # ``f`` holds a function the replay follows, so what the body does depends on
    # what ``f`` holds: a fixed point of a few rounds per level, still linear.
    sources = ["def f():\n    return 1\n", *_nested_loops(8)]
    sources[2] = sources[2].replace("total = total + i0", "total = total + f()")
    passes = {depth: _passes(monkeypatch, "_iteration", sources) for depth in (8,)}
    assert 16 < passes[8] <= 5 * 8


def _iterated(monkeypatch: pytest.MonkeyPatch, cells: list[str]):
    """The report with every loop iterated to its fixed point (no closed form)."""
    monkeypatch.setattr(Replay, "_transfer_key", lambda self, op, state: None)
    try:
        return analyse(cells)
    finally:
        monkeypatch.undo()


# Loops written to reach each way out of an iteration, in and out of functions and
# ``try`` statements, with names the body keeps, rebinds, deletes or binds maybe.
WAYS_OUT = [
    ["x = 1\nfor i in range(3):\n    if i:\n        del x\n    else:\n        x = 2\n"
     "print(x)\n", "print(x, i)"],
    ["for i in range(3):\n    if i == 1:\n        continue\n    y = i\n    if y:\n"
     "        break\nelse:\n    z = 1\nprint(y, z)\n"],
    ["for i in [1, 2]:\n    a = i\nprint(a)\nwhile (n := 0):\n    b = n\nprint(b, n)\n"],
    ["def g(xs):\n    for x in xs:\n        try:\n            v = x\n        except Exception"
     " as e:\n            print(e)\n        finally:\n            w = 1\n    return v, w, e\n",
     "g([1])"],
    # An exception from a handler (past the implicit ``finally`` that unbinds ``e``)
    # leaves the loop for the ``try`` around it.
    ["def f(xs):\n    try:\n        for s in xs:\n            try:\n                v = s\n"
     "            except Exception as e:\n                print(e)\n    except Exception:\n"
     "        pass\n", "f([1])", "print(undefined_later)"],
    ["try:\n    for i in range(2):\n        for j in range(2):\n            if j:\n"
     "                raise ValueError\n            k = j\nexcept ValueError:\n    pass\n"
     "print(k, j)\n"],
    ["while True:\n    q = 1\n    if q:\n        break\nprint(q)\n",
     "while True:\n    pass\nprint(never)\n"],
    ["class C:\n    for i in range(2):\n        attr = [i for _ in range(2)]\n    print(attr)\n",
     "for i in range(2):\n    class D:\n        pass\nprint(D, undefined_here)\n"],
    ["def h():\n    for i in range(2):\n        global gg\n        gg = i\n", "h()\nprint(gg)",
     "for i in range(2):\n    h()\n    del gg\nprint(gg)\n"],
]


@pytest.mark.parametrize("cells", WAYS_OUT, ids=[f"way-out-{i}" for i in range(len(WAYS_OUT))])
def test_closed_form_loops_report_what_iterating_reports(
        monkeypatch: pytest.MonkeyPatch, cells: list[str]) -> None:
    assert analyse(cells) == _iterated(monkeypatch, cells)


def test_closed_form_loops_agree_with_iterating_on_generated_programs(
        monkeypatch: pytest.MonkeyPatch, slow: bool) -> None:
    differ = [seed for seed in program_seeds(7, 20_000 if slow else 300)
              if analyse(generate(seed)) != _iterated(monkeypatch, generate(seed))]
    assert differ == []


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
