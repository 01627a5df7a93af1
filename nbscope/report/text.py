"""The terminal report: one block per finding, with the source line and a caret."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, NotebookReport, Severity
from ..rules import REGISTRY
from ..transform import normalize_newlines


def render(reports: Sequence[NotebookReport], sources: dict[str, str]) -> str:
    """``sources`` maps ``"path\\0cell"`` to that cell's raw source, for excerpts."""
    blocks: list[str] = []
    for report in reports:
        if report.error is not None:
            blocks.append(f"{report.path}: cannot check this notebook: {report.error}")
            continue
        for found in report.findings:
            blocks.append(_finding(report.path, found, sources.get(f"{report.path}\0{found.cell}")))
        if report.first_failure is not None:
            failure = report.first_failure
            what = f"{failure.error}: `{failure.name}`" if failure.name else failure.error
            blocks.append(f"{report.path}: Restart & Run All first fails at cell "
                          f"{failure.cell} ({what}).")
    blocks.append(_summary(reports))
    return "\n\n".join(blocks) + "\n"


def _finding(path: str, found: Finding, source: str | None) -> str:
    span = found.span
    place = f"{path}:cell {found.cell}"
    if span is not None:
        place += f":{span.line}:{span.column}"
    rule = REGISTRY.get(found.code)
    label = found.cause.value if found.cause else (rule.name if rule else found.code)
    lines = [f"{place}: {found.code} {found.severity.value} ({label}): {found.message}"]
    lines.extend(_excerpt(source, found))
    for item in found.related:
        location = f"cell {item.cell}" + (f", line {item.line}" if item.line else "")
        count = f" [ran as [{item.execution_count}]]" if item.execution_count is not None else ""
        note = f": {item.note}" if item.note else ""
        lines.append(f"    = {item.role}: {location}{count}{note}")
    if found.fix:
        lines.append(f"    = help: {found.fix}")
    return "\n".join(lines)


def _excerpt(source: str | None, found: Finding) -> list[str]:
    span = found.span
    if source is None or span is None:
        return []
    source_lines = normalize_newlines(source).split("\n")
    if not 1 <= span.line <= len(source_lines):
        return []
    text = source_lines[span.line - 1].rstrip().expandtabs(4)
    gutter = " " * len(str(span.line))
    width = span.end_column - span.column if span.end_line == span.line else 1
    caret = " " * (span.column - 1) + "^" * max(width, 1)
    return [f"    {gutter} |", f"    {span.line} | {text}", f"    {gutter} | {caret}"]


def _summary(reports: Sequence[NotebookReport]) -> str:
    findings = [f for report in reports for f in report.findings]
    unreadable = sum(1 for report in reports if report.error is not None)
    counted = len(reports)
    noun = "notebook" if counted == 1 else "notebooks"
    if not findings:
        text = f"No problems found in {counted} {noun}."
    else:
        parts = []
        for severity in Severity:
            count = sum(1 for f in findings if f.severity is severity)
            if count:
                parts.append(f"{count} {severity.value}{'' if count == 1 else 's'}")
        problems = "problem" if len(findings) == 1 else "problems"
        text = f"Found {len(findings)} {problems} ({', '.join(parts)}) in {counted} {noun}."
    if unreadable:
        text += f" {unreadable} could not be read."
    return text
