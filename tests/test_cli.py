"""The ``nbscope`` command: exit status, options, bad input, folders, rules, what it never does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v3, v4

from nbscope import __version__
from nbscope.cli import main
from nbscope.rules import REGISTRY
from nbscope.rules.base import DOC_HEADINGS

REPO = Path(__file__).resolve().parent.parent


def write_nb(path: Path, *sources: str) -> Path:
    """A v4.5 notebook file whose code cells are ``sources`` (``md:`` for markdown)."""
    cells = [v4.new_markdown_cell(s[3:]) if s.startswith("md:") else v4.new_code_cell(s)
             for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(v4.new_notebook(cells=cells), str(path))
    return path


def check_json(capsys, *args: str) -> tuple[int, dict]:
    status = main(["check", "--format", "json", *map(str, args)])
    return status, json.loads(capsys.readouterr().out)


def codes(document: dict) -> list[str]:
    return [f["code"] for nb in document["notebooks"] for f in nb["findings"]]


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "nbscope", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


# --- exit status and options -----------------------------------------------------------------


def test_clean_notebook_exits_0(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "clean.ipynb", "x = 1", "md:text", "print(x)")
    status, document = check_json(capsys, path)
    assert status == 0
    assert codes(document) == []
    assert document["notebooks"][0]["run_all"]["first_failure"] is None


def test_findings_exit_1(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "late.ipynb", "print(x)", "x = 1")
    status, document = check_json(capsys, path)
    assert status == 1
    assert codes(document) == ["NS001"]
    assert document["notebooks"][0]["run_all"]["first_failure"] == {
        "cell": 1, "name": "x", "error": "NameError"}


@pytest.fixture
def warning_only(tmp_path: Path) -> Path:
    return write_nb(tmp_path / "warn.ipynb",
                    "import random\nif random.random() > 0.5:\n    b = 1\n", "print(b)")


def test_warnings_do_not_fail_by_default(warning_only: Path, capsys) -> None:
    status, document = check_json(capsys, warning_only)
    assert status == 0
    assert codes(document) == ["NS006"]


def test_fail_on_warning(warning_only: Path, capsys) -> None:
    assert main(["check", "--fail-on", "warning", str(warning_only)]) == 1


def test_fail_on_never(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "late.ipynb", "print(x)", "x = 1")
    assert main(["check", "--fail-on", "never", str(path)]) == 0
    assert "NS001" in capsys.readouterr().out


@pytest.fixture
def two_problems(tmp_path: Path) -> Path:
    return write_nb(tmp_path / "two.ipynb", "print(x)", "x = 1", "print(nowhere_at_all)")


def test_select_keeps_only_the_given_codes(two_problems: Path, capsys) -> None:
    status, document = check_json(capsys, "--select", "NS001", two_problems)
    assert (status, codes(document)) == (1, ["NS001"])


def test_select_accepts_rule_names(two_problems: Path, capsys) -> None:
    status, document = check_json(capsys, "--select", "never-defined", two_problems)
    assert (status, codes(document)) == (1, ["NS008"])


def test_ignore_drops_the_given_codes(two_problems: Path, capsys) -> None:
    status, document = check_json(capsys, "--ignore", "NS001,NS008", two_problems)
    assert (status, codes(document)) == (0, [])


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_code_is_a_usage_error(two_problems: Path, capsys, option: str) -> None:
    assert main(["check", option, "NS999", str(two_problems)]) == 2
    assert "NS999" in capsys.readouterr().err


def test_check_without_paths_is_a_usage_error(capsys) -> None:
    assert main(["check"]) == 2
    assert "usage" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys) -> None:
    assert main([]) == 2
    assert "check" in capsys.readouterr().out


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"nbscope {__version__}"


def test_help_mentions_check() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    assert "check" in done.stdout


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"{not json", "JSON"),
    (b"[1, 2]", "list"),
    (b'\xff\xfe{"cells": []}', "UTF-8"),
    (b'{"cells": [], "nbformat": 4, "metadata": {}, "x": "\xe9"}', "UTF-8"),
], ids=["empty", "invalid-json", "json-list", "utf16-bom", "latin-1-byte"])
def test_unreadable_notebook_is_a_one_line_error_and_others_are_checked(
        tmp_path: Path, capsys, content: bytes, reason: str) -> None:
    bad = tmp_path / "a_bad.ipynb"
    bad.write_bytes(content)
    good = write_nb(tmp_path / "b_good.ipynb", "print(x)", "x = 1")
    status, document = check_json(capsys, bad, good)
    assert status == 2
    first, second = document["notebooks"]
    assert first["path"] == str(bad)
    assert reason in first["error"]
    assert "\n" not in first["error"]
    assert first["findings"] == []
    assert second["error"] is None
    assert [f["code"] for f in second["findings"]] == ["NS001"]
    assert document["summary"]["errors"] == 1


def test_missing_path_is_an_error_for_that_path(tmp_path: Path, capsys) -> None:
    status, document = check_json(capsys, tmp_path / "nope.ipynb")
    assert status == 2
    [notebook] = document["notebooks"]
    assert notebook["error"] and "\n" not in notebook["error"]


def test_nbformat_3_notebook_is_read(tmp_path: Path, capsys) -> None:
    old = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[
        v3.new_code_cell(input="x = 1"),
        v3.new_text_cell("markdown", source="notes"),
        v3.new_code_cell(input="print(x, y)"),
    ])])
    path = tmp_path / "old.ipynb"
    path.write_text(v3.writes_json(old), encoding="utf-8")
    status, document = check_json(capsys, path)
    [notebook] = document["notebooks"]
    assert notebook["error"] is None
    assert [(f["code"], f["name"], f["cell"], f["cell_id"]) for f in notebook["findings"]] == [
        ("NS008", "y", 3, None)]
    assert status == 1


def test_huge_notebook_is_checked(tmp_path: Path, capsys) -> None:
    line = "A" * 999 + "\n"
    output = {"output_type": "stream", "name": "stdout", "text": [line] * 50_000}
    cells = [{"cell_type": "code", "id": "big", "metadata": {}, "execution_count": 1,
              "source": "x = 1\nprint(x)", "outputs": [output]},
             {"cell_type": "code", "id": "use", "metadata": {}, "execution_count": 2,
              "source": "print(y)", "outputs": []}]
    path = tmp_path / "huge.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                "cells": cells}), encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    status, document = check_json(capsys, path)
    assert document["notebooks"][0]["error"] is None
    assert codes(document) == ["NS008"]
    assert status == 1


def test_syntax_error_cell_is_a_finding_not_an_input_error(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "syntax.ipynb", "def broken(:\n    pass\n")
    status, document = check_json(capsys, path)
    assert status == 1
    assert document["notebooks"][0]["error"] is None
    assert codes(document) == ["NS100"]


# --- folders ------------------------------------------------------------------------------------


def test_folder_recursion_skips_checkpoints_and_hidden_folders(tmp_path: Path, capsys) -> None:
    write_nb(tmp_path / "top.ipynb", "x = 1")
    write_nb(tmp_path / "sub" / "deeper" / "inner.ipynb", "x = 1")
    write_nb(tmp_path / ".ipynb_checkpoints" / "top-checkpoint.ipynb", "x = 1")
    write_nb(tmp_path / ".hidden" / "secret.ipynb", "x = 1")
    (tmp_path / "notes.txt").write_text("not a notebook", encoding="utf-8")
    status, document = check_json(capsys, tmp_path)
    paths = sorted(Path(nb["path"]).relative_to(tmp_path).as_posix()
                   for nb in document["notebooks"])
    assert paths == ["sub/deeper/inner.ipynb", "top.ipynb"]
    assert status == 0


def test_folder_without_notebooks_says_so(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path)]) == 2  # a mistyped folder in CI must not pass
    assert "no notebooks" in capsys.readouterr().err


# --- rules --------------------------------------------------------------------------------------


def test_rule_prints_its_documentation(capsys) -> None:
    assert main(["rule", "NS001"]) == 0
    out = capsys.readouterr().out
    assert "NS001" in out and "defined-later" in out
    for heading in DOC_HEADINGS:
        assert heading in out


def test_rule_by_name(capsys) -> None:
    assert main(["rule", "typo"]) == 0
    assert "NS003" in capsys.readouterr().out


def test_unknown_rule_exits_2(capsys) -> None:
    assert main(["rule", "NS999"]) == 2
    assert "NS999" in capsys.readouterr().err


def test_rule_without_code_lists_all(capsys) -> None:
    assert main(["rule"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert listed == list(REGISTRY)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_rule_is_documented(code: str, capsys) -> None:
    rule = REGISTRY[code]
    assert rule.code == code
    for heading in DOC_HEADINGS:
        assert heading in rule.doc
    assert main(["rule", code]) == 0
    out = capsys.readouterr().out
    assert code in out
    assert all(heading in out for heading in DOC_HEADINGS)


# --- what nbscope never does ------------------------------------------------------------------


def test_never_writes_to_what_it_reads(tmp_path: Path, capsys) -> None:
    paths = [
        write_nb(tmp_path / "a.ipynb", "import helper\nprint(x)", "x = 1"),
        write_nb(tmp_path / "b.ipynb", "%%writefile other.py\nx = 1\n", "%run script.py"),
        tmp_path / "helper.py",
        tmp_path / "script.py",
    ]
    paths[2].write_text("value = 1\n", encoding="utf-8")
    paths[3].write_text("value = 2\n", encoding="utf-8")
    past = 1_000_000_000
    for path in paths:
        os.utime(path, (past, past))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}
    listing = sorted(os.listdir(tmp_path))
    main(["check", str(tmp_path)])
    main(["check", "--format", "json", *map(str, paths[:2])])
    capsys.readouterr()
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths} == before
    assert sorted(os.listdir(tmp_path)) == listing


def test_never_imports_notebook_modules(tmp_path: Path) -> None:
    marker = tmp_path / "imported.marker"
    (tmp_path / "evil.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nvalue = 1\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    write_nb(tmp_path / "nb.ipynb", "import evil\nfrom evil import *\nimport pkg.sub",
             "from pkg import *\nprint(evil.value)")
    done = run_cli("check", "--format", "json", str(tmp_path / "nb.ipynb"), cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert not marker.exists()


def test_text_output_shows_where_and_why(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "late.ipynb", "md:# title", "y = 2\nprint(session_conf)",
                    "session_conf = {}")
    assert main(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}:cell 2:2:7: NS001") for line in lines)
    code = next(i for i, line in enumerate(lines) if line.endswith("| print(session_conf)"))
    caret = lines[code + 1]
    assert caret.index("^") == lines[code].index("session_conf")
    assert caret.strip(" |") == "^" * len("session_conf")


def test_stderr_stays_quiet_for_control_characters(tmp_path: Path) -> None:
    write_nb(tmp_path / "ctrl.ipynb", "x = 1\x1c")
    done = run_cli("check", str(tmp_path / "ctrl.ipynb"))
    assert done.returncode == 1
    assert "NS100" in done.stdout
    assert done.stderr == ""


def test_output_the_terminal_cannot_encode_is_escaped(tmp_path: Path) -> None:
    write_nb(tmp_path / "u.ipynb", "überall = 1\nprint(überal)")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "nbscope", "check", str(tmp_path)], env=env,
                          capture_output=True, text=True, encoding="ascii", errors="replace",
                          timeout=120)
    assert done.returncode == 1
    assert "\\xfcberal" in done.stdout
    assert "Traceback" not in done.stderr


def test_subprocess_exit_status_and_json(tmp_path: Path) -> None:
    write_nb(tmp_path / "late.ipynb", "print(x)", "x = 1")
    done = run_cli("check", "--format", "json", str(tmp_path))
    assert done.returncode == 1
    assert json.loads(done.stdout)["summary"]["findings"] == 1
    assert run_cli("check").returncode == 2


def test_parallel_and_serial_runs_report_the_same(tmp_path: Path) -> None:
    """Enough notebooks to use the worker pool: its report must equal a serial run's."""
    examples = sorted((REPO / "notebooks").glob("*.ipynb"))
    for copy in range(2):
        for example in examples:
            folder = tmp_path / f"copy{copy}"
            folder.mkdir(exist_ok=True)
            (folder / example.name).write_bytes(example.read_bytes())
    serial = run_cli("check", "--format", "json", "--jobs", "1", str(tmp_path))
    parallel = run_cli("check", "--format", "json", "--jobs", "2", str(tmp_path))
    assert len(json.loads(serial.stdout)["notebooks"]) >= 16
    assert parallel.stdout == serial.stdout
    assert parallel.returncode == serial.returncode == 1


def test_negative_jobs_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--jobs", "-1", str(REPO / "notebooks")]) == 2
    assert "--jobs" in capsys.readouterr().err
