"""The JSON report of ``output-contract.md``, schema 1: fields may be added, never renamed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..findings import Finding, NotebookReport, Related, Severity

SCHEMA = 1


def render(reports: Sequence[NotebookReport], sources: dict[str, str]) -> str:
    return json.dumps(document(reports), indent=2, ensure_ascii=False) + "\n"


def document(reports: Sequence[NotebookReport]) -> dict[str, Any]:
    findings = [f for report in reports for f in report.findings]
    by_severity = {severity.value: 0 for severity in Severity}
    for found in findings:
        by_severity[found.severity.value] += 1
    return {
        "schema": SCHEMA,
        "tool": {"name": "nbscope", "version": __version__},
        "notebooks": [_notebook(report) for report in reports],
        "summary": {
            "notebooks": len(reports),
            "findings": len(findings),
            "errors": sum(1 for report in reports if report.error is not None),
            "by_severity": by_severity,
        },
    }


def _notebook(report: NotebookReport) -> dict[str, Any]:
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
