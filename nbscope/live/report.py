"""The ``%nbscope`` report: the CLI's findings on the notebook, plus what only the live
session shows (cells not run since the kernel started, cells edited since they ran, names
whose defining code is gone, where Restart & Run All would stop). Pure data."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from ..analyze import bound_names, check_notebook
from .overlay import LiveNotebook


@dataclass(frozen=True, slots=True)
class Row:
    cell: int
    line: int | None
    code: str | None
    cause: str | None
    message: str


@dataclass(frozen=True, slots=True)
class LiveReport:
    title: str
    rows: tuple[Row, ...]
    facts: tuple[str, ...]
    note: str | None = None


def build_report(live: LiveNotebook, namespace: Iterable[str] = (),
                 workspace: object | None = None) -> LiveReport:
    """The report for ``live``'s document; ``namespace`` is the kernel's variable names."""
    document = live.document or live.notebook
    report = check_notebook(document, workspace)
    rows = tuple(Row(f.cell, f.span.line if f.span else None, f.code,
                     f.cause.value if f.cause else None, f.message) for f in report.findings)
    facts = [*_session_facts(live, set(namespace), workspace)]
    failure = report.first_failure
    if failure is not None:
        what = f"{failure.error}: `{failure.name}`" if failure.name else failure.error
        facts.append(f"Restart & Run All would first stop at cell {failure.cell} ({what}).")
    else:
        facts.append("Restart & Run All would not stop on a NameError or a syntax error.")
    name = os.path.basename(document.path) if live.document is not None else document.path
    count = len(rows)
    title = f"{name}: {count} finding{'' if count == 1 else 's'}"
    note = None if live.document is not None else (
        "No notebook file was found: these are the cells as they ran in this kernel; name "
        "the notebook with `%nbscope --notebook PATH`.")
    return LiveReport(title, rows, tuple(facts), note)


def _session_facts(live: LiveNotebook, namespace: set[str],
                   workspace: object | None) -> list[str]:
    if live.document is None:
        return []
    facts = []
    code = [cell for cell in live.document.code_cells if cell.source.strip()]
    not_run = [cell.index for cell in code if cell.index not in live.last_run]
    if not_run:
        facts.append(f"Not run in this kernel session: {_cells(not_run)}.")
    edited = [f"{cell.index} (ran as In [{live.last_run[cell.index].count}])" for cell in code
              if cell.index in live.last_run
              and live.last_run[cell.index].source.strip() != cell.source.strip()]
    if edited:
        facts.append(f"Edited since it ran (the kernel has the older version): cell "
                     f"{', '.join(edited)}.")
    gone = _names_from_gone_code(live, namespace, workspace)
    if gone:
        shown = ", ".join(f"`{name}` (In [{count}])" for name, count in gone[:12])
        facts.append(f"Defined by code no longer in the notebook (lost at the next restart): "
                     f"{shown}.")
    return facts


def _names_from_gone_code(live: LiveNotebook, namespace: set[str],
                          workspace: object | None) -> list[tuple[str, int]]:
    """Kernel variables bound only by runs that match no cell of the notebook."""
    if not live.orphans or live.document is None:
        return []
    from_orphans: dict[str, int] = {}
    for run in live.orphans:
        for name in bound_names(run.source, workspace) & namespace:
            from_orphans[name] = run.count
    if not from_orphans:
        return []
    in_cells = set().union(*(bound_names(cell.source, workspace)
                             for cell in live.document.code_cells))
    return sorted((name, count) for name, count in from_orphans.items() if name not in in_cells)


def _cells(indices: list[int]) -> str:
    shown = ", ".join(str(i) for i in indices[:20])
    more = f" and {len(indices) - 20} more" if len(indices) > 20 else ""
    return f"cell{'s' if len(indices) > 1 else ''} {shown}{more}"
