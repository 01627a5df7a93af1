"""A module's name is a missing import only where it is used as a module; read as a value it
is a variable never assigned. Short names get a typo suggestion when one name matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_notebook

from nbscope.analyze import check_notebook
from nbscope.findings import Cause, Finding
from nbscope.workspace import Workspace


def about(tmp_path: Path, name: str, *cells: str) -> Finding:
    report = check_notebook(make_notebook(*cells), Workspace(str(tmp_path)))
    found = [f for f in report.findings if f.name == name]
    assert len(found) == 1, report.findings
    return found[0]


@pytest.mark.parametrize("cells, name, line", [
    (["letters = string.ascii_letters"], "string", "import string"),
    (["p = os.path.join('a', 'b')"], "os", "import os"),
    (["def stamp():\n    return time.time()", "stamp()"], "time", "import time"),
    (["x = np.zeros(3)"], "np", "import numpy as np"),
    (["stats.norm.cdf(0)"], "stats", "from scipy import stats"),
    (["math.pi = 3"], "math", "import math"),
    (["dir(math)"], "math", "import math"),
    (["print(dir(random))"], "random", "import random"),
    (["import importlib", "importlib.reload(json)"], "json", "import json"),
    (["help(os)"], "os", "import os"),
    (["p = Path('data')"], "Path", "from pathlib import Path"),  # a class: any read
])
def test_a_module_used_as_a_module_is_a_missing_import(tmp_path: Path, cells: list[str],
                                                      name: str, line: str) -> None:
    found = about(tmp_path, name, *cells)
    assert (found.cause, found.suggestion) == (Cause.MISSING_IMPORT, line)


@pytest.mark.parametrize("cells, name", [
    (["def make():\n    return string", "make()"], "string"),
    (["print(time)"], "time"),
    (["values = [string, 1]"], "string"),
    (["x = np"], "np"),
    (["s = stats + 1"], "stats"),
    (["print(len(math))"], "math"),
])
def test_a_module_name_read_as_a_value_is_a_variable_never_assigned(
        tmp_path: Path, cells: list[str], name: str) -> None:
    found = about(tmp_path, name, *cells)
    assert found.cause is Cause.NEVER_DEFINED
    assert found.message_key == "never-defined/module-name-as-value"
    assert found.suggestion is None
    assert "never assigned" in found.message and "as a value" in found.message
    assert f"`import {name}`" not in found.message  # the import is only a last resort in fix


def test_a_module_name_read_as_a_value_next_to_a_close_variable_is_a_typo(
        tmp_path: Path) -> None:
    found = about(tmp_path, "string", "strings = ['a', 'b']", "print(string)")
    assert (found.cause, found.suggestion) == (Cause.TYPO, "strings")


def test_a_module_name_read_as_a_value_is_no_slip_of_a_builtin(tmp_path: Path) -> None:
    # ``time`` is one letter from the built-in ``type``: read as a value it is a variable.
    found = about(tmp_path, "time", "print(time)")
    assert found.cause is Cause.NEVER_DEFINED


def test_the_same_name_as_module_and_as_value_in_one_notebook(tmp_path: Path) -> None:
    report = check_notebook(make_notebook("t0 = time.time()", "print(time)"),
                            Workspace(str(tmp_path)))
    causes = [(f.cell, f.cause) for f in report.findings]
    assert causes == [(1, Cause.MISSING_IMPORT), (2, Cause.NEVER_DEFINED)]


@pytest.mark.parametrize("cells, name, candidate", [
    (["data = [1, 2]", "print(dat)"], "dat", "data"),
    (["df = load()", "dg.head()"], "dg", "df"),
    (["ax = 1", "print(ac)"], "ac", "ax"),
    (["import pandas as pd", "df = pd.DataFrame()", "fd.head()"], "fd", "df"),  # a swap
])
def test_a_short_name_with_one_close_name_is_a_typo(tmp_path: Path, cells: list[str],
                                                   name: str, candidate: str) -> None:
    found = about(tmp_path, name, "def load():\n    return 1", *cells)
    assert (found.cause, found.suggestion) == (Cause.TYPO, candidate)


@pytest.mark.parametrize("cells, name", [
    (["data = 1", "date = 2", "print(dat)"], "dat"),  # two names one letter away
    (["car1 = 1", "car2 = 2", "print(car)"], "car"),
    (["print(ax)"], "ax"),  # only built-ins near (``max``): not suggested for short names
    (["x = 1", "print(y)"], "y"),  # one letter: every one-letter name is that close
])
def test_a_short_name_without_one_clear_match_is_never_defined(
        tmp_path: Path, cells: list[str], name: str) -> None:
    assert about(tmp_path, name, *cells).cause is Cause.NEVER_DEFINED
