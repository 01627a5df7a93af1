"""``[tool.nbscope]`` in pyproject.toml: found upwards, one test per key, bad settings exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from nbscope.cli import main


def write_nb(path: Path, *sources: str, outputs: dict | None = None,
             counts: list | None = None) -> Path:
    cells = [v4.new_code_cell(s) for s in sources]
    for index, cell in enumerate(cells):
        if counts:
            cell.execution_count = counts[index]
        if outputs and index in outputs:
            cell.outputs = [outputs[index]]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(v4.new_notebook(cells=cells), str(path))
    return path


def pyproject(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\n\n[tool.nbscope]\n{body}\n", encoding="utf-8")
    return path


def run(capsys, *args: object) -> tuple[int, dict]:
    status = main(["check", "--format", "json", *map(str, args)])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if captured.out else {"err": captured.err}


def codes(document: dict) -> list[str]:
    return [f["code"] for nb in document["notebooks"] for f in nb["findings"]]


@pytest.fixture
def two_problems(tmp_path: Path) -> Path:
    return write_nb(tmp_path / "nbs" / "two.ipynb", "print(x)", "x = 1", "print(nowhere_at_all)")


def test_select(tmp_path: Path, two_problems: Path, capsys) -> None:
    pyproject(tmp_path, 'select = ["NS001"]')
    status, document = run(capsys, two_problems)
    assert (status, codes(document)) == (1, ["NS001"])


def test_ignore(tmp_path: Path, two_problems: Path, capsys) -> None:
    pyproject(tmp_path, 'ignore = ["never-defined"]')
    status, document = run(capsys, two_problems)
    assert (status, codes(document)) == (1, ["NS001"])


def test_exclude(tmp_path: Path, capsys) -> None:
    write_nb(tmp_path / "nbs" / "keep.ipynb", "x = 1")
    write_nb(tmp_path / "nbs" / "drafts" / "a.ipynb", "print(undefined_a)")
    write_nb(tmp_path / "nbs" / "b_scratch.ipynb", "print(undefined_b)")
    pyproject(tmp_path, 'exclude = ["nbs/drafts/", "*_scratch.ipynb"]')
    status, document = run(capsys, tmp_path / "nbs")
    assert [Path(nb["path"]).name for nb in document["notebooks"]] == ["keep.ipynb"]
    assert document["summary"]["excluded"] == 2
    assert status == 0
    # files named one by one (as pre-commit passes them) are excluded too
    status, document = run(capsys, tmp_path / "nbs" / "b_scratch.ipynb")
    assert (status, document["notebooks"], document["summary"]["excluded"]) == (0, [], 1)


def test_fail_on(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "warn.ipynb",
                    "import random\nif random.random() > 0.5:\n    b = 1\n", "print(b)")
    assert run(capsys, path)[0] == 0
    pyproject(tmp_path, 'fail-on = "warning"')
    status, document = run(capsys, path)
    assert status == 1
    assert document["summary"]["fail_on"] == "warning"
    assert document["summary"]["failing"] == 1


@pytest.fixture
def saved_session(tmp_path: Path) -> Path:
    """A cell whose saved NameError is explained by a restart (NS010, a warning)."""
    error = v4.new_output("error", ename="NameError", evalue="name 'x' is not defined",
                          traceback=["NameError: name 'x' is not defined"])
    return write_nb(tmp_path / "saved.ipynb", "x = 1", "print(x)", counts=[1, 1],
                    outputs={1: error})


@pytest.mark.parametrize("policy, severity, status", [
    (None, "warning", 0), ("error", "error", 1), ("warn", "warning", 0), ("off", None, 0)])
def test_saved_session(tmp_path: Path, saved_session: Path, capsys, policy: str | None,
                       severity: str | None, status: int) -> None:
    if policy is not None:
        pyproject(tmp_path, f'saved-session = "{policy}"')
    got, document = run(capsys, saved_session)
    found = [(f["code"], f["severity"]) for nb in document["notebooks"] for f in nb["findings"]
             if f["evidence"] == "saved-session"]
    assert found == ([] if severity is None else [("NS010", severity)])
    assert got == status


def test_module_folders(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nbs" / "uses.ipynb", "import helpers_of_mine\n",
                    "from helpers_of_mine import *\nprint(shared_value)")
    status, document = run(capsys, path)
    assert "NS005" in codes(document)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "helpers_of_mine.py").write_text("shared_value = 1\n", encoding="utf-8")
    pyproject(tmp_path, 'module-folders = ["src"]')
    status, document = run(capsys, path)
    assert (status, codes(document)) == (0, [])


def test_extra_builtins(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "spark.ipynb", "df = spark.read.csv('x')",
                    "def show():\n    return dbutils.fs.ls('/')", "show()")
    status, document = run(capsys, path)
    assert {f["name"] for nb in document["notebooks"] for f in nb["findings"]} == {
        "spark", "dbutils"}
    pyproject(tmp_path, 'extra-builtins = ["spark", "dbutils"]')
    status, document = run(capsys, path)
    assert (status, codes(document)) == (0, [])


def test_found_from_the_checked_path_upwards_not_the_working_directory(
        tmp_path: Path, two_problems: Path, capsys, monkeypatch) -> None:
    pyproject(tmp_path, 'ignore = ["NS008"]')
    elsewhere = tmp_path.parent / f"{tmp_path.name}_cwd"
    pyproject(elsewhere, 'ignore = ["NS001"]')
    monkeypatch.chdir(elsewhere)
    assert codes(run(capsys, two_problems)[1]) == ["NS001"]


def test_pyproject_without_the_table_is_passed_by(tmp_path: Path, two_problems: Path,
                                                  capsys) -> None:
    pyproject(tmp_path, 'ignore = ["NS008"]')
    (two_problems.parent / "pyproject.toml").write_text("[project]\nname = 'inner'\n",
                                                        encoding="utf-8")
    assert codes(run(capsys, two_problems)[1]) == ["NS001"]


def test_config_option_and_no_config(tmp_path: Path, two_problems: Path, capsys) -> None:
    pyproject(tmp_path, 'ignore = ["NS008"]')
    other = tmp_path / "ci.toml"
    other.write_text('ignore = ["NS001"]\n', encoding="utf-8")
    assert codes(run(capsys, "--config", other, two_problems)[1]) == ["NS008"]
    assert codes(run(capsys, "--no-config", two_problems)[1]) == ["NS001", "NS008"]


def test_command_line_option_takes_the_place_of_the_setting(
        tmp_path: Path, two_problems: Path, capsys) -> None:
    pyproject(tmp_path, 'ignore = ["NS008"]\nfail-on = "never"')
    status, document = run(capsys, "--ignore", "NS001", "--fail-on", "error", two_problems)
    assert (status, codes(document)) == (1, ["NS008"])


@pytest.mark.parametrize("body, words", [
    ('selct = ["NS001"]', "unknown key 'selct'"),
    ('select = "NS001"', "select must be a list of strings"),
    ('ignore = ["NS999"]', "unknown rule 'NS999'"),
    ('fail-on = "sometimes"', "fail-on must be one of"),
    ('saved-session = true', "saved-session must be one of"),
    ('module-folders = ["no_such_folder"]', "'no_such_folder' is not a folder"),
    ('extra-builtins = ["not a name"]', "'not a name' is not a Python name"),
    ('exclude = [""]', "exclude: an empty pattern"),
    ('select = [', "not valid TOML"),
])
def test_bad_settings_are_one_line_errors(tmp_path: Path, two_problems: Path, capsys,
                                          body: str, words: str) -> None:
    config = pyproject(tmp_path, body)
    status = main(["check", str(two_problems)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("nbscope: ") and words in line and str(config) in line


def test_config_option_naming_a_missing_file(tmp_path: Path, two_problems: Path,
                                             capsys) -> None:
    assert main(["check", "--config", str(tmp_path / "nope.toml"), str(two_problems)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "cannot read" in line and "nope.toml" in line


def test_parallel_runs_apply_the_settings_like_serial_ones(tmp_path: Path, capsys) -> None:
    for number in range(20):
        write_nb(tmp_path / "nbs" / f"n{number:02}.ipynb", "print(x)  # noqa" if number % 3
                 else "print(x)", "x = 1", "print(spark_thing)")
    pyproject(tmp_path, 'extra-builtins = ["spark_thing"]')
    serial = run(capsys, "--jobs", "1", tmp_path / "nbs")
    parallel = run(capsys, "--jobs", "2", tmp_path / "nbs")
    assert parallel == serial
    assert serial[1]["summary"]["suppressed"] == 13 and serial[1]["summary"]["findings"] == 7
