"""Shared helpers: build a ``Notebook`` from cell strings and list what nbscope finds in it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from nbscope.analyze import check_notebook
from nbscope.findings import FirstFailure, Severity
from nbscope.model import Cell, Notebook


def make_notebook(*cells: str, path: str = "t.ipynb", counts: Sequence[int | None] | None = None,
                  colab: bool = False) -> Notebook:
    """A notebook of ``cells``; a string starting with ``md:`` is a markdown cell.

    Cells are numbered from 1 over all cells; ``counts`` gives each cell's saved
    execution count.
    """
    built = []
    for index, text in enumerate(cells, start=1):
        markdown = text.startswith("md:")
        built.append(Cell(
            index=index,
            cell_type="markdown" if markdown else "code",
            source=text[3:] if markdown else text,
            cell_id=f"c{index}",
            execution_count=None if counts is None or markdown else counts[index - 1],
        ))
    return Notebook(path=path, cells=tuple(built), language="python", is_colab=colab)


def findings(*cells: str) -> list[tuple]:
    """Sorted ``(cell, line, column, name, cause or code)`` of every error and warning."""
    report = check_notebook(make_notebook(*cells))
    rows = [
        (f.cell, f.span.line if f.span else None, f.span.column if f.span else None, f.name,
         f.cause.value if f.cause else f.code)
        for f in report.findings if f.severity is not Severity.INFO
    ]
    return sorted(rows, key=lambda r: (r[0], r[1] or 0, r[2] or 0, r[3] or "", r[4]))


def first_failure(*cells: str) -> FirstFailure | None:
    return check_notebook(make_notebook(*cells)).first_failure


def pytest_addoption(parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the long versions of slow tests (test_oracle.py: 50,000 "
                          "generated programs instead of 2,000; test_replay_work.py: "
                          "20,000 instead of 300)")


@pytest.fixture
def slow(request: pytest.FixtureRequest) -> bool:
    """Whether the run asked for the long versions of slow tests (``--slow``)."""
    return bool(request.config.getoption("--slow"))


def pytest_configure(config) -> None:
    """The runs of `nbscope check` in tests keep their results cache in a folder of the
    test session (not beside this repository's pyproject.toml); subprocesses inherit it."""
    import os
    import tempfile

    if "NBSCOPE_CACHE_DIR" not in os.environ:
        os.environ["NBSCOPE_CACHE_DIR"] = config._nbscope_cache = tempfile.mkdtemp(
            prefix="nbscope-test-cache-")


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_nbscope_cache", None)
    if folder is not None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
