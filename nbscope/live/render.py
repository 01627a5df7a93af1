"""Text and HTML for what the extension shows: one explanation under a traceback, and the
``%nbscope`` report table. Every piece of user text is escaped in HTML. Pure strings."""

from __future__ import annotations

import html
import re

from .explain import LiveExplanation
from .report import LiveReport

_CODE = re.compile(r"`([^`]+)`")
_BOX = ("border-left:3px solid #d08770;padding:4px 10px;margin:4px 0;"
        "font-family:var(--jp-ui-font-family,sans-serif);font-size:13px")


def explanation_text(found: LiveExplanation) -> str:
    """Plain text, for terminals and for front ends that show only text."""
    place = f"{found.cell}, In [{found.count}]" if found.cell else f"In [{found.count}]"
    cause = f" ({found.cause})" if found.cause else ""
    lines = [f"nbscope: {found.ename} for `{found.name}` in {place}{cause}",
             f"  {found.message}"]
    lines += [f"  - {fact}" for fact in found.facts]
    if found.fix:
        lines.append(f"  fix: {found.fix}")
    if found.note:
        lines.append(f"  note: {found.note}")
    return "\n".join(lines)


def explanation_html(found: LiveExplanation) -> str:
    place = f"{found.cell}, In [{found.count}]" if found.cell else f"In [{found.count}]"
    cause = f" <span style='opacity:.7'>({_h(found.cause)})</span>" if found.cause else ""
    parts = [f"<div class='nbscope-explanation' style='{_BOX}'>",
             f"<b>nbscope</b>: {_h(found.ename)} for <code>{_h(found.name)}</code> in "
             f"{_h(place)}{cause}<br>{_rich(found.message)}"]
    if found.facts:
        parts.append("<ul style='margin:2px 0'>" + "".join(
            f"<li>{_rich(fact)}</li>" for fact in found.facts) + "</ul>")
    if found.fix:
        parts.append(f"<div><b>Fix</b>: {_rich(found.fix)}</div>")
    if found.note:
        parts.append(f"<div style='opacity:.7'>{_rich(found.note)}</div>")
    parts.append("</div>")
    return "".join(parts)


def report_text(report: LiveReport) -> str:
    lines = [f"nbscope: {report.title}"]
    if report.note:
        lines.append(f"  note: {report.note}")
    if not report.rows:
        lines.append("  No problems found.")
    for row in report.rows:
        where = f"cell {row.cell}" + (f":{row.line}" if row.line else "")
        label = " ".join(part for part in (row.code, row.cause) if part)
        lines.append(f"  {where:<12} {label:<28} {row.message}")
    for fact in report.facts:
        lines.append(f"  - {fact}")
    return "\n".join(lines)


def report_html(report: LiveReport) -> str:
    parts = [f"<div class='nbscope-report' style='{_BOX}'><b>nbscope</b>: {_rich(report.title)}"]
    if report.note:
        parts.append(f"<div style='opacity:.7'>{_rich(report.note)}</div>")
    if report.rows:
        parts.append("<table><thead><tr><th>cell</th><th>line</th><th>code</th><th>cause</th>"
                     "<th>what happens</th></tr></thead><tbody>")
        for row in report.rows:
            parts.append(f"<tr><td>{row.cell}</td><td>{row.line or ''}</td>"
                         f"<td>{_h(row.code or '')}</td><td>{_h(row.cause or '')}</td>"
                         f"<td style='text-align:left'>{_rich(row.message)}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<div>No problems found.</div>")
    if report.facts:
        parts.append("<ul style='margin:2px 0'>" + "".join(
            f"<li>{_rich(fact)}</li>" for fact in report.facts) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def _h(text: str | None) -> str:
    return html.escape(text or "")


def _rich(text: str) -> str:
    """Escape ``text`` and show its backquoted parts as code."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(text, quote=False))
