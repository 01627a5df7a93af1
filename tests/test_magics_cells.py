"""IPython syntax: what magics and shell escapes bind, and positions in the raw cell."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import findings, make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Severity
from nbscope.loader import load_notebook
from nbscope.model import SavedError, Span
from nbscope.workspace import Workspace

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def text_at(source: str, span: Span) -> str:
    """The raw cell text a one-line span covers."""
    assert span.line == span.end_line
    return source.split("\n")[span.line - 1][span.column - 1:span.end_column - 1]


@pytest.mark.parametrize("cells, expected", [
    pytest.param(["%time y = 3", "print(y)"], [], id="time-line-magic-binds"),
    pytest.param(["%%time\ny = 3\n", "print(y)"], [], id="time-cell-magic-binds"),
    pytest.param(["%%timeit\ny = 3\n", "print(y)"], [(2, 1, 7, "y", "function-local")],
                 id="timeit-cell-does-not-keep-its-names"),
    pytest.param(["%timeit z = 1", "print(z)"], [(2, 1, 7, "z", "function-local")],
                 id="timeit-line-does-not-keep-its-names"),
    pytest.param(["%%timeit -n 1 -r 1\nq = undefined_ti"],
                 [(1, 2, 5, "undefined_ti", "never-defined")], id="timeit-body-is-checked"),
    pytest.param(["%%capture out\nprint(1)\n", "print(out)"], [], id="capture-binds-its-name"),
    pytest.param(["%%capture cap --no-stderr\nres = 1\n", "print(cap, res)"], [],
                 id="capture-with-options-binds-name-and-body"),
    pytest.param(["x = !ls", "print(x)"], [], id="shell-assignment-binds"),
    pytest.param(["x = %sx ls", "print(x)"], [], id="sx-assignment-binds"),
    pytest.param(["%store -r a b", "print(a, b)"], [], id="store-r-binds-each-name"),
    pytest.param(["%%bash\nfor f in *; do echo \"$f\"; done\nif [ -z \"$x\" ]; then echo; fi\n"],
                 [], id="bash-body-is-not-python"),
    pytest.param(["%%html\n<div>{{ x }}</div>\n"], [], id="html-body-is-not-python"),
    pytest.param(["%%writefile helpers.py\ndef f(:\n    pass\n"], [],
                 id="writefile-body-is-not-python"),
    pytest.param(["%%bash\necho $undefined_sh\n", "print(undefined_sh)"],
                 [(2, 1, 7, "undefined_sh", "never-defined")],
                 id="bash-body-binds-nothing"),
    pytest.param(["x = 1", "%reset -f", "print(x)"], [(3, 1, 7, "x", "deleted")],
                 id="reset-deletes-everything"),
    pytest.param(["x = 1", "%reset -f", "x = 2", "print(x)"], [], id="rebound-after-reset"),
    pytest.param(["x = 1", "%xdel x", "print(x)"], [(3, 1, 7, "x", "deleted")],
                 id="xdel-deletes"),
    pytest.param(["%time undefined_t + 1"], [(1, 1, 7, "undefined_t", "never-defined")],
                 id="time-statement-is-checked"),
    pytest.param(["ls", "print(ls)"], [(2, 1, 7, "ls", "never-defined")],
                 id="automagic-binds-nothing"),
    pytest.param(["print(In, Out, _, _i3, _5, _ii, display, get_ipython)"], [],
                 id="kernel-names"),
    pytest.param(["undefined_t?"], [], id="help-is-not-a-read"),
    pytest.param(["  %%timeit\n  y = 3", "print(y)"], [(2, 1, 7, "y", "function-local")],
                 id="indented-timeit-cell"),
    pytest.param(["def init():\n    return 1, 2\n",
                  "%%timeit -n1 -r10 c, z = init()\nprint(c + z)", "print(c)"],
                 [(3, 1, 7, "c", "function-local")], id="timeit-setup-line-binds-for-the-body"),
    pytest.param(["b = 1", "%%timeit -n1 a = [1]\nb *= 2"], [(2, 2, 1, "b", "unbound-local")],
                 id="timeit-body-assigning-a-name-makes-it-local"),
    pytest.param(["%%memit import math as mm\nx = mm.pi", "print(mm, x)"], [],
                 id="memit-runs-in-the-user-namespace"),
    pytest.param(["%memit import math as mm", "print(mm)"], [], id="memit-line-binds"),
    pytest.param(["pwd()", "print(pwd)"], [(2, 1, 7, "pwd", "never-defined")],
                 id="pwd-call-is-the-automagic"),
    pytest.param(["def run(x):\n    return x\n", "run(1)"], [],
                 id="a-function-named-like-a-magic-is-called"),
    pytest.param(["x = 1\nif x:\n    return x\ny = 2", "print(x, y)"],
                 [(1, 3, 5, None, "NS100"), (2, 1, 10, "y", "never-defined")],
                 id="return-outside-a-function-stops-the-cell-where-it-stands"),
    pytest.param(["for i in range(2):\n    pass\nelse:\n    break\n"], [(1, 4, 5, None, "NS100")],
                 id="break-in-a-top-level-loop-else"),
])
def test_magic_bindings(cells: list[str], expected: list[tuple]) -> None:
    assert findings(*cells) == expected


def test_timeit_leak_is_explained_as_function_local() -> None:
    [found] = check_notebook(make_notebook("%%timeit\ny = 3\n", "print(y)")).findings
    assert found.code == "NS002"
    assert found.cause.value == "function-local"


def test_bash_syntax_is_no_syntax_error() -> None:
    report = check_notebook(make_notebook("%%bash\nif [ -f x ]; then\n  echo 'yes\nfi\n"))
    assert report.findings == ()
    assert report.first_failure is None


# --- files beside the notebook --------------------------------------------------------------


def test_writefile_module_then_import_is_no_missing_module(tmp_path: Path) -> None:
    workspace = Workspace(str(tmp_path))
    written = make_notebook("%%writefile helpers.py\ndef f():\n    pass\n",
                            "import helpers\nhelpers.f()")
    assert check_notebook(written, workspace).findings == ()
    unwritten = make_notebook("import helpers\nhelpers.f()")
    assert [f.code for f in check_notebook(unwritten, workspace).findings] == ["NS005"]


def _module_findings(tmp_path: Path, *cells: str, errors: dict | None = None,
                     colab: bool = False) -> list[tuple]:
    notebook = make_notebook(*cells, colab=colab)
    if errors:
        cells_with_errors = tuple(
            replace(cell, errors=(SavedError(*errors[cell.index]),))
            if cell.index in errors else cell for cell in notebook.cells)
        notebook = replace(notebook, cells=cells_with_errors)
    report = check_notebook(notebook, Workspace(str(tmp_path)))
    return [(f.code, f.severity.value, f.name, f.suggestion) for f in report.findings]


def test_a_module_written_by_open_in_a_cell_above_is_found(tmp_path: Path) -> None:
    cells = ('with open("helper_functions.py", "wb") as f:\n    f.write(b"")',
             "from helper_functions import plot")
    assert _module_findings(tmp_path, *cells) == []
    assert _module_findings(tmp_path, cells[1]) == [("NS005", "warning", "helper_functions", None)]


@pytest.mark.parametrize("added, expected", [
    ('sys.path.append("lib")', []),
    ('sys.path.insert(0, "lib")', []),
    ("sys.path.append(folder)", []),  # a folder nbscope cannot name: anything may be there
    ('sys.path.append("elsewhere")', [("NS005", "warning", "my_helpers", None)]),
    ("sys.path", [("NS005", "warning", "my_helpers", None)]),
])
def test_folders_added_to_sys_path_are_searched(tmp_path: Path, added: str,
                                                expected: list) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "my_helpers.py").write_text("x = 1\n", encoding="utf-8")
    cells = (f"import sys\nfolder = 'lib'\n{added}", "import my_helpers")
    assert _module_findings(tmp_path, *cells) == expected


@pytest.mark.parametrize("install", ["!pip install my-helpers", "%pip install my_helpers",
                                     "%%bash\npip install my-helpers"])
def test_a_cell_that_installs_the_module_explains_it(tmp_path: Path, install: str) -> None:
    assert _module_findings(tmp_path, install, "import my_helpers") == []


def test_shell_commands_in_the_importing_cell_run_first(tmp_path: Path) -> None:
    cell = ("!git clone https://example.org/course.git\n!mv course/going_modular .\n"
            "import going_modular")
    assert _module_findings(tmp_path, cell) == []


@pytest.mark.parametrize("cells, errors, colab, expected", [
    pytest.param(["import my_helpers"], None, False, "warning", id="no-evidence"),
    pytest.param(["import my_helpers"], None, True, "warning", id="colab-alone-is-no-evidence"),
    pytest.param(["from google.colab import files\nfiles.upload()", "import my_helpers"], None,
                 True, "error", id="files-upload"),
    pytest.param(["from google.colab import drive\ndrive.mount('/content/drive')",
                  "import my_helpers"], None, True, "error", id="drive-mount"),
    pytest.param(["import my_helpers"],
                 {1: ("ModuleNotFoundError", "No module named 'my_helpers'")}, False, "error",
                 id="saved-module-not-found"),
    pytest.param(["from my_helpers.sub import f"],
                 {1: ("ImportError", "cannot import name 'f' from 'my_helpers.sub'")}, False,
                 "warning", id="cannot-import-name-is-no-evidence"),
    pytest.param(["# !pip install my_helpers", "from google.colab import files\nfiles.upload()",
                  "import my_helpers"], None, True, "warning", id="a-pip-install-line-names-it"),
])
def test_missing_module_is_an_error_only_with_evidence(
        tmp_path: Path, cells: list[str], errors: dict | None, colab: bool, expected: str) -> None:
    assert _module_findings(tmp_path, *cells, errors=errors, colab=colab) == [
        ("NS005", expected, "my_helpers", None)]


@pytest.mark.parametrize("module, meant", [
    ("cPickle", "pickle"), ("ConfigParser", "configparser"), ("Random", "random"),
    ("randon", "random"), ("mathi", "math")])
def test_python2_and_misspelt_standard_modules_name_the_module_meant(
        tmp_path: Path, module: str, meant: str) -> None:
    assert _module_findings(tmp_path, f"import {module}") == [("NS005", "error", module, meant)]


def test_run_binds_what_the_script_binds(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(
        "from_script = 1\ndef helper():\n    pass\nif __name__ == '__main__':\n    main_only = 3\n",
        encoding="utf-8")
    workspace = Workspace(str(tmp_path))
    report = check_notebook(
        make_notebook("%run script.py", "print(from_script, helper, main_only)"), workspace)
    assert report.findings == ()
    report = check_notebook(make_notebook("%run script.py", "print(not_in_script)"), workspace)
    assert [(f.code, f.name) for f in report.findings] == [("NS008", "not_in_script")]


def test_run_of_a_missing_script_is_an_info_note_only(tmp_path: Path) -> None:
    report = check_notebook(make_notebook("%run missing.py", "print(from_missing)"),
                            Workspace(str(tmp_path)))
    assert [(f.code, f.severity, f.cell) for f in report.findings] == [
        ("NS101", Severity.INFO, 1)]
    assert report.first_failure is None


# --- positions in the raw cell ----------------------------------------------------------------

POSITION_CELLS = [
    pytest.param("%%capture o\n\n%%capture o\n\ndef f():\n    return undefined_nc",
                 [(6, 12, "undefined_nc")], id="cell-magic-inside-a-cell-magic-body"),
    pytest.param("x = 1\n%\x0cundefined_ff", [(2, 3, "undefined_ff")],
                 id="ipython-ends-a-line-at-a-form-feed"),
    pytest.param("import os\nfiles = !ls\nfor f in files:\n    !echo {f}\n"
                 "    print(undefined_x, f)\n%time z = undefined_y\n"
                 "if True:\n    %time   w = undefined_z",
                 [(5, 11, "undefined_x"), (6, 11, "undefined_y"), (8, 17, "undefined_z")],
                 id="shell-and-magics-in-blocks"),
    pytest.param("%%time\n\nx = 1\n  # c\nprint(undefined_q)", [(5, 7, "undefined_q")],
                 id="cell-magic-body"),
    pytest.param("%%time\n\n\n  x = 1\n  print(undefined_indented)",
                 [(5, 9, "undefined_indented")], id="indented-cell-magic-body"),
    pytest.param("%%capture out\n!ls\nprint(undefined_w)", [(3, 7, "undefined_w")],
                 id="capture-body-with-shell"),
    pytest.param("    x = 1\n    print(undefined_ind)", [(2, 11, "undefined_ind")],
                 id="indented-cell"),
    pytest.param("print(1)\n!ls -la\nx = %env HOME\ny = undefined_e", [(4, 5, "undefined_e")],
                 id="after-shell-and-magic-assignments"),
    pytest.param("%time   a = [undefined_sp]", [(1, 14, "undefined_sp")],
                 id="magic-argument-after-spaces"),
    pytest.param("%timeit -n 1 -r 1 q = undefined_ti2", [(1, 23, "undefined_ti2")],
                 id="magic-argument-after-options"),
    pytest.param('s = "日本語"; t = "é" + undefined_u', [(1, 22, "undefined_u")],
                 id="non-ascii-before-the-name"),
    pytest.param('x = 1 # ünïcode\nprint("ß", undefined_v)', [(2, 12, "undefined_v")],
                 id="non-ascii-on-the-same-line"),
    pytest.param('%time s = "ü€"; r = undefined_m', [(1, 21, "undefined_m")],
                 id="non-ascii-in-a-magic-argument"),
    pytest.param('!echo é\nprint("é", undefined_n)', [(2, 12, "undefined_n")],
                 id="non-ascii-in-a-transformed-cell"),
    pytest.param("überall = 1\nprint(überal)", [(2, 7, "überal")], id="non-ascii-name"),
    pytest.param("x = 1\n\n%time y = undefined_d", [(3, 11, "undefined_d")],
                 id="blank-line-between-code-and-magic"),
    pytest.param("\n!ls\nprint(undefined_a)", [(3, 7, "undefined_a")],
                 id="leading-blank-line-before-shell"),
    pytest.param("\n%time x = undefined_b", [(2, 11, "undefined_b")],
                 id="leading-blank-line-before-magic"),
    pytest.param("\n%xdel y", [(2, 7, "y")],
                 id="leading-blank-line-before-xdel"),
    pytest.param("  %%time\n  print(undefined_e)", [(2, 9, "undefined_e")],
                 id="indented-cell-magic"),
]


@pytest.mark.parametrize("source, expected", POSITION_CELLS)
def test_positions_point_into_the_raw_cell(source: str, expected: list[tuple]) -> None:
    report = check_notebook(make_notebook(source))
    got = [(f.span.line, f.span.column, f.name) for f in report.findings]
    assert got == expected
    for found in report.findings:
        assert text_at(source, found.span) == found.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_spans_of_bundled_examples_cover_the_name(path: Path) -> None:
    notebook = load_notebook(path)
    report = check_notebook(notebook, Workspace.for_notebook(str(path)))
    sources = {cell.index: cell.source for cell in notebook.cells}
    for found in report.findings:
        if found.name is None or found.span is None:
            continue
        assert text_at(sources[found.cell], found.span) == found.name, found
