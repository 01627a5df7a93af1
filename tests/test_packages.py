"""Missing modules that are packages: which package to install, and what the notebook itself
provides (``pip install`` lines, remote imports, modules built by shell commands, the
modules and kernel names of managed runtimes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Cause, Finding, Severity
from nbscope.model import Cell, Notebook, SavedError
from nbscope.packages import modules_of, package_for, platform_of
from nbscope.workspace import Workspace

# Modules that cannot be installed here: pywin32 is Windows-only, the others are not
# dependencies of nbscope or of its tests (checked below, so a test cannot pass vacuously).
ABSENT = ("win32com", "theano", "trino", "ignite", "olefile")


def test_the_modules_used_here_are_not_installed() -> None:
    assert [name for name in ABSENT if importlib.util.find_spec(name) is not None] == []


def check(folder: Path, *cells: str, colab: bool = False) -> list[Finding]:
    notebook = make_notebook(*cells, colab=colab)
    return list(check_notebook(notebook, Workspace(str(folder))).findings)


def modules(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.cause is Cause.MISSING_MODULE]


# --- the table


@pytest.mark.parametrize(("module", "distribution"), [
    ("win32com.client", "pywin32"), ("pythoncom", "pywin32"), ("ignite", "pytorch-ignite"),
    ("cv2", "opencv-python"), ("sklearn", "scikit-learn"), ("osgeo.gdal", "GDAL"),
    ("spire.xls", "Spire.Xls"), ("spire.pdf.common", "Spire.Pdf"), ("bs4", "beautifulsoup4"),
    ("theano", "theano"), ("trino.dbapi", "trino"), ("memory_profiler", "memory-profiler"),
])
def test_import_names_map_to_the_distribution_to_install(module: str, distribution: str) -> None:
    package = package_for(module)
    assert package is not None and package.distribution == distribution
    assert package.install_line == f"%pip install {distribution}"


@pytest.mark.parametrize("module", ["utils", "helper", "config", "my_helpers", "Day6", "mod"])
def test_helper_module_names_are_no_package(module: str) -> None:
    assert package_for(module) is None


def test_a_distribution_lists_the_modules_it_brings() -> None:
    assert {"win32com", "pythoncom", "pywin32"} <= modules_of("pywin32")
    assert "ignite" in modules_of("pytorch_ignite")


def test_platform_modules_name_their_runtime() -> None:
    assert platform_of("awsglue.context") == "AWS Glue"
    assert platform_of("kaggle_secrets") == "Kaggle"
    assert platform_of("pandas") is None


# --- the findings


def test_a_package_not_installed_says_what_to_install(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "import win32com.client as win32", "win32.Dispatch('x')"))
    assert (found.cell, found.name, found.severity) == (1, "win32com", Severity.INFO)
    assert found.message_key == "missing-module/package-not-installed"
    assert found.suggestion == "%pip install pywin32"
    assert "PyPI package `pywin32`" in found.message
    assert "differs" in found.message
    assert "`%pip install pywin32`" in (found.fix or "")
    assert "Windows only" in (found.fix or "")


def test_a_same_name_package_is_info_not_a_helper(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "import theano.tensor as T"))
    assert found.severity is Severity.INFO
    assert found.suggestion == "%pip install theano"
    assert "differs" not in found.message


def test_a_saved_module_not_found_makes_the_package_a_warning(tmp_path: Path) -> None:
    error = SavedError("ModuleNotFoundError", "No module named 'trino'")
    notebook = Notebook("t.ipynb", (Cell(1, "code", "import trino", execution_count=1,
                                         errors=(error,)),), language="python")
    [found] = modules(list(check_notebook(notebook, Workspace(str(tmp_path))).findings))
    assert found.severity is Severity.WARNING
    assert found.message_key == "missing-module/package-saved-error"
    assert "Cell 1's saved output shows ModuleNotFoundError" in found.message


def test_an_unknown_module_stays_a_helper_that_is_not_there(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "from my_helpers import clean_text"))
    assert found.severity is Severity.WARNING
    assert found.message_key == "missing-module/not-found"
    assert "helper module" in found.message
    assert "%%writefile my_helpers.py" in (found.fix or "")
    [uploaded] = modules(check(tmp_path, "from google.colab import files\nfiles.upload()",
                               "import my_helpers", colab=True))
    assert uploaded.message_key == "missing-module/helper-colab"


def test_an_unknown_module_after_other_installs_names_the_install_cell(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "!pip -q install FireHR==0.1.2", "from banet.geo import x"))
    assert found.message_key == "missing-module/not-found-installs"
    assert "cell 1 installs packages (`pip -q install FireHR==0.1.2`)" in found.message


@pytest.mark.parametrize("install", [
    "!pip install pywin32", "%pip install -q pywin32==306", "!pip3 install --upgrade pywin32",
    "!conda install -y pywin32", "# comment\n!pip install pywin32 pandas",
])
def test_an_install_of_the_package_that_brings_it_provides_it(tmp_path: Path,
                                                              install: str) -> None:
    assert modules(check(tmp_path, install, "import win32com.client")) == []
    assert modules(check(tmp_path, install + "\nimport win32com.client")) == []


def test_an_install_of_another_package_does_not(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "!pip install pandas", "import win32com.client"))
    assert found.suggestion == "%pip install pywin32"


def test_an_install_below_the_import_is_a_cell_order_problem(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "import ignite", "x = 1", "!pip install pytorch-ignite"))
    assert (found.cell, found.severity) == (1, Severity.WARNING)
    assert found.message_key == "missing-module/installed-below"
    assert "cell 3, below this one" in found.message
    assert "`pytorch-ignite`" in found.message


def test_remote_imports_through_httpimport_are_available(tmp_path: Path) -> None:
    cell = ("import httpimport\n"
            "with httpimport.remote_repo('https://example.org/raw'):\n"
            "    import checker\n"
            "checker.check(1)")
    found = modules(check(tmp_path, cell))
    # httpimport itself is a package to install; what it loads from the URL is no finding.
    assert [(f.name, f.suggestion) for f in found] == [("httpimport", "%pip install httpimport")]
    later = modules(check(tmp_path, "!pip install httpimport", cell, "import checker"))
    assert later == []


def test_modules_built_by_shell_commands_are_available(tmp_path: Path) -> None:
    assert modules(check(tmp_path, "%%writefile dcumsum.f\n      end\n",
                         "!f2py -c dcumsum.f -m dcumsum", "import dcumsum")) == []
    assert modules(check(tmp_path, "!protoc person.proto --python_out=. --include_imports",
                         "from person_pb2 import Person")) == []
    assert modules(check(tmp_path, "%%writefile cy_sum.pyx\ndef f(): pass\n",
                         "!python setup.py build_ext --inplace", "import cy_sum")) == []


def test_a_build_below_the_import_does_not_provide_it(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "import dcumsum", "!f2py -c dcumsum.f -m dcumsum"))
    assert found.name == "dcumsum"
    assert [f.name for f in modules(check(tmp_path, "!f2py -c x.f -m other",
                                          "import dcumsum"))] == ["dcumsum"]


def test_platform_modules_of_managed_runtimes_are_available(tmp_path: Path) -> None:
    assert modules(check(tmp_path, "from awsglue.context import GlueContext",
                         "from kaggle_secrets import UserSecretsClient")) == []


def test_a_platform_module_missing_in_the_saved_run_says_where_it_runs(tmp_path: Path) -> None:
    error = SavedError("ModuleNotFoundError", "No module named 'awsglue'")
    notebook = Notebook("t.ipynb", (Cell(1, "code", "from awsglue.utils import x",
                                         execution_count=1, errors=(error,)),),
                        language="python")
    [found] = modules(list(check_notebook(notebook, Workspace(str(tmp_path))).findings))
    assert found.message_key == "missing-module/platform-module"
    assert "AWS Glue" in found.message and found.severity is Severity.WARNING


def test_an_install_below_must_bring_that_very_module(tmp_path: Path) -> None:
    found = modules(check(tmp_path, "from spire.xls import Workbook",
                          "from spire.pdf import PdfDocument", "!pip install spire.pdf"))
    assert [(f.cell, f.message_key) for f in found] == [
        (1, "missing-module/package-not-installed"), (2, "missing-module/installed-below")]
    assert found[0].suggestion == "%pip install Spire.Xls"


def test_a_commented_out_install_is_named(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "#! pip install datasets theano==1.0", "import theano"))
    assert found.message_key == "missing-module/package-install-commented"
    assert "cell 1" in found.message and "`#! pip install datasets theano==1.0`" in found.message
    assert "Uncomment the `pip install` line of cell 1" in (found.fix or "")


def test_a_subpackage_shipped_apart_names_its_own_distribution() -> None:
    assert package_for("optimum.intel.neural_compressor").distribution == "optimum-intel"
    assert package_for("optimum.onnxruntime").distribution == "optimum"


def test_an_install_of_other_packages_below_is_no_hint(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "from banet.geo import x", "!pip install FireHR"))
    assert found.message_key == "missing-module/not-found"


def test_the_hint_names_a_python_install_not_a_system_one(tmp_path: Path) -> None:
    [found] = modules(check(tmp_path, "!sudo apt install -q libportaudio2\n"
                                      "!pip install -q tflite-model-maker",
                            "from tensorflow_examples.lite import x"))
    assert "(`pip install -q tflite-model-maker`)" in found.message
    [system] = modules(check(tmp_path, "!apt install libx", "import banet"))
    assert system.message_key == "missing-module/not-found"
