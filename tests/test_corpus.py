"""Real notebooks: every notebook of the shared corpus is checked without a crash.

The corpus (about two thousand third-party notebooks) lives beside the project
in ``../shared/corpus``; a clone without it skips these tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nbscope.analyze import check_notebook
from nbscope.loader import load_notebook
from nbscope.model import NotebookReadError
from nbscope.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "notebooks"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"the real-notebook corpus is not at {CORPUS} (it sits beside the project "
           f"only on the developers' and CI machines)",
)


def _notebooks() -> list[Path]:
    return sorted(CORPUS.rglob("*.ipynb"))


def test_every_corpus_notebook_is_checked_or_gets_a_one_line_error() -> None:
    notebooks = _notebooks()
    assert len(notebooks) > 1000
    for path in notebooks:
        try:
            notebook = load_notebook(path)
        except NotebookReadError as error:
            assert "\n" not in str(error) and str(error), path
            continue
        report = check_notebook(notebook, Workspace.for_notebook(str(path)))
        cells = {cell.index: cell for cell in notebook.cells}
        for found in report.findings:
            assert found.cell in cells and cells[found.cell].is_code, (path, found)
            assert found.message and "\n" not in found.message, (path, found)


def test_magic_heavy_corpus_notebooks_raise_no_false_alarm_on_ipython_names() -> None:
    """Kernel names and names bound by magics are never reported, on real notebooks."""
    kernel_names = {"In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_oh", "_ih", "_dh",
                    "get_ipython", "display", "exit", "quit"}
    for path in _notebooks():
        text = path.read_text(encoding="utf-8", errors="replace")
        if "%time" not in text and "%%capture" not in text and "get_ipython" not in text:
            continue
        try:
            notebook = load_notebook(path)
        except NotebookReadError:
            continue
        report = check_notebook(notebook, Workspace.for_notebook(str(path)))
        reported = {f.name for f in report.findings if f.severity.value != "info"}
        assert not reported & kernel_names, (path, reported & kernel_names)


def test_cli_over_a_corpus_folder_never_prints_a_traceback() -> None:
    folder = next(p for p in sorted(CORPUS.iterdir()) if p.is_dir())
    done = subprocess.run([sys.executable, "-m", "nbscope", "check", "--format", "json",
                           str(folder)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
    document = json.loads(done.stdout)
    visible = [p for p in folder.rglob("*.ipynb")
               if not any(part.startswith(".") for part in p.relative_to(folder).parts[:-1])]
    assert document["summary"]["notebooks"] == len(visible)
