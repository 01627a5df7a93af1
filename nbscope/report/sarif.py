"""SARIF 2.1.0 for code-scanning services: one rule descriptor per rule, one result per finding.

Each result is located in the .ipynb file at the line and column of the file's
JSON text that holds the offending source (``ipynb_layout``), and carries the
notebook coordinates as properties: ``cell`` (1-based over all cells),
``cellId``, and ``cellLine``/``cellColumn`` within the cell's source.
Notebooks that could not be read and paths that held no notebook are tool
notifications of the run's invocation.
"""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..ipynb_layout import FilePosition
from ..rules import REGISTRY
from ..rules.base import Rule
from . import Run

VERSION = "2.1.0"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(run: Run) -> str:
    return json.dumps(document(run), indent=2, ensure_ascii=False) + "\n"


def document(run: Run) -> dict[str, Any]:
    index = {code: number for number, code in enumerate(REGISTRY)}
    results = []
    notifications = []
    for item in run.checked:
        report = item.report
        if report.error is not None:
            notifications.append(_notification(f"cannot check this notebook: {report.error}",
                                               report.path))
            continue
        positions = item.positions or (None,) * len(report.findings)
        for found, position in zip(report.findings, positions, strict=True):
            results.append(_result(report.path, found, position, index))
    for path, reason in run.path_errors:
        notifications.append(_notification(reason, path))
    return {
        "$schema": SCHEMA_URI,
        "version": VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "nbscope",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_descriptor(rule) for rule in REGISTRY.values()],
            }},
            "invocations": [{
                "executionSuccessful": not notifications,
                "exitCode": run.status,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        "properties": {"tags": ["notebook", "NameError"] + ([rule.cause.value] if rule.cause
                                                            else [])},
    }


def _result(path: str, found: Finding, position: FilePosition | None,
            index: dict[str, int]) -> dict[str, Any]:
    span = found.span
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if position is not None:
        physical["region"] = {"startLine": position.line, "startColumn": position.column}
    properties: dict[str, Any] = {
        "cell": found.cell,
        "cellId": found.cell_id,
        "cellLine": span.line if span else None,
        "cellColumn": span.column if span else None,
        "cellEndLine": span.end_line if span else None,
        "cellEndColumn": span.end_column if span else None,
        "executionCount": found.execution_count,
        "cause": found.cause.value if found.cause else None,
        "name": found.name,
        "evidence": found.evidence.value,
    }
    if found.suggestion is not None:
        properties["suggestion"] = found.suggestion
    where = f"cell {found.cell}" + (f", line {span.line}" if span else "")
    text = f"{where}: {found.message}" + (f" How to fix: {found.fix}" if found.fix else "")
    result: dict[str, Any] = {
        "ruleId": found.code,
        "level": _LEVEL[found.severity.value],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "properties": properties,
    }
    if found.code in index:
        result["ruleIndex"] = index[found.code]
    if found.related:
        result["relatedLocations"] = [
            {"id": number, "message": {"text": _related_text(item)},
             "physicalLocation": {"artifactLocation": {"uri": _uri(path)}},
             "properties": {"role": item.role, "cell": item.cell, "cellLine": item.line,
                            "cellColumn": item.column, "executionCount": item.execution_count}}
            for number, item in enumerate(found.related)]
    return result


def _related_text(item: Any) -> str:
    text = f"{item.role}: cell {item.cell}" + (f", line {item.line}" if item.line else "")
    return text + (f" ({item.note})" if item.note else "")


def _notification(text: str, path: str) -> dict[str, Any]:
    return {"level": "error", "message": {"text": f"{path}: {text}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}]}


def _uri(path: str) -> str:
    """A relative path stays a relative URI reference (what code scanning wants)."""
    if os.path.isabs(path):
        return pathlib.Path(path).as_uri()
    posix = path.replace(os.sep, "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix)
