"""The bundled example notebooks: each finds exactly what its metadata expects, via the CLI too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from nbscope.analyze import check_notebook
from nbscope.findings import Severity
from nbscope.loader import load_notebook
from nbscope.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

CAUSES = [
    "defined-later", "function-local", "typo", "missing-import", "missing-module",
    "conditional", "deleted", "never-defined", "out-of-order", "hidden-state", "restart",
    "failed-definition", "unbound-local",
]
_INT = {"type": "integer", "minimum": 1}
_INT_OR_NULL = {"type": ["integer", "null"], "minimum": 1}
_STR_OR_NULL = {"type": ["string", "null"]}

RELATED = {
    "type": "object",
    "required": ["role", "cell", "line", "column", "execution_count"],
    "properties": {
        "role": {"enum": ["definition", "deletion", "import", "restart", "error", "upload"]},
        "cell": _INT, "line": _INT_OR_NULL, "column": _INT_OR_NULL,
        "execution_count": {"type": ["integer", "null"]},
    },
}
FINDING = {
    "type": "object",
    "required": ["code", "cause", "name", "severity", "cell", "cell_id", "execution_count",
                 "line", "column", "end_line", "end_column", "message", "suggestion",
                 "related"],
    "properties": {
        "code": {"type": "string", "pattern": r"^NS\d{3}$"},
        "cause": {"enum": [*CAUSES, None]},
        "name": _STR_OR_NULL,
        "severity": {"enum": ["error", "warning", "info"]},
        "cell": _INT,
        "cell_id": _STR_OR_NULL,
        "execution_count": {"type": ["integer", "null"]},
        "line": _INT_OR_NULL, "column": _INT_OR_NULL,
        "end_line": _INT_OR_NULL, "end_column": _INT_OR_NULL,
        "message": {"type": "string", "minLength": 1},
        "suggestion": _STR_OR_NULL,
        "related": {"type": "array", "items": RELATED},
    },
}
FIRST_FAILURE = {
    "type": ["object", "null"],
    "required": ["cell", "name", "error"],
    "properties": {"cell": _INT, "name": _STR_OR_NULL, "error": {"type": "string"}},
}
NOTEBOOK = {
    "type": "object",
    "required": ["path", "error", "run_all", "findings"],
    "properties": {
        "path": {"type": "string"},
        "error": _STR_OR_NULL,
        "run_all": {"type": "object", "required": ["first_failure"],
                    "properties": {"first_failure": FIRST_FAILURE}},
        "findings": {"type": "array", "items": FINDING},
    },
}
REPORT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema", "tool", "notebooks", "summary"],
    "properties": {
        "schema": {"const": 1},
        "tool": {"type": "object", "required": ["name", "version"],
                 "properties": {"name": {"const": "nbscope"}, "version": {"type": "string"}}},
        "notebooks": {"type": "array", "items": NOTEBOOK},
        "summary": {"type": "object", "required": ["notebooks", "findings", "errors"],
                    "properties": {"notebooks": {"type": "integer", "minimum": 0},
                                   "findings": {"type": "integer", "minimum": 0},
                                   "errors": {"type": "integer", "minimum": 0}}},
    },
}


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "nbscope", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_there_are_example_notebooks() -> None:
    assert len(NOTEBOOKS) >= 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_example_finds_what_its_metadata_expects(path: Path) -> None:
    expected = json.loads(path.read_text(encoding="utf-8"))["metadata"]["nbscope"]["expect"]
    report = check_notebook(load_notebook(path), Workspace.for_notebook(str(path)))
    got = [
        {"cell": f.cell, "line": f.span.line if f.span else None, "name": f.name,
         "cause": f.cause.value if f.cause else None, "code": f.code}
        for f in report.findings if f.severity is not Severity.INFO
    ]
    assert sorted(got, key=json.dumps) == sorted(expected, key=json.dumps)
    assert report.error is None


@pytest.fixture(scope="module")
def cli_report() -> tuple[subprocess.CompletedProcess[str], dict]:
    done = run_cli("check", "--format", "json", "notebooks/")
    return done, json.loads(done.stdout)


def test_cli_json_matches_the_output_contract(cli_report) -> None:
    done, document = cli_report
    assert done.returncode == 1  # the examples are broken on purpose
    jsonschema.validate(document, REPORT_SCHEMA)
    notebooks = document["notebooks"]
    assert document["summary"]["notebooks"] == len(notebooks) == len(NOTEBOOKS)
    assert document["summary"]["findings"] == sum(len(nb["findings"]) for nb in notebooks)
    assert document["summary"]["errors"] == 0


def test_cli_json_agrees_with_the_metadata(cli_report) -> None:
    _, document = cli_report
    for notebook in document["notebooks"]:
        metadata = json.loads((REPO / notebook["path"]).read_text(encoding="utf-8"))["metadata"]
        expected = metadata["nbscope"]["expect"]
        got = [{k: f[k] for k in ("cell", "line", "name", "cause", "code")}
               for f in notebook["findings"] if f["severity"] != "info"]
        assert sorted(got, key=json.dumps) == sorted(expected, key=json.dumps), notebook["path"]


def test_schema_rejects_a_finding_without_a_cause_key(cli_report) -> None:
    _, document = cli_report
    broken = json.loads(json.dumps(document))
    finding = next(f for nb in broken["notebooks"] for f in nb["findings"])
    del finding["cause"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, REPORT_SCHEMA)
