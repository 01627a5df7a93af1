"""Saved NameErrors that the cell's text alone cannot show, read from their traceback.

A NameError raised inside a function the cell called is explained at the call,
with the function's cell and line; one raised in ``File "<string>"`` came from
text the cell evaluated (``eval(input())``, ``exec``), not from its code; one
whose traceback quotes lines the cell no longer has is stale (edited since), and
the cell's current code is what is judged. ``saved_session`` asks here first.
Pure: reads the ``Facts``, the ``History`` and the saved traceback.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..dataflow.ir import BindingKind, Site
from ..findings import Evidence, Finding, Related, Severity
from ..model import Cell, SavedError, Span
from ..saved_traceback import Frame, frames
from . import never_defined
from .base import Facts, Message, Rule
from .saved_story import code_part, read_span

IN_FUNCTION_NOTE = ", raised inside `{function}` ({where}), which this cell calls on line {line}"
EVALUATED_TEXT = Message(
    "never-defined/evaluated-text",
    "This cell's saved output is `NameError: name '{name}' is not defined` (run {count}), "
    "raised in `File \"<string>\"`: in text the cell evaluated as code ({how}), not in the "
    "cell's own code. The text named `{name}`, which {bound}.",
    "{fix}")
STALE_NOTE = ("The saved `NameError: name '{name}' is not defined` is stale: its traceback "
              "shows it raised by `{quoted}` (line {line}), code this cell no longer contains "
              "(it was edited after it ran). Judged on the cell's current code: ")


def name_error_of(cell: Cell, name: str) -> SavedError | None:
    return next((e for e in cell.errors if e.ename == "NameError" and f"'{name}'" in e.evalue),
                None)


def _count(cell: Cell) -> str:
    return f"[{cell.execution_count}]" if cell.execution_count else "[ ]"


# --- raised in text the cell evaluated -------------------------------------------------

_EVAL_CALL = re.compile(r"\b(eval|exec)\s*\(\s*(input\s*\()?")


def evaluated_text(facts: Facts, cell: Cell, name: str, error: SavedError) -> Finding | None:
    """A NameError raised in ``File "<string>"``: the evaluated text named ``name``."""
    found = frames(error)
    if not found or found[-1].kind != "string":
        return None
    caller = next((f for f in reversed(found) if f.kind == "cell"), None)
    line = caller.line if caller is not None else None
    lines = cell.source.split("\n")
    text = lines[line - 1] if line is not None and 1 <= line <= len(lines) else cell.source
    call = _EVAL_CALL.search(text) or _EVAL_CALL.search(cell.source)
    typed = call is not None and call.group(2) is not None
    how = (f"`{call.group(1)}(input())` runs what was typed" if typed
           else f"`{call.group(1)}(...)`" if call else "code built from a string")
    bound_at = sorted({s.site.cell for s in facts.module_sites(name)})
    bound = (f"cell {bound_at[0]} assigns, but it had not run in that session" if bound_at
             else "no cell of the notebook defines")
    fix = ("Type a value the code can read (a number, a quoted string), or read the text "
           "without evaluating it: `input()` alone, or `ast.literal_eval(input())`." if typed
           else f"Define `{name}` before the evaluated text runs, or fix the text.")
    span = _span_on(cell, line, call.group(1) if call else name)
    return facts.finding(never_defined.RULE, name, Site(cell.index, span), EVALUATED_TEXT,
                         {"count": _count(cell), "how": how, "bound": bound, "fix": fix},
                         severity=Severity.WARNING, evidence=Evidence.SAVED_SESSION)


# --- raised inside a function the cell called ---------------------------------------------

def in_function(facts: Facts, cell: Cell, name: str, error: SavedError,
                explain_here: Finding | None, explain_there: Finding | None) -> Finding | None:
    """A NameError raised inside a function this cell called, placed at the call.

    ``explain_here``: the saved session's story for ``name`` read by this cell's run (a
    restart, a definition run later, ...), if the notebook binds ``name``;
    ``explain_there``: the code's finding where the function reads ``name``.
    """
    found = frames(error)
    if len(found) < 2 or found[-1].kind != "cell" or found[-1].function is None:
        return None
    outer, inner = found[0], found[-1]
    definition = _function_site(facts, inner)
    call_line = outer.line if outer.kind == "cell" else None
    span = (_span_on(cell, call_line, inner.function) or _span_on(cell, call_line, None)
            or (explain_there.span if explain_there is not None
                and explain_there.cell == cell.index else None))
    where = (f"cell {definition.cell}, line {inner.line}" if definition is not None
             else f"line {inner.line} of its code" if inner.line else "its code")
    note = IN_FUNCTION_NOTE.format(function=inner.function, where=where,
                                   line=call_line if call_line else "?")
    raised = Related("error", definition.cell if definition is not None else cell.index,
                     inner.line, None, facts.execution_count(definition.cell)
                     if definition is not None else None,
                     f"NameError raised here, inside `{inner.function}`")
    base = explain_here or explain_there
    if base is None:
        return None
    message = _after_saved_output(base.message, note) if explain_here is not None else (
        f"This cell's saved output is `NameError: name '{name}' is not defined` (run "
        f"{_count(cell)}){note}: " + base.message)
    return replace(base, cell=cell.index, span=span, cell_id=cell.cell_id,
                   execution_count=cell.execution_count, message=message,
                   related=base.related + (raised,), evidence=Evidence.SAVED_SESSION,
                   severity=base.severity if explain_here is not None else _at_most_warning(
                       base.severity))


def inner_function(error: SavedError) -> Frame | None:
    """The function frame a NameError was raised in, when a cell's call led there."""
    found = frames(error)
    if len(found) >= 2 and found[-1].kind == "cell" and found[-1].function is not None:
        return found[-1]
    return None


def function_read_site(facts: Facts, frame: Frame, name: str) -> Site | None:
    """Where the function of ``frame`` reads ``name``: the line the traceback names."""
    definition = _function_site(facts, frame)
    if definition is None or frame.line is None:
        return None
    return Site(definition.cell, _span_on(facts.cells[definition.cell], frame.line, name))


def _function_site(facts: Facts, frame: Frame) -> Site | None:
    """The cell defining the frame's function: the one whose line quotes the same, else
    the one that ran with the frame's count, else the last definition."""
    sites = [s.site for s in facts.sites(frame.function or "")
             if s.binding is BindingKind.FUNCTION]
    if not sites:
        return None
    quoted = (frame.quoted_line(frame.line) or "").strip()
    for site in sites:
        lines = facts.cells[site.cell].source.split("\n")
        if quoted and frame.line is not None and frame.line <= len(lines) \
                and lines[frame.line - 1].strip() == quoted:
            return site
    by_count = [s for s in sites if frame.count is not None
                and facts.execution_count(s.cell) == frame.count]
    return by_count[0] if by_count else sites[-1]


def _after_saved_output(message: str, note: str) -> str:
    head, sep, tail = message.partition("): ")
    return f"{head}){note}: {tail}" if sep else message


def _at_most_warning(severity: Severity) -> Severity:
    return Severity.WARNING if severity is Severity.ERROR else severity


# --- stale: the cell was edited after it ran ----------------------------------------------

def stale_quote(cell: Cell, error: SavedError) -> tuple[int, str] | None:
    """(line, quoted) when the saved traceback quotes, as the line that raised, code the
    cell no longer contains anywhere; None when it does or cannot be told. (IPython drops
    a cell's leading blank lines, and an edit above shifts the rest: where the line is
    now does not matter, only whether the code that raised is still there.)"""
    found = frames(error)
    if not found or found[0].kind != "cell" or found[0].line is None:
        return None
    line = found[0].line
    quoted = found[0].quoted_line(line)
    if quoted is None or "get_ipython()" in quoted or not _normal(quoted):
        return None  # older IPython quoted its own rewriting of magics
    lines = cell.source.split("\n")
    if any(text.lstrip().startswith(("%", "!")) for text in lines):
        return None  # magics rewrite lines in older tracebacks
    if any(_normal(text) == _normal(quoted) for text in lines):
        return None
    return line, quoted.strip()


def stale_finding(facts: Facts, cell: Cell, name: str, stale: tuple[int, str],
                  code: Finding | None, rule: Rule, stale_output: Message) -> Finding:
    """The cell's current code judged, with the stale output said first."""
    line, quoted = stale
    note = STALE_NOTE.format(name=name, line=line, quoted=_short(quoted))
    if code is not None:
        return replace(code, message=note + code.message)
    span = read_span(cell.source, name) or _span_on(cell, line, None)
    return facts.finding(rule, name, Site(cell.index, span), stale_output,
                         {"note": note, "count": _count(cell)}, severity=Severity.INFO,
                         evidence=Evidence.SAVED_SESSION)


def _normal(text: str) -> str:
    """The line's code without its comment or spaces: a comment edited since changes
    nothing that ran."""
    return re.sub(r"\s+", "", code_part(text))


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _span_on(cell: Cell, line: int | None, word: str | None) -> Span | None:
    lines = cell.source.split("\n")
    if line is None or not 1 <= line <= len(lines):
        return None
    if word is not None:
        found = read_span(lines[line - 1], word)
        if found is not None:
            return Span(line, found.column, line, found.end_column)
        return None
    text = lines[line - 1]
    start = len(text) - len(text.lstrip()) + 1
    return Span(line, start, line, len(text) + 1)


