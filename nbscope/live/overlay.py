"""The notebook as this kernel session knows it: the document's cells, each with the code it
last ran in this session, that run's count and the error it raised.

This is what lets the CLI's engine explain a live NameError: a ``Notebook`` whose
execution counts and saved errors are this session's, exactly the traces the saved-session
rules read. Runs are matched to cells by the front end's cell id, else by identical text
(VS Code's ids are not the notebook's, and runs from before the extension was loaded have
none). Runs that match no cell are kept apart: code that ran but is no longer in the
notebook (a deleted cell, or one not saved yet). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Cell, Notebook, SavedError
from .session import Run, RunError


@dataclass(frozen=True, slots=True)
class LiveNotebook:
    """The engine's input plus the session facts the explanation cites.

    ``document`` is the notebook as found (None: none was, and ``notebook`` is the runs
    themselves, one cell per run); ``last_run`` maps a cell index to its last run in this
    session; ``orphans`` are runs that match no cell; ``appended`` is the index given to
    the failing cell when it is not in the document (an unsaved cell), else None.
    """

    notebook: Notebook
    document: Notebook | None
    last_run: dict[int, Run]
    orphans: tuple[Run, ...]
    appended: int | None = None

    def cell_of(self, count: int) -> int | None:
        return next((cell for cell, run in self.last_run.items() if run.count == count), None)


def build(document: Notebook | None, runs: list[Run], errors: dict[int, RunError],
          current: RunError | None = None) -> LiveNotebook:
    """Overlay this session's ``runs`` and ``errors`` on ``document``; ``current`` is the
    error being explained now (its run is the last of ``runs``, not yet in ``errors``)."""
    if current is not None:
        errors = {**errors, current.count: current}
    if document is None:
        return _from_runs(runs, errors)
    last_run, orphans = match_runs(document, runs)
    appended = None
    cells = [_with_run(cell, last_run.get(cell.index), errors) for cell in document.cells]
    if current is not None and current.count not in {r.count for r in last_run.values()}:
        failing = next((r for r in reversed(runs) if r.count == current.count), None)
        if failing is not None:
            appended = len(cells) + 1
            orphans = [r for r in orphans if r.count != current.count]
            last_run[appended] = failing
            cells.append(_with_run(Cell(appended, "code", failing.source, failing.cell_id),
                                   failing, errors))
    notebook = replace(document, cells=tuple(cells))
    return LiveNotebook(notebook, document, last_run, tuple(orphans), appended)


def match_runs(document: Notebook, runs: list[Run]) -> tuple[dict[int, Run], list[Run]]:
    """Each code cell's last run in this session, and the runs that match no cell."""
    by_id = {cell.cell_id: cell.index for cell in document.code_cells if cell.cell_id}
    by_text: dict[str, int] = {}
    for cell in document.code_cells:
        by_text.setdefault(cell.source.strip(), cell.index)
    last_run: dict[int, Run] = {}
    orphans: list[Run] = []
    for run in runs:
        index = by_id.get(run.cell_id) if run.cell_id else None
        if index is None:
            index = by_text.get(run.source.strip())
        if index is None:
            orphans.append(run)
        else:
            last_run[index] = run
    return last_run, orphans


def saved_error(error: RunError) -> SavedError:
    """A run's error in the shape of a saved error output, as the engine reads those."""
    where = (f"Cell In[{error.count}], line {error.line}",) if error.line else ()
    return SavedError(error.ename, error.evalue, where)


def _with_run(cell: Cell, run: Run | None, errors: dict[int, RunError]) -> Cell:
    if not cell.is_code:
        return cell
    if run is None:
        # Not run in this session: the document's counts and outputs are older sessions'.
        return replace(cell, execution_count=None, errors=(), output_count=0,
                       executed_at=None, timestamp_source=None)
    error = errors.get(run.count)
    return replace(cell, source=run.source, execution_count=run.count,
                   errors=(saved_error(error),) if error else (), output_count=1,
                   executed_at=None, timestamp_source=None)


def _from_runs(runs: list[Run], errors: dict[int, RunError]) -> LiveNotebook:
    """No notebook: the cells are the runs, in the order they ran."""
    cells = []
    last_run = {}
    for index, run in enumerate(runs, start=1):
        cells.append(_with_run(Cell(index, "code", run.source, run.cell_id), run, errors))
        last_run[index] = run
    notebook = Notebook(path="(this kernel's input history)", cells=tuple(cells),
                        language="python")
    return LiveNotebook(notebook, None, last_run, ())
