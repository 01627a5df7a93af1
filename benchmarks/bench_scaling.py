"""How nbscope's time grows with cells, names, loop nesting and call depth (generated notebooks).

    python3 benchmarks/bench_scaling.py               # every series, best of 3 runs each
    python3 benchmarks/bench_scaling.py --series chain --repeat 5

Each series builds notebooks that differ in one dimension only and times
``nbscope.analyze.check_notebook`` on them in this process (the pure engine: no file
reading, no report), keeping the best of ``--repeat`` rounds. A round times every
notebook of the series in turn, so that a slow spell of a shared machine slows all
rows alike; a run of a notebook that takes under 50 ms repeats it and counts the
mean. It prints the time
per cell, so a flat column means linear time, and the growth of that figure
against the series' first row (the target of issue 14: within 1.3x).

Series:

chain      N cells (250 ... 4,000), cell i reads the name cell i-1 assigned
names      N cells (100 ... 800; 200 is the issue's case) that each assign 50 names
           and read the 50 names of the cell before: the namespace grows by 50 a cell
loops      a 30-line cell of ``for`` loops nested D deep (2 ... 16) between small
           cells; per cell is per notebook cell, the loop cell dominates. A deeper
           cell also holds more ``for`` lines and fewer assignments
nesting    the same 30-line cell with 16 ``for`` loops at every depth, as 16/D nests
           of D loops (D = 2 ... 16): only the nesting changes
calls      functions f1 ... fD each calling the next (D = 1 ... 10; the engine
           follows calls 6 deep), each reading a global, called from 50 cells
fanout     the same, but each function calls the next twice (2^D paths)

A series stops growing once one notebook takes longer than ``--budget`` seconds
(default 30); the remaining rows say so.

The garbage collector is tuned as ``nbscope check`` tunes it for a batch, and a
full collection runs before each timed run, so a row is not charged for the
garbage of the one before; ``--default-gc`` keeps CPython's own thresholds
(their collections grow with the number of live objects, so the ``names``
series then grows with the namespace for the collector's sake, not the engine's).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.dont_write_bytecode = True

from nbscope import cli  # noqa: E402
from nbscope.analyze import check_notebook  # noqa: E402
from nbscope.model import Cell, Notebook  # noqa: E402


def notebook(sources: list[str]) -> Notebook:
    cells = tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate(sources, 1))
    return Notebook(path="generated.ipynb", cells=cells, language="python")


def chain(cells: int) -> list[str]:
    return ["x0 = 0"] + [f"x{i} = x{i - 1} + 1" for i in range(1, cells)]


def names(cells: int, per_cell: int = 50) -> list[str]:
    sources = ["\n".join(f"v0_{k} = {k}" for k in range(per_cell))]
    for i in range(1, cells):
        sources.append("\n".join(f"v{i}_{k} = v{i - 1}_{k} + 1" for k in range(per_cell)))
    return sources


def loops(depth: int, lines: int = 30) -> list[str]:
    body = [f"{'    ' * level}for i{level} in range(3):" for level in range(depth)]
    inner = "    " * depth
    filler = max(lines - depth - 2, 1)
    body += [f"{inner}total = total + i{k % depth} * {k}" for k in range(filler)]
    body.append(f"{inner}last = total")
    return ["total = 0", *["\n".join(body)], "print(total, last)", "print(i0)"]


def nesting(depth: int, loops: int = 16, lines: int = 30) -> list[str]:
    nests = loops // depth
    filler = lines - nests * depth
    body = []
    for nest in range(nests):
        body += [f"{'    ' * level}for i{nest}_{level} in range(3):" for level in range(depth)]
        share = filler // nests + (1 if nest < filler % nests else 0)
        inner = "    " * depth
        body += [f"{inner}total = total + i{nest}_{k % depth} * {k}" for k in range(share)]
    return ["total = 0", "\n".join(body), "print(total)", "print(i0_0)"]


def calls(depth: int, fan: int = 1, callers: int = 50) -> list[str]:
    defs = []
    for level in range(1, depth + 1):
        call = "" if level == depth else "\n".join(f"    f{level + 1}()" for _ in range(fan))
        defs.append(f"def f{level}():\n    print(g{level})\n{call}".rstrip())
    values = "\n".join(f"g{level} = {level}" for level in range(1, depth + 1))
    return [*defs, values, *[f"f1()\nr{i} = {i}" for i in range(callers)]]


SERIES: dict[str, tuple[str, list[int], Callable[[int], list[str]]]] = {
    "chain": ("cells", [250, 500, 1000, 2000, 4000], chain),
    "names": ("cells of 50 names", [100, 200, 400, 800], names),
    "loops": ("loop depth", [2, 4, 6, 8, 10, 12, 14, 16], loops),
    "nesting": ("loop depth, 16 loops", [2, 4, 8, 16], nesting),
    "calls": ("call depth", [1, 2, 4, 6, 8, 10], calls),
    "fanout": ("call depth, 2 calls each", [1, 2, 4, 6, 8, 10],
               lambda depth: calls(depth, fan=2)),
}


# A run of a notebook that takes less than this repeats it, and counts the mean: a
# single check of a few milliseconds is at the mercy of the machine's timer and load.
_BATCH_SECONDS = 0.05


def timed(built: Notebook, times: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(times):
        check_notebook(built)
    return (time.perf_counter() - start) / times


def run_series(name: str, repeat: int, budget: float) -> None:
    label, sizes, make = SERIES[name]
    print(f"\n{name}: {label}", flush=True)
    rows: list[list] = []  # size, cells, notebook, checks per run, best seconds
    stopped = ""
    for size in sizes:  # the first round, which the budget stops
        sources = make(size)
        built = notebook(sources)
        seconds = timed(built, 1)
        rows.append([size, len(sources), built,
                     max(1, int(_BATCH_SECONDS / seconds)) if seconds else 1, seconds])
        if seconds > budget:
            rest = [str(s) for s in sizes[sizes.index(size) + 1:]]
            if rest:
                stopped = f"  (stopped: over the {budget:.0f} s budget; not run: {', '.join(rest)})"
            break
    # Each further round times every row, so that a slow spell of a shared machine
    # slows all rows alike instead of the ones it happens to fall on.
    for _ in range(repeat - 1):
        for row in rows:
            row[4] = min(row[4], timed(row[2], row[3]))
    print(f"  {label:>26s} {'cells':>6s} {'total s':>9s} {'ms/cell':>9s} {'growth':>7s}")
    first = rows[0][4] / rows[0][1]
    for size, cells, _, _, seconds in rows:
        per_cell = seconds / cells
        print(f"  {size:>26d} {cells:>6d} {seconds:>9.3f} {per_cell * 1000:>9.3f} "
              f"{per_cell / first:>6.2f}x")
    if stopped:
        print(stopped)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", choices=sorted(SERIES), action="append",
                        help="one series (repeatable; default: all)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds over each series' notebooks (the best of each kept)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds one notebook may take before its series stops")
    parser.add_argument("--default-gc", action="store_true",
                        help="keep CPython's collector thresholds instead of nbscope check's")
    args = parser.parse_args()
    if not args.default_gc:
        cli._tune_collector()
    collector = "CPython's default" if args.default_gc else "tuned as nbscope check tunes it"
    print(f"nbscope engine on generated notebooks; best of {args.repeat} rounds; "
          f"Python {sys.version.split()[0]}; garbage collector {collector}")
    for name in args.series or list(SERIES):
        run_series(name, args.repeat, args.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
