"""The ``nbscope`` command: options and configuration, the run, printing, exit status.

``main(argv)`` returns the exit status (0: nothing at or above ``--fail-on``;
1: findings; 2: a usage or input error) and never calls ``sys.exit`` itself.
What happens to each notebook is ``checking.check_path``; which files are read
is ``paths``; the settings are ``config``; the output is ``report``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from . import __version__, config
from .checking import CheckedNotebook, Settings, cached, check_path
from .paths import select_notebooks
from .report import FORMATS, Run
from .report.progress import Progress
from .report.progress import wanted as progress_wanted
from .rule_codes import code_of, to_codes

if TYPE_CHECKING:
    from .cache import ResultCache

# The rules, the cache and the process pool are imported where they are needed:
# `nbscope check one.ipynb` should not pay for what it does not use.

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
  nbscope check --format github nbs/    annotations on the pull request's lines
  nbscope check --format sarif nbs/ > nbscope.sarif   for code scanning

configuration: [tool.nbscope] in the nearest pyproject.toml above the checked
paths (or --config FILE); an option given here takes the place of the setting.
cache: results of unchanged notebooks are kept in .nbscope_cache (beside the
pyproject.toml, else in the current folder); --no-cache, --cache-dir DIR or
NBSCOPE_CACHE_DIR change that, `nbscope clean` removes it.
suppressions: `# noqa: NS001` on the line, cell tag `nbscope-ignore[:NS001]`,
notebook metadata {"nbscope": {"ignore": ["NS001"]}}.

exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error
(a notebook that cannot be read, a path that holds no notebook, a bad setting)"""


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
    check.add_argument("--fail-on", choices=list(config.FAIL_ON), default=None,
                       help="lowest severity that makes the exit status 1 (default: error)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when findings are reported (report-only jobs); "
                            "input and usage errors still exit 2")
    check.add_argument("--select", metavar="CODES",
                       help="only report these rule codes, comma-separated (e.g. NS001,NS003)")
    check.add_argument("--ignore", metavar="CODES",
                       help="do not report these rule codes, comma-separated")
    check.add_argument("--exclude", metavar="GLOBS",
                       help="skip notebooks matching these globs, comma-separated "
                            "(e.g. 'drafts/,*_scratch.ipynb')")
    check.add_argument("--saved-session", choices=list(config.SAVED_SESSION), default=None,
                       help="findings from the saved session (NS009-NS012): 'error' fails the "
                            "build, 'warn' reports them as warnings, 'off' hides them "
                            "(default: each rule's own severity)")
    check.add_argument("--config", metavar="FILE",
                       help="read settings from FILE ([tool.nbscope] of a pyproject.toml, or "
                            "the top level of another TOML file)")
    check.add_argument("--no-config", action="store_true",
                       help="ignore every pyproject.toml: only command-line options")
    check.add_argument("--jobs", type=int, default=0, metavar="N",
                       help="notebooks checked in parallel (default: one per CPU)")
    check.add_argument("--no-cache", action="store_true",
                       help="analyse every notebook, and neither read nor write the cache")
    check.add_argument("--cache-dir", metavar="DIR",
                       help="the cache folder (default: NBSCOPE_CACHE_DIR, the cache-dir "
                            "setting, or .nbscope_cache beside the pyproject.toml)")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="no progress bar, and no summary line when nothing is reported")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                       help="color the text report (default: auto, on a terminal unless "
                            "NO_COLOR is set)")

    rule = commands.add_parser("rule", help="explain a rule, or list them all",
                               description="Show the documentation of a rule by code "
                                           "(NS001) or name (defined-later); without one, "
                                           "list every rule.")
    rule.add_argument("code", nargs="?", help="rule code or name")

    clean = commands.add_parser("clean", help="remove the cache folder",
                                description="Remove the folder where `nbscope check` keeps the "
                                            "results of unchanged notebooks (the one it would "
                                            "use from here).")
    clean.add_argument("--cache-dir", metavar="DIR",
                       help="the cache folder (default: as for `nbscope check`)")
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
    if args.command == "clean":
        return _clean(args.cache_dir)
    parser.print_help()
    return 2


def _check(args: argparse.Namespace) -> int:
    try:
        settings = _configuration(args)
    except ValueError as error:  # ConfigError too
        print(f"nbscope: {error}", file=sys.stderr)
        return 2
    if args.jobs < 0:
        print("nbscope: --jobs takes a number of processes, 0 for one per CPU", file=sys.stderr)
        return 2
    selection = select_notebooks(args.paths, settings.exclude, settings.root)
    for path, reason in selection.path_errors:
        print(f"nbscope: {path}: {reason}", file=sys.stderr)
    check_settings = Settings(
        select=settings.select, ignore=settings.ignore, saved_session=settings.saved_session,
        module_folders=settings.module_folders, extra_builtins=settings.extra_builtins,
        file_positions=args.format in ("github", "sarif"))
    results = None
    if not args.no_cache and selection.notebooks:
        results = _cache(args.cache_dir, settings, check_settings)
    progress = Progress(sys.stderr, len(selection.notebooks),
                        progress_wanted(sys.stderr, args.quiet, len(selection.notebooks)))
    checked = []
    try:
        with _batch_collector(len(selection.notebooks) > 1):
            for item in _check_all(selection.notebooks, check_settings, args.jobs, results):
                checked.append(item)
                progress.advance()
    finally:
        progress.close()
    run = Run(checked, fail_on=settings.fail_on, excluded=selection.excluded,
              path_errors=selection.path_errors, color=_color(args.color))
    run = dataclasses.replace(run, status=_status(run, args.exit_zero))
    quiet_and_clean = args.quiet and args.format == "text" and not any(
        item.report.findings or item.report.error for item in checked)
    if not quiet_and_clean:
        sys.stdout.write(FORMATS[args.format](run))
    return run.status


def _cache_folder(option: str | None, settings: config.Config) -> str:
    """The cache folder: ``--cache-dir``, else ``NBSCOPE_CACHE_DIR``, else the setting,
    else beside the configuration file or the nearest ``pyproject.toml``."""
    from . import cache

    chosen = option or os.environ.get(cache.ENV_VAR) or settings.cache_dir
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    return cache.default_location(settings.root if settings.path else None)


def _cache(option: str | None, settings: config.Config,
           check_settings: Settings) -> ResultCache | None:
    """The run's cache, or None when its folder cannot be written (the run goes on)."""
    from . import cache

    results = cache.ResultCache(_cache_folder(option, settings), cache.run_key(check_settings))
    return results if results.prepare() else None


def _clean(option: str | None) -> int:
    try:
        found = config.find(["."])
        settings = config.load(found, code_of) if found else config.Config(root=os.getcwd())
    except config.ConfigError as error:
        print(f"nbscope: {error}", file=sys.stderr)
        return 2
    from . import cache

    folder = _cache_folder(option, settings)
    if not os.path.exists(folder):
        print(f"nbscope: no cache at {folder}")
        return 0
    if not cache.clear(folder):
        print(f"nbscope: {folder} was not made by nbscope (no nbscope CACHEDIR.TAG in it): "
              "left alone", file=sys.stderr)
        return 2
    print(f"nbscope: removed {folder}")
    return 0


def _configuration(args: argparse.Namespace) -> config.Config:
    """The configuration file's settings, with the command line's options in their place."""
    found = args.config or (None if args.no_config else config.find(args.paths))
    settings = config.load(found, code_of) if found else config.Config(root=os.getcwd())
    changes: dict[str, object] = {}
    if args.select is not None:
        changes["select"] = _codes(args.select)
    if args.ignore is not None:
        changes["ignore"] = frozenset(_codes(args.ignore))
    if args.exclude is not None:
        changes["exclude"] = tuple(g.strip() for g in args.exclude.split(",") if g.strip())
    if args.fail_on is not None:
        changes["fail_on"] = args.fail_on
    if args.saved_session is not None:
        changes["saved_session"] = args.saved_session
    return dataclasses.replace(settings, **changes)


def _status(run: Run, exit_zero: bool) -> int:
    if run.unreadable or run.path_errors:
        return 2
    failing = any(run.failing(report) for report in run.reports)
    return 1 if failing and not exit_zero else 0


def _color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


# Fewer notebooks than this are checked in this process: a pool would cost more.
_POOL_THRESHOLD = 16
# The collector's first threshold during a batch (CPython's default is 700).
_BATCH_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def _batch_collector(batch: bool) -> Iterator[None]:
    """Fewer garbage collections while many notebooks are checked.

    Checking builds many small objects (syntax trees, events, states) and frees most
    of them by reference counting; with CPython's default thresholds the cycle
    collector walks the survivors again and again (a tenth of a corpus run). The
    objects made before the run (modules, tables) are frozen out of its way. The
    process's own settings come back afterwards, for callers of ``main``.
    """
    if not batch or not _generational_gc():
        yield
        return
    thresholds = gc.get_threshold()
    _tune_collector()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _generational_gc() -> bool:
    """CPython's collector has generations to tune; another interpreter's (PyPy's) may not."""
    return all(hasattr(gc, name)
               for name in ("get_threshold", "set_threshold", "freeze", "unfreeze"))


def _tune_collector() -> None:
    if not _generational_gc():
        return
    gc.freeze()
    gc.set_threshold(*_BATCH_GC_THRESHOLD)


def _check_all(paths: list[str], settings: Settings, jobs: int,
               results: ResultCache | None) -> Iterator[CheckedNotebook]:
    """Check every path, in order: cached reports from this process, the others in
    worker processes when there are many."""
    if results is None:
        yield from _analyse_all(paths, settings, jobs, None)
        return
    found = [cached(path, settings, results) for path in paths]
    misses = [path for path, hit in zip(paths, found, strict=True) if hit is None]
    analysed = _analyse_all(misses, settings, jobs, results)
    for hit in found:
        yield hit if hit is not None else next(analysed)


def _analyse_all(paths: list[str], settings: Settings, jobs: int,
                 results: ResultCache | None) -> Iterator[CheckedNotebook]:
    check = functools.partial(check_path, settings=settings, cache=results)
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    if workers == 1 or len(paths) < _POOL_THRESHOLD:
        yield from map(check, paths)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_tune_collector) as pool:
        yield from pool.map(check, paths, chunksize=8)


def _codes(text: str) -> frozenset[str]:
    if not text.strip(", "):
        raise ValueError("--select and --ignore need at least one rule code")
    codes, unknown = to_codes(text.split(","))
    if unknown is not None:
        raise ValueError(f"unknown rule {unknown!r} (see `nbscope rule` for the list)")
    return codes


def _rule(code: str | None) -> int:
    from .rules import REGISTRY, find_rule

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
