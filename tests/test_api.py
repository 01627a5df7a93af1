"""The Python API gives the command line's answers: ``check_notebook``, ``check_path``,
notebook documents, printable causes and Run All's first failure at a missing module."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import nbscope
from nbscope.checking import CheckedNotebook
from nbscope.findings import Cause, Evidence, NotebookReport, Severity
from nbscope.report.json_format import notebook_entry

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "notebooks").glob("*.ipynb"))


def cli_entries(*paths: Path, cwd: Path = REPO) -> dict[str, dict]:
    """Each notebook's entry of ``nbscope check --format json``, by its path."""
    done = subprocess.run(
        [sys.executable, "-m", "nbscope", "check", "--format", "json", "--no-cache",
         *map(str, paths)], capture_output=True, text=True, cwd=cwd, check=False)
    assert done.returncode in (0, 1), done.stderr
    return {entry["path"]: entry for entry in json.loads(done.stdout)["notebooks"]}


def entry(report: NotebookReport) -> dict:
    return notebook_entry(CheckedNotebook(report))


def test_the_api_gives_the_cli_answers_on_the_example_notebooks() -> None:
    expected = cli_entries(*EXAMPLES)
    assert len(expected) == len(EXAMPLES)
    assert sum(bool(found["findings"]) for found in expected.values()) >= 10  # compares some
    for path in EXAMPLES:
        cli = expected[str(path)]
        assert entry(nbscope.check_notebook(nbscope.load_notebook(path))) == cli, path
        assert entry(nbscope.check_path(path)) == cli, path


HELPER = "settings = {'lr': 0.1}\ndefaults = {'epochs': 3}\n\ndef train(): pass\n"


def _write_notebook(path: Path, *cells: str, outputs: dict[int, list] | None = None) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    for index, source in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = (outputs or {}).get(index, [])
        notebook.cells.append(cell)
    nbformat.write(notebook, str(path))


@pytest.fixture()
def helper_folder(tmp_path: Path) -> Path:
    """Notebooks beside a helper module, one that uploads a missing one, and a package."""
    (tmp_path / "helpers.py").write_text(HELPER)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("from .core import clean\n")
    (tmp_path / "tools" / "core.py").write_text("def clean(x):\n    return x\n")
    _write_notebook(tmp_path / "uses_helper.ipynb", "from helpers import settings",
                    "print(defaults)", "from tools import clean", "clean(1)\nfixup(2)")
    _write_notebook(tmp_path / "uploads.ipynb", "from google.colab import files",
                    "files.upload()", "import my_utils", "my_utils.run()")
    _write_notebook(tmp_path / "misspelt.ipynb", "from helpers import settings, defualts",
                    "print(defualts)")
    return tmp_path


def test_the_api_gives_the_cli_answers_beside_helper_modules(helper_folder: Path) -> None:
    paths = sorted(helper_folder.glob("*.ipynb"))
    expected = cli_entries(*paths, cwd=helper_folder)
    for path in paths:
        cli = expected[str(path)]
        from_api = entry(nbscope.check_notebook(nbscope.load_notebook(path)))
        assert from_api == cli, path
        assert entry(nbscope.check_path(path)) == cli, path
    causes = {f["name"]: f["cause"] for f in expected[str(helper_folder / "uses_helper.ipynb")]
              ["findings"]}
    assert causes == {"defaults": "missing-import", "fixup": "never-defined"}


def test_check_notebook_looks_beside_the_notebook_not_in_the_current_folder(
        helper_folder: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    report = nbscope.check_notebook(nbscope.load_notebook(helper_folder / "uses_helper.ipynb"))
    [found] = [f for f in report.findings if f.name == "defaults"]
    assert (found.cause, found.suggestion) == (Cause.MISSING_IMPORT,
                                               "from helpers import defaults")


def test_a_notebook_node_is_accepted(helper_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = helper_folder / "uses_helper.ipynb"
    node = nbformat.read(str(path), as_version=4)
    by_path = nbscope.check_notebook(node, path=str(path))
    assert by_path.path == str(path)
    assert entry(by_path) == entry(nbscope.check_notebook(nbscope.load_notebook(path)))
    monkeypatch.chdir(helper_folder)  # without a path: the current folder, as a kernel's
    unnamed = nbscope.check_notebook(node)
    assert [(f.name, f.cause) for f in unnamed.findings] == \
        [(f.name, f.cause) for f in by_path.findings]
    assert nbformat.read(str(path), as_version=4) == node  # left as it was


def test_an_old_notebook_document_is_converted_from_a_copy() -> None:
    old = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_code_cell(input="print(undefined_thing)")])])
    before = json.dumps(old, sort_keys=True)
    [found] = nbscope.check_notebook(old).findings
    assert (found.cell, found.name, found.cause) == (1, "undefined_thing", Cause.NEVER_DEFINED)
    assert json.dumps(old, sort_keys=True) == before


def test_what_is_not_a_notebook_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="expected a Notebook"):
        nbscope.check_notebook(42)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="no such file"):
        nbscope.check_path(tmp_path / "absent.ipynb")
    with pytest.raises(IsADirectoryError, match="one notebook file"):
        nbscope.check_path(tmp_path)
    (tmp_path / "broken.ipynb").write_text("{not json")
    report = nbscope.check_path(tmp_path / "broken.ipynb")
    assert report.error and not report.findings


def test_check_path_applies_the_settings_and_suppressions(tmp_path: Path) -> None:
    shutil.copy(REPO / "notebooks" / "typo.ipynb", tmp_path / "typo.ipynb")
    codes = {f.code for f in nbscope.check_path(tmp_path / "typo.ipynb").findings}
    assert "NS003" in codes
    (tmp_path / "pyproject.toml").write_text('[tool.nbscope]\nignore = ["NS003"]\n')
    assert "NS003" not in {f.code for f in nbscope.check_path(tmp_path / "typo.ipynb").findings}
    assert "NS003" in {f.code for f in
                       nbscope.check_path(tmp_path / "typo.ipynb", use_config=False).findings}
    (tmp_path / "pyproject.toml").write_text('[tool.nbscope]\nnot_a_setting = 1\n')
    with pytest.raises(ValueError, match="not_a_setting"):
        nbscope.check_path(tmp_path / "typo.ipynb")


def test_causes_and_severities_print_as_their_values() -> None:
    assert str(Cause.RESTART) == "restart"
    assert f"{Cause.DEFINED_LATER}" == "defined-later"
    assert str(Severity.ERROR) == "error" and f"{Severity.WARNING:>8}" == " warning"
    assert str(Evidence.SAVED_SESSION) == "saved-session"
    assert Cause("typo") is Cause.TYPO and Cause.TYPO == "typo"  # still the contract's str


def _first_failure(folder: Path, *cells: str, outputs: dict[int, list] | None = None) -> dict:
    path = folder / "nb.ipynb"
    _write_notebook(path, *cells, outputs=outputs)
    cli = cli_entries(path, cwd=folder)[str(path)]
    assert entry(nbscope.check_path(path)) == cli
    return cli["run_all"]["first_failure"]


def test_run_all_stops_at_a_module_that_certainly_is_missing(tmp_path: Path) -> None:
    missing = nbformat.v4.new_output("error", ename="ModuleNotFoundError",
                                     evalue="No module named 'my_helpers'", traceback=[])
    assert _first_failure(tmp_path, "x = 1", "import my_helpers", "print(y)",
                          outputs={1: [missing]}) == \
        {"cell": 2, "name": "my_helpers", "error": "ModuleNotFoundError"}
    assert _first_failure(tmp_path, "import cPickle") == \
        {"cell": 1, "name": "cPickle", "error": "ModuleNotFoundError"}


@pytest.mark.parametrize("cells", [
    ("import my_helpers",),  # no evidence: maybe a package not installed here
    ("def load():\n    import cPickle",),  # runs only when called
    ("try:\n    import cPickle\nexcept Exception:\n    pass",),
    ("print(y)", "import cPickle"),  # Run All stops before it
])
def test_run_all_does_not_stop_at_an_import_that_may_work(tmp_path: Path, cells) -> None:
    failure = _first_failure(tmp_path, *cells)
    assert failure is None or failure["error"] != "ModuleNotFoundError"
