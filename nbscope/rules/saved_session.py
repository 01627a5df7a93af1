"""NS009-NS012: what the saved session shows, from execution counts, times and outputs.

Every NameError saved in a cell's outputs is explained with the most specific
cause the traces support: the defining cell ran after this one or never
(out-of-order), in an earlier kernel session (restart), or raised before its
binding line (failed-definition). A cell that ran without error although no
visible cell could have bound a name it reads shows hidden state: a deleted or
edited cell (hidden-state). These findings rest on the saved traces, not on the
code alone, and replace a code finding for the same read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace

from ..dataflow.ir import Delete, Op, Site, Use, walk
from ..findings import Cause, Evidence, Finding, Related, Severity
from ..history import History, Order, ran
from ..model import Cell, Span
from ..names import PROVIDED
from ..packages import package_for
from . import defined_later, deleted, missing_module, saved_frames
from .base import Facts, Message, Rule
from .explain import unbound_name
from .saved_outputs import shows_output
from .saved_story import (
    MISSING_MODULE,
    SavedRead,
    Story,
    classify,
    definitions,
    error_line,
    evaluates_text,
    failed_before_binding,
    failure_name,
    read_span,
    reads,
    saved_name_errors,
    site_of,
    unparsable,
)

_DOC_FIX = "Restart the kernel and run the notebook from the top before saving it."

OUT_OF_ORDER = Rule(
    code="NS009", name="out-of-order", cause=Cause.OUT_OF_ORDER, severity=Severity.WARNING,
    summary="The saved outputs show a NameError because the defining cell ran after this "
            "one, or never.",
    doc="""\
## What it does
Explains a NameError saved in a cell's outputs when the execution counts show
that the cell defining the name ran after this cell (a higher count) or did not
run at all (no count).

## Why is this bad?
The saved notebook shows an error that its reader cannot reproduce or
understand, and the order the author ran cells in is not the order on the page.

## Example
```text
[3]  df.head()              # NameError: name 'df' is not defined
[4]  df = pd.read_csv(...)
```

## Use instead
Run the defining cell first; before saving, restart the kernel and run all
cells from the top.
""")
RESTART = Rule(
    code="NS010", name="restart", cause=Cause.RESTART, severity=Severity.WARNING,
    summary="The saved outputs show a NameError because the name was bound before a kernel "
            "restart.",
    doc="""\
## What it does
Explains a saved NameError when the defining cell last ran in an earlier kernel
session: a restart (proven by a repeated execution count, or by the saved run
times) came between the definition and this cell.

## Why is this bad?
A restart clears every variable; cells run before it must run again.

## Example
```text
[1]  model = build()        # first session
[1]  model.fit(x)           # after a restart: NameError (count [1] twice)
```

## Use instead
After a restart, run the cells above (Run All Above) before this one.
""")
HIDDEN_STATE = Rule(
    code="NS011", name="hidden-state", cause=Cause.HIDDEN_STATE, severity=Severity.ERROR,
    summary="A cell ran without error on a name no visible cell had bound: a deleted or "
            "edited cell defined it.",
    doc="""\
## What it does
Finds reads in cells that ran without error in the saved session although no
cell of the notebook as saved bound the name before they ran. Only a cell that
was deleted, or edited after it ran, can have bound it; a gap in the execution
counts before the cell says when.

## Why is this bad?
The notebook depends on code it no longer contains: Restart & Run All fails.

## Example
```text
[5]  print(total)           # ran fine; counts [1]-[4] are missing, and no cell assigns total
```

## Use instead
Restore the deleted definition in a cell above, or bind the name again.
""")
FAILED_DEFINITION = Rule(
    code="NS012", name="failed-definition", cause=Cause.FAILED_DEFINITION,
    severity=Severity.WARNING,
    summary="The saved outputs show a NameError because the defining cell raised an error "
            "before binding the name.",
    doc="""\
## What it does
Explains a saved NameError when the cell that defines the name ran before this
one but its saved output is an error raised before the binding line.

## Why is this bad?
The NameError is a consequence; the first error is the one to fix.

## Example
```text
[2]  data = load("x.csv")   # FileNotFoundError
[3]  data.describe()        # NameError: name 'data' is not defined
```

## Use instead
Fix the error in the defining cell and run it again, then this one.
""")
RULES = (OUT_OF_ORDER, RESTART, HIDDEN_STATE, FAILED_DEFINITION)


def findings(facts: Facts, history: History, code_findings: list[Finding],
             failing_reads: Mapping[tuple[int, str], bool] | None = None) -> list[Finding]:
    """The code findings, with those the saved traces explain better replaced, plus one
    finding for every saved NameError the code findings do not cover.

    ``failing_reads`` maps the (cell, name) reads that fail whenever their cell runs to
    True, and those that fail whenever a loop around them runs an iteration to False:
    only those prove hidden state when the cell ran without error.
    """
    by_read: dict[tuple[int, str], int] = {}  # (cell, name) -> index in code_findings
    for index, found in enumerate(code_findings):
        if found.name is not None and found.cause is not None:
            by_read.setdefault((found.cell, found.name), index)
    replaced: dict[int, Finding] = {}  # index in code_findings -> its better explanation
    extra: list[Finding] = []
    for cell in facts.notebook.code_cells:
        for name in saved_name_errors(cell):
            index = by_read.get((cell.index, name))
            code = code_findings[index] if index is not None else None
            found = _from_traceback(facts, history, cell, name, code,
                                    lambda at: _code_finding(code_findings, by_read, at))
            if found is None and code is None:
                found = _stale_output(facts, cell, name)
            if found is None:
                found = _explain_saved_error(facts, history, cell, name, code)
            if found is None and code is None:
                found = _in_unparsable_cell(facts, cell, name)
            if found is None:
                continue
            if index is not None:
                replaced[index] = found
            else:
                extra.append(found)
    for index, found in enumerate(code_findings):
        if index in replaced or found.severity is not Severity.ERROR:
            continue
        certain = (failing_reads or {}).get((found.cell, found.name))
        if (found.cause in (Cause.NEVER_DEFINED, Cause.DEFINED_LATER, Cause.TYPO)
                and certain is not None):
            hidden = _hidden_state(facts, history, found, in_loop=not certain)
            if hidden is not None:
                replaced[index] = hidden
    return [replaced.get(index, f) for index, f in enumerate(code_findings)] + extra


def _code_finding(code_findings: list[Finding], by_read: dict[tuple[int, str], int],
                  at: tuple[int, str]) -> Finding | None:
    index = by_read.get(at)
    return code_findings[index] if index is not None else None


def _from_traceback(facts: Facts, history: History, cell: Cell, name: str,
                    code: Finding | None,
                    code_at: Callable[[tuple[int, str]], Finding | None]) -> Finding | None:
    """What the saved traceback shows that the cell's text cannot: the error came from
    evaluated text, or from inside a function the cell called; or the cell was edited
    after it ran (the traceback quotes other code)."""
    error = saved_frames.name_error_of(cell, name)
    if error is None:
        return None
    found = saved_frames.evaluated_text(facts, cell, name, error)
    if found is not None:
        return found
    stale = saved_frames.stale_quote(cell, error)
    if stale is not None:
        return saved_frames.stale_finding(facts, cell, name, stale, code, HIDDEN_STATE,
                                          STALE_QUOTED_TEXT)
    frame = saved_frames.inner_function(error)
    if frame is not None:
        here = (_explain_saved_error(facts, history, cell, name, code)
                if definitions(facts, name, cell.index) else None)
        if code is not None and here is None:
            return None  # the code's own finding here (the replay followed the call) stands
        site = saved_frames.function_read_site(facts, frame, name)
        there = code_at((site.cell, name)) if site is not None and code is None else code
        return saved_frames.in_function(facts, cell, name, error, here, there)
    return None


def _deleted_above(cell: Cell, name: str, code: Finding) -> bool:
    """Whether the cell's own ``del`` comes before the line its saved error was raised on
    (a ``del name`` that raised needed the name, so it is no such line)."""
    error = saved_frames.name_error_of(cell, name)
    line = error_line(error) if error is not None else None
    return line is not None and any(
        r.role == "deletion" and r.cell == cell.index and r.line is not None and r.line < line
        for r in code.related)


def _in_unparsable_cell(facts: Facts, cell: Cell, name: str) -> Finding | None:
    """A saved NameError in a cell that is not valid Python (any more): its reads were
    never judged, so a name bound nowhere is explained as the code would explain it."""
    if not unparsable(facts, cell.index) or facts.module_sites(name) \
            or facts.global_writes(name) or name in PROVIDED:
        return None
    span = read_span(cell.source, name)
    if span is None:
        return None
    found = unbound_name(facts, name, Site(cell.index, span))
    return replace(found, evidence=Evidence.SAVED_SESSION, message=(
        f"This cell's saved output is `NameError: name '{name}' is not defined` (run "
        f"{_count(facts, cell.index)}); the cell is not valid Python now, but its code still "
        f"reads `{name}`: " + found.message))


def _count(facts: Facts, cell: int) -> str:
    count = facts.execution_count(cell)
    return f"[{count}]" if count is not None else "[ ]"


def _explain_saved_error(facts: Facts, history: History, cell: Cell, name: str,
                         code: Finding | None) -> Finding | None:
    if code is not None and code.cause is Cause.DELETED and _deleted_above(cell, name, code):
        return None  # the cell deletes the name itself: its own code explains the error
    read = classify(facts, history, cell, name)
    if read is None or (read.story is Story.EDITED and (code is not None or not ran(cell))):
        return None  # the code's own finding says what Run All meets here; or no count
        # orders this run after the definition's
    if (read.story is Story.OUT_OF_ORDER and read.defined_below and code is not None
            and code.cause in (Cause.FUNCTION_LOCAL, Cause.DEFINED_LATER)):
        # Every definition is below: the cells ran in the page's order and the page's
        # order is the cause (defined-later); or the cell's own function binds it and a
        # global below is another variable (function-local).
        return None
    return _WRITERS[read.story](facts, history, read, code)


# --- wording: one template per story; every one quotes the saved output the same way
_SAVED = "This cell's saved output is `NameError: name '{name}' is not defined` (run {count})"
FAILED_DEFINITION_TEXT = Message(
    "failed-definition/raised",
    _SAVED + ": cell {source}, which assigns `{name}`, {ran} but {what}, so `{name}` was "
    "never bound.{run_all}",
    "Fix the {ename} in cell {source}, run cell {source} again, then this cell.")
FAILED_IMPORT_TEXT = Message(
    "missing-module/saved-import-failed",
    _SAVED + ": `{name}` comes from the import in cell {source}, which failed with "
    "`{evidence}`, so `{name}` was never bound.{run_all}",
    "Make `{top}` importable, then run cell {source} again: {how}")
_HOW_COLAB = ("on Colab, upload `{top}.py` again after every runtime restart, or write it "
              "from a cell with `%%writefile {top}.py`, or `%pip install` it if it is a "
              "package.")
_HOW_LOCAL = ("put `{top}.py` beside the notebook, or install it with `%pip install` if it "
              "is a package.")
_HOW_PACKAGE = ("`{top}` comes from the PyPI package `{dist}`: install it in a cell above "
                "with `%pip install {dist}`.")
RESTART_TEXT = Message(
    "restart/earlier-session",
    _SAVED + ": the kernel restarted before this run ({restart}), which cleared `{name}`. "
    "`{name}` is assigned in cell {source}, which last ran as {source_count} before the "
    "restart and has not run since.{run_all}",
    "After a restart, run cell {source} (or Run All Above) before this cell.")
OUT_OF_ORDER_TEXT = Message(
    "out-of-order/ran-later",
    _SAVED + ": `{name}` is assigned in cell {source} ({place} this one), which {when}."
    "{run_all}",
    "Run cell {source} before this one{better} " + _DOC_FIX)
DEFINED_BELOW_TEXT = Message(
    "defined-later/saved-ran-later",
    _SAVED + ": `{name}` is assigned only below this cell, in cell {source}, which {when}."
    "{run_all}",
    "Move the definition in cell {source} above cell {cell}{also}.")
DELETED_TEXT = Message(
    "deleted/saved-del",
    _SAVED + ": cell {source} deleted `{name}` (`del {name}`, run {source_count}) before this "
    "cell ran{again}.{run_all}",
    "Run a cell that assigns `{name}` after cell {source}, or remove the `del`. " + _DOC_FIX)
STALE_TEXT = Message(
    "hidden-state/stale-output",
    _SAVED + ", but the cell no longer reads `{name}`: it was edited after it ran, and the "
    "output is stale.",
    "Run the cell again to refresh its output. " + _DOC_FIX)
STALE_QUOTED_TEXT = Message(
    "hidden-state/stale-traceback",
    "{note}Restart & Run All does not fail on `{name}` here.",
    "Run the cell again to refresh its output. " + _DOC_FIX)
HIDDEN_TEXT = Message(
    "hidden-state/deleted-or-edited-cell",
    "This cell ran without error in the saved session ({count}) and read `{name}`, yet no "
    "cell of the notebook as saved bound `{name}` before it ran: a cell that was deleted, or "
    "edited after it ran, defined it{fits}. Restart & Run All raises NameError here.",
    "Restore the definition of `{name}` in a cell above this one.")
HIDDEN_IN_LOOP_TEXT = Message(
    "hidden-state/deleted-or-edited-cell-loop",
    "This cell ran without error in the saved session ({count}), and a loop in it reads "
    "`{name}`, yet no cell of the notebook as saved bound `{name}` before it ran: unless "
    "the loop ran no iteration, a cell that was deleted, or edited after it ran, defined "
    "it{fits}. Restart & Run All raises NameError here once the loop runs.",
    "Restore the definition of `{name}` in a cell above this one.")
EDITED_TEXT = Message(
    "hidden-state/edited-definition",
    _SAVED + ": cell {source}, which assigns `{name}` now, ran before it ({source_count}), "
    "yet `{name}` was not defined at this run: cell {source} was edited after it ran, and "
    "the version that ran did not assign `{name}`{why}{hidden}.{run_all}",
    "{fix}")
WHEN_NEVER_RAN = "was never run in the saved session (it has no execution count)"
WHEN_LATER_SESSION = ("ran at {source_count} in a later kernel session, after this cell's run "
                      "({restart})")
WHEN_LATER = "ran at {source_count}, after this cell's run"


def _fields(facts: Facts, history: History, read: SavedRead,
            code: Finding | None) -> dict[str, object]:
    """What every story's wording may use."""
    return {"name": read.name, "count": _count(facts, read.cell.index), "source": read.source,
            "source_count": _count(facts, read.source), "restart": history.restart_evidence,
            "run_all": _run_all_note(code, read.defined_below, read.name)}


def _severity(code: Finding | None) -> Severity:
    return code.severity if code is not None else Severity.WARNING


def _failure_evidence(facts: Facts, d: int) -> tuple[str, int | None]:
    """The saved error of failed cell ``d`` in one line, and the line it points at."""
    errors = facts.cells[d].errors
    if not errors:
        return "the cell is not valid Python", None
    return f"{failure_name(facts, d)}: {errors[0].evalue}"[:200], error_line(errors[0])


_COMPILE_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})


def _still_fails(code: Finding | None, d: int) -> str:
    if code is not None and code.cause is not None and code.severity is Severity.ERROR:
        return f" Restart & Run All fails here too ({code.cause.value})."
    # Not "Run All stops there": an earlier cell may stop it first, and an error that
    # depends on what ran before may not recur in the page's order.
    return f" Until cell {d} runs without that error, this cell fails the same way."


def _write_failed_definition(facts: Facts, history: History, read: SavedRead,
                             code: Finding | None) -> Finding:
    d, name = read.source, read.name
    ename = failure_name(facts, d)
    evidence, line = _failure_evidence(facts, d)
    fields = _fields(facts, history, read, code)
    fields.update(
        ename=ename,
        run_all=(_still_fails(code, d) if d < read.cell.index
                 else _run_all_note(code, read.defined_below, read.name)),
        what=(f"could not run at all (Python rejected its code with {ename})"
              if facts.cells[d].errors and ename in _COMPILE_ERRORS
              else f"raised {ename} before reaching the assignment" if facts.cells[d].errors
              else "is not valid Python, so it could not run at all"),
        ran=(f"ran before it ({_count(facts, d)})" if facts.execution_count(d) is not None
             else "is above it"))
    related = (facts.related("definition", site_of(facts, d, name)),
               Related("error", d, line, None, facts.execution_count(d), evidence))
    return _finding(facts, FAILED_DEFINITION, read, FAILED_DEFINITION_TEXT, fields, related,
                    _severity(code))


def _write_failed_import(facts: Facts, history: History, read: SavedRead,
                         code: Finding | None) -> Finding:
    d, name = read.source, read.name
    evidence, line = _failure_evidence(facts, d)
    match = MISSING_MODULE.search(evidence)
    top = match.group(1).split(".")[0] if match else name
    fields = _fields(facts, history, read, code)
    package = package_for(match.group(1) if match else top)
    how = (_HOW_COLAB if facts.notebook.is_colab else _HOW_LOCAL).format(top=top)
    if package is not None:
        how = _HOW_PACKAGE.format(top=top, dist=package.distribution)
    fields.update(evidence=evidence, top=top, run_all=_still_fails(code, d), how=how)
    related = (facts.related("import", site_of(facts, d, name)),
               Related("error", d, line, None, facts.execution_count(d), evidence))
    return _finding(facts, missing_module.RULE, read, FAILED_IMPORT_TEXT, fields, related,
                    _severity(code))


def _write_restart(facts: Facts, history: History, read: SavedRead,
                   code: Finding | None) -> Finding:
    proof = _restart_proof(facts, history, read)
    related = (facts.related("definition", site_of(facts, read.source, read.name)),
               Related("restart", read.cell.index, None, None, read.cell.execution_count,
                       proof))
    fields = _fields(facts, history, read, code)
    fields["restart"] = proof
    return _finding(facts, RESTART, read, RESTART_TEXT, fields, related, _severity(code))


def _restart_proof(facts: Facts, history: History, read: SavedRead) -> str:
    """The counts that prove the restart between the definition and this cell: this
    cell's own count shared with a cell of the earlier session, when it is."""
    run = history.run_of(read.cell.index)
    if history.timed or run is None:
        return history.restart_evidence
    twins = [other.cell for other in history.runs
             if other.count == run.count and other.session < run.session]
    if not twins:
        return history.restart_evidence
    return f"cell {twins[-1]} also ran as [{run.count}], and counts start again after a restart"


def _write_out_of_order(facts: Facts, history: History, read: SavedRead,
                        code: Finding | None) -> Finding:
    d, name, cell = read.source, read.name, read.cell
    fields = _fields(facts, history, read, code)
    order = read.orders[d]
    when = (WHEN_NEVER_RAN if order is Order.NEVER_RAN
            else WHEN_LATER_SESSION if order is Order.LATER_SESSION else WHEN_LATER)
    when = when.format(**fields)
    if failed_before_binding(facts, d, name):
        ename = failure_name(facts, d)
        when += f", and then raised {ename} before assigning `{name}`"
        if code is None and d < cell.index:
            fields["run_all"] = (f" Until cell {d} runs without the {ename}, this cell "
                                 f"fails the same way.")
    fields.update(when=when, place="above" if d < cell.index else "below",
                  better=(f"; better, move it above cell {cell.index}." if d > cell.index
                          else "."))
    related = (facts.related("definition", site_of(facts, d, name)),)
    if read.defined_below:
        fields.update(cell=read.cell.index, also=(
            f", and fix its {failure_name(facts, d)}" if failed_before_binding(facts, d, name)
            else ""))
        # Every definition is below: the page's order is the cause (defined-later), with
        # the counts that show it; the code could not tell it (a cell above stops Run
        # All, or a star import may bind the name).
        return _finding(facts, defined_later.RULE, read, DEFINED_BELOW_TEXT, fields, related,
                        _severity(code))
    return _finding(facts, OUT_OF_ORDER, read, OUT_OF_ORDER_TEXT, fields, related,
                    _severity(code))


def _write_deleted(facts: Facts, history: History, read: SavedRead,
                   code: Finding | None) -> Finding:
    d, name = read.source, read.name
    rebinding = [b for b, order in read.orders.items() if order is not Order.BEFORE]
    again = ""
    if rebinding:
        b = rebinding[0]
        again = (f"; cell {b}, which assigns it again, "
                 + ("never ran" if read.orders[b] is Order.NEVER_RAN
                    else f"ran only later ({_count(facts, b)})"))
    fields = _fields(facts, history, read, code)
    fields.update(again=again, run_all=_run_all_note(code, name=name))
    related = (Related("deletion", d, None, None, facts.execution_count(d), f"del {name}"),)
    return _finding(facts, deleted.RULE, read, DELETED_TEXT, fields, related, _severity(code))


def _write_edited(facts: Facts, history: History, read: SavedRead,
                  code: Finding | None) -> Finding:
    d, name = read.source, read.name
    fields = _fields(facts, history, read, code)
    if unparsable(facts, d):
        fields.update(
            why=" (that run ended without error, yet the cell is not valid Python now)",
            run_all=f" Until cell {d} is fixed, Restart & Run All cannot get past it.",
            fix=f"Fix the SyntaxError in cell {d}, run cell {d} again, then this cell.")
    else:
        fields.update(why="", run_all=(f" Restart & Run All does not fail on `{name}` here: "
                                       f"the saved output is stale."),
                      fix=f"Run cell {d} again, then this cell.")
    fields["hidden"] = _runs_not_shown(history, d, read.cell.index)
    related = (facts.related("definition", site_of(facts, d, name)),)
    return _finding(facts, HIDDEN_STATE, read, EDITED_TEXT, fields, related, _severity(code))


def _runs_not_shown(history: History, first: int, last: int) -> str:
    """The other story when counts between two runs are missing: a run the notebook no
    longer shows removed the name, or the kernel restarted and the counts overlap."""
    before, after = history.run_of(first), history.run_of(last)
    if before is None or after is None:
        return ""
    shown = {run.count for run in history.runs if run.session == after.session}
    missing = [c for c in range(before.count + 1, after.count) if c not in shown]
    if not missing:
        return ""
    counts = (f"[{missing[0]}]" if len(missing) == 1
              else f"the counts {missing[0]}-{missing[-1]}" if missing[-1] - missing[0] + 1
              == len(missing) else f"{len(missing)} counts between them")
    return (f"; or a run the notebook no longer shows ({counts} missing) deleted it or "
            f"restarted the kernel")


_WRITERS = {
    Story.DELETED: _write_deleted,
    Story.FAILED_DEFINITION: _write_failed_definition,
    Story.FAILED_IMPORT: _write_failed_import,
    Story.RESTART: _write_restart,
    Story.OUT_OF_ORDER: _write_out_of_order,
    Story.EDITED: _write_edited,
}


def _stale_output(facts: Facts, cell: Cell, name: str) -> Finding | None:
    """A saved NameError for a name the cell's source no longer reads: it was edited."""
    if reads(facts, cell, name) or evaluates_text(facts, cell):
        return None  # read here, or code built from text (``eval(input())``) named it
    if any(use.name == name for found in facts.cell_facts.values()
           for use in found.function_reads):
        return None  # a function this cell calls may read it
    return _finding(facts, HIDDEN_STATE, SavedRead(cell, name, None, cell.index, {}, False),
                    STALE_TEXT, {"name": name, "count": _count(facts, cell.index)}, (),
                    Severity.INFO)


def _hidden_state(facts: Facts, history: History, code: Finding,
                  in_loop: bool = False) -> Finding | None:
    """A code finding in a cell that ran without error: the name was bound somehow (or,
    for a read ``in_loop``, the loops around it ran no iteration)."""
    cell = facts.cells.get(code.cell)
    name = code.name
    if cell is None or name is None or not ran(cell) or cell.errors:
        return None
    if cell.output_count == 0 and not _outputs_kept(facts):
        return None  # its outputs, an error among them maybe, were not saved
    if _third_party_star_import(facts):
        return None  # an older version of that package may have bound the name
    if name in _PYTHON2_BUILTINS:
        return None  # a Python 2 kernel provides it
    if definitions(facts, name, cell.index):
        # A cell that binds it may have run before too: only its last run is saved.
        return None
    gap = history.gap_before(cell.index)
    fits = (f"; the counts {gap[0]}-{gap[1]} missing before this run fit such a cell"
            if gap and gap[0] != gap[1] else
            f"; the missing count [{gap[0]}] before this run fits such a cell" if gap else "")
    message = HIDDEN_IN_LOOP_TEXT if in_loop else HIDDEN_TEXT
    key = message.key
    text, fix = message.render({"name": name, "count": _count(facts, cell.index),
                                "fits": fits})
    # A typo's related definitions bind its close name, not this one: they are no part
    # of this story (a commented-out definition of the name, a repeat, still are).
    related = tuple(r for r in code.related
                    if not (code.cause is Cause.TYPO and r.role == "definition"))
    return replace(code, code=HIDDEN_STATE.code, cause=Cause.HIDDEN_STATE, message=text,
                   fix=fix, suggestion=None, evidence=Evidence.SAVED_SESSION, message_key=key,
                   related=related)


def _outputs_kept(facts: Facts) -> bool:
    """Whether the saved notebook kept its outputs, so that a cell with a count and no
    output ran to its end without raising (an error is saved as an output). Clearing
    outputs in Jupyter, nbconvert or nbstripout clears the counts too; a notebook saved
    with counts but no output in any cell (``nbstripout --keep-count``, an editor that
    drops outputs), or with a cell that shows something whenever it runs (a ``print``)
    saved with a count and no output, proves nothing."""
    cells = facts.notebook.code_cells
    return any(ran(cell) and cell.output_count > 0 for cell in cells) and not any(
        ran(cell) and cell.output_count == 0 and shows_output(cell.source) for cell in cells)


_PYTHON2_BUILTINS = frozenset({
    "xrange", "raw_input", "reload", "unicode", "basestring", "long", "unichr", "execfile",
    "file", "cmp", "reduce", "apply", "buffer", "intern", "coerce"})


def _third_party_star_import(facts: Facts) -> bool:
    return any(record.star and record.module.split(".")[0] not in sys.stdlib_module_names
               for cell in facts.cell_facts.values() for record in cell.imports)


def _run_all_note(code: Finding | None, defined_below: bool = False,
                  name: str | None = None) -> str:
    if code is None and defined_below:
        return (" Restart & Run All fails here too: no cell above this one assigns it.")
    if code is None:
        # On this name only: another name of the cell, or a cell above, may still fail.
        on = f" on `{name}`" if name else ""
        return (f" Restart & Run All does not fail{on} here: the saved output is stale, left "
                f"by the order the cells were run in.")
    if code.severity is Severity.ERROR:
        return f" Restart & Run All fails here too ({code.cause.value if code.cause else ''})."
    return ""


def _finding(facts: Facts, rule: Rule, read: SavedRead, message: Message,
             fields: dict[str, object], related: tuple[Related, ...],
             severity: Severity) -> Finding:
    span = _failing_read(facts, read.cell, read.name)
    return facts.finding(rule, read.name, Site(read.cell.index, span), message, fields,
                         related=related, severity=severity, evidence=Evidence.SAVED_SESSION)


def _failing_read(facts: Facts, cell: Cell, name: str) -> Span | None:
    """Where the saved NameError was raised: a read of the name on the line its traceback
    names, else the first read nbscope judged in the cell, else the first mention."""
    program = facts.irs.get(cell.index)
    reads = [use.site.span for use in _uses(program.body, name)
             if use.site.span is not None] if program is not None else []
    found = facts.cell_facts.get(cell.index)
    if found is not None:
        reads += [use.site.span for use in found.function_reads
                  if use.name == name and use.site.span is not None]
    lines = cell.source.split("\n")
    for error in cell.errors:
        if error.ename == "NameError" and f"'{name}'" in error.evalue:
            line = error_line(error)
            on_line = [span for span in reads if span.line == line]
            if on_line:
                return min(on_line, key=lambda span: span.column)
            if line is not None and 1 <= line <= len(lines) and not reads:
                mention = read_span(lines[line - 1], name)  # a cell with no lowered code
                if mention is not None:
                    return Span(line, mention.column, line, mention.end_column)
    first = _first_use(program.body, name) if program is not None else None
    return first if first is not None else read_span(cell.source, name)


def _uses(ops: Iterable[Op], name: str) -> Iterator[Use]:
    """The reads of ``name`` in a cell's program, ``del name`` (which needs it) included."""
    for op in walk(ops):
        if isinstance(op, Use) and op.name == name:
            yield op
        elif isinstance(op, Delete) and op.check is not None and op.check.name == name:
            yield op.check


def _first_use(ops: Iterable[Op], name: str) -> Span | None:
    return next((op.site.span for op in walk(ops) if isinstance(op, Use) and op.name == name
                 and op.site.span is not None), None)


