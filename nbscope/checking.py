"""One notebook through a ``nbscope check`` run: read, analyse, filter, suppress, place.

``check_path`` is what the command runs for each notebook, in this process or
in a worker; it returns plain picklable data, and its result depends only on
the path and the ``Settings``, so parallel runs report exactly what serial ones
do. The analysis itself is ``analyze.check_notebook``; this module applies the
user's choices to its findings: ``select``/``ignore``, the ``saved-session``
policy, suppressions (``suppress``), and the positions in the .ipynb file's
text that CI annotations need (``ipynb_layout``).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from .analyze import check_notebook
from .findings import Evidence, Finding, NotebookReport, Severity
from .ipynb_layout import FilePosition, LayoutError, NotebookLayout, scan
from .loader import load_notebook
from .model import Notebook, NotebookReadError
from .paths import SUFFIX, non_notebook_reason
from .rules import find_rule
from .suppress import SuppressionError, suppress
from .workspace import Workspace


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


def check_path(path: str, settings: Settings) -> CheckedNotebook:
    try:
        notebook = load_notebook(path)
    except NotebookReadError as error:
        reason = str(error)
        if os.path.isfile(path) and not path.lower().endswith(SUFFIX):
            reason = non_notebook_reason(path, reason)
        return CheckedNotebook(NotebookReport(path=path, error=reason))
    folder = os.path.dirname(os.path.abspath(path))
    key = (folder, settings.module_folders)
    workspace = _WORKSPACES.get(key)
    if workspace is None:
        workspace = _WORKSPACES[key] = Workspace(folder, settings.module_folders)
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
                layout.metadata if layout else {}, _code_of)
        except SuppressionError as error:
            return CheckedNotebook(NotebookReport(path=path, error=str(error)))
        chosen, suppressed = result.kept, result.count
    shown = _with_first_failure(report, chosen)
    positions: tuple[FilePosition | None, ...] = ()
    if settings.file_positions and layout is not None:
        positions = tuple(_position(layout, found) for found in chosen)
    return CheckedNotebook(shown, _cited_sources(notebook, chosen), suppressed, positions)


def _code_of(code_or_name: str) -> str | None:
    rule = find_rule(code_or_name)
    return rule.code if rule is not None else None


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
