"""GitHub Actions workflow commands: one annotation per finding, on the line of the .ipynb file.

``line=`` and ``col=`` are positions in the notebook file's JSON text (found by
``ipynb_layout``), so the annotation sits on the very line of the pull
request's diff that holds the offending source line; the message names the cell
and the line within it, the cause and the fix.
"""

from __future__ import annotations

from ..findings import Finding
from ..ipynb_layout import FilePosition
from ..rules import REGISTRY
from . import Run
from .text import first_failure_line, summary

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def render(run: Run) -> str:
    lines: list[str] = []
    for item in run.checked:
        report = item.report
        path = _path(report.path)
        if report.error is not None:
            lines.append(_command("error", {"file": path, "title": "nbscope: cannot check"},
                                  f"cannot check this notebook: {report.error}"))
            continue
        positions = item.positions or (None,) * len(report.findings)
        for found, position in zip(report.findings, positions, strict=True):
            lines.append(_annotation(path, found, position))
        failure = first_failure_line(report)
        if failure is not None:
            lines.append(f"{report.path}: {failure}.")
    for path, reason in run.path_errors:
        lines.append(_command("error", {"title": "nbscope: no notebook"}, f"{path}: {reason}"))
    lines.append(summary(run))
    return "\n".join(lines) + "\n"


def _annotation(path: str, found: Finding, position: FilePosition | None) -> str:
    rule = REGISTRY.get(found.code)
    label = found.cause.value if found.cause else (rule.name if rule else found.code)
    properties: dict[str, str | int] = {"file": path}
    if position is not None:
        properties["line"] = position.line
        properties["col"] = position.column
    properties["title"] = f"nbscope {found.code} ({label})"
    where = f"cell {found.cell}"
    if found.span is not None:
        where += f", line {found.span.line}, column {found.span.column}"
    message = f"{where}: {found.message}"
    if found.fix:
        message += f"\nHow to fix: {found.fix}"
    return _command(_LEVEL[found.severity.value], properties, message)


def _command(level: str, properties: dict[str, str | int], message: str) -> str:
    listed = ",".join(f"{key}={_escape_property(str(value))}"
                      for key, value in properties.items())
    return f"::{level} {listed}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(path: str) -> str:
    """The path as GitHub wants it: forward slashes, no leading ``./``."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path
