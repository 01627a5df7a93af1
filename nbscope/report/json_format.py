"""The JSON report of ``output-contract.md``, schema 1: fields may be added, never renamed."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..checking import CheckedNotebook
from ..findings import Finding, Related, Severity
from . import Run

SCHEMA = 1


def render(run: Run) -> str:
    return json.dumps(document(run), indent=2, ensure_ascii=False) + "\n"


def document(run: Run) -> dict[str, Any]:
    reports = run.reports
    findings = [f for report in reports for f in report.findings]
    by_severity = {severity.value: 0 for severity in Severity}
    for found in findings:
        by_severity[found.severity.value] += 1
    unreadable = run.unreadable
    return {
        "schema": SCHEMA,
        "tool": {"name": "nbscope", "version": __version__},
        "notebooks": [notebook_entry(item) for item in run.checked],
        "summary": {
            "notebooks": len(reports),
            "findings": len(findings),
            "errors": unreadable,  # the contract's first name for `unreadable`
            "by_severity": by_severity,
            "checked": len(reports) - unreadable,
            "unreadable": unreadable,
            "failing": sum(run.failing(report) for report in reports),
            "fail_on": run.fail_on,
            "suppressed": run.suppressed,
            "excluded": run.excluded,
            "paths_without_notebooks": [path for path, _ in run.path_errors],
            "exit_status": run.status,
        },
    }


def notebook_entry(item: CheckedNotebook) -> dict[str, Any]:
    """One notebook's object in the document's ``notebooks`` list."""
    report = item.report
    failure = report.first_failure
    return {
        "path": report.path,
        "error": report.error,
        "run_all": {
            "first_failure": None if failure is None else {
                "cell": failure.cell, "name": failure.name, "error": failure.error,
            },
        },
        "findings": [_finding(found) for found in report.findings],
    }


def _finding(found: Finding) -> dict[str, Any]:
    span = found.span
    return {
        "code": found.code,
        "cause": found.cause.value if found.cause else None,
        "name": found.name,
        "severity": found.severity.value,
        "cell": found.cell,
        "cell_id": found.cell_id,
        "execution_count": found.execution_count,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "message": found.message,
        "suggestion": found.suggestion,
        "related": [_related(item) for item in found.related],
        "fix": found.fix,
        "evidence": found.evidence.value,
    }


def _related(item: Related) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "role": item.role, "cell": item.cell, "line": item.line, "column": item.column,
        "execution_count": item.execution_count,
    }
    if item.note:
        entry["note"] = item.note
    return entry
