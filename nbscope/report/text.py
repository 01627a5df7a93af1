"""The terminal report: one block per finding, with the source line and a caret, then a summary.

Colors only when the caller says the output is a terminal that wants them.
"""

from __future__ import annotations

from ..findings import Finding, NotebookReport, Severity
from . import Run

# The rules (for the label of a finding without a cause) and the transform (for a
# source with carriage returns) are imported only then: start-up of a small run.

_STYLES = {"bold": "1", "error": "1;31", "warning": "1;33", "info": "1;36", "dim": "2"}


def render(run: Run) -> str:
    paint = _painter(run.color)
    blocks: list[str] = []
    for item in run.checked:
        report = item.report
        if report.error is not None:
            blocks.append(f"{paint(report.path, 'bold')}: cannot check this notebook: "
                          f"{report.error}")
            continue
        for found in report.findings:
            blocks.append(_finding(report.path, found, item.sources.get(found.cell), paint))
        failure = first_failure_line(report)
        if failure is not None:
            blocks.append(f"{report.path}: {failure}.")
    blocks.append(paint(summary(run), "bold"))
    return "\n\n".join(blocks) + "\n"


def _painter(color: bool):
    def paint(text: str, style: str) -> str:
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text
    return paint


def _finding(path: str, found: Finding, source: str | None, paint) -> str:
    span = found.span
    place = f"{path}:cell {found.cell}"
    if span is not None:
        place += f":{span.line}:{span.column}"
    if found.cause:
        label = found.cause.value
    else:
        from ..rules import REGISTRY

        rule = REGISTRY.get(found.code)
        label = rule.name if rule else found.code
    severity = paint(found.severity.value, found.severity.value)
    lines = [f"{paint(place, 'bold')}: {paint(found.code, 'bold')} {severity} ({label}): "
             f"{found.message}"]
    lines.extend(_excerpt(source, found, paint))
    for item in found.related:
        location = f"cell {item.cell}" + (f", line {item.line}" if item.line else "")
        count = f" [ran as [{item.execution_count}]]" if item.execution_count is not None else ""
        note = f": {item.note}" if item.note else ""
        lines.append(f"    = {item.role}: {location}{count}{note}")
    if found.fix:
        lines.append(f"    = help: {found.fix}")
    return "\n".join(lines)


def _excerpt(source: str | None, found: Finding, paint) -> list[str]:
    span = found.span
    if source is None or span is None:
        return []
    if "\r" in source:
        from ..transform import normalize_newlines

        source = normalize_newlines(source)
    source_lines = source.split("\n")
    if not 1 <= span.line <= len(source_lines):
        return []
    text = source_lines[span.line - 1].rstrip().expandtabs(4)
    gutter = " " * len(str(span.line))
    width = span.end_column - span.column if span.end_line == span.line else 1
    caret = " " * (span.column - 1) + paint("^" * max(width, 1), found.severity.value)
    return [f"    {gutter} |", f"    {span.line} | {text}", f"    {gutter} | {caret}"]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(run: Run) -> str:
    """One honest line: what was found, hidden, unreadable, excluded or missing."""
    reports = run.reports
    findings = [f for report in reports for f in report.findings]
    checked = sum(1 for report in reports if report.error is None)
    unreadable = len(reports) - checked
    if findings:
        parts = [_plural(sum(1 for f in findings if f.severity is severity), severity.value)
                 for severity in Severity if any(f.severity is severity for f in findings)]
        noun = "problem" if len(findings) == 1 else "problems"
        text = (f"Found {len(findings)} {noun} ({', '.join(parts)}) "
                f"in {_plural(checked, 'notebook')}.")
        if run.suppressed:
            text += f" {run.suppressed} more suppressed."
    elif checked and run.suppressed:
        text = (f"No problems shown in {_plural(checked, 'notebook')}: "
                f"{_plural(run.suppressed, 'finding')} suppressed (# noqa, cell tags, "
                "notebook metadata).")
    elif checked and not unreadable and not run.path_errors:
        text = f"No problems found in {_plural(checked, 'notebook')}."
    elif checked:
        noun = "notebook that" if checked == 1 else "notebooks that"
        text = f"No problems in the {checked} {noun} could be read."
    elif unreadable or run.path_errors:
        text = "Nothing was checked."
    else:
        text = "No notebooks were checked."
    if unreadable:
        text += f" {unreadable} could not be read." if findings or checked else \
            f" {_plural(unreadable, 'notebook')} could not be read."
    if run.path_errors:
        text += f" {_plural(len(run.path_errors), 'path')} held no notebook."
    if run.excluded:
        text += f" {run.excluded} excluded by the exclude settings."
    return text


def first_failure_line(report: NotebookReport) -> str | None:
    failure = report.first_failure
    if failure is None:
        return None
    what = f"{failure.error}: `{failure.name}`" if failure.name else failure.error
    return f"Restart & Run All first fails at cell {failure.cell} ({what})"
