"""What any pure-Python notebook checker pays at the least: the parse floor plus one
Python-level visit of every syntax node.

    python3 benchmarks/bench_visit_floor.py --repeat 3

The cold target of issue 14 is nbscope ``--jobs 1`` at most 2x the parse floor
(read every notebook, ``json.loads``, ``ast.parse`` every code cell: the baseline
of ``bench_corpus.py``). A scope and dataflow analysis must look at every node of
every cell, since a read or a binding can be any ``Name`` in any expression. So
whatever it does, a checker written in Python pays the floor plus at least one
Python-level step per node. This script measures that lower bound on the corpus,
each variant in a fresh process:

  floor      read, ``json.loads``, ``ast.parse`` every code cell
  walk       then ``for node in ast.walk(tree)`` on each cell (the standard
             library's walk: a Python generator step per node)
  visit      then a recursive visit that looks up a handler by the node's type and
             visits the children of every node (the shape of any lowering), with
             handlers that do nothing else
  names      then the names each cell reads, binds and deletes, in order
             (``ast.walk`` and an ``isinstance`` test per node): the least a
             NameError checker extracts, with no scopes, no order of cells, no
             explanation
  nbscope    ``checking.check_path`` on every notebook, as ``nbscope check
             --no-cache --jobs 1`` runs it (settings of its own folder, no cache)

Every variant but nbscope times its floor and its extra work per cell in the same
process (wall clock around each part), so a slow spell of a shared machine slows
both and their ratio holds: ``x floor`` is the median over runs of (floor + extra)
/ floor. nbscope's whole run is set against the fastest floor of the others.

Where ``visit`` costs a large part of the floor, a pure-Python analysis has little
left for anything else under a 2x target: its per-node work has to leave the
interpreter (a native parser and lowering) to meet it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_corpus import DEFAULT_CORPUS, REPO_ROOT, find_notebooks

WORKER = r'''
import ast, json, sys, time, warnings
warnings.simplefilter("ignore")
variant, listing = sys.argv[1], sys.argv[2]
with open(listing, encoding="utf-8") as handle:
    paths = handle.read().splitlines()
clock = time.perf_counter

def code_cells(path):
    with open(path, "rb") as handle:
        nb = json.loads(handle.read())
    cells = nb.get("cells")
    if cells is None:
        cells = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            yield "".join(source) if isinstance(source, list) else source

def walk(tree):
    global count
    for node in ast.walk(tree):
        count += 1

def visit_tree(tree):
    iter_children = ast.iter_child_nodes
    handlers = {}
    def generic(node):
        global count
        count += 1
        for child in iter_children(node):
            visit(child)
    def visit(node):
        handler = handlers.get(type(node))
        if handler is None:
            handler = handlers[type(node)] = generic
        handler(node)
    visit(tree)

def names(tree):
    global count
    reads, binds = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else binds).append(node.id)
            count += 1

count = 0
floor = extra = 0.0
if variant == "nbscope":
    from nbscope.checking import Settings, check_path
    from nbscope import cli
    cli._tune_collector()
    start = clock()
    for path in paths:
        check_path(path, Settings())
    floor = clock() - start
else:
    work = {"floor": None, "walk": walk, "visit": visit_tree, "names": names}[variant]
    sys.setrecursionlimit(100000)
    for path in paths:
        start = clock()
        try:
            sources = list(code_cells(path))
        except Exception:
            floor += clock() - start
            continue
        for source in sources:
            try:
                tree = ast.parse(source)
            except Exception:
                continue
            finally:
                middle = clock()
                floor += middle - start
            if work is not None:
                work(tree)
            start = clock()
            extra += start - middle
print(json.dumps({"floor": floor, "extra": extra, "count": count}))
'''


VARIANTS = ["floor", "walk", "visit", "names", "nbscope"]


def run(variant: str, listing: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", WORKER, variant, listing], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of notebooks (default: ../shared/corpus/notebooks)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant")
    parser.add_argument("--variant", choices=VARIANTS, action="append",
                        help="one variant (repeatable; default: all; the floor always runs)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: pass --corpus FOLDER", file=sys.stderr)
        return 2
    paths = [str(path) for path in find_notebooks(args.corpus)]
    chosen = ["floor", *[v for v in (args.variant or VARIANTS) if v != "floor"]]
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in chosen}
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths))
    try:
        for _ in range(args.repeat):  # interleaved, so a slow spell hits every variant
            for variant in chosen:
                runs[variant].append(run(variant, listing.name))
    finally:
        Path(listing.name).unlink()
    floors = [r["floor"] for v in chosen if v != "nbscope" for r in runs[v]]
    floor = min(floors)
    print(f"{len(paths)} notebooks; seconds (wall, one process each, {args.repeat} runs of each "
          f"variant); Python {sys.version.split()[0]}")
    print(f"the floor, timed in every variant's own run: min {floor:.3f} s, median "
          f"{statistics.median(floors):.3f} s over {len(floors)} runs")
    print(f"  {'variant':<9s} {'extra min':>10s} {'median':>8s} {'x floor':>8s}  counted")
    for variant in chosen:
        if variant == "nbscope":
            totals = [r["floor"] for r in runs[variant]]
            print(f"  {variant:<9s} {'(whole)':>10s} {statistics.median(totals):>8.3f} "
                  f"{min(totals) / floor:>7.2f}x  check_path on every notebook, min "
                  f"{min(totals):.3f} s")
            continue
        # Each run's own work over its own floor: the two are timed in one process,
        # so a slow spell of the machine slows both.
        extras = [r["extra"] for r in runs[variant]]
        ratios = sorted(1 + r["extra"] / r["floor"] for r in runs[variant])
        unit = {"walk": "nodes", "visit": "nodes", "names": "names"}.get(variant)
        print(f"  {variant:<9s} {min(extras):>10.3f} {statistics.median(extras):>8.3f} "
              f"{statistics.median(ratios):>7.2f}x  "
              f"{str(runs[variant][0]['count']) + ' ' + unit if unit else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
