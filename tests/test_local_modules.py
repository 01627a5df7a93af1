"""Names from the notebook's own modules: files beside it, packages, ``%%writefile`` cells
and ``sys.path`` folders, read from source (never imported)."""

from __future__ import annotations

from pathlib import Path

from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Cause, Finding, Severity
from nbscope.workspace import Workspace

CONFIG = 'settings = {"lr": 0.1}\ndefaults = {"epochs": 3}\n'


def check(folder: Path, *cells: str) -> list[Finding]:
    return list(check_notebook(make_notebook(*cells), Workspace(str(folder))).findings)


def about(findings: list[Finding], name: str) -> Finding:
    found = [f for f in findings if f.name == name]
    assert len(found) == 1, findings
    return found[0]


def test_a_name_the_imported_module_defines_is_a_missing_import(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(CONFIG)
    findings = check(tmp_path, "from config import settings", "print(settings)",
                     "print(defaults)")
    found = about(findings, "defaults")
    assert (found.cell, found.cause, found.code) == (3, Cause.MISSING_IMPORT, "NS004")
    assert found.suggestion == "from config import defaults"
    assert "`from config import settings, defaults`" in (found.fix or "")
    assert "cell 1" in (found.fix or "")
    assert [(r.role, r.cell) for r in found.related] == [("import", 1)]


def test_the_module_itself_imported_suggests_the_attribute(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(CONFIG)
    found = about(check(tmp_path, "import config", "print(defaults)"), "defaults")
    assert found.message_key == "missing-import/local-module-attribute"
    assert "`config.defaults`" in (found.fix or "")
    aliased = about(check(tmp_path, "import config as cfg", "print(defaults)"), "defaults")
    assert "`cfg.defaults`" in (aliased.fix or "")


def test_a_module_that_does_not_define_it_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(CONFIG)
    found = about(check(tmp_path, "from config import settings", "print(other)"), "other")
    assert found.cause is Cause.NEVER_DEFINED


def test_a_package_init_is_read(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .core import helper\nVERSION = 1\n")
    (tmp_path / "pkg" / "core.py").write_text("def helper():\n    pass\n")
    findings = check(tmp_path, "from pkg import VERSION", "helper()")
    found = about(findings, "helper")
    assert found.suggestion == "from pkg import helper"
    assert found.cause is Cause.MISSING_IMPORT


def test_a_submodule_import_is_no_missing_name(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "core.py").write_text("")
    assert check(tmp_path, "from pkg import core", "print(core)") == []


def test_a_writefile_cell_is_read_and_wins_over_the_folder(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("unrelated = 1\n")
    findings = check(tmp_path, "%%writefile config.py\n" + CONFIG,
                     "from config import settings", "print(defaults)")
    found = about(findings, "defaults")
    assert found.message_key == "missing-import/local-module"
    assert "cell 1 writes" in found.message


def test_a_sys_path_folder_is_searched(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "config.py").write_text(CONFIG)
    findings = check(tmp_path / "nb", f"import sys\nsys.path.append({str(lib)!r})",
                     "from config import settings", "print(defaults)")
    assert about(findings, "defaults").suggestion == "from config import defaults"


def test_a_name_bound_only_in_a_module_class_suggests_the_attribute(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(
        "class Config:\n    defaults = {}\n    def method(self):\n        hidden = 1\n")
    findings = check(tmp_path, "from config import Config", "print(defaults, hidden)")
    found = about(findings, "defaults")
    assert (found.cause, found.suggestion) == (Cause.FUNCTION_LOCAL, "Config.defaults")
    assert "class `Config`" in found.message
    assert about(findings, "hidden").cause is Cause.NEVER_DEFINED  # a method's local


def test_importing_a_name_the_module_lacks_is_an_import_error(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(CONFIG)
    findings = check(tmp_path, "from config import settings, defualts", "x = 1",
                     "print(defualts)")
    found = about(findings, "defualts")
    assert (found.cell, found.code, found.cause) == (1, "NS014", Cause.MISSING_NAME)
    assert found.span is not None and found.span.column == 30  # 1-based
    assert found.suggestion == "defaults"
    assert "ImportError" in found.message and "cell 3, line 1" in found.message
    assert [(r.role, r.cell) for r in found.related] == [("use", 3)]


def test_a_module_that_binds_names_dynamically_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("globals()['defaults'] = 1\n")
    assert check(tmp_path, "from config import defaults", "print(defaults)") == []


def test_a_module_getattr_may_supply_any_name(tmp_path: Path) -> None:
    (tmp_path / "lazy.py").write_text("def __getattr__(name):\n    return name\n")
    assert check(tmp_path, "from lazy import anything", "print(anything)") == []


def test_a_guarded_import_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(CONFIG)
    cells = ("try:\n    from config import fast\nexcept ImportError:\n    fast = None",)
    assert check(tmp_path, *cells) == []


def test_a_module_expected_from_a_drive_folder_says_so(tmp_path: Path) -> None:
    findings = check(tmp_path, "from google.colab import drive\ndrive.mount('/content/drive')",
                     "import sys\nsys.path.append('/content/drive/MyDrive/project')",
                     "from my_helpers import clean")
    found = about(findings, "my_helpers")
    assert found.message_key == "missing-module/expected-from-path"
    assert found.severity is Severity.WARNING
    assert "cell 2 adds `/content/drive/MyDrive/project`" in found.message
    assert "upload" not in (found.fix or "").lower()
    assert [(r.role, r.cell) for r in found.related] == [("sys.path", 2)]


def test_a_module_expected_from_a_cloned_repository_says_so(tmp_path: Path) -> None:
    findings = check(tmp_path, "!git clone https://github.com/someone/helpers.git\n"
                               "import sys\nsys.path.append('helpers')",
                     "from mytools import clean\nclean(1)")
    found = about(findings, "mytools")
    assert (found.message_key, found.severity) == (
        "missing-module/expected-from-clone", Severity.INFO)
    assert "cell 1 clones a repository (`git clone https://github.com/someone/helpers.git`)" \
        in found.message
    assert "upload" not in (found.fix or "").lower()
    assert [(r.role, r.cell) for r in found.related] == [("upload", 1)]
    # A module beside the notebook, or a package nbscope knows, is not said to come from it.
    (tmp_path / "mytools.py").write_text("def clean(x):\n    return x\n")
    assert check(tmp_path, "!git clone https://github.com/someone/helpers.git",
                 "from mytools import clean\nclean(1)") == []


def test_the_clone_named_is_the_nearest_one_above_the_import(tmp_path: Path) -> None:
    clone, other = ("!git clone https://github.com/someone/helpers.git",
                    "!git clone https://github.com/other/tools.git")
    below = about(check(tmp_path, "from mytools import clean", clone), "mytools")
    assert below.message_key == "missing-module/not-found"
    # The nearest clone above is named, not a later one.
    found = about(check(tmp_path, clone, "from mytools import clean", other), "mytools")
    assert found.message_key == "missing-module/expected-from-clone"
    assert "cell 1 clones a repository" in found.message
    found = about(check(tmp_path, clone, other, "from mytools import clean"), "mytools")
    assert "cell 2 clones a repository" in found.message


def test_run_all_stops_at_the_import_error(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(CONFIG)
    notebook = make_notebook("print(1)", "from config import settings, defualts",
                             "print(defaults)")
    failure = check_notebook(notebook, Workspace(str(tmp_path))).first_failure
    assert failure is not None
    assert (failure.cell, failure.name, failure.error) == (2, "defualts", "ImportError")
    earlier = make_notebook("print(nowhere)", "from config import settings, defualts")
    failure = check_notebook(earlier, Workspace(str(tmp_path))).first_failure
    assert failure is not None and (failure.cell, failure.error) == (1, "NameError")


def test_a_module_from_a_repository_a_cell_clones_is_no_error(tmp_path: Path) -> None:
    cells = ("!git clone https://github.com/example/toolkit", "import sys\n"
             "sys.path.append('toolkit')", "from toolkit_utils import load", "load()")
    # No error: an info that says where the module is expected from.
    assert [(f.name, f.severity, f.message_key) for f in check(tmp_path, *cells)] == [
        ("toolkit_utils", Severity.INFO, "missing-module/expected-from-clone")]
