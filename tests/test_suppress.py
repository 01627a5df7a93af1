"""Suppressions: ``# noqa`` on the line, cell tags, notebook metadata; counted, not shown."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from nbscope.cli import main
from nbscope.findings import Cause, Finding, Severity
from nbscope.model import Span
from nbscope.suppress import SuppressionError, suppress


def write_nb(path: Path, *sources: str, tags: dict[int, list[str]] | None = None,
             metadata: dict | None = None) -> Path:
    cells = [v4.new_code_cell(source) for source in sources]
    for index, cell_tags in (tags or {}).items():
        cells[index].metadata["tags"] = cell_tags
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata.update(metadata or {})
    nbformat.write(notebook, str(path))
    return path


def check(capsys, path: Path, *options: str) -> tuple[int, dict]:
    status = main(["check", "--format", "json", *options, str(path)])
    return status, json.loads(capsys.readouterr().out)


def shown(document: dict) -> list[tuple[str, str]]:
    return [(f["code"], f["name"]) for nb in document["notebooks"] for f in nb["findings"]]


LATE = "print(x){}\nprint(nowhere){}"


def test_bare_noqa_suppresses_every_finding_on_its_line(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("  # noqa", ""), "x = 1")
    status, document = check(capsys, path)
    assert shown(document) == [("NS008", "nowhere")]
    assert document["summary"]["suppressed"] == 1
    assert status == 1


def test_noqa_with_codes_suppresses_only_those(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("  # noqa: NS001", "  # noqa:NS001,E501"),
                    "x = 1")
    status, document = check(capsys, path)
    assert shown(document) == [("NS008", "nowhere")]  # NS008 is not in its line's list
    assert document["summary"]["suppressed"] == 1


def test_noqa_of_another_tool_leaves_nbscope_findings(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("  # noqa: F821", ""), "x = 1")
    assert shown(check(capsys, path)[1]) == [("NS001", "x"), ("NS008", "nowhere")]


def test_cell_tag_suppresses_the_whole_cell(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("", ""), "x = 1",
                    "print(also_missing)", tags={0: ["parameters", "nbscope-ignore"]})
    status, document = check(capsys, path)
    assert shown(document) == [("NS008", "also_missing")]
    assert document["summary"]["suppressed"] == 2


def test_cell_tag_with_codes(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("", ""), "x = 1",
                    tags={0: ["nbscope-ignore:NS008"]})
    status, document = check(capsys, path)
    assert shown(document) == [("NS001", "x")]
    assert document["summary"]["suppressed"] == 1


def test_notebook_metadata(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("", ""), "x = 1", "print(more_missing)",
                    metadata={"nbscope": {"ignore": ["never-defined"]}})
    status, document = check(capsys, path)
    assert (status, shown(document)) == (1, [("NS001", "x")])
    assert document["summary"]["suppressed"] == 2


@pytest.mark.parametrize("tags, metadata, words", [
    ({0: ["nbscope-ignore:NS999"]}, None, "cell 1 tag 'nbscope-ignore:NS999': unknown rule"),
    (None, {"nbscope": {"ignore": ["NS0001"]}}, "unknown rule 'NS0001'"),
    (None, {"nbscope": {"ignore": "NS001"}}, 'must look like {"ignore"'),
])
def test_a_suppression_naming_no_rule_is_the_notebooks_error(
        tmp_path: Path, capsys, tags, metadata, words: str) -> None:
    path = write_nb(tmp_path / "nb.ipynb", LATE.format("", ""), "x = 1", tags=tags,
                    metadata=metadata)
    status, document = check(capsys, path)
    assert status == 2
    assert words in document["notebooks"][0]["error"]


def test_suppressed_failure_leaves_no_run_all_line(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", "print(x)  # noqa", "x = 1")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Restart & Run All" not in out
    assert "No problems found" not in out
    assert "1 finding suppressed" in out


def test_other_tags_that_start_alike_do_not_suppress(tmp_path: Path, capsys) -> None:
    path = write_nb(tmp_path / "nb.ipynb", "print(x)", "x = 1",
                    tags={0: ["nbscope-ignored-by-someone"]})
    assert shown(check(capsys, path)[1]) == [("NS001", "x")]


def _finding(code: str, cell: int, line: int) -> Finding:
    return Finding(code, Cause.DEFINED_LATER, "x", Severity.ERROR, cell,
                   Span(line, 1, line, 2), "message")


def test_suppress_is_pure_and_case_insensitive() -> None:
    findings = (_finding("NS001", 1, 1), _finding("NS001", 1, 2), _finding("NS008", 2, 1))
    result = suppress(findings, {1: "x\r\nx  # NOQA:ns001\n", 2: "y"}, {2: ["nbscope-ignore"]},
                      {}, lambda code: code.upper() if code.upper() in ("NS001", "NS008") else None)
    assert result.kept == findings[:1] and result.count == 2
    with pytest.raises(SuppressionError):
        suppress(findings, {}, {1: ["nbscope-ignore:bogus"]}, {}, lambda code: None)
