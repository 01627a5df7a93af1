"""The live extension across kernel restarts: what ran before a restart is known from the
notebook's saved counts and from IPython's history database, and code that only a deleted
cell held is named as such. One kernel, restarted as a user restarts it."""

from __future__ import annotations

import pytest
from kernel_harness import LiveKernel, write_notebook

LOAD = ("load", "%load_ext nbscope")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("restart")
    notebook = workdir / "train.ipynb"
    write_notebook(notebook, [LOAD])
    live = LiveKernel(notebook, workdir)
    try:
        yield live
    finally:
        live.shutdown()


def run_all(kernel: LiveKernel, cell_ids: list[str]) -> None:
    for cell_id in cell_ids:
        outcome = kernel.run_notebook_cell(cell_id)
        assert outcome.status == "ok", outcome.traceback


def test_restart_and_use_again(kernel: LiveKernel) -> None:
    cells = [LOAD, ("cfg", "model_cfg = {'layers': 4}"), ("fit", "print(model_cfg['layers'])")]
    write_notebook(kernel.notebook, cells)
    run_all(kernel, ["load", "cfg", "fit"])
    # Saved as JupyterLab saves it: with this session's counts.
    write_notebook(kernel.notebook, cells, counts={"load": 1, "cfg": 2, "fit": 3})
    kernel.restart()
    run_all(kernel, ["load"])
    failed = kernel.run_notebook_cell("fit")
    assert failed.error["ename"] == "NameError"
    text = failed.explanation
    assert "nbscope: NameError for `model_cfg` in cell 3, In [2] (restart)" in text
    assert "`model_cfg` is assigned in cell 2 (above this cell), which has not run in this " \
           "kernel session. It ran before the kernel restarted" in text
    assert "IPython's history: cell 2 ran as In [2] in session" in text
    assert "The notebook file saves cell 2 with the count [2], from an earlier session." in text
    assert "Run cell 2 first, then this cell." in text


def test_history_alone_proves_the_restart(kernel: LiveKernel) -> None:
    cells = [LOAD, ("path", "data_path = 'rows.csv'"), ("show", "print(data_path)")]
    write_notebook(kernel.notebook, cells)  # never saved with counts
    kernel.restart()
    run_all(kernel, ["load", "path", "show"])
    kernel.restart()
    run_all(kernel, ["load"])
    text = kernel.run_notebook_cell("show").explanation
    assert "(restart)" in text
    assert "IPython's history: cell 2 ran as In [2] in session" in text
    assert "notebook file saves" not in text


def test_deleted_defining_cell(kernel: LiveKernel) -> None:
    cells = [LOAD, ("limit", "threshold_value = 7"), ("use", "print(threshold_value * 2)")]
    write_notebook(kernel.notebook, cells)
    kernel.restart()
    run_all(kernel, ["load", "limit", "use"])
    write_notebook(kernel.notebook, [cells[0], cells[2]])  # the defining cell is deleted
    kernel.restart()
    run_all(kernel, ["load"])
    failed = kernel.run_notebook_cell("use")
    text = failed.explanation
    assert "(hidden-state)" in text
    assert ("`threshold_value` was assigned by code that is no longer in the notebook: "
            "`threshold_value = 7` ran as In [2] in an earlier kernel session") in text
    assert "Put the definition back in a cell above this one: `threshold_value = 7`" in text


def test_deleted_cell_in_the_same_session_shows_in_the_report(kernel: LiveKernel) -> None:
    cells = [LOAD, ("tmp", "scratch_total = 99"), ("use", "print(scratch_total)")]
    write_notebook(kernel.notebook, cells)
    kernel.restart()
    run_all(kernel, ["load", "tmp", "use"])
    write_notebook(kernel.notebook, [cells[0], cells[2]])
    shown = kernel.run("%nbscope")
    text = "\n".join(d["data"]["text/plain"] for d in shown.displays)
    assert "Defined by code no longer in the notebook (lost at the next restart): " \
           "`scratch_total` (In [2])." in text
    assert "NS008 never-defined" in text
