"""The ``nbscope`` command: argument handling, walking paths, printing, exit status.

``main(argv)`` returns the exit status (0: nothing at or above ``--fail-on``;
1: findings; 2: a usage or input error) and never calls ``sys.exit`` itself.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from . import __version__
from .analyze import check_notebook
from .findings import NotebookReport, Severity
from .loader import load_notebook
from .model import NotebookReadError
from .report import FORMATS
from .rules import REGISTRY, find_rule
from .workspace import Workspace

DESCRIPTION = """\
Find and explain NameErrors in Jupyter and Colab notebooks before they bite:
names used before the cell that defines them, names that exist only inside a
function, typos, missing imports, deleted names, missing helper modules.
nbscope reads notebooks; it never runs them, imports what they import, or
changes them."""

CHECK_EPILOG = """\
examples:
  nbscope check analysis.ipynb          check one notebook
  nbscope check notebooks/              every .ipynb below a folder
  nbscope check --format json nb.ipynb  machine-readable report (schema 1)

exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nbscope", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nbscope {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="check notebooks and folders of notebooks",
        description="Check notebooks as Restart & Run All would run them, top to bottom "
                    "in a fresh kernel, and explain every name that would be undefined.",
        epilog=CHECK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help=".ipynb files or folders (searched recursively, skipping hidden "
                            "folders and .ipynb_checkpoints)")
    check.add_argument("--format", choices=sorted(FORMATS), default="text",
                       help="output format (default: text)")
    check.add_argument("--fail-on", choices=["error", "warning", "info", "never"],
                       default="error",
                       help="lowest severity that makes the exit status 1 (default: error)")
    check.add_argument("--select", metavar="CODES",
                       help="only report these rule codes, comma-separated (e.g. NS001,NS003)")
    check.add_argument("--ignore", metavar="CODES",
                       help="do not report these rule codes, comma-separated")
    check.add_argument("--jobs", type=int, default=0, metavar="N",
                       help="notebooks checked in parallel (default: one per CPU)")

    rule = commands.add_parser("rule", help="explain a rule, or list them all",
                               description="Show the documentation of a rule by code "
                                           "(NS001) or name (defined-later); without one, "
                                           "list every rule.")
    rule.add_argument("code", nargs="?", help="rule code or name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and usage errors
        return int(stop.code or 0)
    _tolerate_unencodable_output()
    if args.command == "check":
        return _check(args)
    if args.command == "rule":
        return _rule(args.code)
    parser.print_help()
    return 2


def _check(args: argparse.Namespace) -> int:
    try:
        selected = _codes(args.select)
        ignored = _codes(args.ignore) or set()
    except ValueError as error:
        print(f"nbscope: {error}", file=sys.stderr)
        return 2
    if args.jobs < 0:
        print("nbscope: --jobs takes a number of processes, 0 for one per CPU", file=sys.stderr)
        return 2
    paths = list(_notebook_paths(args.paths))
    reports: list[NotebookReport] = []
    sources: dict[str, str] = {}
    for report, cell_sources in _check_all(paths, args.jobs):
        reports.append(report)
        sources.update(cell_sources)
    if not paths:
        print(f"nbscope: no notebooks (.ipynb) found in {', '.join(args.paths)}",
              file=sys.stderr)
    reports = [_filtered(report, selected, ignored) for report in reports]
    sys.stdout.write(FORMATS[args.format](reports, sources))
    if any(report.error is not None for report in reports):
        return 2
    return 1 if _fails(reports, args.fail_on) else 0


# Fewer notebooks than this are checked in this process: a pool would cost more.
_POOL_THRESHOLD = 16
_WORKSPACES: dict[str, Workspace] = {}  # per process: one per notebook folder


def _check_all(paths: list[str], jobs: int
               ) -> Iterator[tuple[NotebookReport, dict[str, str]]]:
    """Check every path, in order; in worker processes when there are many."""
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    if workers == 1 or len(paths) < _POOL_THRESHOLD:
        yield from map(_check_one, paths)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_check_one, paths, chunksize=8)


def _check_one(path: str) -> tuple[NotebookReport, dict[str, str]]:
    """One notebook's report, and its cells' sources (for excerpts in the text report)."""
    try:
        notebook = load_notebook(path)
    except NotebookReadError as error:
        return NotebookReport(path=path, error=str(error)), {}
    folder = os.path.dirname(os.path.abspath(path))
    workspace = _WORKSPACES.setdefault(folder, Workspace(folder))
    report = check_notebook(notebook, workspace)
    cited = {found.cell for found in report.findings}
    sources = {f"{path}\0{cell.index}": cell.source for cell in notebook.cells
               if cell.index in cited}
    return report, sources


def _notebook_paths(paths: Sequence[str]) -> Iterator[str]:
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path)
        else:
            yield path  # a missing or odd file becomes that notebook's one-line error


def _walk(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".ipynb"):
                yield os.path.join(root, name)


def _codes(text: str | None) -> set[str] | None:
    if text is None:
        return None
    if not text.strip(", "):
        raise ValueError("--select and --ignore need at least one rule code")
    codes = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        rule = find_rule(part)
        if rule is None:
            raise ValueError(f"unknown rule {part!r} (see `nbscope rule` for the list)")
        codes.add(rule.code)
    return codes


def _filtered(report: NotebookReport, selected: set[str] | None,
              ignored: set[str]) -> NotebookReport:
    if selected is None and not ignored:
        return report
    kept = tuple(f for f in report.findings
                 if (selected is None or f.code in selected) and f.code not in ignored)
    return NotebookReport(report.path, report.error, kept, report.first_failure)


def _fails(reports: Sequence[NotebookReport], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for report in reports for f in report.findings)


def _rule(code: str | None) -> int:
    if code is None:
        for rule in REGISTRY.values():
            print(f"{rule.code}  {rule.name:<16} {rule.severity.value:<8} {rule.summary}")
        return 0
    rule = find_rule(code)
    if rule is None:
        print(f"nbscope: unknown rule {code!r}; `nbscope rule` lists them all", file=sys.stderr)
        return 2
    cause = f" (cause `{rule.cause.value}`)" if rule.cause else ""
    print(f"# {rule.code} {rule.name}{cause}\n\n{rule.summary}\n"
          f"Default severity: {rule.severity.value}.\n\n{rule.doc}", end="")
    return 0


def _tolerate_unencodable_output() -> None:
    # Notebook text can hold lone surrogates or characters the terminal cannot show.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
