"""``--format junit``: one test case per notebook, failures at or above --fail-on."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import nbformat
from nbformat import v4

from nbscope.cli import main


def write_nb(path: Path, *sources: str) -> Path:
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell(s) for s in sources]), str(path))
    return path


def test_cases_failures_and_errors(tmp_path: Path, capsys) -> None:
    late = write_nb(tmp_path / "late.ipynb", "print(x, '\x07')", "x = 1")
    clean = write_nb(tmp_path / "clean.ipynb", "x = 1")
    warn = write_nb(tmp_path / "warn.ipynb", "import random\nif random.random():\n    b = 1",
                    "print(b)")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("[]", encoding="utf-8")
    status = main(["check", "--format", "junit", *map(str, (late, clean, warn, bad))])
    suite = ElementTree.fromstring(capsys.readouterr().out).find("testsuite")
    assert status == 2
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")
    cases = {Path(case.get("name")).name: case for case in suite}
    assert "`x` is used here" in cases["late.ipynb"].find("failure").text
    assert list(cases["clean.ipynb"]) == []
    assert cases["warn.ipynb"].find("failure") is None
    assert "NS006" in cases["warn.ipynb"].find("system-out").text
    assert "not a notebook" in cases["bad.ipynb"].find("error").get("message")
