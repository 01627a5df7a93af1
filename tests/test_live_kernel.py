"""The live extension in a real kernel: each NameError is explained under its unchanged
traceback, from the notebook on disk and the cell ids the front end sends.

One kernel serves the whole module; each scenario rewrites the notebook file with its own
cells (and its own names, since the kernel's memory is shared). A handler for ImportError
is installed before nbscope is loaded, as Colab does, to prove it keeps working.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kernel_harness import LiveKernel, Outcome, write_notebook

LOAD = ("load", "%load_ext nbscope")
COLAB_LIKE_HANDLER = """\
def _import_hint(shell, etype, value, tb, tb_offset=None):
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    print("HINT: install or upload the missing module")
get_ipython().set_custom_exc((ImportError,), _import_hint)
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("live")
    notebook = workdir / "analysis.ipynb"
    write_notebook(notebook, [LOAD])
    live = LiveKernel(notebook, workdir)
    try:
        assert live.run(COLAB_LIKE_HANDLER).status == "ok"
        loaded = live.run(LOAD[1], LOAD[0])
        assert loaded.status == "ok", loaded.traceback
        assert not loaded.stderr and not loaded.displays
        yield live
    finally:
        live.shutdown()


def scenario(kernel: LiveKernel, *cells: tuple[str, str]) -> None:
    """The notebook file now holds the load cell and ``cells``."""
    write_notebook(kernel.notebook, [LOAD, *cells])


def plain_traceback(outcome: Outcome) -> str:
    """The traceback without the run's count, to compare two runs of the same failure."""
    return re.sub(r"Cell In\[\d+\]", "Cell In[N]", outcome.traceback)


def test_used_before_its_defining_cell_ran(kernel: LiveKernel) -> None:
    scenario(kernel, ("use", "train(session_conf)"), ("conf", "session_conf = {'lr': 0.1}"),
             ("train", "def train(conf):\n    return conf"))
    kernel.run_notebook_cell("train")
    failed = kernel.run_notebook_cell("use")
    assert failed.status == "error"
    assert failed.error["ename"] == "NameError"
    assert "name 'session_conf' is not defined" in failed.traceback
    text = failed.explanation
    assert "nbscope: NameError for `session_conf` in cell 2" in text
    assert "(defined-later)" in text
    assert "assigned in cell 3 (below this cell), which has not run in this kernel session" \
        in text
    assert "Run cell 3 first" in text and "move it above cell 2" in text
    html = failed.displays[-1]["data"]["text/html"]
    assert "<code>session_conf</code>" in html


def test_run_out_of_order(kernel: LiveKernel) -> None:
    scenario(kernel, ("raw", "raw_rows = [3, 1, 2]"), ("sort", "ordered = sorted(raw_rows)"),
             ("show", "print(ordered[0])"))
    assert kernel.run_notebook_cell("raw").status == "ok"
    failed = kernel.run_notebook_cell("show")  # skipped the cell above
    text = failed.explanation
    assert "`ordered` is assigned in cell 3 (above this cell), which has not run in this " \
           "kernel session" in text
    assert "(out-of-order)" in text
    assert "Run cell 3 first, then this cell." in text
    # Running the skipped cell fixes it, and a cell that works shows nothing extra.
    assert kernel.run_notebook_cell("sort").status == "ok"
    fixed = kernel.run_notebook_cell("show")
    assert fixed.status == "ok" and fixed.stdout == "1\n" and not fixed.displays


def test_function_local_name(kernel: LiveKernel) -> None:
    scenario(kernel, ("eval", "def evaluate(xs):\n    results = [x * 2 for x in xs]\n"
                              "    return len(results)\nevaluate([1, 2])"),
             ("print", "print(results)"))
    kernel.run_notebook_cell("eval")
    text = kernel.run_notebook_cell("print").explanation
    assert "(function-local)" in text
    assert "assigned only inside the function `evaluate` (cell 2, line 2)" in text
    assert "return results" in text


def test_typo(kernel: LiveKernel) -> None:
    scenario(kernel, ("rate", "learning_rate = 0.01"), ("typo", "print(learning_rat)"))
    kernel.run_notebook_cell("rate")
    text = kernel.run_notebook_cell("typo").explanation
    assert "(typo)" in text
    assert "did you mean `learning_rate`" in text
    assert "Replace `learning_rat` with `learning_rate`" in text


def test_typo_of_a_name_only_the_kernel_has(kernel: LiveKernel) -> None:
    kernel.run("kernel_only_total = 10")  # not in any cell of the notebook
    scenario(kernel, ("typo", "print(kernel_only_totl)"))
    text = kernel.run_notebook_cell("typo").explanation
    assert "did you mean `kernel_only_total`, which exists in the kernel?" in text


def test_missing_import(kernel: LiveKernel) -> None:
    scenario(kernel, ("stats", "print(statistics.mean([1, 2, 3]))"))
    text = kernel.run_notebook_cell("stats").explanation
    assert "(missing-import)" in text
    assert "`import statistics`" in text


def test_module_that_was_never_uploaded(kernel: LiveKernel) -> None:
    scenario(kernel, ("up", "from google.colab import files\nuploaded = files.upload()"),
             ("imp", "from my_text_helpers import clean_text"),
             ("use", "print(clean_text('A  b'))"))
    before = kernel.run_notebook_cell("use").explanation
    assert "(missing-module)" in before
    assert "`clean_text` is imported in cell 3 (above this cell), which has not run in this " \
           "kernel session. Running it will fail too: `my_text_helpers` cannot be imported" \
        in before
    assert "%%writefile my_text_helpers.py" in before
    assert kernel.run_notebook_cell("imp").error["ename"] == "ModuleNotFoundError"
    after = kernel.run_notebook_cell("use").explanation
    assert "`clean_text` comes from the import in cell 3, which failed in this session " \
           "(In [" in after
    assert "No module named 'my_text_helpers'" in after


def test_definition_that_raised_in_this_session(kernel: LiveKernel) -> None:
    scenario(kernel, ("read", "scores_table = open('no_such_scores.csv').read()"),
             ("use", "print(len(scores_table))"))
    assert kernel.run_notebook_cell("read").error["ename"] == "FileNotFoundError"
    text = kernel.run_notebook_cell("use").explanation
    assert "(failed-definition)" in text
    assert "raised FileNotFoundError on line 1 before reaching the assignment" in text
    assert "Fix the FileNotFoundError in cell 2" in text


def test_deleted_in_this_session(kernel: LiveKernel) -> None:
    scenario(kernel, ("make", "big_frame = list(range(5))"), ("free", "del big_frame"),
             ("use", "print(big_frame)"))
    for cell_id in ("make", "free"):
        assert kernel.run_notebook_cell(cell_id).status == "ok"
    text = kernel.run_notebook_cell("use").explanation
    assert "(deleted)" in text
    assert "cell 3 ran `del big_frame`" in text
    assert "Run cell 2 again" in text


def test_successful_cells_print_nothing_extra(kernel: LiveKernel) -> None:
    scenario(kernel, ("ok", "value_ok = 41\nprint(value_ok + 1)"), ("expr", "value_ok * 2"))
    first = kernel.run_notebook_cell("ok")
    assert (first.status, first.stdout, first.stderr, first.displays) == ("ok", "42\n", "", [])
    second = kernel.run_notebook_cell("expr")
    assert second.stderr == "" and not second.displays
    assert [r["data"]["text/plain"] for r in second.results] == ["82"]


def test_unbound_local_error(kernel: LiveKernel) -> None:
    scenario(kernel, ("count", "counter = 0\ndef bump():\n    counter += 1\nbump()"))
    failed = kernel.run_notebook_cell("count")
    assert failed.error["ename"] == "UnboundLocalError"
    text = failed.explanation
    assert "nbscope: UnboundLocalError for `counter`" in text
    assert "(unbound-local)" in text


def test_a_name_error_inside_a_module_is_not_the_notebooks(kernel: LiveKernel,
                                                           tmp_path: Path) -> None:
    (kernel.notebook.parent / "broken_helper.py").write_text("def go():\n    return nope\n")
    scenario(kernel, ("imp", "import broken_helper\nbroken_helper.go()"))
    failed = kernel.run_notebook_cell("imp")
    assert failed.error["ename"] == "NameError" and failed.explanation == ""


def test_pre_existing_handler_still_runs(kernel: LiveKernel) -> None:
    failed = kernel.run("import module_that_is_not_there_xyz", "imp")
    assert failed.error["ename"] == "ModuleNotFoundError"
    assert "HINT: install or upload the missing module" in failed.stdout
    assert failed.explanation == ""


def test_crash_inside_nbscope_keeps_the_traceback(kernel: LiveKernel) -> None:
    scenario(kernel, ("boom", "print(crash_probe_name)"))
    normal = kernel.run_notebook_cell("boom")
    assert normal.explanation
    kernel.run("import nbscope.live.extension as _ext\n_saved_explain = _ext.explain\n"
               "def _broken(*args, **kwargs):\n    raise RuntimeError('injected\\nfailure')\n"
               "_ext.explain = _broken")
    try:
        crashed = kernel.run_notebook_cell("boom")
    finally:
        kernel.run("_ext.explain = _saved_explain")
    assert crashed.status == "error"
    assert crashed.error["ename"] == normal.error["ename"] == "NameError"
    assert crashed.error["evalue"] == normal.error["evalue"]
    assert plain_traceback(crashed) == plain_traceback(normal)
    assert crashed.explanation == ""
    assert crashed.stderr == ("nbscope could not explain this error (RuntimeError: injected "
                              "failure).\n")
    again = kernel.run_notebook_cell("boom")  # still loaded, still explaining
    assert again.explanation


def test_report_magic(kernel: LiveKernel) -> None:
    scenario(kernel, ("a", "report_a = 1"), ("b", "print(report_b)"),
             ("c", "report_b = report_a + 1"))
    kernel.run_notebook_cell("a")
    kernel.run("report_a = 2", "a")  # ran an edit that is not saved: the file differs
    shown = kernel.run("%nbscope")
    assert shown.status == "ok", shown.traceback
    text = "\n".join(d["data"]["text/plain"] for d in shown.displays)
    assert "analysis.ipynb: 1 finding" in text
    assert "NS001 defined-later" in text
    assert "Not run in this kernel session: cells 3, 4." in text
    assert "Edited since it ran (the kernel has the older version): cell 2 (ran as In [" in text
    assert "Restart & Run All would first stop at cell 3 (NameError: `report_b`)." in text
    assert "<table>" in shown.displays[0]["data"]["text/html"]


def test_unload_restores_the_plain_traceback(kernel: LiveKernel) -> None:
    hooks = "print(len(get_ipython().events.callbacks['post_run_cell']))"
    loaded_hooks = int(kernel.run(hooks).stdout)
    scenario(kernel, ("gone", "print(after_unload_name)"))
    explained = kernel.run_notebook_cell("gone")
    assert explained.explanation
    assert kernel.run("%unload_ext nbscope").status == "ok"
    plain = kernel.run_notebook_cell("gone")
    assert plain.displays == [] and plain.stderr == "" and plain.stdout == ""
    assert plain_traceback(plain) == plain_traceback(explained)
    assert int(kernel.run(hooks).stdout) == loaded_hooks - 1
    # The ImportError handler that was there before is back in the slot, alone.
    imported = kernel.run("import another_missing_module_xyz")
    assert "HINT: install or upload the missing module" in imported.stdout
    slot = kernel.run("print(get_ipython().custom_exceptions)")
    assert slot.stdout == "(<class 'ImportError'>,)\n"
    gone = kernel.run("%nbscope")
    assert "Line magic function `%nbscope` not found" in gone.stderr + gone.traceback, gone
    # Loading again, and reloading, each leave exactly one hook and one handler.
    assert kernel.run(LOAD[1], LOAD[0]).status == "ok"
    assert kernel.run("%reload_ext nbscope").status == "ok"
    assert int(kernel.run(hooks).stdout) == loaded_hooks
    slot = kernel.run("print(get_ipython().custom_exceptions)")
    assert slot.stdout == "(<class 'ImportError'>, <class 'NameError'>)\n"
    assert kernel.run_notebook_cell("gone").explanation
