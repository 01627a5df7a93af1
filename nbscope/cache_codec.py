"""A checked notebook as plain JSON data and back, exactly, for the results cache.

JSON rather than pickle: a cache folder is data that anyone with write access
to the project could have put there, and reading it must never run code.
Every field is written out by name; ``tests/test_cache.py`` checks that each
field of these records is handled, so a field added later cannot be dropped
silently.
"""

from __future__ import annotations

from typing import Any

from .checking import CheckedNotebook
from .findings import Cause, Evidence, Finding, FirstFailure, NotebookReport, Related, Severity
from .ipynb_layout import FilePosition
from .model import Span


class CodecError(ValueError):
    """A stored value that does not decode: the entry is treated as missing."""


def encode(checked: CheckedNotebook) -> dict[str, Any]:
    report = checked.report
    failure = report.first_failure
    return {
        "path": report.path,
        "error": report.error,
        "findings": [_finding(found) for found in report.findings],
        "first_failure": None if failure is None else [failure.cell, failure.name,
                                                       failure.error],
        "sources": [[cell, source] for cell, source in checked.sources.items()],
        "suppressed": checked.suppressed,
        "positions": [None if at is None else [at.line, at.column]
                      for at in checked.positions],
    }


def decode(value: dict[str, Any]) -> CheckedNotebook:
    try:
        failure = value["first_failure"]
        report = NotebookReport(
            path=value["path"], error=value["error"],
            findings=tuple(_decode_finding(item) for item in value["findings"]),
            first_failure=None if failure is None else FirstFailure(*failure))
        return CheckedNotebook(
            report, {cell: source for cell, source in value["sources"]},
            value["suppressed"],
            tuple(None if at is None else FilePosition(*at) for at in value["positions"]))
    except (KeyError, TypeError, ValueError) as error:
        raise CodecError(f"damaged cache entry: {error}") from error


def _finding(found: Finding) -> dict[str, Any]:
    span = found.span
    return {
        "code": found.code,
        "cause": None if found.cause is None else found.cause.value,
        "name": found.name,
        "severity": found.severity.value,
        "cell": found.cell,
        "span": None if span is None else [span.line, span.column, span.end_line,
                                           span.end_column],
        "message": found.message,
        "fix": found.fix,
        "suggestion": found.suggestion,
        "related": [[r.role, r.cell, r.line, r.column, r.execution_count, r.note]
                    for r in found.related],
        "evidence": found.evidence.value,
        "cell_id": found.cell_id,
        "execution_count": found.execution_count,
        "message_key": found.message_key,
    }


def _decode_finding(item: dict[str, Any]) -> Finding:
    span = item["span"]
    cause = item["cause"]
    return Finding(
        code=item["code"],
        cause=None if cause is None else Cause(cause),
        name=item["name"],
        severity=Severity(item["severity"]),
        cell=item["cell"],
        span=None if span is None else Span(*span),
        message=item["message"],
        fix=item["fix"],
        suggestion=item["suggestion"],
        related=tuple(Related(*related) for related in item["related"]),
        evidence=Evidence(item["evidence"]),
        cell_id=item["cell_id"],
        execution_count=item["execution_count"],
        message_key=item["message_key"],
    )
