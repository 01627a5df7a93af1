"""The live extension in an in-process IPython shell (fast), and its pure parts: finding the
notebook, the history database, the overlay of runs on cells, HTML escaping."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from IPython.core.getipython import get_ipython
from IPython.testing.globalipapp import start_ipython
from kernel_harness import write_notebook

from nbscope.live import history_db, overlay
from nbscope.live.explain import LiveExplanation, closest_name
from nbscope.live.locate import find_notebook, resolve_session_name
from nbscope.live.render import explanation_html, explanation_text
from nbscope.live.session import Run, RunError, SessionRecord
from nbscope.loader import load_notebook


@pytest.fixture()
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    ip = start_ipython() or get_ipython()
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    for key in ("__session__", "__vsc_ipynb_file__"):
        ip.user_ns.pop(key, None)
    ip.run_line_magic("unload_ext", "nbscope")
    ip.extension_manager.loaded.discard("nbscope")
    if hasattr(ip, "_nbscope_record"):
        del ip._nbscope_record
    yield ip
    ip.run_line_magic("unload_ext", "nbscope")
    ip.extension_manager.loaded.discard("nbscope")


def explanation(ip, capsys: pytest.CaptureFixture[str], source: str,
                cell_id: str | None = None) -> str:
    capsys.readouterr()
    ip.run_cell(source, store_history=True, cell_id=cell_id)
    out = capsys.readouterr().out
    return out[out.index("nbscope:"):] if "nbscope:" in out else ""


def test_without_a_notebook_it_explains_from_the_input_history(shell, capsys) -> None:
    shell.run_line_magic("load_ext", "nbscope")
    shell.run_cell("def build():\n    model_x = 1\n    return 0", store_history=True)
    text = explanation(shell, capsys, "print(model_x)")
    assert "(function-local)" in text
    assert "note: nbscope found no notebook file, so this comes from the kernel's input " \
           "history (the cells as they ran); name the notebook with `%nbscope --notebook " \
           "PATH`." in text


def test_vscode_file_and_its_own_cell_ids(shell, capsys, tmp_path: Path) -> None:
    notebook = tmp_path / "vs.ipynb"
    write_notebook(notebook, [("a", "%load_ext nbscope"), ("b", "print(vs_value)"),
                              ("c", "vs_value = 3")])
    shell.user_ns["__vsc_ipynb_file__"] = str(notebook)
    shell.run_cell("%load_ext nbscope", store_history=True, cell_id="vscode-notebook-cell:1")
    text = explanation(shell, capsys, "print(vs_value)", "vscode-notebook-cell:2")
    assert "NameError for `vs_value` in cell 2" in text
    assert "assigned in cell 3 (below this cell)" in text


def test_loaded_mid_session_matches_earlier_runs_by_text(shell, capsys, tmp_path: Path) -> None:
    notebook = tmp_path / "mid.ipynb"
    write_notebook(notebook, [("a", "mid_rows = [1, 2]"), ("b", "del mid_rows"),
                              ("c", "%load_ext nbscope"), ("d", "print(mid_rows)")])
    shell.user_ns["__session__"] = str(notebook)
    shell.run_cell("mid_rows = [1, 2]", store_history=True)
    shell.run_cell("del mid_rows", store_history=True)
    shell.run_cell("%load_ext nbscope", store_history=True, cell_id="c")
    text = explanation(shell, capsys, "print(mid_rows)", "d")
    assert "(deleted)" in text and "cell 2 ran `del mid_rows`" in text


def test_runs_from_before_loading_keep_the_counts_ipython_gave_them(shell) -> None:
    # Before IPython 9 a stored run nested in a cell has the count of the cell around it
    # but a slot of In of its own: In's positions are then not counts.
    shell.run_cell("inner_count = get_ipython().run_cell('inner_value = 1', "
                   "store_history=True).execution_count", store_history=True)
    shell.run_cell("outer_value = 2", store_history=True)
    shell.run_line_magic("load_ext", "nbscope")
    runs = shell._nbscope_record.runs()
    assert [run.count for run in runs if run.source == "inner_value = 1"] == \
        [shell.user_ns["inner_count"]]
    assert [run.count for run in runs if run.source == "outer_value = 2"] == \
        [shell.execution_count - 1]


def test_a_run_kept_out_of_the_history_is_not_recorded_or_explained(shell, capsys) -> None:
    # IPython 9 gives such a run the count of the next stored run; IPython 8 gives it none.
    shell.run_line_magic("load_ext", "nbscope")
    recorded = len(shell._nbscope_record)
    capsys.readouterr()
    shell.run_cell("print(unstored_name)", store_history=False)
    captured = capsys.readouterr()
    assert "NameError" in captured.out + captured.err
    assert "nbscope" not in captured.out + captured.err
    assert len(shell._nbscope_record) == recorded


def test_report_magic_and_its_notebook_option(shell, capsys, tmp_path: Path) -> None:
    shell.run_line_magic("load_ext", "nbscope")
    capsys.readouterr()
    shell.run_line_magic("nbscope", "--notebook missing.ipynb")
    assert capsys.readouterr().err == "%nbscope: no such notebook file: missing.ipynb\n"
    notebook = tmp_path / "named.ipynb"
    write_notebook(notebook, [("a", "print(later_name)"), ("b", "later_name = 1")])
    shell.run_line_magic("nbscope", f"--notebook {notebook}")
    out = capsys.readouterr().out
    assert "nbscope: named.ipynb: 1 finding" in out
    assert "Not run in this kernel session: cells 1, 2." in out
    assert "Restart & Run All would first stop at cell 1 (NameError: `later_name`)." in out
    shell.run_line_magic("nbscope", "--bogus")
    assert capsys.readouterr().err.startswith("%nbscope: ")


def test_loading_twice_adds_one_hook_and_unload_removes_it(shell) -> None:
    before = list(shell.events.callbacks["post_run_cell"])
    slot = (shell.custom_exceptions, shell.CustomTB)
    shell.run_line_magic("load_ext", "nbscope")
    import nbscope

    nbscope.load_ipython_extension(shell)  # a second direct call changes nothing
    assert len(shell.events.callbacks["post_run_cell"]) == len(before) + 1
    assert shell.custom_exceptions == (*slot[0], NameError)
    assert "nbscope" in shell.magics_manager.magics["line"]
    shell.run_line_magic("unload_ext", "nbscope")
    assert shell.events.callbacks["post_run_cell"] == before
    assert (shell.custom_exceptions, shell.CustomTB) == slot
    assert "nbscope" not in shell.magics_manager.magics["line"]


def test_import_nbscope_does_not_import_the_shell_machinery() -> None:
    import subprocess
    import sys

    code = ("import sys, nbscope; print(any(m in sys.modules for m in "
            "('IPython.core.interactiveshell', 'nbscope.live.extension')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_resolve_session_name(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "proj" / "sub").mkdir(parents=True)
    notebook = root / "proj" / "sub" / "nb.ipynb"
    notebook.write_text("{}")
    kernel_dir = str(root / "proj" / "sub")
    assert resolve_session_name("proj/sub/nb.ipynb", kernel_dir) == str(notebook)
    assert resolve_session_name(str(notebook), "/") == str(notebook)
    assert resolve_session_name("elsewhere/nb.ipynb", kernel_dir) == str(notebook)
    assert resolve_session_name("console-1-abc", kernel_dir) is None
    assert resolve_session_name("proj/none.ipynb", kernel_dir) is None
    found = find_notebook({}, {"JPY_SESSION_NAME": "proj/sub/nb.ipynb"}, kernel_dir)
    assert found is not None and found.path == str(notebook) and "JPY_SESSION_NAME" in found.how
    assert find_notebook({}, {}, kernel_dir) is None


def test_history_database_sessions(tmp_path: Path) -> None:
    database = tmp_path / "history.sqlite"
    with sqlite3.connect(database) as connection:
        connection.executescript(
            "CREATE TABLE sessions (session integer primary key autoincrement, start "
            "timestamp, end timestamp, num_cmds integer, remark text);"
            "CREATE TABLE history (session integer, line integer, source text, source_raw "
            "text, PRIMARY KEY (session, line));")
        connection.executemany("INSERT INTO sessions VALUES (?, ?, NULL, NULL, '')",
                               [(1, "2024-01-01 10:00:00"), (2, "2024-01-02 10:00:00")])
        connection.executemany("INSERT INTO history VALUES (?, ?, ?, ?)", [
            (1, 1, "a = 1", "a = 1"), (1, 2, "print(a)", "print(a)"),
            (2, 1, "other = 1", "other = 1")])
    inputs = history_db.earlier_inputs(str(database), current_session=3)
    assert [(p.session, p.line) for p in inputs] == [(2, 1), (1, 1), (1, 2)]
    assert inputs[1].started == "2024-01-01 10:00"
    assert history_db.notebook_sessions(inputs, ["a = 1", "print(a)", "%load_ext nbscope"]) \
        == {1}
    assert history_db.notebook_sessions(inputs, ["print(a)"]) == {1}
    assert history_db.earlier_inputs(str(tmp_path / "none.sqlite"), 3) == []
    (tmp_path / "junk.sqlite").write_text("not a database")
    assert history_db.earlier_inputs(str(tmp_path / "junk.sqlite"), 3) == []


def test_overlay_matches_ids_then_text_and_keeps_orphans(tmp_path: Path) -> None:
    path = tmp_path / "o.ipynb"
    write_notebook(path, [("a", "x = 1"), ("b", "y = x"), ("c", "print(y)")], counts={"a": 9})
    runs = [Run(1, "a", "x = 1", 0), Run(2, None, "y = x", 0), Run(3, "zz", "gone = 1", 0),
            Run(4, "c", "print(y)", 0)]
    live = overlay.build(load_notebook(path), runs, {2: RunError(2, "ValueError", "v", 1)},
                         RunError(4, "NameError", "name 'y' is not defined", 1))
    assert {cell: run.count for cell, run in live.last_run.items()} == {1: 1, 2: 2, 3: 4}
    assert [run.count for run in live.orphans] == [3]
    counts = [cell.execution_count for cell in live.notebook.cells]
    assert counts == [1, 2, 4]
    assert live.notebook.cells[1].errors[0].traceback == ("Cell In[2], line 1",)


def test_session_record_seed_keeps_ids_and_order() -> None:
    record = SessionRecord()
    record.record_run(3, "c", "z = 1")
    record.seed([(1, "x = 1"), (2, "  "), (3, "z = 1")])
    assert [(r.count, r.cell_id) for r in record.runs()] == [(1, None), (3, "c")]


def test_html_is_escaped() -> None:
    found = LiveExplanation("NameError", "x", 1, "cell 1", "typo", "`<script>` & <b>",
                            "fix `a<b`", ("<i>fact</i>",))
    page = explanation_html(found)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<i>" not in page
    assert "<code>a&lt;b</code>" in page
    assert explanation_text(found).splitlines()[0] == "nbscope: NameError for `x` in cell 1, " \
                                                      "In [1] (typo)"


def test_closest_name() -> None:
    assert closest_name("learning_rat", ["learning_rate", "lr"]) == "learning_rate"
    assert closest_name("Data", ["data"]) == "data"
    assert closest_name("ab", ["abc"]) is None  # too short to guess
    assert closest_name("value", ["valeu", "valve"]) is None  # two candidates: no guess
