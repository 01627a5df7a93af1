"""How many of the NameErrors saved in the corpus' outputs does nbscope explain?

For every code cell whose saved outputs include an ``error`` with ``ename ==
"NameError"``, the name is read from the message (``name 'x' is not defined``) and
nbscope's report is searched for a finding at that cell, for that name, with a
specific cause (anything but ``never-defined``). Run from the repository root:

    python3 benchmarks/saved_nameerrors.py                # totals and causes
    python3 benchmarks/saved_nameerrors.py --list missed  # every saved error not explained
    python3 benchmarks/saved_nameerrors.py --sample 30    # a random sample to check by hand
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
from nbscope.model import NotebookReadError  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "notebooks"
NAME = re.compile(r"name '([^']+)' is not defined")


def saved_name_errors(path: Path) -> list[tuple[int, str]]:
    """(cell, name) of each saved NameError output, cells numbered from 1 over all cells."""
    try:
        notebook = load_notebook(str(path))
    except NotebookReadError:
        return []
    return [(cell.index, match.group(1)) for cell in notebook.code_cells
            for error in cell.errors if error.ename == "NameError"
            for match in [NAME.search(error.evalue)] if match]


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
        for cell, name in saved_name_errors(path):
            at = [f for f in findings.get(path.resolve(), [])
                  if f["cell"] == cell and f.get("name") == name]
            causes = sorted({f.get("cause") or "" for f in at})
            specific = [c for c in causes if c and c != "never-defined"]
            kind = "explained" if specific else ("never-defined" if causes else "missed")
            rows.append((path.relative_to(args.corpus), cell, name, kind, at))
    total = len(rows)
    kinds = Counter(kind for *_, kind, _ in rows)
    causes = Counter(_best(at)["cause"] for *_, kind, at in rows if kind == "explained")
    print(f"command: {' '.join(command[1:])}")
    print(f"saved NameError outputs: {total} in {len({r[0] for r in rows})} notebooks")
    explained = kinds["explained"]
    print(f"explained with a specific cause at that cell and name: {explained} "
          f"({100 * explained / max(total, 1):.1f}%)")
    print(f"only never-defined: {kinds['never-defined']}; no finding: {kinds['missed']}")
    print("by cause (most specific when several):")
    for cause, count in causes.most_common():
        print(f"  {cause:20} {count}")
    if args.list:
        for path, cell, name, kind, _at in rows:
            if args.list == "all" or kind == args.list:
                print(f"{kind:14} {path} cell {cell} `{name}`")
    if args.sample:
        chosen = [r for r in rows if r[3] == "explained"]
        random.Random(args.seed).shuffle(chosen)
        for path, cell, name, _, at in chosen[:args.sample]:
            best = _best(at)
            print(f"\n{path} cell {cell} `{name}` [{best['cause']}]\n  {best['message']}")
    return 0


_ORDER = ["out-of-order", "restart", "failed-definition", "hidden-state", "missing-module"]


def _best(at: list[dict]) -> dict:
    """The finding with the most specific cause (saved-session causes first)."""
    return min((f for f in at if f.get("cause") not in (None, "never-defined")),
               key=lambda f: _priority(f["cause"]))


def _priority(cause: str) -> int:
    return _ORDER.index(cause) if cause in _ORDER else len(_ORDER)


if __name__ == "__main__":
    sys.exit(main())
