"""The notebook as nbscope sees it: immutable cells, positions and saved traces.

Everything here is plain frozen data shared by every layer; nothing reads files.
Coordinates follow the output contract: cells are numbered from 1 over *all*
cells (markdown and raw included), lines and columns from 1 within the cell's
source as stored, columns counted in characters, and spans end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Terminal colour codes, which kernels leave in saved tracebacks.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# How nbscope numbers lines within a cell (the contract's lines): any of the three breaks.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def cell_lines(source: str) -> list[str]:
    """A cell's lines, numbered as every position nbscope reports numbers them."""
    return LINE_BREAK.split(source)


@dataclass(frozen=True, slots=True)
class Span:
    """A range in one cell's raw source: 1-based line and column, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class SavedError:
    """An ``error`` output saved with a cell (the traceback the author saw)."""

    ename: str
    evalue: str
    traceback: tuple[str, ...] = ()

    @property
    def plain_traceback(self) -> tuple[str, ...]:
        """The traceback's lines without terminal colour codes."""
        return tuple(strip_ansi(line) for line in self.traceback)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the notebook, in document order.

    ``index`` is 1-based over all cells. ``execution_count`` is the count saved
    with the cell (None: never run in the saved session, or cleared).
    ``executed_at`` is the start of the cell's last run as seconds since the
    epoch, when the front end saved one (Colab ``executionInfo.timestamp``,
    JupyterLab ``execution``); ``timestamp_source`` names which.
    """

    index: int
    cell_type: str
    source: str
    cell_id: str | None = None
    execution_count: int | None = None
    errors: tuple[SavedError, ...] = ()
    output_count: int = 0
    executed_at: float | None = None
    timestamp_source: str | None = None

    @property
    def is_code(self) -> bool:
        return self.cell_type == "code"


@dataclass(frozen=True, slots=True)
class Notebook:
    """A whole notebook: its cells in document order and what we know of its origin.

    ``path`` is the path as the user gave it (used in reports and to resolve
    modules beside the notebook); ``language`` is the kernel language from the
    metadata, or None when the notebook does not say.
    """

    path: str
    cells: tuple[Cell, ...]
    nbformat: int = 4
    nbformat_minor: int = 5
    language: str | None = None
    is_colab: bool = False
    kernel: str | None = None  # the kernelspec's name and display name, lowercased
    # The code cells, in order: asked for by many rules, so kept (not a field of the data).
    code_cells: tuple[Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code_cells",
                           tuple(cell for cell in self.cells if cell.is_code))


class NotebookReadError(Exception):
    """A notebook could not be read; ``str(error)`` is one line for the user."""
