"""The slice the live explanation analyses gives the same finding for the failing read as
the whole notebook: on the example notebooks and on real notebooks of the corpus."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nbscope.analyze import check_notebook
from nbscope.live.relevant import relevant_slice
from nbscope.loader import load_notebook
from nbscope.model import Notebook, NotebookReadError
from nbscope.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "notebooks"


def code_only(notebook: Notebook) -> Notebook:
    """Without saved counts and outputs: what the code alone says."""
    cells = tuple(replace(c, execution_count=None, errors=(), output_count=0,
                          executed_at=None) for c in notebook.cells)
    return replace(notebook, cells=cells)


def mismatches(path: Path, limit: int = 6) -> list[str]:
    try:
        notebook = code_only(load_notebook(path))
    except NotebookReadError:
        return []
    workspace = Workspace.for_notebook(str(path))
    whole = check_notebook(notebook, workspace)
    wrong = []
    named = [f for f in whole.findings if f.name and f.cause is not None][:limit]
    for found in named:
        sliced = check_notebook(relevant_slice(notebook, found.name, {found.cell}), workspace)
        same = [(f.code, f.cause, f.span) for f in sliced.findings
                if f.cell == found.cell and f.name == found.name]
        if (found.code, found.cause, found.span) not in same:
            wrong.append(f"{path.name} cell {found.cell} `{found.name}`: whole notebook "
                          f"{found.code} {found.cause.value}, slice {same}")
    return wrong


def test_example_notebooks_slice_to_the_same_findings() -> None:
    wrong = [line for path in sorted((REPO / "notebooks").glob("*.ipynb"))
             for line in mismatches(path)]
    assert wrong == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-notebook corpus is not at {CORPUS}")
def test_corpus_notebooks_slice_to_the_same_findings() -> None:
    notebooks = sorted(CORPUS.rglob("*.ipynb"))[::12]
    assert len(notebooks) > 100
    wrong = [line for path in notebooks for line in mismatches(path)]
    assert wrong == [], "\n".join(wrong[:20])


def test_a_slice_keeps_numbers_and_drops_what_cannot_matter() -> None:
    notebook = load_notebook(REPO / "notebooks" / "typo.ipynb")
    sliced = relevant_slice(notebook, "session_conff", {3})
    indices = [cell.index for cell in sliced.cells]
    assert 3 in indices and all(cell.is_code for cell in sliced.cells)
    assert indices == sorted(indices)
    assert any("session_conf " in cell.source or "session_conf=" in cell.source
               for cell in sliced.cells)  # the near name's definition stays
