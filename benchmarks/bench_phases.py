"""Where a cold corpus run spends its time, phase by phase, without a profiler's distortion.

    python3 benchmarks/bench_phases.py --repeat 3

``cProfile`` charges every Python call the same overhead, so it inflates code
made of many small calls (the lowering, the replay) against code that runs in C
(``ast.parse``, JSON decoding). This script instead wraps the few entry points
of each phase with a CPU-time timer (a few tens of thousands of calls in all; CPU
time of this process, which other work on a shared machine disturbs less than wall time)
and runs ``checking.check_path`` over every corpus notebook in one process,
cold, with the garbage collector tuned as ``nbscope check`` tunes it for a
batch. Each phase's time is its own: a phase entered inside another (the
parse inside a cell's lowering) is subtracted from the outer one.

Phases: ``load`` (read, decode, build the model), ``parse`` (``ast.parse``),
``ipython`` (IPython's ``TransformerManager`` and the line alignment),
``lowering`` (a cell's AST to operations and facts), ``replay``, ``rules``
(explanations, the saved-session story, one finding per name and cell), and
``other`` (the rest of ``check_path``: suppressions, selection, glue). Prints
each phase's seconds (min over ``--repeat`` runs of the whole corpus) and share.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.dont_write_bytecode = True

from nbscope import analyze, checking, cli, loader, transform  # noqa: E402
from nbscope.dataflow import ipython, replay  # noqa: E402
from nbscope.rules import explain  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "notebooks"
PHASES = ("load", "parse", "ipython", "lowering", "replay", "rules", "other")


class PhaseClock:
    """Exclusive CPU time per phase: time inside a nested phase is not the outer one's."""

    def __init__(self) -> None:
        self.totals = dict.fromkeys(PHASES, 0.0)
        self._stack: list[str] = []

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        stack, totals = self._stack, self.totals

        def timed(*args: Any, **kwargs: Any) -> Any:
            if stack and stack[-1] == phase:  # recursion inside a phase: already timed
                return function(*args, **kwargs)
            stack.append(phase)
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.process_time() - start
                stack.pop()
                totals[phase] += elapsed
                if stack:
                    totals[stack[-1]] -= elapsed
        return timed


def instrument(clock: PhaseClock) -> None:
    """Wrap each phase's entry points where the code looks them up."""
    loader.load_notebook = clock.wrap("load", loader.load_notebook)
    checking.check_path = clock.wrap("other", checking.check_path)
    transform._parse = clock.wrap("parse", transform._parse)
    transform._parse_transformed = clock.wrap("ipython", transform._parse_transformed)
    analyze.build_cell = clock.wrap("lowering", ipython.build_cell)
    for name in ("run_cell", "check_function_locals"):
        setattr(replay.Replay, name, clock.wrap("replay", getattr(replay.Replay, name)))
    analyze.explain = clock.wrap("rules", explain.explain)
    analyze.saved_session.findings = clock.wrap("rules", analyze.saved_session.findings)
    analyze.one_per_name_and_cell = clock.wrap("rules", analyze.one_per_name_and_cell)
    analyze.reconstruct = clock.wrap("rules", analyze.reconstruct)


def notebooks(corpus: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != ".ipynb_checkpoints")
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".ipynb")]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    if not options.corpus.is_dir():
        print(f"bench_phases: no corpus at {options.corpus}", file=sys.stderr)
        return 2
    paths = notebooks(options.corpus)
    for path in paths:  # the OS page cache, and IPython's transformer, warm for every run
        Path(path).read_bytes()
    transform._transformer()
    clock = PhaseClock()
    instrument(clock)
    best: dict[str, float] = {}
    settings = checking.Settings()
    for _ in range(options.repeat):
        clock.totals.update(dict.fromkeys(PHASES, 0.0))
        checking._WORKSPACES.clear()
        gc.collect()
        cli._tune_collector()
        for path in paths:
            checking.check_path(path, settings)
        gc.unfreeze()
        total = sum(clock.totals.values())
        if not best or total < sum(best.values()):
            best = dict(clock.totals)
    total = sum(best.values())
    print(f"{len(paths)} notebooks, best of {options.repeat} run(s): {total:.3f} s")
    print("| phase | s | share |\n|---|---|---|")
    for phase in PHASES:
        print(f"| {phase} | {best[phase]:.3f} | {100 * best[phase] / total:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
