"""How many of the NameErrors saved in the corpus' outputs does nbscope explain?

For every code cell whose saved outputs include an ``error`` with ``ename ==
"NameError"``, the name is read from the message (``name 'x' is not defined``) and
nbscope's report is searched for a finding at that cell, for that name, with a
specific cause (anything but ``never-defined``). Run from the repository root:

    python3 benchmarks/saved_nameerrors.py                # totals and causes
    python3 benchmarks/saved_nameerrors.py --list missed  # every saved error not explained
    python3 benchmarks/saved_nameerrors.py --sample 30    # a fixed-seed sample to check by hand

The totals are also split by where the traceback says the error was raised: at
the cell's top level, inside a function the cell called, in text the cell
evaluated (``File "<string>"``), or on a line the cell no longer contains
(stale). ``--sample N`` prints, for N saved errors drawn with ``--seed`` (0
unless given) from all of them, explained or not: the cell's code, its saved
traceback and nbscope's message, for a hand check.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from nbscope.loader import load_notebook  # noqa: E402
from nbscope.model import Cell, NotebookReadError, SavedError  # noqa: E402
from nbscope.rules.saved_frames import stale_quote  # noqa: E402
from nbscope.saved_traceback import frames  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "notebooks"
NAME = re.compile(r"name '([^']+)' is not defined")


def saved_name_errors(path: Path) -> list[tuple[int, str, Cell, SavedError]]:
    """(cell, name, the cell, its error) of each saved NameError output, cells numbered
    from 1 over all cells."""
    try:
        notebook = load_notebook(str(path))
    except NotebookReadError:
        return []
    return [(cell.index, match.group(1), cell, error) for cell in notebook.code_cells
            for error in cell.errors if error.ename == "NameError"
            for match in [NAME.search(error.evalue)] if match]


def raised_where(cell: Cell, error: SavedError) -> str:
    """Where the saved traceback says the NameError was raised."""
    found = frames(error)
    if not found:
        return "no frames"
    if found[-1].kind == "string":
        return "evaluated text"
    if len(found) > 1 and found[-1].function is not None:
        return "inside a function"
    if stale_quote(cell, error) is not None:
        return "stale (edited)"
    return "top level"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--list", choices=["missed", "never-defined", "all"])
    parser.add_argument("--sample", type=int, default=0, help="print N explained ones")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "nbscope", "check", "--format", "json", "--fail-on",
               "never", str(args.corpus)]
    report = json.loads(subprocess.run(command, capture_output=True, text=True,
                                       cwd=ROOT, check=False).stdout)
    findings = {}
    for notebook in report["notebooks"]:
        findings[Path(notebook["path"]).resolve()] = notebook["findings"]
    rows = []
    for path in sorted(args.corpus.rglob("*.ipynb")):
        if any(part.startswith(".") for part in path.relative_to(args.corpus).parts[:-1]):
            continue
        for cell, name, saved_cell, error in saved_name_errors(path):
            at = [f for f in findings.get(path.resolve(), [])
                  if f["cell"] == cell and f.get("name") == name]
            causes = sorted({f.get("cause") or "" for f in at})
            specific = [c for c in causes if c and c != "never-defined"]
            kind = "explained" if specific else ("never-defined" if causes else "missed")
            rows.append((path.relative_to(args.corpus), cell, name, kind, at,
                         (saved_cell, error)))
    total = len(rows)
    kinds = Counter(row[3] for row in rows)
    causes = Counter(_best(row[4])["cause"] for row in rows if row[3] == "explained")
    print(f"command: {' '.join(command[1:])}")
    print(f"saved NameError outputs: {total} in {len({r[0] for r in rows})} notebooks")
    explained = kinds["explained"]
    print(f"explained with a specific cause at that cell and name: {explained} "
          f"({100 * explained / max(total, 1):.1f}%)")
    print(f"only never-defined: {kinds['never-defined']}; no finding: {kinds['missed']}")
    print("by cause (most specific when several):")
    for cause, count in causes.most_common():
        print(f"  {cause:20} {count}")
    print("by where the traceback says it was raised (explained / all):")
    places = Counter(raised_where(*row[5]) for row in rows)
    for place, count in places.most_common():
        done = sum(1 for row in rows if raised_where(*row[5]) == place and row[3] == "explained")
        print(f"  {place:20} {done} / {count}")
    if args.list:
        for path, cell, name, kind, _at, _saved in rows:
            if args.list == "all" or kind == args.list:
                print(f"{kind:14} {path} cell {cell} `{name}`")
    if args.sample:
        chosen = list(rows)
        random.Random(args.seed).shuffle(chosen)
        for number, row in enumerate(chosen[:args.sample], start=1):
            _print_sample(number, row)
    return 0


def _print_sample(number: int, row: tuple) -> None:
    """One saved error for the hand check: the cell, the traceback, nbscope's message."""
    path, cell, name, kind, at, (saved_cell, error) = row
    print(f"\n=== {number}. {path} cell {cell} `{name}` [count {saved_cell.execution_count}]")
    print("--- cell code:")
    lines = saved_cell.source.split("\n")
    for text in lines[:15]:
        print(f"    {text}")
    if len(lines) > 15:
        print(f"    ... ({len(lines) - 15} more lines)")
    print("--- saved traceback:")
    for entry in error.plain_traceback[2:][-3:]:
        for text in entry.rstrip("\n").split("\n")[:8]:
            print(f"    {text}")
    print(f"--- nbscope ({kind}):")
    for found in at:
        print(f"    {found['code']} {found.get('cause')}: {found['message']}")


_ORDER = ["out-of-order", "restart", "failed-definition", "hidden-state", "missing-module"]


def _best(at: list[dict]) -> dict:
    """The finding with the most specific cause (saved-session causes first)."""
    return min((f for f in at if f.get("cause") not in (None, "never-defined")),
               key=lambda f: _priority(f["cause"]))


def _priority(cause: str) -> int:
    return _ORDER.index(cause) if cause in _ORDER else len(_ORDER)


if __name__ == "__main__":
    sys.exit(main())
