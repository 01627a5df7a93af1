"""Honest summaries and exit statuses in CI; progress and color only for a person at a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from nbscope.cli import main

REPO = Path(__file__).resolve().parent.parent


def write_nb(path: Path, *sources: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell(s) for s in sources]), str(path))
    return path


def text_run(capsys, *args: object) -> tuple[int, str, str]:
    status = main(["check", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def summary_line(out: str) -> str:
    return out.rstrip("\n").split("\n")[-1]


@pytest.fixture
def late(tmp_path: Path) -> Path:
    return write_nb(tmp_path / "late.ipynb", "print(x)", "x = 1")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_nb(tmp_path / "clean.ipynb", "x = 1", "print(x)")


@pytest.fixture
def unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json", encoding="utf-8")
    return path


def test_summary_of_a_clean_run(clean: Path, capsys) -> None:
    status, out, _ = text_run(capsys, clean)
    assert (status, out) == (0, "No problems found in 1 notebook.\n")


def test_summary_never_says_no_problems_when_a_notebook_could_not_be_read(
        clean: Path, unreadable: Path, capsys) -> None:
    status, out, _ = text_run(capsys, clean, unreadable)
    assert status == 2
    assert "No problems found" not in out
    assert summary_line(out) == ("No problems in the 1 notebook that could be read. "
                                 "1 could not be read.")


def test_summary_when_nothing_could_be_read(unreadable: Path, capsys) -> None:
    status, out, _ = text_run(capsys, unreadable)
    assert (status, summary_line(out)) == (2, "Nothing was checked. 1 notebook could not be read.")


def test_summary_counts_findings_in_the_notebooks_read(late: Path, unreadable: Path,
                                                       capsys) -> None:
    status, out, _ = text_run(capsys, late, unreadable)
    assert status == 2
    assert summary_line(out) == "Found 1 problem (1 error) in 1 notebook. 1 could not be read."


def test_summary_counts_suppressed_findings(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", "print(x)  # noqa\nprint(y)", "x = 1\ny = 2")
    status, out, _ = text_run(capsys, path)
    assert status == 1
    assert summary_line(out) == "Found 1 problem (1 error) in 1 notebook. 1 more suppressed."


def test_ignored_rule_leaves_no_run_all_line(late: Path, capsys) -> None:
    status, out, _ = text_run(capsys, "--ignore", "NS001", late)
    assert status == 0
    assert "Restart & Run All" not in out
    main(["check", "--format", "json", "--ignore", "NS001", str(late)])
    document = json.loads(capsys.readouterr().out)
    assert document["notebooks"][0]["run_all"]["first_failure"] is None


def test_run_all_line_stays_when_another_finding_explains_it(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", "print(x)", "x = 1")
    status, out, _ = text_run(capsys, "--ignore", "NS008", path)
    assert "Restart & Run All first fails at cell 1" in out


def test_missing_path_is_exit_2_with_one_line(tmp_path: Path, capsys) -> None:
    status, out, _ = text_run(capsys, tmp_path / "notebookz")
    assert status == 2
    [reason] = [line for line in out.splitlines() if "notebookz" in line]
    assert "No such file or directory" in reason
    assert "No problems found" not in out


def test_folder_without_notebooks_is_exit_2(tmp_path: Path, clean: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    status, out, err = text_run(capsys, clean, tmp_path / "empty")
    assert status == 2
    assert err == f"nbscope: {tmp_path / 'empty'}: no notebooks (.ipynb) in this folder\n"
    assert summary_line(out) == ("No problems in the 1 notebook that could be read. "
                                 "1 path held no notebook.")
    main(["check", "--format", "json", str(tmp_path / "empty")])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["paths_without_notebooks"] == [str(tmp_path / "empty")]
    assert summary["exit_status"] == 2


@pytest.mark.parametrize("name, content, words", [
    ("script.py", "print('hello')\n", "this is a Python script"),
    ("data.json", '{"a": 1}', 'this is a .json file (not a notebook: no "cells" list)'),
    ("README", "plain text", "this is a file without the .ipynb extension (not valid JSON"),
])
def test_non_notebook_named_by_path_gets_a_clear_reason(tmp_path: Path, capsys, name: str,
                                                        content: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    status, out, _ = text_run(capsys, path)
    assert status == 2
    [reason] = [line for line in out.splitlines() if name in line]
    assert "not a notebook: nbscope checks Jupyter notebooks (.ipynb)" in reason
    assert words in reason


def test_notebook_without_the_extension_is_still_checked(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "exported.json", "print(x)", "x = 1")
    assert text_run(capsys, path)[0] == 1


def test_exit_zero_reports_but_passes(late: Path, capsys) -> None:
    status, out, _ = text_run(capsys, "--exit-zero", late)
    assert status == 0
    assert "NS001" in out


def test_exit_zero_keeps_input_errors(unreadable: Path, capsys) -> None:
    assert text_run(capsys, "--exit-zero", unreadable)[0] == 2


def test_json_summary_keys_say_what_they_count(late: Path, clean: Path, unreadable: Path,
                                               tmp_path: Path, capsys) -> None:
    suppressed = write_nb(tmp_path / "quiet.ipynb", "print(q)  # noqa", "q = 1")
    main(["check", "--format", "json", *map(str, (late, clean, unreadable, suppressed))])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary == {
        "notebooks": 4, "findings": 1, "errors": 1,
        "by_severity": {"error": 1, "warning": 0, "info": 0},
        "checked": 3, "unreadable": 1, "failing": 1, "fail_on": "error", "suppressed": 1,
        "excluded": 0, "paths_without_notebooks": [], "exit_status": 2,
    }


def test_quiet_prints_nothing_for_a_clean_run(clean: Path, late: Path, capsys) -> None:
    assert text_run(capsys, "--quiet", clean) == (0, "", "")
    status, out, _ = text_run(capsys, "--quiet", late)
    assert status == 1 and "NS001" in out


def test_color_always_and_never(late: Path, capsys) -> None:
    assert "\x1b[" in text_run(capsys, "--color", "always", late)[1]
    assert "\x1b[" not in text_run(capsys, "--color", "never", late)[1]


# --- a real terminal ---------------------------------------------------------------------------


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run nbscope with stdout and stderr on a pseudo-terminal; what the terminal showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "nbscope", *args], stdout=follower,
                               stderr=follower, env=env, cwd=REPO)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    for number in range(6):
        write_nb(tmp_path / "many" / f"n{number}.ipynb", "x = 1", "print(x)")
    return tmp_path / "many"


def terminal_env(**changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("CI", "NO_COLOR", "GITHUB_ACTIONS")}
    env.update(PYTHONPATH=str(REPO), TERM="xterm", **changes)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_progress_bar_and_color_on_a_terminal(many: Path) -> None:
    status, shown = run_in_terminal(["check", str(many)], terminal_env())
    assert status == 0
    assert "6/6 notebooks" in shown and "[" + "#" * 30 + "]" in shown
    assert "\x1b[1m" in shown  # the summary is bold


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("args, env", [
    (["--quiet"], {}), ([], {"CI": "true"}), ([], {"NO_COLOR": "1"})])
def test_no_progress_with_quiet_or_in_ci_and_no_color_with_no_color(
        many: Path, args: list[str], env: dict[str, str]) -> None:
    status, shown = run_in_terminal(["check", *args, str(many)], terminal_env(**env))
    assert status == 0
    if env.get("NO_COLOR"):
        assert "\x1b[" not in shown.replace("\x1b[K", "")
    else:
        assert "notebooks\r" not in shown and "/6 notebooks" not in shown


def test_no_progress_or_color_when_piped(many: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "nbscope", "check", str(many)], cwd=REPO,
                          env=terminal_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout == "No problems found in 6 notebooks.\n"
