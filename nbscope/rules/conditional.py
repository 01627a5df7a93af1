"""NS006 conditional: a name bound before its use on some paths only."""

from __future__ import annotations

from ..dataflow.ir import Call, Event, EventKind, Guard, Site, Use, in_order, only_loops_between
from ..findings import Cause, Finding, Severity
from .base import Facts, Message, Rule, where

RULE = Rule(
    code="NS006",
    name="conditional",
    cause=Cause.CONDITIONAL,
    severity=Severity.WARNING,
    summary="A name is bound only on some paths before it is used (an `if`, a loop, a `try`).",
    doc="""\
## What it does
Finds reads of names that are assigned before the read only on some paths: inside
an `if` without an `else` that assigns too, in a loop that may run zero times,
in a `try` block that may fail first, or deleted on some path.

## Why is this bad?
The notebook works as long as the branch you happened to take binds the name.
With other data (an empty loop, a failing `try`, a flag set the other way) the
same cell raises `NameError`.

## Example
```python
if use_custom:
    threshold = 0.7
print(threshold)
```

A name bound only inside a loop gets this finding at `info` severity: loops
over data nearly always run, and the finding only says what happens if one
does not. That holds as long as some binding sits in loops only: one under an
`if` inside the loop adds nothing when the loop body binds the name anyway,
but a binding only under an `if` (inside the loop or around it) is a warning.
A `for` over a non-empty literal (`[1, 2]`, `'ab'`, `{'k': 1}`, `range(3)`, a
dict literal's `.items()`, `.keys()` or `.values()`), or over a name every cell
binds only to such a literal and nothing empties (`xs.clear()`, `del xs[:]`), or
over a function's local whose one assignment is such a literal, surely runs: it
gets no finding at all.

## Use instead
Give the name a value on every path:
```python
threshold = 0.5
if use_custom:
    threshold = 0.7
print(threshold)
```
""",
)

# --- wording: a subject (which read, seen from where) and what makes it uncertain
SUBJECT = "`{name}` may be unbound here"
SUBJECT_IN_FUNCTION = "`{name}` may be unbound here when `{function}` runs"
SUBJECT_AT_CALL = ("`{outer}()` is called here, and `{inner}` reads `{name}` ({read_at}), "
                   "which may be unbound at this call")
DELETED_ON_SOME_PATHS = Message(
    "conditional/deleted",
    "{subject}: it is deleted on some paths ({place}).",
    "Make sure `{name}` is assigned again after the deletion on every path.")
GUARDED = Message(
    "conditional/guarded",
    "{subject}: it is assigned only inside {construct} ({place}), so when {failing}, this "
    "line raises NameError.",
    "Give `{name}` a value before the branch (a default), or assign it on every path.")
SOME_PATHS = Message(
    "conditional/some-paths",
    "{subject}: it is assigned before this line only on some paths.",
    "Give `{name}` a value before the branch (a default), or assign it on every path.")
_GUARDS = {
    Guard.IF: ("an `if` branch", "the branch is not taken"),
    Guard.FOR: ("a `for` loop", "the loop runs zero times"),
    Guard.WHILE: ("a `while` loop", "the loop runs zero times"),
    Guard.TRY: ("a `try` block", "the `try` block fails before that line"),
    Guard.EXCEPT: ("an `except` handler", "no exception happens"),
    Guard.MATCH: ("a `case` of a `match`", "no such case matches"),
}


def _initial_only(events: frozenset[Event]) -> bool:
    """Whether something other than "not bound yet" makes the name uncertain."""
    return any(e.kind not in (EventKind.BIND, EventKind.INITIAL) for e in events)


def _loops_decide(use: Use, binds: list[Event]) -> bool:
    """Whether the name is bound whenever the loops around a binding run: some binding
    that reaches the read is enclosed, apart from what encloses the read too, by loops
    only (no ``if``, ``try`` or ``match``), so only a loop that runs zero times leaves it
    unbound; bindings under an ``if`` inside such a loop add no other way to fail."""
    return any(only_loops_between(use.guard_path, e.guard_path) for e in binds)


def finding(facts: Facts, use: Use, at: Site, events: frozenset[Event],
            calls: tuple[Call, ...], function: str | None = None) -> Finding:
    name = use.name
    severity = RULE.severity
    # ``in_order``, not a sort by line alone: two bindings on one line (``y += (y := k)``)
    # must be listed the same way in every run.
    binds = [e for e in in_order(events) if e.kind is EventKind.BIND and e.site]
    deletions = [e for e in in_order(events) if e.kind is EventKind.DELETE and e.site]
    related = [facts.related("definition", e.site) for e in binds[:3]]
    fields: dict[str, object] = {"name": name, "function": function}
    subject = SUBJECT_IN_FUNCTION if function else SUBJECT
    if calls:
        subject = SUBJECT_AT_CALL
        fields.update(outer=calls[0].name, inner=calls[-1].name,
                      read_at=where(use.site, at.cell))
        related.append(facts.related("use", use.site))
    fields["subject"] = subject.format(**fields)
    if deletions:
        deletion = deletions[0]
        assert deletion.site is not None
        related.append(facts.related("deletion", deletion.site))
        message = DELETED_ON_SOME_PATHS
        fields["place"] = where(deletion.site, at.cell)
    else:
        guarded = next((e for e in binds if e.guard), None)
        if _loops_decide(use, binds) and not _initial_only(events):
            severity = Severity.INFO
        message = SOME_PATHS
        if guarded is not None and guarded.site is not None and guarded.guard in _GUARDS:
            message = GUARDED
            construct, failing = _GUARDS[guarded.guard]
            fields.update(construct=construct, failing=failing,
                          place=where(guarded.site, at.cell))
    return facts.finding(RULE, name, at, message, fields, related=tuple(related),
                         severity=severity)
