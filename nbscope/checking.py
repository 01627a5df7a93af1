"""One notebook through a ``nbscope check`` run: read, analyse, filter, suppress, place.

``check_path`` is what the command runs for each notebook, in this process or
in a worker; it returns plain picklable data, and its result depends only on
the path and the ``Settings``, so parallel runs report exactly what serial ones
do. Given a ``cache.ResultCache``, it first looks for the notebook's report
there, and stores what it computes. The analysis itself is
``analyze.check_notebook``; this module applies the user's choices to its
findings: ``select``/``ignore``, the ``saved-session`` policy, suppressions
(``suppress``), and the positions in the .ipynb file's text that CI
annotations need (``ipynb_layout``).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .findings import Evidence, Finding, NotebookReport, Severity
from .model import Notebook, NotebookReadError
from .paths import SUFFIX, non_notebook_reason
from .rule_codes import code_of
from .workspace import ReadLog, Workspace, local_folders

if TYPE_CHECKING:
    from .cache import Dependency, ResultCache
    from .ipynb_layout import FilePosition, NotebookLayout

# The analysis, the loader, suppressions and the file layout are imported where they
# are used: a run whose notebooks all come from the cache never loads them.


@dataclass(frozen=True)
class Settings:
    """What the user chose, for every notebook of a run (from options and configuration)."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    saved_session: str | None = None  # "error", "warn", "off"; None: the rules' own severity
    module_folders: tuple[str, ...] = ()
    extra_builtins: frozenset[str] = frozenset()
    file_positions: bool = False  # where findings lie in the file's JSON text (github, sarif)


@dataclass(frozen=True)
class CheckedNotebook:
    """A notebook's report as shown, with what the renderers need beside it.

    ``sources`` holds the source of every cell a finding cites; ``suppressed``
    counts findings a ``# noqa``, tag or metadata hid; ``positions`` (when asked)
    gives each shown finding's place in the file's text, in the same order.
    """

    report: NotebookReport
    sources: dict[int, str] = dataclasses.field(default_factory=dict)
    suppressed: int = 0
    positions: tuple[FilePosition | None, ...] = ()


_WORKSPACES: dict[tuple[str, tuple[str, ...]], Workspace] = {}  # per process, per folder


def check_path(path: str, settings: Settings, cache: ResultCache | None = None) -> CheckedNotebook:
    """The notebook at ``path`` as the run shows it; from ``cache`` when its inputs are
    unchanged (the cached value is the report a fresh analysis gives, field for field)."""
    if cache is not None:
        data = _bytes(path)
        if data is not None:
            return _check_cached(path, data, settings, cache)
    from .loader import load_notebook

    try:
        notebook = load_notebook(path)
    except NotebookReadError as error:
        return _unreadable(path, error)
    return _checked(notebook, path, settings, _workspace(path, settings))


def cached(path: str, settings: Settings, cache: ResultCache) -> CheckedNotebook | None:
    """The notebook's report from the cache if its inputs are unchanged, else None
    (no analysis: the caller checks the misses, in this process or in workers)."""
    data = _bytes(path)
    return None if data is None else _lookup(path, data, settings, cache)[0]


def _lookup(path: str, data: bytes, settings: Settings,
            cache: ResultCache) -> tuple[CheckedNotebook | None, str | None]:
    """The cached report (or None) and the notebook's key (None: not cacheable)."""
    from .cache_codec import CodecError, decode

    folder = os.path.dirname(os.path.abspath(path))
    key = cache.key(path, data, local_folders(folder, settings.module_folders))
    entry = cache.get(key) if key is not None else None
    if entry is not None and _still_true(entry[0], path, settings, cache):
        try:
            return decode(entry[1]), key
        except CodecError:
            pass  # damaged: analysed again and written anew
    return None, key


def _check_cached(path: str, data: bytes, settings: Settings,
                  cache: ResultCache) -> CheckedNotebook:
    from .cache_codec import encode
    from .loader import parse_notebook

    hit, key = _lookup(path, data, settings, cache)
    if hit is not None:
        return hit
    try:
        notebook = parse_notebook(data, path)
    except NotebookReadError as error:
        return _unreadable(path, error)
    log = ReadLog(_workspace(path, settings))
    checked = _checked(notebook, path, settings, log)
    dependencies = _dependencies(log, cache)
    if key is not None and dependencies is not None:
        cache.put(key, dependencies, encode(checked))
    return checked


def _dependencies(log: ReadLog, cache: ResultCache) -> list[Dependency] | None:
    """What the analysis read outside the local folders, with a digest of what it found;
    None when a folder a cell adds to ``sys.path`` cannot be fingerprinted."""
    from .cache import Dependency, file_digest

    found = [Dependency("script", script, file_digest(source))
             for script, source in sorted(log.scripts.items())]
    base = set(log.workspace.local_folders())
    for folder in log.workspace.local_folders(tuple(sorted(log.added_paths))):
        if folder not in base:
            digest = cache.folder_digest(folder)
            if digest is None:
                return None
            found.append(Dependency("folder", folder, digest))
    return found


def _still_true(dependencies: list[Dependency], path: str, settings: Settings,
                cache: ResultCache) -> bool:
    from .cache import file_digest

    for dependency in dependencies:
        if dependency.kind == "script":
            source = _workspace(path, settings).script_source(dependency.target)
            if file_digest(source) != dependency.digest:
                return False
        elif dependency.kind != "folder" or \
                cache.folder_digest(dependency.target) != dependency.digest:
            return False
    return True


def _bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except (OSError, ValueError):
        return None  # the loader says why, in its words


def _unreadable(path: str, error: NotebookReadError) -> CheckedNotebook:
    reason = str(error)
    if os.path.isfile(path) and not path.lower().endswith(SUFFIX):
        reason = non_notebook_reason(path, reason)
    return CheckedNotebook(NotebookReport(path=path, error=reason))


def _workspace(path: str, settings: Settings) -> Workspace:
    folder = os.path.dirname(os.path.abspath(path))
    key = (folder, settings.module_folders)
    workspace = _WORKSPACES.get(key)
    if workspace is None:
        workspace = _WORKSPACES[key] = Workspace(folder, settings.module_folders)
    return workspace


def _checked(notebook: Notebook, path: str, settings: Settings,
             workspace: Workspace | ReadLog) -> CheckedNotebook:
    """The analysis of ``notebook``, with the user's choices and suppressions applied."""
    from .analyze import check_notebook
    from .suppress import SuppressionError, suppress

    report = check_notebook(notebook, workspace, extra_builtins=settings.extra_builtins)
    chosen = tuple(_chosen(report.findings, settings))
    text = _text(path) if chosen or settings.file_positions else None
    # Tags and metadata can only suppress if the file mentions nbscope: skip the scan otherwise.
    layout = None
    if text is not None and (settings.file_positions or "nbscope" in text):
        layout = _layout(text)
    suppressed = 0
    if chosen:
        try:
            result = suppress(
                chosen, {cell.index: cell.source for cell in notebook.cells},
                {cell.index: layout.tags(cell.index) for cell in layout.cells} if layout else {},
                layout.metadata if layout else {}, code_of)
        except SuppressionError as error:
            return CheckedNotebook(NotebookReport(path=path, error=str(error)))
        chosen, suppressed = result.kept, result.count
    shown = _with_first_failure(report, chosen)
    positions: tuple[FilePosition | None, ...] = ()
    if settings.file_positions and layout is not None:
        positions = tuple(_position(layout, found) for found in chosen)
    return CheckedNotebook(shown, _cited_sources(notebook, chosen), suppressed, positions)


def _chosen(findings: tuple[Finding, ...], settings: Settings) -> list[Finding]:
    """The findings the rule selection and the saved-session policy keep, as they show."""
    kept = []
    for found in findings:
        if settings.select is not None and found.code not in settings.select:
            continue
        if found.code in settings.ignore:
            continue
        if found.evidence is Evidence.SAVED_SESSION and settings.saved_session is not None:
            if settings.saved_session == "off":
                continue
            if settings.saved_session == "error" and found.severity is not Severity.ERROR:
                found = dataclasses.replace(found, severity=Severity.ERROR)
            elif settings.saved_session == "warn" and found.severity is Severity.ERROR:
                found = dataclasses.replace(found, severity=Severity.WARNING)
        kept.append(found)
    return kept


def _with_first_failure(report: NotebookReport, shown: tuple[Finding, ...]) -> NotebookReport:
    """The report with ``shown`` findings; Run All's first failure is dropped when the
    user ignored or suppressed every finding that explains it."""
    failure = report.first_failure
    if failure is not None:
        def explains(found: Finding) -> bool:
            if failure.name is None:
                return found.cell == failure.cell and found.code == "NS100"
            return found.cell == failure.cell and found.name == failure.name
        hidden = [found for found in report.findings if found not in shown]
        if any(map(explains, hidden)) and not any(map(explains, shown)):
            failure = None
    return NotebookReport(report.path, report.error, shown, failure)


def _text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError):
        return None


def _layout(text: str) -> NotebookLayout | None:
    """The file's JSON layout (None if it cannot be had: the report then says less)."""
    from .ipynb_layout import LayoutError, scan

    try:
        return scan(text)
    except LayoutError:
        return None


def _position(layout: NotebookLayout, found: Finding) -> FilePosition | None:
    span = found.span
    return layout.position(found.cell, span.line if span else None,
                           span.column if span else None)


def _cited_sources(notebook: Notebook, findings: tuple[Finding, ...]) -> dict[int, str]:
    cited = {found.cell for found in findings}
    return {cell.index: cell.source for cell in notebook.cells if cell.index in cited}
